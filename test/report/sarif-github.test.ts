// SARIF as GitHub code scanning takes it: one rule per advisory with its own security-severity, helpUri on every
// rule, a physical location with a region on every result (whatever the location kind), no `!` or `.` URIs, and
// the upload limits kept with a note on what was cut. Every log here also validates against the 2.1.0 schema.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { test } from 'node:test';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { anchorUri, renderSarif, type SarifOptions } from '../../src/report/sarif.js';
import type { Decision, Finding, Report } from '../../src/core/types.js';
import { F, sampleDecision, sampleReport } from './sample.js';

const addFormats = addFormatsModule.default;
const schema = JSON.parse(readFileSync(new URL('./fixtures/sarif-schema-2.1.0.json', import.meta.url), 'utf8')) as object;
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(schema);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function render(report: Report, decision: Decision, opts?: SarifOptions): Json {
  const text = renderSarif(report, decision, opts);
  const doc = JSON.parse(text) as Json;
  assert.ok(validate(doc), JSON.stringify(validate.errors, null, 2));
  assertGitHubAccepts(doc);
  return doc;
}

/** What GitHub's upload checks and its alert pages need of a log, beyond the schema. */
function assertGitHubAccepts(doc: Json): void {
  const run = doc.runs[0];
  assert.ok(run.results.length <= 25_000);
  for (const rule of run.tool.driver.rules) {
    assert.match(rule.helpUri, /^https:\/\//, `rule ${rule.id} has a helpUri`);
    const score = Number(rule.properties['security-severity']);
    assert.ok(Number.isFinite(score) && score >= 0 && score <= 10, `rule ${rule.id} security-severity ${rule.properties['security-severity']}`);
  }
  for (const r of run.results) {
    assert.equal(run.tool.driver.rules[r.ruleIndex].id, r.ruleId);
    const phys = r.locations?.[0]?.physicalLocation;
    assert.ok(phys, `result ${r.ruleId} has a physical location`);
    const uri: string = phys.artifactLocation.uri;
    assert.ok(uri !== '' && uri !== '.' && !uri.split('/').includes('.'), `uri ${uri}`);
    assert.ok(!uri.includes('!'), `uri ${uri} has no raw !`);
    assert.ok(Number.isInteger(phys.region?.startLine) && phys.region.startLine >= 1, `result ${r.ruleId} at ${uri} has a region`);
  }
}

const base = (over: Partial<Finding>, n: number): Finding => ({ ...F.weakHash, ...over, fingerprint: `f${String(n).padStart(31, '0')}` }) as Finding;

function runOf(findings: Finding[], extra: Partial<Report> = {}): { report: Report; decision: Decision } {
  const report: Report = { ...sampleReport(), findings, ...extra };
  const decision: Decision = { outcome: 'pass', failOn: 'critical', violations: [], findings, suppressed: [], notes: [] };
  return { report, decision };
}

const dep = (id: string, pkg: string, severity: Finding['severity'], n: number, cvssScore?: number): Finding =>
  base(
    {
      scanner: 'deps',
      ruleId: 'vulnerable-dependency',
      severity,
      message: `${pkg} is affected by ${id}.`,
      location: { path: 'package-lock.json', startLine: 10 + n, logical: `${pkg}@1.0.0` },
      data: { advisoryId: id, aliases: [`CVE-2024-${1000 + n}`], package: pkg, version: '1.0.0', summary: `Flaw ${n} in ${pkg}`, ...(cvssScore !== undefined ? { cvssScore } : {}) },
    },
    n,
  );

test('each advisory is its own rule, with the advisory CVSS score as security-severity', () => {
  const findings = [
    dep('GHSA-aaaa-bbbb-cccc', 'minimist', 'critical', 1, 9.8),
    dep('GHSA-dddd-eeee-ffff', 'semver', 'medium', 2, 5.3),
    dep('GHSA-dddd-eeee-ffff', 'semver', 'medium', 3, 5.3),
    dep('PYSEC-2024-1', 'jinja2', 'high', 4),
  ];
  const doc = render(runOf(findings).report, runOf(findings).decision);
  const rules = new Map<string, Json>(doc.runs[0].tool.driver.rules.map((r: Json) => [r.id, r]));
  assert.equal(rules.get('GHSA-aaaa-bbbb-cccc')!.properties['security-severity'], '9.8');
  assert.equal(rules.get('GHSA-dddd-eeee-ffff')!.properties['security-severity'], '5.3');
  // No CVSS data: the band of its severity.
  assert.equal(rules.get('PYSEC-2024-1')!.properties['security-severity'], '8.0');
  assert.equal(rules.get('GHSA-aaaa-bbbb-cccc')!.helpUri, 'https://osv.dev/vulnerability/GHSA-aaaa-bbbb-cccc');
  assert.equal(rules.get('GHSA-aaaa-bbbb-cccc')!.shortDescription.text, 'Flaw 1 in minimist');
  assert.equal(rules.get('GHSA-aaaa-bbbb-cccc')!.defaultConfiguration.level, 'error');
  assert.equal(rules.get('GHSA-dddd-eeee-ffff')!.defaultConfiguration.level, 'warning');
  assert.deepEqual(rules.get('GHSA-dddd-eeee-ffff')!.properties.aliases, ['CVE-2024-1002', 'CVE-2024-1003']);
  assert.equal(rules.get('GHSA-dddd-eeee-ffff')!.properties['pipeguard/rule'], 'vulnerable-dependency');
  const results = doc.runs[0].results as Json[];
  assert.deepEqual(results.map((r) => r.ruleId), ['GHSA-aaaa-bbbb-cccc', 'GHSA-dddd-eeee-ffff', 'GHSA-dddd-eeee-ffff', 'PYSEC-2024-1']);
  assert.ok(results.every((r) => r.properties['pipeguard/rule'] === 'vulnerable-dependency'));
  // Distinct advisories have distinct severities on GitHub: no single fixed value.
  assert.equal(new Set([...rules.values()].filter((r) => r.properties['pipeguard/rule']).map((r) => r.properties['security-severity'])).size, 3);
});

test('every kind of location gets a physical location with a region, never a `.` URI', () => {
  const findings = [
    base({ scanner: 'forge', ruleId: 'forge-force-push-allowed', location: { kind: 'repository', repository: 'github.com/acme/api', setting: 'branches/main/protection', url: 'https://github.com/acme/api/settings/branches' } }, 1),
    base({ scanner: 'forge', ruleId: 'forge-actions-unrestricted', location: { kind: 'repository', repository: 'github.com/acme/api' } }, 2),
    base({ scanner: 'image', ruleId: 'image-runs-as-root', location: { kind: 'image', image: 'registry.example/app:1.2', path: 'config' } }, 3),
    base({ scanner: 'image', ruleId: 'aws-access-key', location: { kind: 'image', image: 'app.tar', layer: 'sha256:ab', path: 'etc/app.env', startLine: 4 } }, 4),
    base({ scanner: 'pipeline', ruleId: 'step-failed', location: { kind: 'step', pipeline: 'release', stage: 'deploy', step: 'push' } }, 5),
    base({ scanner: 'pipeline', ruleId: 'step-unpinned', location: { kind: 'step', pipeline: 'ci', step: 'build', path: '.github/workflows/ci.yml', startLine: 12 } }, 6),
    base({ scanner: 'dast', ruleId: 'dast-missing-csp', location: { kind: 'http', method: 'get', url: 'http://127.0.0.1:3000/users/7', pathTemplate: '/users/{id}' } }, 7),
    base({ scanner: 'licensefiles', ruleId: 'license-file-missing', location: { path: '.' } }, 8),
    base({ scanner: 'posture', ruleId: 'posture-no-codeowners', location: { path: './' } }, 9),
    base({ scanner: 'sast', ruleId: 'js-eval', location: { path: 'src/./a.js', startLine: 3 } }, 10),
  ];
  const doc = render(runOf(findings).report, runOf(findings).decision);
  const byFp = new Map<string, Json>(doc.runs[0].results.map((r: Json) => [r.fingerprints['pipeguard/v1'], r]));
  const phys = (n: number): Json => byFp.get(findings[n - 1]!.fingerprint)!.locations[0].physicalLocation;
  assert.equal(phys(1).artifactLocation.uri, '(repository)/branches/main/protection');
  assert.equal(phys(2).artifactLocation.uri, '(repository)/github.com/acme/api');
  assert.equal(phys(3).artifactLocation.uri, 'registry.example/app%3A1.2%21config');
  assert.deepEqual(phys(4), { artifactLocation: { uri: 'app.tar%21etc/app.env', uriBaseId: '%SRCROOT%' }, region: { startLine: 4 } });
  assert.equal(phys(5).artifactLocation.uri, '(pipeline)/release/deploy/push');
  assert.deepEqual(phys(6).region, { startLine: 12 });
  assert.equal(phys(6).artifactLocation.uri, '.github/workflows/ci.yml');
  assert.equal(phys(7).artifactLocation.uri, 'http://127.0.0.1:3000/users/7');
  assert.equal(phys(8).artifactLocation.uri, '(target)');
  assert.equal(phys(9).artifactLocation.uri, '(target)');
  assert.equal(phys(10).artifactLocation.uri, 'src/a.js');
  // The logical location still says what the finding is about.
  assert.equal(byFp.get(findings[0]!.fingerprint)!.locations[0].logicalLocations[0].name, 'github.com/acme/api branches/main/protection');
  assert.equal(anchorUri({ kind: 'repository', repository: 'gitlab.com/g/p', setting: 'collaborators?permission=admin' }), '(repository)/collaborators%3Fpermission%3Dadmin');
});

test('over 25,000 results: the most important are kept and the run says what was cut', () => {
  const findings: Finding[] = [];
  const sev = ['critical', 'high', 'medium', 'low', 'info'] as const;
  for (let i = 0; i < 25_010; i++) findings.push(base({ severity: sev[i % 5]!, location: { path: `src/f${i}.ts`, startLine: 1 } }, i));
  const { report, decision } = runOf(findings);
  const doc = render(report, decision);
  const run = doc.runs[0];
  assert.equal(run.results.length, 25_000);
  // The ten cut are the lowest severity.
  assert.deepEqual(run.properties['pipeguard/truncated'], {
    reason: 'GitHub code scanning accepts at most 25000 results in a run',
    resultsTotal: 25_010,
    resultsKept: 25_000,
    omitted: { info: 10 },
  });
  const kept = new Set(run.results.map((r: Json) => r.fingerprints['pipeguard/v1']));
  const infos = findings.filter((f) => f.severity === 'info');
  assert.deepEqual(infos.filter((f) => !kept.has(f.fingerprint)).map((f) => f.fingerprint), infos.slice(-10).map((f) => f.fingerprint));
  const note = run.invocations[0].toolExecutionNotifications.find((n: Json) => n.properties?.omitted);
  assert.match(note.message.text, /^10 of 25010 results left out \(10 info\): GitHub code scanning accepts at most 25000 results/);
});

test('violations survive the cut before anything else, suppressed findings go first', () => {
  const findings = [0, 1, 2, 3, 4, 5].map((i) => base({ severity: i < 3 ? 'low' : 'critical', location: { path: `x${i}.ts`, startLine: 1 } }, i));
  const report: Report = { ...sampleReport(), findings };
  const decision: Decision = {
    outcome: 'fail', failOn: 'low', violations: [findings[0]!, findings[1]!], findings: [findings[3]!, findings[4]!], notes: [],
    suppressed: [{ finding: findings[5]!, kind: 'config', reason: 'accepted' }, { finding: findings[2]!, kind: 'inline', reason: 'test' }],
  };
  const doc = render(report, decision, { limits: { results: 3 } });
  const kept = doc.runs[0].results.map((r: Json) => r.fingerprints['pipeguard/v1']);
  assert.deepEqual(kept, [findings[0]!.fingerprint, findings[1]!.fingerprint, findings[3]!.fingerprint]);
  assert.deepEqual(doc.runs[0].properties['pipeguard/truncated'].omitted, { critical: 1, suppressed: 2 });
});

test('over the compressed-size limit: results are cut until the gzip of the log fits', () => {
  // Findings with incompressible messages, so the log gzips to well over the (lowered) limit.
  const noise = (i: number): string => Array.from({ length: 10 }, (_, j) => createHash('sha512').update(`${i}/${j}`).digest('base64')).join('');
  const findings = Array.from({ length: 400 }, (_, i) => base({ message: noise(i), location: { path: `p/${i}.js`, startLine: i + 1 } }, i));
  const { report, decision } = runOf(findings);
  const limit = 64 * 1024;
  const full = renderSarif(report, decision);
  assert.ok(gzipSync(full).length > limit, 'the uncut log is over the limit');
  const text = renderSarif(report, decision, { limits: { gzipBytes: limit } });
  assert.ok(gzipSync(text).length <= limit);
  const doc = render(report, decision, { limits: { gzipBytes: limit } });
  const run = doc.runs[0];
  assert.ok(run.results.length > 0 && run.results.length < 400, `${run.results.length} kept`);
  assert.match(run.properties['pipeguard/truncated'].reason, /at most 65536 bytes of gzip-compressed SARIF/);
  assert.equal(run.properties['pipeguard/truncated'].resultsKept, run.results.length);
});

test('the sample log: every rule has a helpUri, the lodash advisory is its own rule', () => {
  const doc = render(sampleReport(), sampleDecision());
  const lodash = doc.runs[0].results.find((r: Json) => r.fingerprints['pipeguard/v1'] === F.lodash.fingerprint);
  assert.equal(lodash.ruleId, 'GHSA-35jh-r3h4-6jhm');
  const rule = doc.runs[0].tool.driver.rules[lodash.ruleIndex];
  assert.equal(rule.properties['security-severity'], '7.2');
  assert.equal(doc.runs[0].properties, undefined, 'nothing cut');
});
