//! Analyses over a data set. Each is an accumulator (`add`, `merge`, `finish`) so that one pass
//! over any subset of events, in any number of chunks, gives the same deterministic result.

pub mod columns;
pub mod dims;
pub mod identity;
pub mod overview;
pub mod query;
pub mod totals;
