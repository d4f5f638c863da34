// Every KQL query provlens generates (one per finding kind, per job and over all jobs, the
// dashboard panels, and the query inside each alert-rule ARM template) must parse and analyze
// without a single diagnostic against the AADProvisioningLogs schema, using Microsoft's Kusto
// language service. Run: npm install --no-save @kusto/language-service-next@12.4.1 &&
// node --test e2e/kql.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const pkg = path.dirname(require.resolve('@kusto/language-service-next/package.json', { paths: [root] }));
globalThis.Bridge = require(path.join(pkg, 'bridge.js'));
require(path.join(pkg, 'Kusto.Language.Bridge.js'));
const K = globalThis.Kusto.Language;
const S = K.Symbols;

// Columns of AADProvisioningLogs as the export-formats reference (§6.1) lists them. The JSON
// columns are strings there; some workspaces type them dynamic, so both schemas are checked.
const SCALAR = [
  ['TimeGenerated', 'DateTime'], ['AADTenantId', 'String'], ['TenantId', 'String'],
  ['OperationName', 'String'], ['OperationVersion', 'String'], ['Category', 'String'],
  ['ResultType', 'String'], ['ResultSignature', 'String'], ['ResultDescription', 'String'],
  ['DurationMs', 'Long'], ['CorrelationId', 'String'], ['Id', 'String'], ['JobId', 'String'],
  ['CycleId', 'String'], ['ChangeId', 'String'], ['Action', 'String'],
  ['ProvisioningAction', 'String'], ['Type', 'String'], ['_BilledSize', 'Real'],
  ['_IsBillable', 'String'],
];
const JSON_COLUMNS = [
  'StatusInfo', 'ProvisioningStatusInfo', 'ProvisioningSteps', 'ModifiedProperties',
  'ServicePrincipal', 'SourceIdentity', 'TargetIdentity', 'SourceSystem', 'TargetSystem',
  'InitiatedBy',
];

function globals(jsonType) {
  const columns = [
    ...SCALAR.map(([n, t]) => new S.ColumnSymbol(n, S.ScalarTypes[t])),
    ...JSON_COLUMNS.map((n) => new S.ColumnSymbol(n, S.ScalarTypes[jsonType])),
  ];
  const table = new S.TableSymbol.$ctor4('AADProvisioningLogs', columns);
  const db = new S.DatabaseSymbol.$ctor1('workspace', [table]);
  const cluster = new S.ClusterSymbol.$ctor1('loganalytics', [db]);
  return K.GlobalState.Default.WithCluster(cluster).WithDatabase(db);
}
const SCHEMAS = { string: globals('String'), dynamic: globals('Dynamic') };

function diagnostics(query, state) {
  const code = K.KustoCode.ParseAndAnalyze(query, state);
  const list = code.GetDiagnostics();
  const out = [];
  for (let i = 0; i < list.Count; i++) {
    const d = list.getItem(i);
    out.push(`${d.Severity} ${d.Code} at ${d.Start}: ${d.Message} — near «${query.substr(d.Start, Math.max(d.Length, 1) + 20)}»`);
  }
  return out;
}

function provlens(args) {
  return execFileSync('cargo', ['run', '--quiet', '--bin', 'provlens', '--', ...args], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
}

const catalog = process.env.PROVLENS_KQL_JSON
  ? JSON.parse(readFileSync(process.env.PROVLENS_KQL_JSON, 'utf8'))
  : JSON.parse(provlens(['kql', '--json']));

const KINDS = [
  'silent_job', 'failure_spike', 'mass_deprovisioning', 'failed_onboarding',
  'failed_deprovisioning', 'persistent_failure', 'attribute_flapping', 'quarantine_risk',
  'skipped_noise', 'error_template',
  'orphaned_access',
  'lifecycle_sla',
];

test('the catalog covers every finding kind and the dashboard panels', () => {
  assert.equal(catalog.table, 'AADProvisioningLogs');
  assert.deepEqual(catalog.findings.map((f) => f.kind), KINDS);
  const panels = catalog.dashboard.map((p) => p.name);
  for (const name of ['Events by status over time', 'Events by action', 'Top errors', 'Jobs', 'Success rate', 'Cycles']) {
    assert.ok(panels.includes(name), `missing dashboard panel ${name}`);
  }
});

for (const [schema, state] of Object.entries(SCHEMAS)) {
  for (const f of catalog.findings) {
    test(`${f.kind} query analyzes cleanly (${schema} JSON columns)`, () => {
      assert.match(f.kql, /AADProvisioningLogs/);
      assert.deepEqual(diagnostics(f.kql, state), []);
      assert.match(f.kql_for_job, /\| where JobId == "/);
      assert.deepEqual(diagnostics(f.kql_for_job, state), []);
    });
  }
  for (const p of catalog.dashboard) {
    test(`dashboard panel "${p.name}" analyzes cleanly (${schema} JSON columns)`, () => {
      assert.deepEqual(diagnostics(p.kql, state), []);
    });
  }
}

test('each alert rule is a scheduledQueryRules ARM template with a clean query', () => {
  for (const kind of KINDS) {
    const arm = JSON.parse(provlens(['kql', '--arm', kind]));
    assert.match(arm.$schema, /deploymentTemplate\.json/);
    const [rule] = arm.resources;
    assert.equal(rule.type, 'Microsoft.Insights/scheduledQueryRules');
    const [criterion] = rule.properties.criteria.allOf;
    assert.equal(criterion.query, catalog.findings.find((f) => f.kind === kind).kql);
    assert.deepEqual(diagnostics(criterion.query, SCHEMAS.string), [], kind);
  }
});

test('the checker is not vacuous: a misspelled column or a syntax error is a diagnostic', () => {
  const good = 'AADProvisioningLogs | where ResultType == "Failure" | summarize count() by JobId';
  assert.deepEqual(diagnostics(good, SCHEMAS.string), []);
  const misspelled = diagnostics(good.replace('JobId', 'JobIdd'), SCHEMAS.string);
  assert.equal(misspelled.length, 1);
  assert.match(misspelled[0], /JobIdd/);
  assert.ok(diagnostics('AADProvisioningLogs | where ResultType ==', SCHEMAS.string).length > 0);
  // And a generated query with one column broken fails too.
  const spike = catalog.findings.find((f) => f.kind === 'failure_spike').kql;
  assert.ok(diagnostics(spike.replaceAll('ResultSignature', 'ResultSignatur'), SCHEMAS.string).length > 0);
});
