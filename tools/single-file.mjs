// Writes dist/provlens.html: the whole app in one file that works when opened from file:// with
// no server. Run by `make dist` (and the release build of `make test`) after `trunk build`.
//
// - The styles go into one <style> element.
// - The page's one script holds the wasm-bindgen glue (no-modules kind) and the wasm module as
//   base64, written once; it starts the module on the page from those bytes.
// - The same module is the worker: the script builds the worker's source at run time from the
//   glue's text and the same base64 string, turns it into a Blob URL and publishes it as
//   `globalThis.provlensWorkerUrl`; the app starts its worker from that URL.
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
const glueName = attr(/data-glue="\.?\/?([^"]+)"/, 'the glue (data-glue)');
const wasmName = attr(/data-wasm="\.?\/?([^"]+)"/, 'the wasm (data-wasm)');
const css = attr(/<link rel="stylesheet" href="\.?\/?([^"]+)"/, 'the stylesheet');
const icon = attr(/<link\s+rel="icon"\s+href="([^"]+)"/, 'the icon');

const [glue, wasm, style] = await Promise.all([
  readFile(join(dist, glueName), 'utf8'),
  readFile(join(dist, wasmName)),
  readFile(join(dist, css), 'utf8'),
]);
if (!/^let wasm_bindgen\b/m.test(glue)) throw new Error(`${glueName}: not no-modules glue (no wasm_bindgen)`);

const decode = 'Uint8Array.from(atob(b), (c) => c.charCodeAt(0))';
// `glue` runs on the page as code and is also kept as text for the worker.
const script = [
  '// provlens, single-file build: everything below runs from this file; nothing is fetched.',
  `const provlensWasm = ${JSON.stringify(wasm.toString('base64'))};`,
  `const provlensGlue = ${JSON.stringify(glue)};`,
  'globalThis.provlensWorkerUrl = URL.createObjectURL(new Blob([',
  '  provlensGlue,',
  `  '\\nwasm_bindgen({ module_or_path: ((b) => ${decode})("', provlensWasm, '") });\\n',`,
  "], { type: 'text/javascript' }));",
  glue,
  `wasm_bindgen({ module_or_path: ((b) => ${decode})(provlensWasm) });`,
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
<script>${script}</script>
</head>
<body>
<noscript>provlens needs JavaScript and WebAssembly; it runs entirely in this browser.</noscript>
</body>
</html>
`;
await writeFile(out, html);
console.log(`${out}: ${html.length} bytes, one file (app and worker: one wasm module, inlined with the styles)`);
console.log(`CSP: ${csp}`);
