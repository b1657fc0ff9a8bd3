/**
 * A realistic run for the reporter tests: four scanners (one partial with file errors, one skipped), a
 * data-flow finding, a finding from git history, one inside an archive member, a package finding with no
 * region, suppressed findings of two kinds, a baseline, notes. Evidence is redacted as scanners leave it;
 * `data.secret`/`data.raw` hold markers that no reporter may print.
 */
import type { Decision, Finding, Report, RuleMeta } from '../../src/core/types.js';

/** Marker values planted under `data.secret` / `data.raw`; they must appear in no output. */
export const PLANTED = ['MARKER-SECRET-7c1e', 'MARKER-RAW-9d04', 'MARKER-NESTED-RAW-51ab'];

const fp = (n: number): string => `${n.toString(16).padStart(2, '0')}${'3f9a0c7e51b2d84f'.repeat(2)}`.slice(0, 32);

/** Findings in engine order (path, line, rule). */
export const F = {
  awsKey: {
    scanner: 'secrets',
    ruleId: 'aws-access-key',
    severity: 'critical',
    confidence: 'high',
    message: 'AWS access key ID committed in source; revoke it and load it from the environment.',
    location: { path: 'config/settings.py', startLine: 12, startColumn: 15, endLine: 12, endColumn: 35, snippet: 'AWS_KEY = "AKIA****************"' },
    cwe: ['CWE-798'],
    identity: 'sha256:aws',
    evidence: 'AKIA**************** (20 chars, sha256:4be1c0…)',
    data: { valueHash: 'sha256:4be1c0d9', secret: PLANTED[0], nested: [{ raw: PLANTED[2], kind: 'access-key-id' }] },
    fingerprint: fp(1),
  },
  ghToken: {
    scanner: 'secrets',
    ruleId: 'github-token',
    severity: 'high',
    confidence: 'high',
    message: 'GitHub personal access token in git history; revoke it, history keeps it forever.',
    location: { path: 'deploy/ci.sh', startLine: 3, startColumn: 14, endLine: 3, endColumn: 54 },
    origin: {
      commit: '9f2c4e1a7b3d5f60812a4c6e8b0d2f4a6c8e0b1d',
      author: 'Dev Example',
      email: 'dev@example.invalid',
      date: '2026-10-02T08:15:00Z',
      message: 'ci: deploy script',
    },
    cwe: ['CWE-798'],
    identity: 'sha256:gh',
    evidence: 'ghp_************************************',
    data: { raw: PLANTED[1] },
    fingerprint: fp(2),
  },
  deprecated: {
    scanner: 'deps',
    ruleId: 'deprecated-package',
    severity: 'info',
    message: 'request@2.88.2 is deprecated by its authors.',
    location: { path: 'package-lock.json', logical: 'request@2.88.2' },
    identity: 'pkg:npm/request@2.88.2',
    fingerprint: fp(3),
  },
  lodash: {
    scanner: 'deps',
    ruleId: 'vulnerable-dependency',
    severity: 'high',
    message: 'lodash@4.17.20 has a prototype pollution advisory (GHSA-35jh-r3h4-6jhm); upgrade to 4.17.21.',
    location: { path: 'package-lock.json', logical: 'lodash@4.17.20' },
    fix: { description: 'Upgrade lodash to 4.17.21.', upgradeTo: '4.17.21' },
    cwe: ['CWE-1321'],
    identity: 'pkg:npm/lodash@4.17.20 GHSA-35jh-r3h4-6jhm',
    data: { package: 'lodash', version: '4.17.20', advisoryId: 'GHSA-35jh-r3h4-6jhm', aliases: ['CVE-2021-23337'], cvssScore: 7.2, summary: 'Command Injection in lodash' },
    fingerprint: fp(4),
  },
  evalUse: {
    scanner: 'sast',
    ruleId: 'js-eval',
    severity: 'medium',
    message: 'eval() of a dynamic string.',
    location: { path: 'scripts/build.js', startLine: 5, startColumn: 3 },
    identity: 'eval(banner)',
    fingerprint: fp(5),
  },
  sqli: {
    scanner: 'sast',
    ruleId: 'js-sql-injection',
    severity: 'high',
    confidence: 'medium',
    message: 'Request parameter reaches a SQL query without parameters; use a placeholder.',
    location: { path: 'src/api/users.ts', startLine: 42, startColumn: 10, endLine: 42, endColumn: 58 },
    cwe: ['CWE-89'],
    identity: 'db.query(`...${id}`)',
    flow: [
      { location: { path: 'src/api/users.ts', startLine: 30, startColumn: 14 }, message: 'source: req.params.id' },
      { location: { path: 'src/api/users.ts', startLine: 31, startColumn: 9 }, message: 'assigned to id' },
      { location: { path: 'src/api/users.ts', startLine: 42, startColumn: 10 }, message: 'sink: db.query' },
    ],
    fingerprint: fp(6),
  },
  weakHash: {
    scanner: 'sast',
    ruleId: 'js-weak-hash',
    severity: 'low',
    message: 'Use of `md5` | weak <hash> for @security-team #12 *tokens*_',
    location: { path: 'src/util/hash.ts', startLine: 7, startColumn: 20, endLine: 7, endColumn: 38 },
    cwe: ['CWE-328'],
    identity: "createHash('md5')",
    fingerprint: fp(7),
  },
  privateKey: {
    scanner: 'secrets',
    ruleId: 'private-key',
    severity: 'critical',
    message: 'Private key in the repository.',
    location: { path: 'test/fixtures/key.pem', startLine: 1, startColumn: 1 },
    identity: 'sha256:pk',
    evidence: '-----BEGIN PRIVATE KEY----- ********',
    fingerprint: fp(8),
  },
  slack: {
    scanner: 'secrets',
    ruleId: 'slack-webhook',
    severity: 'medium',
    message: 'Slack incoming webhook URL inside an archive member.',
    location: { path: 'vendor/release 1.zip!lib/conf/app ü.env', startLine: 2, startColumn: 15 },
    origin: { archive: ['vendor/release 1.zip'] },
    identity: 'sha256:slack',
    evidence: 'https://hooks.slack.com/services/T0******/B0******/********',
    fingerprint: fp(9),
  },
} satisfies Record<string, Finding>;

