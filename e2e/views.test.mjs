// End-to-end tests of the views (dashboard, explorer, identity, errors, findings, lifecycle) on
// generated exports of every format and the demo data, in the system Chromium against the
// release build (dist/).
import { test, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveAndLaunch, watchPage } from './chromium.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'e2e/out');
const GEN = join(OUT, 'gen');
const AXE = join(ROOT, 'node_modules/axe-core/axe.min.js');
const CLI = join(ROOT, 'target/release/provlens');

let server;
let baseUrl;
let browser;
let context;
let page;
let problems;
/** Generated files by format group: { name: [paths] }. */
let groups;

function cli(...args) {
  return execFileSync(CLI, args, { cwd: ROOT, maxBuffer: 64 << 20 }).toString();
}

before(async () => {
  // The CLI is built once; the browser tests compare the app's totals with its summary.
  execFileSync('cargo', ['build', '--release', '--bin', 'provlens'], { cwd: ROOT, stdio: 'inherit' });
  await rm(GEN, { recursive: true, force: true });
  for (const [dir, extra] of [['all', ['--format', 'all']], ['zip', ['--format', 'portal-csv', '--zip']], ['gz', ['--format', 'la-csv', '--gzip']]]) {
    cli('gen', ...extra, '--events', '2000', '--seed', '3', '--page-size', '700', '-o', join(GEN, dir));
  }
  const all = (await readdir(join(GEN, 'all'))).filter((n) => n !== 'manifest.json').sort();
  const pick = (re) => all.filter((n) => re.test(n)).map((n) => join(GEN, 'all', n));
  groups = {
    'portal JSON': pick(/^ProvisioningLogs\.json$/),
    'Graph pages': pick(/^graph-v1\.0-page-/),
    'Graph beta pages': pick(/^graph-beta-page-/),
    'PowerShell SDK': pick(/^Get-MgAuditLogProvisioning/),
    'diagnostic JSON Lines': pick(/^PT1H\.json$/),
    'Event Hub': pick(/^eventhub-/),
    'Log Analytics CSV': pick(/^AADProvisioningLogs\.csv$/),
    'Log Analytics JSON': pick(/^AADProvisioningLogs\.json$/),
    'portal CSV (three files)': pick(/^ProvisioningLogs.*\.csv$/),
    'portal CSV in a .zip': [join(GEN, 'zip', 'portal-csv.zip')],
    'Log Analytics CSV in a .gz': [join(GEN, 'gz', 'AADProvisioningLogs.csv.gz')],
  };
  for (const [name, files] of Object.entries(groups)) {
    assert.ok(files.length > 0, `generated files for ${name}`);
  }
  assert.ok(groups['Graph pages'].length > 1, 'several Graph pages');
  assert.equal(groups['portal CSV (three files)'].length, 3);
  ({ server, baseUrl, browser } = await serveAndLaunch(join(ROOT, 'dist')));
  await mkdir(OUT, { recursive: true });
});

after(async () => {
  await browser?.close();
  server?.close();
});

beforeEach(async () => {
  problems = [];
  // axe-core is injected as an inline script, which the page's CSP would refuse; the CSP itself
  // is covered by app.test.mjs, which visits every view with it in force.
  context = await browser.newContext({ viewport: { width: 1360, height: 900 }, bypassCSP: true, acceptDownloads: true });
  page = await context.newPage();
  watchPage(page, problems);
  await page.goto(baseUrl);
  await page.getByTestId('dropzone').waitFor();
});

afterEach(async () => {
  await context.close();
  assert.deepEqual(problems, [], 'no page errors, console errors or foreign requests');
});

async function text(testid) {
  return (await page.getByTestId(testid).first().textContent()).trim();
}

async function number(testid) {
  return Number(await text(testid));
}

/** Loads files through the picker and waits until the chips name them. */
async function load(files) {
  await page.getByTestId('file-input').first().setInputFiles(files);
  const last = files[files.length - 1].split('/').pop();
  await page.getByTestId('file-chip').filter({ hasText: last }).first().waitFor();
  await page.getByTestId('timeline-chart').or(page.getByTestId('explorer-count')).or(page.getByTestId('identity-view')).or(page.getByTestId('errors-view')).first().waitFor();
}

/** Waits until a test id's text satisfies `ok`. */
async function until(testid, ok, what) {
  const deadline = Date.now() + 10_000;
  let last;
  while (Date.now() < deadline) {
    last = await page.getByTestId(testid).first().textContent().catch(() => null);
    if (last !== null && ok(last.trim())) return last.trim();
    await page.waitForTimeout(50);
  }
  assert.fail(`${what}: last ${testid} was ${JSON.stringify(last)}`);
}

