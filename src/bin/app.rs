//! The browser app's entry point (built by Trunk).

#[cfg(target_arch = "wasm32")]
fn main() {
    provlens::ui::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("The provlens app runs in the browser: start it with `make serve`.");
}
