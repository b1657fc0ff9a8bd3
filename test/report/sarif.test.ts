// SARIF: validates against the official 2.1.0 schema and carries what GitHub and others need.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { renderSarif, pathToUri } from '../../src/report/sarif.js';
import type { Decision, Report } from '../../src/core/types.js';
import { F, sampleDecision, sampleReport } from './sample.js';

// ajv-formats is CommonJS: under NodeNext its default import is `module.exports`, whose `default` is the plugin.
const addFormats = addFormatsModule.default;
const schema = JSON.parse(readFileSync(new URL('./fixtures/sarif-schema-2.1.0.json', import.meta.url), 'utf8')) as object;
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(schema);

interface Result {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: { physicalLocation?: { artifactLocation: { uri: string; uriBaseId: string }; region?: Record<string, unknown> }; logicalLocations?: { name: string }[] }[];
  partialFingerprints: Record<string, string>;
  fingerprints: Record<string, string>;
  baselineState?: string;
  suppressions?: { kind: string; justification: string }[];
  codeFlows?: { threadFlows: { locations: { location: { message: { text: string } } }[] }[] }[];
  properties: Record<string, unknown>;
}
interface Log {
  runs: {
    tool: { driver: { name: string; rules: { id: string; defaultConfiguration: { level: string }; properties: { 'security-severity': string; tags: string[] } }[] } };
    invocations: { executionSuccessful: boolean; toolExecutionNotifications?: { level: string; message: { text: string } }[] }[];
    automationDetails: { id: string };
    columnKind: string;
    results: Result[];
  }[];
}

function sarif(report: Report = sampleReport(), decision: Decision = sampleDecision()): Log {
  const text = renderSarif(report, decision);
  const doc = JSON.parse(text) as unknown;
  assert.ok(validate(doc), JSON.stringify(validate.errors, null, 2));
  return doc as Log;
}

function resultFor(log: Log, fingerprint: string): Result {
  const r = log.runs[0]!.results.find((x) => x.fingerprints['pipeguard/v1'] === fingerprint);
  assert.ok(r, `no result for ${fingerprint}`);
  return r;
}

test('the sample validates against the official SARIF 2.1.0 schema', () => {
  sarif();
});

test('the validator really rejects bad SARIF', () => {
  const doc = JSON.parse(renderSarif(sampleReport(), sampleDecision())) as Log;
  (doc.runs[0]!.results[0] as unknown as Record<string, unknown>).level = 'fatal';
  assert.equal(validate(doc), false);
  const doc2 = JSON.parse(renderSarif(sampleReport(), sampleDecision())) as Log;
  doc2.runs[0]!.results[0]!.locations[0]!.physicalLocation!.artifactLocation.uri = 'a b:/%%';
  assert.equal(validate(doc2), false);
});

test('rules are sorted by id, include undeclared ones, and ruleIndex points at the right rule', () => {
  const log = sarif();
  const rules = log.runs[0]!.tool.driver.rules;
  const ids = rules.map((r) => r.id);
  assert.deepEqual(ids, [...ids].sort());
  assert.ok(ids.includes('deprecated-package'));
  for (const r of log.runs[0]!.results) assert.equal(rules[r.ruleIndex]!.id, r.ruleId);
  const aws = rules.find((r) => r.id === 'aws-access-key')!;
  assert.equal(aws.properties['security-severity'], '9.5');
  assert.equal(aws.defaultConfiguration.level, 'error');
  assert.ok(aws.properties.tags.includes('security'));
  assert.ok(aws.properties.tags.includes('external/cwe/cwe-798'));
});

test('levels follow severity; fingerprints are ours', () => {
  const log = sarif();
  assert.equal(resultFor(log, F.awsKey.fingerprint).level, 'error');
  assert.equal(resultFor(log, F.sqli.fingerprint).level, 'error');
  assert.equal(resultFor(log, F.slack.fingerprint).level, 'warning');
  assert.equal(resultFor(log, F.weakHash.fingerprint).level, 'note');
  assert.equal(resultFor(log, F.deprecated.fingerprint).level, 'note');
  const r = resultFor(log, F.awsKey.fingerprint);
  assert.deepEqual(r.partialFingerprints, { primaryLocationLineHash: F.awsKey.fingerprint, 'pipeguard/v1': F.awsKey.fingerprint });
});

test('regions: full when known, line 1 for a package finding without a line, snippet kept', () => {
  const log = sarif();
  const aws = resultFor(log, F.awsKey.fingerprint).locations[0]!.physicalLocation!;
  assert.deepEqual(aws.region, { startLine: 12, startColumn: 15, endLine: 12, endColumn: 35, snippet: { text: F.awsKey.location.snippet } });
  assert.deepEqual(resultFor(log, F.evalUse.fingerprint).locations[0]!.physicalLocation!.region, { startLine: 5, startColumn: 3 });
  // GitHub needs a region on every result: a finding about a whole file (a package in a lockfile) points at line 1.
  const lodash = resultFor(log, F.lodash.fingerprint).locations[0]!;
  assert.deepEqual(lodash.physicalLocation!.region, { startLine: 1 });
  assert.equal(lodash.physicalLocation!.artifactLocation.uri, 'package-lock.json');
  assert.deepEqual(lodash.logicalLocations?.map((l) => l.name), ['lodash@4.17.20']);
});

test('archive member paths become valid relative URIs under %SRCROOT%, with `!` encoded for GitHub', () => {
  const loc = resultFor(sarif(), F.slack.fingerprint).locations[0]!.physicalLocation!.artifactLocation;
  assert.equal(loc.uri, 'vendor/release%201.zip%21lib/conf/app%20%C3%BC.env');
  assert.equal(loc.uriBaseId, '%SRCROOT%');
  assert.equal(decodeURIComponent(loc.uri), F.slack.location.path);
  assert.equal(pathToUri('c:odd/x#y?.txt'), 'c%3Aodd/x%23y%3F.txt');
  assert.equal(pathToUri('./a\\b.txt'), 'a/b.txt');
});