async function view(key) {
  await page.getByTestId(`nav-${key}`).click();
  await page.waitForFunction((k) => location.hash.includes(`view=${k}`) || (k === 'dashboard'), key);
}

async function axe(label) {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
  const bad = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad, [], `${label}: no serious or critical accessibility violations`);
}

async function shot(name) {
  await page.screenshot({ path: join(OUT, `${name}.png`), fullPage: true });
}

test('every export format loads with the totals provlens summary reports', async () => {
  for (const [name, files] of Object.entries(groups)) {
    const expected = JSON.parse(cli('summary', ...files, '--json'));
    await load(files);
    await until('kpi-events', (t) => t === String(expected.events), name);
    assert.equal(await number('kpi-success'), expected.by_status.success, `${name}: success`);
    assert.equal(await number('kpi-failure'), expected.by_status.failure, `${name}: failure`);
    assert.equal(await number('kpi-skipped'), expected.by_status.skipped, `${name}: skipped`);
    assert.equal(await number('kpi-warning'), expected.by_status.warning, `${name}: warning`);
    if (!files[0].endsWith('.zip')) {
      assert.equal(await page.getByTestId('file-chip').count(), files.length, `${name}: one chip per file`);
    }
  }
});

test('dashboard: bars and breakdowns filter everything; brushing sets the time range', async () => {
  await load(groups['portal JSON']);
  const total = await number('kpi-events');
  await shot('view-dashboard');
  await axe('dashboard');

  // A status bar filters by that status: the KPIs and the explorer follow.
  const failures = await number('kpi-failure');
  await page.getByTestId('bar-status-failure').click();
  await until('kpi-events', (t) => Number(t) === failures, 'status filter');
  await page.getByTestId('filter-chip').filter({ hasText: 'Status: Failure' }).waitFor();
  await view('explorer');
  await until('explorer-count', (t) => Number(t) === failures, 'explorer after status filter');
  await page.getByTestId('clear-filters').click();
  await until('explorer-count', (t) => Number(t) === total, 'cleared');

  // A click on a timeline bar filters to its period.
  await view('dashboard');
  const bars = page.getByTestId('timeline-bar');
  const n = await bars.count();
  assert.ok(n > 5, 'the timeline has bars');
  const busiest = await bars.evaluateAll((els) => {
    const counts = els.map((e) => Number(/: (\d+) events/.exec(e.getAttribute('aria-label'))?.[1] ?? 0));
    const i = counts.indexOf(Math.max(...counts));
    return { i, count: counts[i] };
  });
  const box = await bars.nth(busiest.i).locator('rect.hit').boundingBox();
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await until('kpi-events', (t) => Number(t) === busiest.count, 'bar click');
  await page.getByTestId('filter-chip').filter({ hasText: 'Time:' }).waitFor();
  await view('explorer');
  await until('explorer-count', (t) => Number(t) === busiest.count, 'explorer after bar click');
  await page.getByTestId('clear-filters').click();

  // Keyboard: a focused bar filters on Enter.
  await view('dashboard');
  await until('kpi-events', (t) => Number(t) === total, 'cleared again');
  await bars.first().focus();
  await page.keyboard.press('Enter');
  await until('kpi-events', (t) => Number(t) < total, 'Enter on a bar');
  await page.getByTestId('clear-filters').click();
  await until('kpi-events', (t) => Number(t) === total, 'cleared after Enter');

  // Dragging across the chart selects the buckets it crosses.
  const chart = await page.getByTestId('timeline-chart').boundingBox();
  const y = chart.y + chart.height / 2;
  await page.mouse.move(chart.x + chart.width * 0.3, y);
  await page.mouse.down();
  await page.mouse.move(chart.x + chart.width * 0.45, y, { steps: 5 });
  await page.mouse.move(chart.x + chart.width * 0.6, y, { steps: 5 });
  await page.mouse.up();
  const brushed = Number(await until('kpi-events', (t) => Number(t) < total && Number(t) > 0, 'brush'));
  assert.match(page.url(), /from=\d+&to=\d+/);
  await view('explorer');
  await until('explorer-count', (t) => Number(t) === brushed, 'explorer after brush');

  // Chart by action, and a job row filters by its job.
  await view('dashboard');
  await page.getByTestId('chart-by-action').click();
  await page.waitForFunction(() => location.hash.includes('by=action'));
  await page.getByTestId('job-row').first().click();
  await page.getByTestId('filter-chip').filter({ hasText: 'Job:' }).waitFor();
  // A cycle: by keyboard (arrow keys pick one, Enter filters), then by mouse.
  await page.getByTestId('cycles').first().focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('Enter');
  await page.getByTestId('filter-chip').filter({ hasText: 'Cycle:' }).waitFor();
  await page.getByTestId('filter-chip').filter({ hasText: 'Cycle:' }).click();
  await page.getByTestId('filter-chip').filter({ hasText: 'Cycle:' }).waitFor({ state: 'detached' });
  await page.getByTestId('cycles').first().click({ position: { x: 6, y: 13 } });
  await page.getByTestId('filter-chip').filter({ hasText: 'Cycle:' }).waitFor();
  await shot('view-dashboard-filtered');
});

