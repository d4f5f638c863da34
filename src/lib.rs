//! provlens: an offline analyzer for Microsoft Entra ID provisioning logs.
//!
//! `core` is pure Rust and runs natively and in WebAssembly; `ui` (Yew) and `worker`
//! (gloo-worker) exist only in the browser build; `cli` only in the native build.

pub mod core;

#[cfg(not(target_arch = "wasm32"))]
pub mod cli;

#[cfg(target_arch = "wasm32")]
pub mod ui;

#[cfg(target_arch = "wasm32")]
pub mod worker;

/// The version shown in the app, the CLI and reports.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
