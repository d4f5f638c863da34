// Starts the app: loads the wasm-bindgen glue and the wasm named on the <script> tag that
// loaded this file. It replaces Trunk's inline start-up script, which the page's
// Content-Security-Policy (script-src 'self') would block.
const tag = document.querySelector('script[data-app-js]');
const base = document.baseURI;
const glue = await import(new URL(tag.dataset.appJs, base).href);
await glue.default({ module_or_path: new URL(tag.dataset.appWasm, base) });