test('explorer: search, sort, facets, keyboard and the detail drawer with four tabs', async () => {
  await load(groups['portal JSON']);
  const total = await number('kpi-events');
  await view('explorer');
  await until('explorer-count', (t) => Number(t) === total, 'explorer count');
  const rows = page.getByTestId('row');
  await rows.first().waitFor();
  assert.ok((await rows.count()) < 80, 'only the visible rows are rendered');

  // Scrolling far fetches the rows there.
  await page.locator('.tbody').evaluate((el) => { el.scrollTop = el.scrollHeight / 2; });
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=row]')].some((r) => Number(r.getAttribute('aria-rowindex')) > 900));

  // Sorting by a header sets aria-sort.
  await page.locator('[data-testid=sort][data-column=status]').click();
  await page.waitForFunction(() => document.querySelector('[data-column=status]').parentElement.getAttribute('aria-sort') === 'ascending');

  // "/" focuses the search; typing filters after a pause.
  const who = (await rows.first().locator('[role=gridcell]').nth(1).textContent()).trim();
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('/');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'search');
  await page.keyboard.type(who);
  const found = Number(await until('explorer-count', (t) => Number(t) < total && Number(t) > 0, 'search'));
  assert.match(page.url(), /q=/);
  await shot('view-explorer');
  await axe('explorer');

  // A facet value toggles its filter; its count is what the table then shows.
  const facet = page.locator('[data-testid=facet-value][data-facet=Action]').first();
  const facetCount = Number((await facet.locator('.facet-count').textContent()).trim());
  await facet.click();
  await until('explorer-count', (t) => Number(t) === facetCount, 'facet');
  assert.ok(facetCount <= found);

  // Arrow keys move in the table and Enter opens the event.
  await page.locator('.tbody').focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.getByTestId('drawer').waitFor();
  await page.keyboard.press('Escape');
  await page.getByTestId('drawer').waitFor({ state: 'detached' });

  // Clicking a row opens the drawer with the portal's four tabs.
  await page.getByTestId('clear-filters').click();
  await until('explorer-count', (t) => Number(t) === total, 'cleared');
  await page.getByTestId('bar-status-failure').or(page.locator('[data-testid=facet-value][data-facet=Status][data-value=failure]')).first().click();
  await rows.first().click();
  await page.getByTestId('drawer').waitFor();
  for (const tab of ['steps', 'troubleshooting', 'modified', 'summary']) {
    await page.getByTestId(`tab-${tab}`).click();
    assert.equal(await page.getByTestId(`tab-${tab}`).getAttribute('aria-selected'), 'true');
    const body = (await page.getByTestId('drawer-panel').textContent()).trim();
    assert.ok(body.length > 10, `${tab} tab has content`);
    if (tab === 'troubleshooting') await shot('view-explorer-drawer-troubleshooting');
  }
  assert.ok((await page.getByTestId('drawer-panel').textContent()).includes('Change ID'));
  await page.getByRole('button', { name: 'Copy Change ID' }).click();
  await shot('view-explorer-drawer');
  await axe('explorer with the drawer');
  await page.getByTestId('drawer-close').click();
  await page.getByTestId('drawer').waitFor({ state: 'detached' });
});

