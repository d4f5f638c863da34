// Starts provlens on the page. The glue loaded just before this file (wasm-bindgen's no-modules
// kind, which defines `wasm_bindgen`) belongs to the one wasm module that is both the page's app
// and its Web Worker. Trunk's inline start-up script is not used: the page's
// Content-Security-Policy (script-src 'self') forbids inline script.
const tag = document.currentScript;
const base = document.baseURI;
// The app starts its worker from the same glue (hashed name), resolved here once.
globalThis.provlensGlueUrl = new URL(tag.dataset.glue, base).href;
wasm_bindgen({ module_or_path: new URL(tag.dataset.wasm, base) });