/** Rules as scanners declare them (deliberately unsorted; `deprecated-package` is left undeclared). */
export const RULES: RuleMeta[] = [
  { id: 'vulnerable-dependency', scanner: 'deps', title: 'Vulnerable dependency', help: 'A locked package version has a published advisory.\n\nUpgrade to a fixed version.', severity: 'high' },
  { id: 'aws-access-key', scanner: 'secrets', title: 'AWS access key', help: 'An AWS access key ID.\n\nRevoke the key in IAM and load it from the environment.', severity: 'critical', cwe: ['CWE-798'], tags: ['secret'] },
  { id: 'github-token', scanner: 'secrets', title: 'GitHub token', help: 'A GitHub token.', severity: 'high', cwe: ['CWE-798'], tags: ['secret'], helpUri: 'https://docs.github.com/en/authentication' },
  { id: 'js-eval', scanner: 'sast', title: 'eval of dynamic code', help: 'Dynamic code evaluation.', severity: 'medium', cwe: ['CWE-95'] },
  { id: 'js-sql-injection', scanner: 'sast', title: 'SQL injection', help: 'User input flows into a SQL string.', severity: 'high', cwe: ['CWE-89'] },
  { id: 'js-weak-hash', scanner: 'sast', title: 'Weak hash', help: 'MD5/SHA-1 for security purposes.', severity: 'low', cwe: ['CWE-328'] },
  { id: 'private-key', scanner: 'secrets', title: 'Private key', help: 'A PEM private key.', severity: 'critical', cwe: ['CWE-321'] },
  { id: 'slack-webhook', scanner: 'secrets', title: 'Slack webhook', help: 'A Slack incoming webhook URL.', severity: 'medium', cwe: ['CWE-798'] },
];

/** A fresh sample report (callers may mutate it). */
export function sampleReport(): Report {
  return structuredClone({
    tool: { name: 'pipeguard', version: '0.1.0' },
    target: { id: '.', kind: 'directory' },
    startedAt: '2026-11-21T10:00:00.000Z',
    finishedAt: '2026-11-21T10:00:03.250Z',
    rules: RULES,
    findings: [F.awsKey, F.ghToken, F.deprecated, F.lodash, F.evalUse, F.sqli, F.weakHash, F.privateKey, F.slack],
    statuses: [
      { scanner: 'secrets', status: 'succeeded', fileErrors: [], stats: { files: 120 } },
      {
        scanner: 'sast',
        status: 'partial',
        fileErrors: [
          { path: 'src/legacy/broken.js', message: 'parse error at 3:14: unexpected token' },
          { path: 'src/gen/huge.min.js', message: 'skipped: larger than 1 MiB' },
        ],
      },
      { scanner: 'deps', status: 'succeeded', fileErrors: [] },
      { scanner: 'pipeline', status: 'succeeded', fileErrors: [] },
      { scanner: 'licenses', status: 'skipped', reason: 'no license policy configured', fileErrors: [] },
    ],
  } satisfies Report);
}

/** The gate's decision for {@link sampleReport}: fail-on high, with a baseline. */
export function sampleDecision(): Decision {
  return structuredClone({
    outcome: 'fail',
    failOn: 'high',
    violations: [F.awsKey, F.ghToken, F.lodash],
    findings: [F.deprecated, F.sqli, F.weakHash, F.slack],
    suppressed: [
      { finding: F.evalUse, kind: 'config', reason: 'build-time only, input is a constant (expires 2027-01-31)' },
      { finding: F.privateKey, kind: 'inline', reason: 'test fixture key, used nowhere' },
    ],
    baselineState: {
      [F.awsKey.fingerprint]: 'new',
      [F.ghToken.fingerprint]: 'new',
      [F.deprecated.fingerprint]: 'unchanged',
      [F.lodash.fingerprint]: 'new',
      [F.sqli.fingerprint]: 'unchanged',
      [F.weakHash.fingerprint]: 'new',
      [F.slack.fingerprint]: 'unchanged',
    },
    absent: ['ffeeddccbbaa99887766554433221100'],
    notes: [
      'suppression of js-eval in scripts/build.js expires on 2027-01-31',
      'ignore entry "docs/**" in .pipeguardignore matched no file',
    ],
  } satisfies Decision);
}
