// The privacy promise, checked: every request of the page and of its worker is recorded (by
// Playwright's context, which sees dedicated workers' requests in Chromium, and by the test
// server's own log) while generated exports of every format are loaded, every view is opened
// and every export is made. Nothing may go to another origin, and after start-up nothing may
// be requested at all. Also: the audit report downloaded from the app, opened from file://.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { launchChromium, watchPage } from './chromium.mjs';
import { startServer } from '../tools/serve.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'e2e/out');
const GEN = join(OUT, 'gen-all');

let server;
let baseUrl;
let browser;
let served = [];
let exportsDir;
let inputs;

/** Generates one export per format with the CLI (1000 events; the same bytes on every run). */
async function generate() {
  await rm(GEN, { recursive: true, force: true });
  // The debug build of the CLI is what `make test` has just built for the native tests; the
  // generator is deterministic, so it writes the same bytes as a release build.
  execFileSync('cargo', ['run', '--quiet', '--bin', 'provlens', '--', 'gen', '--format', 'all',
    '--events', '1000', '-o', GEN], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  const names = (await readdir(GEN)).filter((n) => n !== 'manifest.json').sort();
  return names.map((n) => join(GEN, n));
}

before(async () => {
  await mkdir(OUT, { recursive: true });
  inputs = await generate();
  exportsDir = join(OUT, 'exports');
  await rm(exportsDir, { recursive: true, force: true });
  await mkdir(exportsDir, { recursive: true });
  ({ server, url: baseUrl } = await startServer(join(ROOT, 'dist'), 0, {
    log: (path) => served.push(path),
  }));
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  server?.close();
});

/** Records every request of a context (page and workers) with the phase it happened in. */
function recorder(context, page) {
  const log = { phase: 'start-up', requests: [], problems: [] };
  const seen = new Set();
  const record = (source) => (r) => {
    // The same request may be reported by the page and by the context: count it once.
    if (seen.has(r)) return;
    seen.add(r);
    log.requests.push({ phase: log.phase, url: r.url(), source, frame: safeFrameUrl(r) });
  };
  context.on('request', record('context'));
  page.on('request', record('page'));
  page.on('worker', (w) => log.requests.push({ phase: log.phase, url: w.url(), source: 'worker-created' }));
  watchPage(page, log.problems, { requests: false });
  return log;
}

function safeFrameUrl(r) {
  try {
    return r.frame().url();
  } catch {
    return ''; // A worker's request has no frame.
  }
}

/** Whether a URL is this page's own Blob URL or a data: URL (not network). */
function sameDocumentLocal(url, origin) {
  if (url.startsWith('data:')) return true;
  if (url.startsWith('blob:')) return url.startsWith(`blob:${origin}/`);
  return false;
}

async function download(page, testid) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testid).click()]);
  const path = join(exportsDir, `${String(served.length).padStart(4, '0')}-${dl.suggestedFilename()}`);
  await dl.saveAs(path);
  return { name: dl.suggestedFilename(), path, text: await readFile(path, 'utf8') };
}

async function text(page, testid) {
  return (await page.getByTestId(testid).first().textContent()).trim();
}

test('the built page has no inline script or style and a strict CSP', async () => {
  const html = await readFile(join(ROOT, 'dist/index.html'), 'utf8');
  assert.equal([...html.matchAll(/<script(?![^>]*\ssrc=)[^>]*>/g)].length, 0, 'no inline script');
  assert.ok(!/<style|\sstyle=/.test(html), 'no inline style');
  const csp = html.match(/http-equiv="Content-Security-Policy"\s+content="([^"]+)"/)?.[1];
  assert.equal(
    csp,
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'none'",
  );
});

