// End-to-end tests of the release build (dist/) in the system Chromium, served on 127.0.0.1.
import { test, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import { serveAndLaunch, watchPage } from './chromium.mjs';
import { startServer } from '../tools/serve.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURES = join(ROOT, 'tests/fixtures/public');
const OUT = join(ROOT, 'e2e/out');
const FAILURE = 'graph_v1.0_list_provisioning_example2_failure.json';
const SUCCESS = 'graph_v1.0_list_provisioning_example1_success.json';
const ELASTIC = 'elastic_azure_provisioning_test-provisioninglogs-raw.log';

let server;
let baseUrl;
let browser;
let page;
let problems;

before(async () => {
  ({ server, baseUrl, browser } = await serveAndLaunch(join(ROOT, 'dist')));
  await mkdir(OUT, { recursive: true });
});

after(async () => {
  await browser?.close();
  server?.close();
});

beforeEach(async () => {
  page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  problems = watchPage(page, []);
  await page.goto(baseUrl);
  await page.getByTestId('dropzone').waitFor();
  // The app starts its worker at once; let it finish loading so that a test leaving the page
  // early does not cut its requests off.
  await page.waitForLoadState('networkidle');
});

afterEach(async () => {
  await page.close();
  assert.deepEqual(problems, [], 'no page errors, console errors or foreign requests');
});

/** Drops files on the drop zone the way a user's drag-and-drop does. */
async function drop(files) {
  const dataTransfer = await page.evaluateHandle((files) => {
    const dt = new DataTransfer();
    for (const f of files) {
      dt.items.add(new File([new Uint8Array(f.bytes)], f.name, { type: f.type }));
    }
    return dt;
  }, files.map((f) => ({ name: f.name, type: f.type ?? '', bytes: [...f.buffer] })));
  await page.dispatchEvent('[data-testid=dropzone]', 'drop', { dataTransfer });
}

async function fixture(name) {
  return { name, buffer: await readFile(join(FIXTURES, name)) };
}

async function text(testid) {
  return (await page.getByTestId(testid).first().textContent()).trim();
}

/** A valid 1×1 PNG, built here so no binary is checked in. */
function tinyPng() {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const header = Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.from([0, 0x25, 0x63, 0xeb]))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

test('a dropped Graph export shows its totals', async () => {
  await drop([await fixture(FAILURE)]);
  await page.getByTestId('summary').waitFor();
  assert.equal(await text('kpi-events'), '1');
  assert.equal(await text('kpi-failure'), '1');
  assert.equal(await text('kpi-success'), '0');
  assert.equal(await text('action-create'), '1');
  await page.screenshot({ path: join(OUT, 'dropped-failure.png'), fullPage: true });
  // The file chip lists the file's issues (none here) when clicked.
  await page.getByTestId('file-chip').first().click();
  await page.getByTestId('issues').waitFor();
});

test('a file that is not an export is named and refused; the next file is analyzed', async () => {
  const png = join(OUT, 'not-a-log.png');
  await writeFile(png, tinyPng());
  await page.getByTestId('file-input').setInputFiles(png);
  const refused = page.getByTestId('refused');
  await refused.waitFor();
  const message = await refused.textContent();
  assert.match(message, /not-a-log\.png/);
  assert.match(message, /not a provisioning-log export/);
  await page.screenshot({ path: join(OUT, 'refused-png.png'), fullPage: true });
  await drop([await fixture(SUCCESS)]);
  await page.getByTestId('summary').waitFor();
  assert.equal(await text('kpi-events'), '1');
  assert.equal(await text('kpi-success'), '1');
});

test('several files picked at once become one data set', async () => {
  await page
    .getByTestId('file-input')
    .setInputFiles([SUCCESS, FAILURE, ELASTIC].map((n) => join(FIXTURES, n)));
  await page.getByTestId('summary').waitFor();
  assert.equal(await page.getByTestId('file-chip').count(), 3);
  // The same totals as `provlens summary` on these files (one elastic record is a duplicate).
  assert.equal(await text('kpi-events'), '4');
  assert.equal(await text('kpi-success'), '2');
  assert.equal(await text('kpi-failure'), '1');
  assert.equal(await text('kpi-skipped'), '1');
  assert.equal(await text('action-create'), '4');
  // The elastic file's chip says where its missing event went.
  const chips = await page.locator('[data-testid=file-chip] .chip-meta').allTextContents();
  assert.equal(chips.filter((c) => c.includes('· 1 duplicate ·')).length, 1, chips.join(' | '));
});

test('the demo data shows totals', async () => {
  await page.getByTestId('open-demo').click();
  await page.getByTestId('summary').waitFor();
  assert.ok(Number(await text('kpi-events')) > 0);
  assert.equal(await page.getByTestId('file-chip').count(), 2);
  assert.ok(Number(await text('kpi-events')) > 2500);
  await page.screenshot({ path: join(OUT, 'demo.png'), fullPage: true });
  // Every view renders under the page's Content-Security-Policy (no inline style or script):
  // a violation is a console error, which afterEach reports.
  const events = await text('kpi-events');
  await page.getByTestId('nav-explorer').click();
  await page.getByTestId('explorer-count').waitFor();
  assert.equal(await text('explorer-count'), events);
  await page.getByTestId('row').first().click();
  await page.getByTestId('drawer').waitFor();
  await page.keyboard.press('Escape');
  await page.getByTestId('nav-identity').click();
  await page.getByTestId('identity-suggestion').first().click();
  await page.getByTestId('identity-report').waitFor();
  await page.getByTestId('nav-errors').click();
  await page.getByTestId('error-group').first().waitFor();
  await page.getByTestId('nav-lifecycle').click();
  await page.getByTestId('orphan-row').first().getByTestId('lifecycle-person').click();
  await page.getByTestId('swimlane').waitFor();
  await page.getByTestId('nav-dashboard').click();
  await page.getByTestId('timeline-chart').waitFor();
  await page.getByTestId('theme-toggle').click();
  await page.screenshot({ path: join(OUT, 'demo-theme-toggled.png'), fullPage: true });
  await page.getByTestId('reset').click();
  await page.getByTestId('open-demo').waitFor();
});

test('the theme follows the system, and the toggle switches it either way', async () => {
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const LIGHT = 'rgb(246, 247, 249)';
  const DARK = 'rgb(15, 18, 22)';
  for (const [system, first, second] of [
    ['light', LIGHT, DARK],
    ['dark', DARK, LIGHT],
  ]) {
    await page.emulateMedia({ colorScheme: system });
    await page.reload();
    await page.getByTestId('dropzone').waitFor();
    assert.equal(await background(), first, `system ${system}: the page starts ${system}`);
    await page.getByTestId('theme-toggle').click();
    assert.equal(await background(), second, `system ${system}: the toggle switches`);
    await page.getByTestId('theme-toggle').click();
    assert.equal(await background(), first, `system ${system}: and back`);
  }
  await page.waitForLoadState('networkidle');
});

test('the app works under a sub-path: the worker loads and a dropped file is analyzed', async () => {
  // dist/ served at /tools/provlens/ only: every other path answers 404, so any absolute URL
  // in the build would break the page.
  const paths = [];
  const { server: subServer, url } = await startServer(join(ROOT, 'dist'), 0, {
    prefix: '/tools/provlens/',
    log: (p) => paths.push(p),
  });
  try {
    await page.goto(url);
    await drop([await fixture(FAILURE)]);
    await page.getByTestId('summary').waitFor();
    assert.equal(await text('kpi-events'), '1');
    assert.equal(await text('kpi-failure'), '1');
    // Page and worker run the same wasm module (the worker got it from the server or the cache).
    assert.ok(
      paths.some((p) => /^\/tools\/provlens\/web-[0-9a-f]+_bg\.wasm$/.test(p)),
      'the wasm was served under the sub-path',
    );
    assert.deepEqual(paths.filter((p) => !p.startsWith('/tools/provlens/')), []);
  } finally {
    subServer.close();
  }
});
