//! Test 6.1.12 (Language): a `language_t` value must be a well-formed BCP 47 tag (RFC 5646
//! section 2.1) whose primary language subtag exists.
//!
//! Existence is checked for two-letter primary subtags against ISO 639-1 (all of which are in
//! the IANA registry); three-letter subtags (ISO 639-2/3, thousands of them) are accepted when
//! well formed, and four- to eight-letter primary subtags are rejected (none are registered).
//! Script, region and variant subtags are checked for form only.

/// ISO 639-1 two-letter codes, including those the IANA registry keeps as deprecated.
const ISO_639_1: &[&str] = &[
    "aa", "ab", "ae", "af", "ak", "am", "an", "ar", "as", "av", "ay", "az", "ba", "be", "bg", "bh",
    "bi", "bm", "bn", "bo", "br", "bs", "ca", "ce", "ch", "co", "cr", "cs", "cu", "cv", "cy", "da",
    "de", "dv", "dz", "ee", "el", "en", "eo", "es", "et", "eu", "fa", "ff", "fi", "fj", "fo", "fr",
    "fy", "ga", "gd", "gl", "gn", "gu", "gv", "ha", "he", "hi", "ho", "hr", "ht", "hu", "hy", "hz",
    "ia", "id", "ie", "ig", "ii", "ik", "in", "io", "is", "it", "iu", "iw", "ja", "ji", "jv", "jw",
    "ka", "kg", "ki", "kj", "kk", "kl", "km", "kn", "ko", "kr", "ks", "ku", "kv", "kw", "ky", "la",
    "lb", "lg", "li", "ln", "lo", "lt", "lu", "lv", "mg", "mh", "mi", "mk", "ml", "mn", "mo", "mr",
    "ms", "mt", "my", "na", "nb", "nd", "ne", "ng", "nl", "nn", "no", "nr", "nv", "ny", "oc", "oj",
    "om", "or", "os", "pa", "pi", "pl", "ps", "pt", "qu", "rm", "rn", "ro", "ru", "rw", "sa", "sc",
    "sd", "se", "sg", "sh", "si", "sk", "sl", "sm", "sn", "so", "sq", "sr", "ss", "st", "su", "sv",
    "sw", "ta", "te", "tg", "th", "ti", "tk", "tl", "tn", "to", "tr", "ts", "tt", "tw", "ty", "ug",
    "uk", "ur", "uz", "ve", "vi", "vo", "wa", "wo", "xh", "yi", "yo", "za", "zh", "zu",
];

/// Tags RFC 5646 lists as grandfathered (irregular and regular).
const GRANDFATHERED: &[&str] = &[
    "en-gb-oed",
    "i-ami",
    "i-bnn",
    "i-default",
    "i-enochian",
    "i-hak",
    "i-klingon",
    "i-lux",
    "i-mingo",
    "i-navajo",
    "i-pwn",
    "i-tao",
    "i-tay",
    "i-tsu",
    "sgn-be-fr",
    "sgn-be-nl",
    "sgn-ch-de",
    "art-lojban",
    "cel-gaulish",
    "no-bok",
    "no-nyn",
    "zh-guoyu",
    "zh-hakka",
    "zh-min",
    "zh-min-nan",
    "zh-xiang",
];

fn alpha(s: &str, min: usize, max: usize) -> bool {
    (min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphabetic())
}

fn alnum(s: &str, min: usize, max: usize) -> bool {
    (min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

fn digits(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
}

/// Why `tag` is not a valid language tag, or `None` when it is.
pub(crate) fn problem(tag: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    if GRANDFATHERED.contains(&lower.as_str()) {
        return None;
    }
    let parts: Vec<&str> = lower.split('-').collect();
    let mut it = parts.iter().copied().peekable();
    let Some(first) = it.next() else {
        return Some("the tag is empty".into());
    };
    if first == "x" {
        return if parts.len() > 1 && parts.iter().skip(1).all(|p| alnum(p, 1, 8)) {
            None
        } else {
            Some(format!("`{tag}` is not a well-formed private-use tag"))
        };
    }
    if !alpha(first, 2, 8) {
        return Some(format!(
            "`{first}` is not a language subtag (2 to 8 letters)"
        ));
    }
    match first.len() {
        2 if !ISO_639_1.contains(&first) => {
            return Some(format!(
                "`{first}` is not an ISO 639-1 language code, so no such language subtag exists"
            ));
        }
        4 => {
            return Some(format!(
                "`{first}`: four-letter language subtags are reserved"
            ));
        }
        5..=8 => {
            return Some(format!("`{first}` is not a registered language subtag"));
        }
        _ => {}
    }
    // extlang (up to three), only after a 2-3 letter language
    let mut extlangs = 0;
    while let Some(p) = it.peek() {
        if first.len() <= 3 && alpha(p, 3, 3) && extlangs < 3 {
            extlangs += 1;
            it.next();
        } else {
            break;
        }
    }
    if let Some(p) = it.peek()
        && alpha(p, 4, 4)
    {
        it.next(); // script
    }
    if let Some(p) = it.peek()
        && (alpha(p, 2, 2) || digits(p, 3))
    {
        it.next(); // region
    }
    let mut seen_variants: Vec<&str> = Vec::new();
    while let Some(p) = it.peek().copied() {
        let variant = alnum(p, 5, 8)
            || (p.len() == 4
                && p.as_bytes().first().is_some_and(u8::is_ascii_digit)
                && alnum(p, 4, 4));
        if !variant {
            break;
        }
        if seen_variants.contains(&p) {
            return Some(format!("variant `{p}` is repeated"));
        }
        seen_variants.push(p);
        it.next();
    }
    let mut singletons: Vec<&str> = Vec::new();
    while let Some(p) = it.next() {
        if p == "x" {
            let rest: Vec<&str> = it.collect();
            return if !rest.is_empty() && rest.iter().all(|r| alnum(r, 1, 8)) {
                None
            } else {
                Some(format!(
                    "`{tag}` has an empty or malformed private-use part"
                ))
            };
        }
        if !(p.len() == 1 && p.bytes().all(|b| b.is_ascii_alphanumeric())) {
            return Some(format!(
                "`{p}` in `{tag}` is not a valid subtag at that position"
            ));
        }
        if singletons.contains(&p) {
            return Some(format!("extension `{p}` is repeated in `{tag}`"));
        }
        singletons.push(p);
        let mut count = 0;
        while let Some(q) = it.peek() {
            if alnum(q, 2, 8) {
                count += 1;
                it.next();
            } else {
                break;
            }
        }
        if count == 0 {
            return Some(format!("extension `{p}` in `{tag}` has no subtags"));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::problem;

    #[test]
    fn accepts_real_tags_and_rejects_invented_ones() {
        for ok in [
            "en",
            "en-US",
            "de-DE",
            "zh-Hant-TW",
            "sr-Latn-RS",
            "es-419",
            "gsw",
            "i-klingon",
            "x-private",
            "en-GB-oed",
            "de-CH-1996",
            "en-a-bbb-x-a-ccc",
            "qaa",
        ] {
            assert_eq!(problem(ok), None, "{ok}");
        }
        for bad in [
            "EZ",
            "",
            "english",
            "en-",
            "en--US",
            "q1",
            "en-US-x",
            "de-DE-1996-1996",
            "abcd",
        ] {
            assert!(problem(bad).is_some(), "{bad}");
        }
    }
}
