//! The Web Worker's entry point: parsing and analysis run here, off the page's thread.

#[cfg(target_arch = "wasm32")]
fn main() {
    provlens::worker::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("The provlens worker runs in the browser: start the app with `make serve`.");
}
