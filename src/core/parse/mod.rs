//! Parsers: one module per wire shape, each turning bytes into event drafts and positioned issues.

pub mod csv;
// The JSON framer and record decoder: see crates/provlens-parse.
pub use provlens_parse::{frame, record};