test('identity and errors views', async () => {
  await load(groups['portal JSON']);
  await view('identity');
  await page.getByTestId('identity-suggestion').first().click();
  await page.getByTestId('identity-report').waitFor();
  assert.match(page.url(), /identity=/);
  assert.ok((await page.getByTestId('identity-point').count()) > 0, 'the timeline has points');
  await page.getByTestId('identity-targets').waitFor();
  await shot('view-identity');
  await axe('identity');
  await page.getByTestId('identity-point').first().click();
  await page.getByTestId('drawer').waitFor();
  await page.keyboard.press('Escape');

  // An unknown identity says so.
  await page.getByTestId('identity-search').fill('nobody-at-all@example.invalid');
  await page.getByTestId('identity-search').press('Enter');
  await page.getByTestId('identity-empty').waitFor();

  await view('errors');
  const groupsShown = page.getByTestId('error-group');
  await groupsShown.first().waitFor();
  assert.ok((await groupsShown.count()) > 1);
  await shot('view-errors');
  await axe('errors');
  await groupsShown.first().getByRole('button', { name: 'Filter by this code' }).click();
  await page.getByTestId('filter-chip').filter({ hasText: 'Error code:' }).waitFor();

  // Dark theme on every view: contrast is checked by axe too.
  await page.getByTestId('theme-toggle').click();
  for (const key of ['dashboard', 'explorer', 'identity', 'errors']) {
    await view(key);
    await page.waitForTimeout(100);
    await shot(`view-${key}-dark`);
  }
  await view('dashboard');
  await axe('dashboard, dark');
});

test('the URL keeps the view and filters: back works, and a reload with the same files restores them', async () => {
  const files = groups['portal JSON'];
  await load(files);
  const total = await number('kpi-events');
  await page.getByTestId('bar-status-failure').click();
  const failures = Number(await until('kpi-events', (t) => Number(t) < total, 'filter'));
  await view('explorer');
  await until('explorer-count', (t) => Number(t) === failures, 'explorer');
  await page.goBack();
  await page.getByTestId('timeline-chart').waitFor();
  await page.goBack();
  await until('kpi-events', (t) => Number(t) === total, 'back to no filter');
  await page.goForward();
  await page.goForward();
  await until('explorer-count', (t) => Number(t) === failures, 'forward again');
  const url = page.url();
  assert.match(url, /view=explorer/);
  assert.match(url, /status=failure/);

  await page.reload();
  await page.getByTestId('dropzone').waitFor();
  await page.getByTestId('file-input').first().setInputFiles(files);
  await until('explorer-count', (t) => Number(t) === failures, 'restored after reload');
  await page.getByTestId('filter-chip').filter({ hasText: 'Status: Failure' }).waitFor();
  assert.equal(page.url(), url);
});

