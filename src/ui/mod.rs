//! The Yew shell: components render the summaries the worker sends; nothing here parses.

pub mod app;
pub mod browser;
pub mod charts;
pub mod components;
pub mod state;

/// Starts the app; called by the app binary.
pub fn start() {
    browser::install_panic_hook();
    yew::Renderer::<app::App>::new().render();
}