test('no request leaves the origin, and none at all happens after start-up', async () => {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  // Every Content-Security-Policy violation of the document is kept (scripts injected by the
  // test driver are not subject to the page's policy).
  await page.addInitScript(() => {
    window.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.cspViolations.push(`${e.violatedDirective}: ${e.blockedURI}`);
    });
  });
  const log = recorder(context, page);
  const origin = new URL(baseUrl).origin;
  // The worker's own request for the wasm module (page and worker run the same one): the first
  // one finished after the worker was created.
  const workerWasm = new Promise((resolve) => {
    let workerCreated = false;
    page.on('worker', () => {
      workerCreated = true;
    });
    page.on('requestfinished', (r) => {
      if (workerCreated && /_bg\.wasm$/.test(r.url())) resolve();
    });
  });

  // Start-up: the document, its script, styles and wasm, and the worker's script and wasm
  // (the app starts its worker at once). It ends when the start screen is interactive and the
  // worker's wasm has arrived; the network is then given a moment to fall silent.
  await page.goto(baseUrl);
  await page.getByTestId('dropzone').waitFor();
  await workerWasm;
  await page.waitForLoadState('networkidle');
  const servedAtStartup = served.length;
  log.phase = 'use';

  // Every view and every export.
  await page.getByTestId('file-input').setInputFiles(inputs);
  await page.getByTestId('summary').waitFor({ timeout: 120_000 });
  const events = Number(await text(page, 'kpi-events'));
  assert.ok(events >= 990, `all formats merge into one tenant of about 1000 events (${events})`);
  assert.equal(await page.getByTestId('file-chip').count(), inputs.length);
  await page.getByTestId('file-chip').first().click();
  await page.getByTestId('issues').waitFor();
  await page.getByTestId('theme-toggle').click();
  await page.getByTestId('theme-toggle').click();

  const plain = {};
  await page.getByTestId('report-events').check();
  plain.report = await download(page, 'export-report');
  // The report hashes every file first; while it is made the export buttons wait, then return.
  await page.waitForFunction(() => document.querySelector('[data-testid=export-busy]').textContent.trim() === '');
  assert.equal(await page.getByTestId('export-report').isEnabled(), true);
  plain.csv = await download(page, 'export-csv');
  plain.json = await download(page, 'export-json');
  await page.getByTestId('share-mode').check();
  const key = await page.getByTestId('share-key').inputValue();
  assert.match(key, /^[0-9a-f]{32}$/, 'a random key is drawn for this analysis');
  const shared = {};
  shared.report = await download(page, 'export-report');
  shared.csv = await download(page, 'export-csv');
  shared.json = await download(page, 'export-json');

  // Add files (the same data again: everything is a duplicate), the demo, reset.
  await page.getByTestId('add-input').setInputFiles(inputs.slice(0, 1));
  await page.getByTestId('summary').waitFor();
  await page.getByTestId('reset').click();
  await page.getByTestId('open-demo').click();
  await page.getByTestId('summary').waitFor();
  const styled = await page.evaluate(() => document.querySelectorAll('[style], style, script:not([src])').length);
  assert.equal(styled, 0, 'no inline style or script in the rendered page');
  await page.getByTestId('reset').click();
  await page.getByTestId('open-demo').waitFor();
  await page.waitForTimeout(300);
  assert.deepEqual(await page.evaluate(() => window.cspViolations), [], 'no CSP violation');

  const foreign = log.requests.filter((r) => {
    if (sameDocumentLocal(r.url, origin)) return false;
    return !r.url.startsWith(`${origin}/`);
  });
  const afterStartup = log.requests.filter(
    (r) => r.phase === 'use' && r.source !== 'worker-created' && !sameDocumentLocal(r.url, origin),
  );
  const startup = log.requests.filter((r) => r.phase === 'start-up');
  const blobs = log.requests.filter((r) => r.url.startsWith('blob:'));
  const report = {
    startup: startup.map((r) => `${r.source}: ${r.url}`),
    afterStartupNetwork: afterStartup.length,
    sameDocumentBlobs: blobs.length,
    servedAtStartup,
    servedAfterStartup: served.slice(servedAtStartup),
  };
  await writeFile(join(OUT, 'network-audit.json'), JSON.stringify(report, null, 2));
  // The recorder sees the worker's own requests: the wasm module is fetched by the worker too.
  const created = startup.findIndex((r) => r.source === 'worker-created');
  assert.ok(
    created >= 0 && startup.slice(created).some((r) => /_bg\.wasm$/.test(r.url)),
    'the worker wasm request was seen',
  );
  assert.deepEqual(foreign, [], 'no request to another origin');
  assert.deepEqual(afterStartup.map((r) => r.url), [], 'no request after start-up');
  assert.deepEqual(served.slice(servedAtStartup), [], 'the server saw nothing after start-up');
  assert.deepEqual(log.problems, [], 'no page errors');

  // The downloads: named as exports, the shared ones pseudonymized.
  assert.match(plain.report.name, /^provlens-report\.html$/);
  assert.match(shared.csv.name, /pseudonymized\.csv$/);
  assert.match(plain.csv.text, /@contoso\.com/);
  for (const [kind, file] of Object.entries(shared)) {
    assert.ok(!file.text.includes('@contoso.com'), `${kind}: no UPN left`);
    assert.ok(/name-[0-9a-f]{16}/.test(file.text), `${kind}: names became tokens`);
  }
  assert.ok(shared.csv.text.includes('@pseudo.invalid'), 'UPNs became tokens');
  assert.match(shared.report.text, /id="pseudonymized"/);

  // The report, opened from file:// in a fresh page: contents, and no request but itself.
  const reportPage = await context.newPage();
  const reportLog = recorder(context, reportPage);
  const reportUrl = pathToFileURL(plain.report.path).href;
  await reportPage.goto(reportUrl);
  const body = await reportPage.textContent('body');
  for (const path of inputs) {
    const name = path.split('/').pop();
    const hash = createHash('sha256').update(await readFile(path)).digest('hex');
    assert.ok(body.includes(name), `the report names ${name}`);
    assert.ok(body.includes(hash), `the report gives the SHA-256 of ${name}`);
  }
  assert.equal((await reportPage.textContent('#total-events')).trim(), String(events));
  assert.match(await reportPage.textContent('#produced'), /according to this computer's clock/);
  assert.equal(await reportPage.locator('script').count(), 0, 'the report holds no script');
  assert.equal(await reportPage.locator('svg').count(), 3, 'three charts');
  assert.ok((await reportPage.locator('#events tr').count()) > 900, 'the events table');
  await reportPage.screenshot({ path: join(OUT, 'report.png') });
  const reportRequests = reportLog.requests.filter((r) => r.url !== reportUrl);
  assert.deepEqual(reportRequests, [], 'the report makes no request');
  assert.deepEqual(reportLog.problems, []);
  await context.close();
});