test('exports: the filtered events as CSV (formula-safe) and JSON', async () => {
  // A record whose names would run as spreadsheet formulas.
  const fixture = JSON.parse(await readFile(join(ROOT, 'tests/fixtures/public/graph_v1.0_list_provisioning_example2_failure.json'), 'utf8'));
  const evil = structuredClone(fixture.value[0]);
  evil.id = 'evil-1';
  evil.changeId = 'evil-change-1';
  evil.sourceIdentity.displayName = '=HYPERLINK("http://example.invalid","x")';
  evil.targetIdentity.displayName = '+1+1';
  const path = join(OUT, 'formula-names.json');
  await writeFile(path, JSON.stringify({ '@odata.context': fixture['@odata.context'], value: [evil] }));
  await load([...groups['portal JSON'], path]);
  await page.getByTestId('bar-status-failure').click();
  await view('explorer');
  const count = Number(await until('explorer-count', (t) => Number(t) > 0, 'filtered'));
  const expectedFailures = JSON.parse(cli('summary', ...groups['portal JSON'], path, '--json')).by_status.failure;
  assert.equal(count, expectedFailures);

  const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
  assert.equal(csvDownload.suggestedFilename(), 'provlens-events.csv');
  const csv = await readFile(await csvDownload.path(), 'utf8');
  const lines = csv.trimEnd().split('\r\n');
  assert.match(lines[0], /^Date \(UTC\),Identity,UPN,Action,Source system,Target system,Status,Error code/);
  assert.equal(lines.length, count + 1, 'a header and one line per filtered event');
  const evilLine = lines.find((l) => l.includes('HYPERLINK'));
  assert.ok(evilLine, 'the formula-like name is exported');
  assert.ok(evilLine.includes(`"'=HYPERLINK(""http://example.invalid"",""x"")"`), evilLine);
  for (const line of lines) {
    assert.doesNotMatch(line, /(^|,)[=+@]/, 'no cell starts a formula');
  }

  const [jsonDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-json').click()]);
  assert.equal(jsonDownload.suggestedFilename(), 'provlens-events.json');
  const records = JSON.parse(await readFile(await jsonDownload.path(), 'utf8'));
  assert.equal(records.length, count);
  assert.ok(records.every((r) => /failure/i.test(r.provisioningStatusInfo.status)));
});

test('findings: listed by severity with evidence, editable thresholds in the URL, and a click filters every view', async () => {
  const dir = join(GEN, 'anomalies');
  cli('gen', '--format', 'portal-json', '--events', '3000', '--seed', '5', '--anomaly', 'all', '--anomaly', 'orphaned-access', '-o', dir);
  const expected = JSON.parse(cli('summary', join(dir, 'ProvisioningLogs.json'), '--json'));
  await load([join(dir, 'ProvisioningLogs.json')]);
  await page.getByTestId('dashboard-findings').waitFor();
  await view('findings');
  await page.getByTestId('finding').first().waitFor();
  const items = page.getByTestId('finding');
  assert.equal(await items.count(), expected.findings.length, 'the app lists what provlens summary finds');
  const severities = await items.evaluateAll((els) => els.map((e) => e.dataset.severity));
  // The dashboard's banner counts the severities present, most severe first.
  const present = ['high', 'medium', 'low', 'info']
    .map((s) => [severities.filter((x) => x === s).length, s])
    .filter(([n]) => n > 0)
    .map(([n, s]) => `${n} ${s}`);
  await view('dashboard');
  assert.equal(
    (await page.getByTestId('dashboard-findings').textContent()).trim(),
    `${severities.length} findings: ${present.join(', ')}. Open the findings`,
  );
  await view('findings');
  await page.getByTestId('finding').first().waitFor();
  const rank = { high: 0, medium: 1, low: 2, info: 3 };
  assert.deepEqual([...severities].sort((a, b) => rank[a] - rank[b]), severities, 'most severe first');
  const kinds = new Set(await items.evaluateAll((els) => els.map((e) => e.dataset.kind)));
  for (const kind of ['silent_job', 'failure_spike', 'mass_deprovisioning', 'failed_deprovisioning', 'orphaned_access']) {
    assert.ok(kinds.has(kind), `a ${kind} finding is listed`);
  }
  await axe('findings view');
  // Expanding shows the evidence; the filter button narrows every view to its events.
  const orphan = page.locator('[data-testid=finding][data-kind=orphaned_access]').first();
  await orphan.locator('summary').first().click();
  await shot('view-findings');
  const [arm] = await Promise.all([page.waitForEvent('download'), orphan.getByTestId('finding-arm').click()]);
  assert.equal(arm.suggestedFilename(), 'provlens-alert-orphaned-access.json');
  const rule = JSON.parse(await readFile(await arm.path(), 'utf8'));
  assert.equal(rule.resources[0].type, 'Microsoft.Insights/scheduledQueryRules');
  const button = orphan.getByTestId('finding-filter');
  const count = Number((await button.textContent()).match(/\d+/)[0]);
  await button.click();
  await until('explorer-count', (t) => Number(t.replace(/\D/g, '')) === count, 'explorer filtered to the finding');
  assert.match(await page.evaluate(() => location.hash), /finding=orphaned_access-1/);
  // A threshold set in the app lives in the URL and changes the findings.
  await view('findings');
  await page.getByTestId('thresholds').locator('summary').click();
  const tripped = () => page.getByTestId('finding').filter({ hasText: 'threshold of 500' }).count();
  assert.ok((await tripped()) > 0, 'the planted cycle trips the default deletion threshold');
  await page.getByTestId('threshold-t_delete').fill('100000');
  await page.getByTestId('threshold-t_delete').press('Enter');
  await page.waitForFunction(() => location.hash.includes('t_delete=100000'));
  await page.getByTestId('finding').filter({ hasText: 'threshold of 100000' }).or(page.getByTestId('findings-count')).first().waitFor();
  const deadline = Date.now() + 10_000;
  while ((await tripped()) > 0 && Date.now() < deadline) await page.waitForTimeout(100);
  assert.equal(await tripped(), 0, 'no cycle trips a threshold of 100000');
});

test('lifecycle: the demo data\'s orphan and slow joiner, a person\'s swimlane by mouse and keyboard, restored from the URL', async () => {
  await page.getByTestId('open-demo').click();
  await page.getByTestId('timeline-chart').waitFor();
  await view('lifecycle');
  await page.getByTestId('lifecycle-view').waitFor();

  // The planted orphan: one leaver still enabled in Dropbox, counted on its tile.
  const orphans = page.getByTestId('orphan-row');
  await orphans.first().waitFor();
  assert.equal(await orphans.count(), 1);
  assert.match(await orphans.first().textContent(), /Dropbox/);
  assert.equal(await text('lifecycle-orphans'), '1');
  assert.ok(Number(await text('lifecycle-persons')) > 100, 'persons followed');
  assert.ok(Number(await text('lifecycle-breaches')) > 0, 'SLA breaches counted');

  // The planted slow joiner: the slowest, in Salesforce, over a day; its row is over the SLA.
  const slowest = page.getByTestId('slow-joiner-row').first();
  assert.match(await slowest.textContent(), /Salesforce.*\d+ d/);
  const rows = page.getByTestId('joiner-latency-row');
  assert.ok((await rows.count()) >= 4, 'a latency row per downstream system');
  const salesforce = page.locator('[data-testid=joiner-latency-row][data-system=Salesforce]');
  assert.ok((await salesforce.locator('td.over').count()) > 0, 'the breach is highlighted');
  assert.ok((await page.getByTestId('stalled-mover-row').count()) > 0, 'the stalled mover is listed');
  await axe('lifecycle');
  await shot('lifecycle');

  // The orphan's swimlane: one lane per system, HR first, its disable and the line that never ended.
  const name = (await orphans.first().getByTestId('lifecycle-person').textContent()).trim();
  await orphans.first().getByTestId('lifecycle-person').click();
  const swimlane = page.getByTestId('swimlane');
  await swimlane.waitFor();
  await page.waitForFunction(() => /view=lifecycle/.test(location.hash) && /person=\d+/.test(location.hash));
  const url = page.url();
  assert.equal((await page.locator('#swim-title').textContent()).trim(), name);
  const lanes = page.getByTestId('swimlane-lane');
  const systems = await lanes.evaluateAll((els) => els.map((e) => e.dataset.system));
  assert.ok(systems.length >= 4, `lanes: ${systems}`);
  assert.equal(systems[0], 'Workday', 'the HR source lane comes first');
  assert.ok(systems.includes('Dropbox'));
  const dropboxLane = page.locator('[data-testid=swimlane-lane][data-system=Dropbox]');
  assert.match(await dropboxLane.getAttribute('aria-label'), /enabled at the end/);
  assert.ok((await page.locator('[data-testid=swimlane-marker][data-op=disable]').count()) > 0, 'the HR disable is drawn');
  assert.ok((await swimlane.locator('.latency.open').count()) > 0, 'a dashed line for the disable that never reached Dropbox');
  assert.match(await page.getByTestId('swimlane-measures').textContent(), /leaver into Dropbox: never arrived/);
  // The table fallback lists the same events as the marks.
  const marks = await page.getByTestId('swimlane-marker').count();
  assert.equal(await page.getByTestId('swimlane-table').locator('tbody tr').count(), marks);

  // Tab to a mark and press Enter: the event opens in the drawer, as in the explorer.
  await page.getByTestId('swimlane-marker').first().focus();
  await page.keyboard.press('Enter');
  await page.getByTestId('drawer').waitFor();
  await page.keyboard.press('Escape');
  await page.getByTestId('drawer').waitFor({ state: 'detached' });
  await page.getByTestId('swimlane-marker').last().click();
  await page.getByTestId('drawer').waitFor();
  await page.keyboard.press('Escape');
  await swimlane.scrollIntoViewIfNeeded();
  await shot('lifecycle-swimlane');
  await axe('lifecycle swimlane');

  // A reload with the same data restores the view and the person.
  await page.reload();
  await page.getByTestId('open-demo').click();
  await swimlane.waitFor();
  assert.equal((await page.locator('#swim-title').textContent()).trim(), name);
  assert.equal(page.url(), url);

  // The search finds the person by name; a match opens the swimlane.
  await page.getByTestId('swimlane-close').click();
  await swimlane.waitFor({ state: 'detached' });
  await page.getByTestId('person-search').fill(name);
  await page.getByTestId('person-search').press('Enter');
  await page.getByTestId('lifecycle-match').first().click();
  await swimlane.waitFor();

  // Dark theme: contrast checked by axe, and the screenshots show both.
  await page.getByTestId('theme-toggle').click();
  await page.waitForTimeout(100);
  await axe('lifecycle swimlane, dark');
  await shot('lifecycle-swimlane-dark');
  await page.getByTestId('swimlane-close').click();
  await axe('lifecycle, dark');
  await shot('lifecycle-dark');
});
