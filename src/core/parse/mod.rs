//! Parsers: one module per wire shape, each turning bytes into event drafts and positioned issues.

pub mod csv;
pub mod frame;
pub mod record;
