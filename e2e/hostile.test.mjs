// End-to-end: an export whose names, UPNs, error texts, step descriptions and property values
// carry HTML, script, `javascript:` links, bidi overrides, zero-width characters and a 100 KB
// string. Nothing may run, the text must show as text, and the layout must hold.
//
// To extend: when a view renders more of the export (explorer rows, event detail, identity
// history), add its test id and how to open it to SURFACES; the test then checks that the
// payloads appear there literally.
import { test, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveAndLaunch, watchPage } from './chromium.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'e2e/out');

const SCRIPT = '<script>alert(1)</script>';
const IMG = '<img src=x onerror="window.__pwned=1;alert(1)">';
const LINK = '<a href="javascript:alert(1)">click</a>';
const JS_URL = 'javascript:alert(1)';
const BIDI = 'admin\u202Efdp.exe';
const ZERO_WIDTH = 'a\u200Bb\u200Cc\u200Dd\uFEFFe';
const LONG = 'W'.repeat(100 * 1024);
const PAYLOADS = [SCRIPT, IMG, LINK, JS_URL, BIDI, ZERO_WIDTH];

/** Views that render names from the export: a test id, and how to get there from the summary. */
const SURFACES = [
  { testid: 'summary', open: async () => {} },
  { testid: 'lifecycle-view', open: async (page) => page.getByTestId('nav-lifecycle').click() },
  { testid: 'swimlane', open: async (page) => page.getByTestId('lifecycle-person').first().click() },
  // e.g. { testid: 'explorer', open: async (page) => page.getByTestId('nav-explorer').click() },
];

/** One portal JSON record whose every free-text field carries `text`. */
function record(n, text) {
  return {
    id: `id-${n}`,
    activityDateTime: '2024-05-01T10:00:00Z',
    jobId: `job ${text}`,
    cycleId: 'cycle-1',
    changeId: `chg-${n}`,
    provisioningAction: 'create',
    provisioningStatusInfo: {
      status: 'failure',
      errorInformation: {
        errorCode: `Err ${text}`,
        reason: `reason ${text}`,
        additionalDetails: text,
        recommendedAction: `do ${text}`,
      },
    },
    sourceIdentity: {
      id: `src-${n}`,
      displayName: text,
      identityType: `User ${text}`,
      details: { UserPrincipalName: `${text}@contoso.com` },
    },
    targetIdentity: { id: `tgt-${n}`, displayName: text },
    sourceSystem: { id: 's', displayName: `HR ${text}` },
    targetSystem: { id: 't', displayName: `Entra ${text}` },
    servicePrincipal: { id: 'sp', displayName: text },
    initiatedBy: { displayName: text },
    provisioningSteps: [
      {
        name: text,
        provisioningStepType: 'export',
        status: 'failure',
        description: `step ${text}`,
        details: { [text]: text },
      },
    ],
    modifiedProperties: [{ displayName: text, oldValue: text, newValue: `${JS_URL} ${text}` }],
  };
}

function hostileExport() {
  const texts = [...PAYLOADS, LONG, PAYLOADS.join(' ')];
  return Buffer.from(JSON.stringify(texts.map((t, i) => record(i + 1, t))));
}

let server;
let baseUrl;
let browser;
let page;
let problems;
let dialogs;

before(async () => {
  ({ server, baseUrl, browser } = await serveAndLaunch(join(ROOT, 'dist')));
  await mkdir(OUT, { recursive: true });
});

after(async () => {
  await browser?.close();
  server?.close();
});

beforeEach(async () => {
  problems = [];
  dialogs = [];
  page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  page.on('dialog', async (d) => {
    dialogs.push(d.message());
    await d.dismiss();
  });
  watchPage(page, problems);
  page.on('request', (r) => {
    // A request for `x` would be the injected <img> loading.
    if (new URL(r.url()).pathname.endsWith('/x')) problems.push(`injected image requested: ${r.url()}`);
  });
  await page.goto(baseUrl);
  await page.getByTestId('dropzone').waitFor();
});

afterEach(async () => {
  // Give an injected handler time to fire before judging.
  await page.waitForTimeout(300);
  const pwned = await page.evaluate(() => window.__pwned ?? null);
  await page.close();
  assert.deepEqual(dialogs, [], 'no dialog opened');
  assert.equal(pwned, null, 'no injected handler ran');
  assert.deepEqual(problems, [], 'no page errors, console errors or foreign requests');
});

