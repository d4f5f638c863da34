//! The export built into the app for "Open demo data": a realistic tenant generated on the spot
//! by the core's seeded generator (a few thousand events over five days, with planted problems),
//! so the wasm carries the generator instead of megabytes of JSON.

use std::rc::Rc;

use crate::worker::read::Source;

/// The demo files, read through the same chunked path as dropped files.
pub fn demo_sources() -> Vec<Source> {
    crate::core::gen::demo_files()
        .into_iter()
        .map(|(name, bytes)| Source::Embedded {
            name,
            bytes: Rc::from(bytes),
        })
        .collect()
}
