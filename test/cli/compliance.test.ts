import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ForgeDouble } from '../helpers/forge-double.js';
import { cli } from '../helpers/cli.js';
import { makeRepo } from '../helpers/tmp.js';
import { githubToken } from '../helpers/tokens.js';
import { recording } from '../posture/helpers.js';

const weak = new ForgeDouble(recording('github-weak'));
before(async () => {
  await weak.start();
});
after(async () => {
  await weak.stop();
});

const WORKFLOW = `name: ci
on: [push, pull_request]
permissions: { contents: read }
jobs:
  scan:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/checkout@0123456789abcdef0123456789abcdef01234567
      - run: npm test
      - run: npx pipeguard scan . -f sarif -o pipeguard.sarif
      - run: npx pipeguard sbom . -o sbom.cdx.json
      - uses: github/codeql-action/upload-sarif@0123456789abcdef0123456789abcdef01234567
        with: { sarif_file: pipeguard.sarif }
`;

function repo(extra: Record<string, string> = {}) {
  return makeRepo([
    {
      files: {
        'pipeguard.yml': 'version: 1\nfailOn: high\ncompliance:\n  require: [ssdf:RV.1.3]\n',
        'SECURITY.md': 'Report vulnerabilities to security@acme.example; we disclose within 90 days.\n',
        '.github/workflows/ci.yml': WORKFLOW,
        '.github/CODEOWNERS': '/.github/ @acme/sec\n/pipeguard.yml @acme/sec\n',
        '.github/dependabot.yml': 'version: 2\nupdates: []\n',
        'package.json': '{ "name": "x", "scripts": { "test": "node --test" }, "dependencies": { "a": "1.0.0" } }\n',
        'package-lock.json': '{ "lockfileVersion": 3, "packages": {} }\n',
        ...extra,
      },
    },
  ]);
}

type Doc = { outcome: string; summary: Record<string, number>; required: { ref: string; status: string }[]; controls: { id: string; status: string; manual?: string; evidence: { kind: string; label: string; status: string; detail: string; findings: { ruleId: string; fingerprint: string }[] }[]; todo: string[] }[] };
const control = (d: Doc, id: string) => d.controls.find((c) => c.id === id)!;

test('compliance --framework ssdf: scans run now and live settings from a posture report, each control with its evidence', async () => {
  const dir = repo({ 'src/config.js': `export const token = '${githubToken(7)}';\n` });
  const env = { GITHUB_TOKEN: 'test-token' };
  const posture = await cli(['posture', '--github', 'acme/legacy-api', '--api-url', weak.url, '--path', '.', '-f', 'json', '-o', 'posture.json', '--fail-on', 'none', '--cache-dir', join(dir, '.cache')], { cwd: dir, env });
  assert.equal(posture.code, 0, posture.stderr);
  const r = await cli(['compliance', '--framework', 'ssdf', '--scan', '--report', 'posture.json', '-f', 'json'], { cwd: dir, env });
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as Doc;
  assert.deepEqual(doc.required, [{ ref: 'ssdf:RV.1.3', status: 'met', title: 'Have a policy that addresses vulnerability disclosure and remediation' }]);
  assert.equal(doc.outcome, 'pass');
  // Live settings fail least privilege on the default branch; the finding is linked by fingerprint.
  const ps11 = control(doc, 'PS.1.1');
  assert.equal(ps11.status, 'partly-met');
  const unprotected = ps11.evidence.find((e) => e.label.includes('forge-branch-unprotected'))!;
  assert.equal(unprotected.status, 'fail');
  assert.match(unprotected.findings[0]!.fingerprint, /^[0-9a-f]{32}$/);
  assert.ok(ps11.evidence.some((e) => e.label.includes('forge-unsigned-commits-allowed') && e.status === 'fail'), 'ps11.evidence.some((e) => e.label.includes(\'forge-unsigned-commits-allowed\') && e.status === \'fai');
  // The committed token fails the secrets evidence of PW.7.2; the secrets scan does run in CI with the gate.
  const pw72 = control(doc, 'PW.7.2');
  const secrets = pw72.evidence.find((e) => e.label.startsWith('secrets scan ('))!;
  assert.equal(secrets.status, 'fail');
  assert.equal(secrets.findings[0]!.ruleId, 'github-pat');
  assert.deepEqual(pw72.evidence.find((e) => e.label === 'secrets scan runs in CI')!.status, 'pass');
  assert.ok(!r.stdout.includes(githubToken(7)), 'the secret is not in the report');
  // SBOM in CI, lockfile present: provenance collection is partly met (no provenance generated).
  const ps32 = control(doc, 'PS.3.2');
  assert.equal(ps32.status, 'partly-met');
  assert.deepEqual(ps32.evidence.map((e) => [e.label, e.status]), [
    // The integrity scanner's provenance rules did not run (no build.require): unknown, not a pass.
    ['integrity scan (2 rules)', 'unknown'],
    ['posture scan (posture-missing-lockfile)', 'pass'],
    ['SBOM generated in CI', 'pass'],
    ['build provenance generated', 'fail'],
  ]);
  // A control nothing can show says so instead of guessing.
  const po22 = control(doc, 'PO.2.2');
  assert.equal(po22.status, 'no-evidence');
  assert.deepEqual(po22.evidence, []);
  assert.match(po22.todo.join(' '), /No automated evidence: an organisational process/);
  // Code scans ran, were in CI, no violation: SAST evidence is met.
  assert.equal(control(doc, 'PW.5.1').status, 'met');
  assert.equal(doc.summary['no-evidence'], doc.controls.filter((c) => c.manual).length);
});