async function drop(files) {
  // Bytes travel as base64: an array of numbers for a megabyte of JSON is slow to serialize.
  const dataTransfer = await page.evaluateHandle((files) => {
    const dt = new DataTransfer();
    for (const f of files) {
      const bytes = Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0));
      dt.items.add(new File([bytes], f.name));
    }
    return dt;
  }, files.map((f) => ({ name: f.name, base64: f.buffer.toString('base64') })));
  await page.dispatchEvent('[data-testid=dropzone]', 'drop', { dataTransfer });
}

/** The tallest a view of this small export may be: a long string must not stretch a cell
 *  down the page (a 100,000-character name once made one view about 49,000 px tall). */
const MAX_PAGE_HEIGHT = 10_000;

/** Fails when the page scrolls sideways, or grows very tall: a long or bidi string pushed the
 *  layout out. */
async function assertLayoutHolds(where) {
  const { scrollWidth, innerWidth, scrollHeight } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    scrollHeight: document.documentElement.scrollHeight,
  }));
  assert.ok(scrollWidth <= innerWidth + 1, `${where}: page is ${scrollWidth}px wide in a ${innerWidth}px window`);
  if (scrollHeight > MAX_PAGE_HEIGHT) {
    const tall = await page.evaluate(() =>
      [...document.querySelectorAll('body *')]
        .filter((e) => e.getBoundingClientRect().height > 3000 && [...e.children].every((c) => c.getBoundingClientRect().height < 3000))
        .slice(0, 8)
        .map((e) => `${e.tagName.toLowerCase()}.${e.className} [${e.closest('[data-testid]')?.dataset.testid}] ${Math.round(e.getBoundingClientRect().height)}px`),
    );
    assert.fail(`${where}: page is ${scrollHeight}px tall; tallest: ${tall.join('; ')}`);
  }
}

/** No element the payloads describe exists in the page. */
async function assertNothingInjected() {
  const injected = await page.evaluate(() => ({
    images: document.querySelectorAll('img[src="x"]').length,
    inlineScripts: [...document.querySelectorAll('script')].filter((s) => s.textContent.includes('alert')).length,
    links: document.querySelectorAll('a[href^="javascript:"]').length,
  }));
  assert.deepEqual(injected, { images: 0, inlineScripts: 0, links: 0 });
}

test('hostile strings in an export are shown as text and run nothing', async () => {
  const name = `${IMG}${BIDI}${ZERO_WIDTH}.json`;
  await drop([{ name, buffer: hostileExport() }]);
  await page.getByTestId('summary').waitFor();
  assert.equal((await page.getByTestId('kpi-events').textContent()).trim(), String(PAYLOADS.length + 2));
  assert.equal((await page.getByTestId('kpi-failure').textContent()).trim(), String(PAYLOADS.length + 2));
  // The file name is shown literally, markup and invisible characters included.
  const chipName = await page.locator('[data-testid=file-chip] .chip-name').first().textContent();
  assert.equal(chipName, name);
  await page.getByTestId('file-chip').first().click();
  await page.getByTestId('issues').waitFor();
  for (const surface of SURFACES) {
    await surface.open(page);
    await page.getByTestId(surface.testid).first().waitFor();
    await assertNothingInjected();
    await assertLayoutHolds(surface.testid);
  }
  await page.screenshot({ path: join(OUT, 'hostile.png'), fullPage: true });
});

test('hostile CSV headers in a refusal are shown as text', async () => {
  const header = `${SCRIPT},${IMG},${LINK},${BIDI}${LONG}\nx,y,z,w\n`;
  const name = `${SCRIPT}.csv`;
  await drop([{ name, buffer: Buffer.from(header) }]);
  const refused = page.getByTestId('refused');
  await refused.waitFor();
  const message = await refused.textContent();
  assert.ok(message.includes(name), message.slice(0, 300));
  assert.ok(message.includes(SCRIPT), message.slice(0, 300));
  await assertNothingInjected();
  await assertLayoutHolds('refusal');
});

test('a very long file name does not widen the page', async () => {
  const name = `${'N'.repeat(2000)}.json`;
  await drop([{ name, buffer: hostileExport() }]);
  await page.getByTestId('summary').waitFor();
  await page.getByTestId('file-chip').first().click();
  await page.getByTestId('issues').waitFor();
  await assertLayoutHolds('long file name');
});
