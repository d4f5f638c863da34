//! The Yew shell.

pub fn start() {}