test('weird paths still validate', () => {
  const report = sampleReport();
  const paths = ['c:x.txt', 'a b/%zz#frag?.js', 'x.tar.gz!y.zip!z/[1].env', 'ünï/çødé.ts', 'back\\slash.txt', ':colon', '//double'];
  report.findings = paths.map((path, i) => ({ ...F.weakHash, location: { path, startLine: 1 }, fingerprint: `w${i}` }));
  const decision = { ...sampleDecision(), violations: [], findings: report.findings, suppressed: [], baselineState: undefined };
  sarif(report, decision);
});

test('suppressed findings are results with suppressions; baseline states are set', () => {
  const log = sarif();
  assert.deepEqual(resultFor(log, F.privateKey.fingerprint).suppressions, [{ kind: 'inSource', justification: 'test fixture key, used nowhere' }]);
  assert.equal(resultFor(log, F.evalUse.fingerprint).suppressions![0]!.kind, 'external');
  assert.equal(resultFor(log, F.awsKey.fingerprint).suppressions, undefined);
  assert.equal(resultFor(log, F.awsKey.fingerprint).baselineState, 'new');
  assert.equal(resultFor(log, F.sqli.fingerprint).baselineState, 'unchanged');
  assert.equal(resultFor(log, F.privateKey.fingerprint).baselineState, undefined);
  assert.equal(log.runs[0]!.results.length, sampleReport().findings.length);
});

test('flows become a code flow; origin goes to properties', () => {
  const log = sarif();
  const flow = resultFor(log, F.sqli.fingerprint).codeFlows![0]!.threadFlows[0]!.locations;
  assert.deepEqual(flow.map((l) => l.location.message.text), ['source: req.params.id', 'assigned to id', 'sink: db.query']);
  const origin = resultFor(log, F.ghToken.fingerprint).properties.origin as { commit: string };
  assert.equal(origin.commit, F.ghToken.origin.commit);
});

test('invocation: file errors as warnings, failed scanner makes execution unsuccessful', () => {
  let log = sarif();
  const inv = log.runs[0]!.invocations[0]!;
  assert.equal(inv.executionSuccessful, true);
  const texts = inv.toolExecutionNotifications!.map((n) => `${n.level} ${n.message.text}`);
  assert.ok(texts.includes('warning src/legacy/broken.js: parse error at 3:14: unexpected token'));
  assert.ok(texts.includes('note licenses skipped: no license policy configured'));
  const report = sampleReport();
  report.statuses.push({ scanner: 'dast', status: 'failed', reason: 'target unreachable', fileErrors: [] });
  log = sarif(report);
  assert.equal(log.runs[0]!.invocations[0]!.executionSuccessful, false);
  assert.equal(log.runs[0]!.automationDetails.id, 'pipeguard/directory/');
  assert.equal(log.runs[0]!.columnKind, 'utf16CodeUnits');
});

test('an empty run is valid too', () => {
  const report: Report = { ...sampleReport(), findings: [], rules: [], statuses: [], target: { id: '/abs/repo dir', kind: 'git-history' } };
  const decision: Decision = { outcome: 'pass', failOn: 'high', violations: [], findings: [], suppressed: [], notes: [] };
  const log = sarif(report, decision);
  assert.deepEqual(log.runs[0]!.results, []);
});

test('paths never turn into network or root references', () => {
  assert.equal(pathToUri('//host/x'), 'host/x');
  assert.equal(pathToUri('/etc/passwd'), 'etc/passwd');
  assert.equal(pathToUri('a//b'), 'a/b');
});

test("a finding's text edits (a rule's fix:) become SARIF fixes with artifact changes; advice alone does not", () => {
  const report = sampleReport();
  const i = report.findings.findIndex((f) => f.fingerprint === F.sqli.fingerprint);
  const at = report.findings[i]!;
  const path = (at.location as { path: string }).path;
  report.findings[i] = {
    ...at,
    fix: {
      description: 'use a parameterised query',
      edits: [
        { path, startLine: 3, startColumn: 5, endLine: 3, endColumn: 20, text: 'db.query(sql, [id])' },
        { path, startLine: 1, startColumn: 1, endLine: 1, endColumn: 1, text: "import { sql } from './sql';\n" },
      ],
    },
  };
  const log = sarif(report);
  const r = resultFor(log, F.sqli.fingerprint) as Result & { fixes?: { description: { text: string }; artifactChanges: { artifactLocation: { uri: string; uriBaseId: string }; replacements: { deletedRegion: Record<string, number>; insertedContent: { text: string } }[] }[] }[] };
  assert.equal(r.fixes?.length, 1);
  const fix = r.fixes![0]!;
  assert.equal(fix.description.text, 'use a parameterised query');
  assert.equal(fix.artifactChanges.length, 1, 'edits to one file are one artifact change');
  assert.equal(fix.artifactChanges[0]!.artifactLocation.uri, pathToUri(path));
  assert.deepEqual(fix.artifactChanges[0]!.replacements[0], { deletedRegion: { startLine: 3, startColumn: 5, endLine: 3, endColumn: 20 }, insertedContent: { text: 'db.query(sql, [id])' } });
  // a dependency upgrade is advice without edits: no SARIF fix, the advice stays in properties
  const dep = log.runs[0]!.results.find((x) => x.properties.upgradeTo !== undefined) as (Result & { fixes?: unknown }) | undefined;
  assert.ok(dep);
  assert.equal(dep.fixes, undefined);
});
