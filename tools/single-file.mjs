// Writes dist/provlens.html: the whole app in one file that works when opened from file:// with
// no server. Run by `make dist` (and the release build of `make test`) after `trunk build`.
//
// - The styles go into one <style> element.
// - The app's wasm-bindgen glue (an ES module) is inlined into one <script type="module">, its
//   `export` line dropped; its wasm is inlined as base64 and passed to the glue's init as bytes.
// - The worker's glue (no-modules build) and its wasm (base64) become one script that the page
//   turns into a Blob URL and publishes as `globalThis.provlensWorkerUrl`; the app starts its
//   worker from that URL instead of `worker.js`.
// - The file's own Content-Security-Policy allows exactly that script and that style, by their
//   SHA-256, plus compiling wasm; it allows no network request at all (connect-src 'none').
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const dist = process.argv[2] ?? 'dist';
const out = join(dist, 'provlens.html');

const index = await readFile(join(dist, 'index.html'), 'utf8');
const attr = (re, what) => {
  const m = index.match(re);
  if (!m) throw new Error(`dist/index.html: cannot find ${what}`);
  return m[1];
};
const appJs = attr(/data-app-js="\.?\/?([^"]+)"/, 'the app glue (data-app-js)');
const appWasm = attr(/data-app-wasm="\.?\/?([^"]+)"/, 'the app wasm (data-app-wasm)');
const css = attr(/<link rel="stylesheet" href="\.?\/?([^"]+)"/, 'the stylesheet');
const icon = attr(/<link\s+rel="icon"\s+href="([^"]+)"/, 'the icon');

const [glue, wasm, style, workerGlue, workerWasm] = await Promise.all([
  readFile(join(dist, appJs), 'utf8'),
  readFile(join(dist, appWasm)),
  readFile(join(dist, css), 'utf8'),
  readFile(join(dist, 'worker.js'), 'utf8'),
  readFile(join(dist, 'worker_bg.wasm')),
]);

const exportLine = /^export \{[^}]*\};?\s*$/m;
if (!exportLine.test(glue)) throw new Error(`${appJs}: no export line to drop`);
if (!/^async function __wbg_init\b/m.test(glue)) throw new Error(`${appJs}: no __wbg_init`);
const appGlue = glue.replace(exportLine, '');

const decode = 'Uint8Array.from(atob(b), (c) => c.charCodeAt(0))';
const workerSource =
  `${workerGlue}\n` +
  `wasm_bindgen({ module_or_path: ((b) => ${decode})(${JSON.stringify(workerWasm.toString('base64'))}) });\n`;

const script = [
  '// provlens, single-file build: everything below runs from this file; nothing is fetched.',
  `globalThis.provlensWorkerUrl = URL.createObjectURL(new Blob([${JSON.stringify(workerSource)}], { type: 'text/javascript' }));`,
  appGlue,
  `await __wbg_init({ module_or_path: ((b) => ${decode})(${JSON.stringify(wasm.toString('base64'))}) });`,
  '',
].join('\n');

for (const [what, text, end] of [['script', script, '</script'], ['style', style, '</style']]) {
  if (text.toLowerCase().includes(end)) throw new Error(`the inlined ${what} contains ${end}`);
}

const sha = (text) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
export const csp = [
  "default-src 'none'",
  `script-src ${sha(script)} 'wasm-unsafe-eval'`,
  `style-src ${sha(style)}`,
  'worker-src blob:',
  'img-src data: blob:',
  "connect-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="color-scheme" content="light dark">
<title>provlens — Entra ID provisioning-log analyzer</title>
<link rel="icon" href="${icon}">
<style>${style}</style>
<script type="module">${script}</script>
</head>
<body>
<noscript>provlens needs JavaScript and WebAssembly; it runs entirely in this browser.</noscript>
</body>
</html>
`;
await writeFile(out, html);
console.log(`${out}: ${html.length} bytes, one file (app, worker, wasm, styles inlined)`);
console.log(`CSP: ${csp}`);
