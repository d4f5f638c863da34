//! The Web Worker.

pub fn start() {}
