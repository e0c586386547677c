//! Static audits of CI workflows.