test('compliance: the gate requires controls (compliance.require and --require); exit 1 names the unmet ones', async () => {
  const dir = repo();
  const r = await cli(['compliance', '--framework', 'slsa', '--require', 'slsa:build-l2', '--require', 'cis-supply-chain:2.4.6'], { cwd: dir });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^pipeguard: slsa: \d+ met, \d+ partly met, \d+ not met, \d+ with no automated evidence; required controls not met: ssdf:RV\.1\.3, slsa:build-l2\n$/);
  assert.match(r.stdout, /^# Supply-chain Levels for Software Artifacts \(SLSA\), Build track: compliance report\n\nFramework version 1\.0 \(April 2023\)/);
  assert.match(r.stdout, /## Required controls: ❌ not all met\n\n\| Control \| Title \| Status \|\n\|---\|---\|---\|\n\| ssdf:RV\.1\.3 \| .* \| ⚪ no automated evidence \|\n\| slsa:build-l2 \| .* \| 🟡 partly met \|\n\| cis-supply-chain:2\.4\.6 \| .* \| ✅ met \|/);
  // Without --scan or reports, scan evidence is unknown, so the policy is only partly shown.
  assert.match(r.stdout, /no report given shows the pipeline scanner ran/);
});

test('compliance: HTML is escaped and self-contained; JSON and Markdown go to files', async () => {
  // A file name is text from the repository: it must come out escaped.
  const dir = repo({ 'src/<img src=x onerror=alert(1)>.js': `export const t = '${githubToken(9)}';\n` });
  const r = await cli(['compliance', '--framework', 'samm', '--scan', '-f', 'html', '-o', 'c.html', '-f', 'json', '-o', 'c.json'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const html = readFileSync(join(dir, 'c.html'), 'utf8');
  assert.match(html, /^<!doctype html>/);
  assert.ok(!/<script|<img/i.test(html), 'no element from the repository');
  assert.match(html, /src\/&lt;img src=x onerror=alert\(1\)&gt;\.js:1/);
  assert.ok(!/<(?:link|iframe|object)\b|\ssrc="|href="http(?!s:\/\/owaspsamm\.org)/i.test(html), 'no external resource but the framework link');
  assert.match(html, /OWASP Software Assurance Maturity Model \(SAMM\): compliance report/);
  const doc = JSON.parse(readFileSync(join(dir, 'c.json'), 'utf8')) as Doc & { framework: { version: string } };
  assert.equal(doc.framework.version, '2.0 (January 2020)');
  assert.equal(doc.controls.length, 30);
});

test('compliance: bad input is one line and exit 2', async () => {
  const dir = repo();
  writeFileSync(join(dir, 'bad.json'), '{"tool": {"name": "other"}}');
  writeFileSync(join(dir, 'pipeguard.bad.yml'), 'version: 1\ncompliance:\n  require:\n    - ssdf:PS.1.1\n    - ssdf:XX.9\n');
  const cases: [string[], RegExp][] = [
    [[], /give --framework \(ssdf, cis-supply-chain, slsa, samm\)/],
    [['--framework', 'iso27001'], /unknown framework iso27001/],
    [['--framework', 'ssdf', '--require', 'ssdf:nope'], /--require ssdf:nope: expected FRAMEWORK:CONTROL/],
    [['--framework', 'ssdf', '--report', 'bad.json'], /^pipeguard: bad\.json: not a pipeguard JSON report/],
    [['--framework', 'ssdf', '--report', 'missing.json'], /^pipeguard: missing\.json: cannot read the report \(ENOENT\)/],
    [['--framework', 'ssdf', '-c', 'pipeguard.bad.yml'], /^pipeguard: pipeguard\.bad\.yml:5: compliance\.require\[1\]: expected FRAMEWORK:CONTROL/],
    [['--framework', 'ssdf', 'nowhere'], /nowhere: no such directory/],
  ];
  for (const [args, re] of cases) {
    const r = await cli(['compliance', ...args], { cwd: dir });
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    assert.equal(r.stdout, '');
  }
  const l = await cli(['compliance', '--list'], { cwd: dir });
  assert.equal(l.code, 0);
  assert.match(l.stdout, /^ {2}ssdf:PS\.1\.1 {2}Store all forms of code based on the principle of least privilege$/m);
  assert.match(l.stdout, /^ {2}samm:G-EG-A {2}Training and Awareness \(no automated evidence\)$/m);
});
