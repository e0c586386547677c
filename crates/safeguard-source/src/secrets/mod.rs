//! Secret detection: rules and the scanning engine.
