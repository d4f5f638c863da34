//! The pure core: bytes in, data set and analyses out. No browser types, no clock, no I/O.
//!
//! sniff → parse → store (model) → analyze → findings. Everything here is tested natively.

pub mod analyze;
pub mod filters;
pub mod findings;
pub mod gen;
pub mod ingest;
pub mod kb;
pub mod lifecycle;
pub mod parse;
pub mod progress;
pub mod pseudo;
pub mod report;
pub mod report_html;
pub mod session;
pub mod sniff;
pub mod sort;
pub mod url;
pub mod vecmap;
pub mod view;
pub mod wire;

// The event model, its store, and the decoding of timestamps and numbers live in the
// `provlens-parse` crate (crates/provlens-parse), compiled for speed in the browser build.
pub use provlens_parse::{model, number, time};
