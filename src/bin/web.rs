//! The browser build's one entry point. The same wasm module runs twice: on the page, where it
//! renders the app, and in the Web Worker the app starts, where it reads files and analyzes.
//! One module instead of two means the code both need (the core's types, serde, the allocator,
//! the standard library) is downloaded and compiled once.

#[cfg(target_arch = "wasm32")]
fn main() {
    use wasm_bindgen::JsCast;
    // wasm-bindgen's `instanceof` check is guarded, so it is simply false in a worker, where
    // `Window` does not exist.
    if js_sys::global().dyn_ref::<web_sys::Window>().is_some() {
        provlens::ui::start();
    } else {
        provlens::worker::start();
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("provlens runs in the browser: start it with `make serve`.");
}
