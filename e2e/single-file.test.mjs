// The single-file build (dist/provlens.html) opened from file:// with no server: the worker
// starts from the file's own Blob URL, a real export is analyzed, and nothing but the file
// itself, its Blob URLs and data: URLs is ever requested.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { launchChromium, watchPage } from './chromium.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'e2e/out');
const GEN = join(OUT, 'gen-single');
const FILE = join(ROOT, 'dist/provlens.html');

let browser;

before(async () => {
  await mkdir(OUT, { recursive: true });
  await rm(GEN, { recursive: true, force: true });
  execFileSync('cargo', ['run', '--quiet', '--bin', 'provlens', '--', 'gen', '--format',
    'portal-json', '--events', '1000', '--seed', '3', '-o', GEN],
  { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

test('provlens.html analyzes an export from file://, worker included, with no network', async () => {
  const html = await readFile(FILE, 'utf8');
  // (Checked with .test so that a failure does not print the 1.5 MB file.)
  assert.ok(!/<script[^>]+src=/.test(html), 'no external script');
  assert.ok(!/<link[^>]+rel="stylesheet"/.test(html), 'no external stylesheet');
  const csp = html.match(/http-equiv="Content-Security-Policy" content="([^"]+)"/)?.[1] ?? '';
  assert.match(csp, /^default-src 'none'; script-src 'sha256-[^']+' 'wasm-unsafe-eval'; /);
  assert.match(csp, /connect-src 'none'/);
  assert.ok(!csp.includes("'unsafe-inline'") && !csp.includes("'unsafe-eval'"), csp);

  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  // Networking off: any http(s) request would fail here rather than reach anything.
  await context.setOffline(true);
  const page = await context.newPage();
  const requests = [];
  const problems = [];
  context.on('request', (r) => requests.push(r.url()));
  // Requests are counted below; from file:// every one of them is a problem.
  watchPage(page, problems, { requests: false });
  const url = pathToFileURL(FILE).href;
  await page.goto(url);
  await page.getByTestId('dropzone').waitFor();
  const manifest = JSON.parse(await readFile(join(GEN, 'manifest.json'), 'utf8'));
  await page.getByTestId('file-input').setInputFiles(join(GEN, 'ProvisioningLogs.json'));
  await page.getByTestId('summary').waitFor({ timeout: 60_000 });
  assert.equal(await page.getByTestId('kpi-events').first().textContent(), String(manifest.events));
  await page.screenshot({ path: join(OUT, 'single-file.png'), fullPage: true });
  const network = requests.filter(
    (u) => u !== url && !u.startsWith('data:') && !u.startsWith('blob:'),
  );
  assert.deepEqual(network, [], 'only the file itself, Blob URLs and data: URLs');
  assert.deepEqual(problems, []);
  await context.close();
});
