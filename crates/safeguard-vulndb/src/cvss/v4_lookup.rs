//! CVSS v4.0 data published with the specification (FIRST's reference calculator data):
//! the score of every macro vector, the highest-severity vectors of each equivalence class
//! and the depth of each class ("max severity"). Severity levels are integers here: the
//! position of a value from the most severe one (AV: N 0, A 1, L 2, P 3; SC: H 1, L 2, N 3;
//! SI/SA: S 0, H 1, L 2, N 3; and so on).

/// No macro vector with these equivalence classes exists (EQ3 = 2 with EQ6 = 0).
pub(super) const NA: u8 = u8::MAX;

/// Score of each macro vector in tenths, indexed by
/// `((((eq1 × 2 + eq2) × 3 + eq3) × 3 + eq4) × 3 + eq5) × 2 + eq6`.
/// Each row holds one (EQ1, EQ2, EQ3) triple; within it EQ4, then EQ5, then EQ6 vary.
#[rustfmt::skip]
pub(super) static MACRO_SCORES: [u8; 324] = [
    // EQ1=0 EQ2=0 EQ3=0
    100, 99, 98, 95, 95, 92, 100, 96, 93, 87, 91, 81, 93, 90, 89, 80, 81, 68,
    // EQ1=0 EQ2=0 EQ3=1
    98, 95, 95, 92, 90, 84, 93, 92, 89, 81, 81, 65, 88, 80, 78, 70, 69, 48,
    // EQ1=0 EQ2=0 EQ3=2
    NA, 92, NA, 82, NA, 72, NA, 79, NA, 69, NA, 50, NA, 69, NA, 55, NA, 27,
    // EQ1=0 EQ2=1 EQ3=0
    99, 97, 95, 92, 92, 85, 95, 91, 90, 83, 84, 71, 92, 81, 82, 71, 72, 53,
    // EQ1=0 EQ2=1 EQ3=1
    95, 93, 92, 85, 85, 73, 92, 82, 80, 72, 70, 59, 84, 70, 71, 52, 50, 30,
    // EQ1=0 EQ2=1 EQ3=2
    NA, 86, NA, 75, NA, 52, NA, 71, NA, 52, NA, 29, NA, 63, NA, 29, NA, 17,
    // EQ1=1 EQ2=0 EQ3=0
    98, 95, 94, 87, 91, 81, 94, 89, 86, 74, 77, 64, 87, 75, 74, 63, 63, 49,
    // EQ1=1 EQ2=0 EQ3=1
    94, 89, 88, 77, 76, 67, 86, 76, 74, 58, 59, 50, 72, 57, 57, 52, 52, 25,
    // EQ1=1 EQ2=0 EQ3=2
    NA, 83, NA, 70, NA, 54, NA, 65, NA, 58, NA, 26, NA, 53, NA, 21, NA, 13,
    // EQ1=1 EQ2=1 EQ3=0
    95, 90, 88, 76, 76, 70, 90, 77, 75, 62, 61, 53, 77, 66, 68, 59, 52, 30,
    // EQ1=1 EQ2=1 EQ3=1
    89, 78, 76, 67, 62, 58, 74, 59, 57, 57, 47, 23, 61, 52, 57, 29, 24, 16,
    // EQ1=1 EQ2=1 EQ3=2
    NA, 71, NA, 59, NA, 30, NA, 58, NA, 26, NA, 15, NA, 23, NA, 13, NA, 6,
    // EQ1=2 EQ2=0 EQ3=0
    93, 87, 86, 72, 75, 58, 86, 74, 74, 61, 56, 34, 70, 54, 52, 40, 40, 22,
    // EQ1=2 EQ2=0 EQ3=1
    85, 75, 74, 55, 62, 51, 72, 57, 55, 41, 46, 19, 53, 36, 34, 19, 19, 8,
    // EQ1=2 EQ2=0 EQ3=2
    NA, 64, NA, 51, NA, 20, NA, 47, NA, 21, NA, 11, NA, 24, NA, 9, NA, 4,
    // EQ1=2 EQ2=1 EQ3=0
    88, 75, 73, 53, 60, 50, 73, 55, 59, 40, 41, 20, 54, 43, 45, 22, 20, 11,
    // EQ1=2 EQ2=1 EQ3=1
    75, 55, 58, 45, 40, 21, 61, 51, 48, 18, 20, 9, 46, 18, 17, 7, 8, 2,
    // EQ1=2 EQ2=1 EQ3=2
    NA, 53, NA, 24, NA, 14, NA, 24, NA, 12, NA, 5, NA, 10, NA, 3, NA, 1,
];

/// Highest-severity (AV, PR, UI) levels of each EQ1 class.
pub(super) static EQ1_MAX: [&[[u8; 3]]; 3] = [
    &[[0, 0, 0]],
    &[[1, 0, 0], [0, 1, 0], [0, 0, 1]],
    &[[3, 0, 0], [1, 1, 1]],
];

/// Highest-severity (AC, AT) levels of each EQ2 class.
pub(super) static EQ2_MAX: [&[[u8; 2]]; 2] = [&[[0, 0]], &[[1, 0], [0, 1]]];

/// Highest-severity (VC, VI, VA, CR, IR, AR) levels of each joint EQ3/EQ6 class, indexed
/// `eq3 × 2 + eq6` (EQ3 = 2 with EQ6 = 0 does not exist).
pub(super) static EQ3_EQ6_MAX: [&[[u8; 6]]; 6] = [
    &[[0, 0, 0, 0, 0, 0]],
    &[[0, 0, 1, 1, 1, 0], [0, 0, 0, 1, 1, 1]],
    &[[1, 0, 0, 0, 0, 0], [0, 1, 0, 0, 0, 0]],
    &[
        [1, 0, 1, 0, 1, 0],
        [1, 0, 0, 0, 1, 1],
        [0, 1, 0, 1, 0, 1],
        [0, 1, 1, 1, 0, 0],
        [1, 1, 0, 0, 0, 1],
    ],
    &[],
    &[[1, 1, 1, 0, 0, 0]],
];

/// Highest-severity (SC, SI, SA) levels of each EQ4 class.
pub(super) static EQ4_MAX: [&[[u8; 3]]; 3] = [&[[1, 0, 0]], &[[1, 1, 1]], &[[2, 2, 2]]];

/// Depth of each EQ1 class (the published max severity distances).
pub(super) const EQ1_DEPTH: [u8; 3] = [1, 4, 5];
/// Depth of each EQ2 class.
pub(super) const EQ2_DEPTH: [u8; 2] = [1, 2];
/// Depth of each joint EQ3/EQ6 class, indexed `eq3 × 2 + eq6` (0 where none exists).
pub(super) const EQ3_EQ6_DEPTH: [u8; 6] = [7, 6, 8, 8, 0, 10];
/// Depth of each EQ4 class.
pub(super) const EQ4_DEPTH: [u8; 3] = [6, 5, 4];
