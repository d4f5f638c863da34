//! The part of provlens every byte of an export goes through: the normalized event model and
//! the compact store that interns its strings ([`model`]), the JSON framer that cuts a stream
//! into records ([`frame`]), the record decoder for every JSON shape ([`record`]), and the
//! timestamp and number spellings the exports use ([`time`], [`number`]).
//!
//! It is re-exported by `provlens::core` (as `core::model`, `core::parse::frame`, …) and has no
//! browser types. It is a crate of its own only so that the browser build can compile it for
//! speed while the rest of the module is compiled for size.

pub mod frame;
pub mod model;
pub mod number;
pub mod record;
pub mod time;
