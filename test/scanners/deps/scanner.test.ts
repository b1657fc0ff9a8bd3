import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { makeDir } from '../../helpers/tmp.js';
import { fixtureCopy, scanDeps, summary } from './helpers.js';
import { configSchema } from '../../../src/config/schema.js';
import { evaluate } from '../../../src/gate/evaluate.js';
import { fileLoc } from '../../helpers/fixtures.js';


const NPM_EXPECTED = [
  'json5@2.2.1 CVE-2022-46175',
  'lodash@4.17.15 CVE-2020-28500',
  'lodash@4.17.15 CVE-2020-8203',
  'lodash@4.17.15 CVE-2021-23337',
  'lodash@4.17.15 NSWG-ECO-516',
  'minimist@1.2.0 CVE-2021-44906',
];

test('npm lockfile v3: each vulnerability once, with fix, path, line, purl identity', async () => {
  const report = await scanDeps(fixtureCopy('npm3'));
  const got = summary(report.findings);
  for (const e of NPM_EXPECTED) assert.ok(got.includes(e), `missing ${e} in ${got.join(', ')}`);
  const lodash = report.findings.filter((f) => f.data?.package === 'lodash');
  assert.equal(lodash.length, 4);
  for (const f of lodash) {
    assert.equal(f.ruleId, 'vulnerable-dependency');
    assert.equal(fileLoc(f.location).path, 'npm3/package-lock.json');
    assert.equal(fileLoc(f.location).startLine, 267);
    assert.equal(fileLoc(f.location).logical, 'lodash@4.17.15');
    assert.equal(f.data?.purl, 'pkg:npm/lodash@4.17.15');
    assert.equal(f.data?.fixedVersion, '4.17.21');
    assert.equal(f.data?.upgrade, 'patch');
    assert.equal(f.fix?.upgradeTo, '4.17.21');
    assert.equal(f.identity, `pkg:npm/lodash@4.17.15|${String(f.data?.advisoryId)}`);
  }
  const c21 = lodash.find((f) => f.data?.advisoryId === 'CVE-2021-23337');
  assert.equal(c21?.severity, 'high');
  assert.equal(c21?.data?.cvssScore, 7.2);
  assert.deepEqual(c21?.data?.records, ['GHSA-35jh-r3h4-6jhm']);
  assert.equal(c21?.data?.advisoryFixedVersion, '4.17.21');
  const nswg = lodash.find((f) => f.data?.advisoryId === 'NSWG-ECO-516');
  assert.equal(nswg?.data?.advisoryFixedVersion, '4.17.19');
  const json5 = report.findings.find((f) => f.data?.package === 'json5');
  assert.equal(json5?.data?.dev, true);
  assert.ok(json5?.tags?.includes('dev'));
  // a transitive package names the direct dependency that pulls it in
  const transitive = report.findings.filter((f) => f.data?.direct === false);
  assert.ok(transitive.length > 0, 'express pulls in vulnerable packages');
  for (const f of transitive) assert.equal((f.data?.dependencyPath as string[])[0], 'express@4.17.1');
  const st = report.statuses.find((s) => s.scanner === 'deps');
  assert.equal(st?.status, 'succeeded');
  assert.equal(st?.stats?.lockfiles, 1);
});

test('every npm lockfile flavour of the same project gives the same findings', async () => {
  const flavours = ['npm1', 'npm2', 'npm3', 'y1', 'berry', 'pnpm7', 'pnpm8', 'pnpm9'];
  const base = summary((await scanDeps(fixtureCopy('npm3'))).findings);
  assert.ok(base.length >= NPM_EXPECTED.length);
  for (const f of flavours) {
    const report = await scanDeps(fixtureCopy(f));
    assert.deepEqual(summary(report.findings), base, f);
    const json5 = report.findings.find((x) => x.data?.package === 'json5');
    assert.equal(json5?.data?.dev, true, `${f}: json5 is a dev dependency`);
    const debugPath = report.findings.find((x) => x.data?.direct === false)?.data?.dependencyPath as string[] | undefined;
    assert.equal(debugPath?.[0], 'express@4.17.1', f);
  }
});

test('workspaces: npm and pnpm monorepos resolve workspace packages, not as packages', async () => {
  for (const f of ['npm-ws', 'pnpm-ws']) {
    const report = await scanDeps(fixtureCopy(f));
    const got = summary(report.findings);
    assert.ok(got.some((s) => s.startsWith('node-fetch@2.6.0 ')), `${f}: ${got.join(', ')}`);
    assert.ok(got.some((s) => s.startsWith('semver@7.5.1 ')), f);
    assert.ok(got.some((s) => s.startsWith('minimist@1.2.5 ')), f);
    assert.ok(!got.some((s) => s.startsWith('@mono/')), f);
  }
});

test('Python, Go, Rust, bun lockfiles are matched in their own ecosystems', async () => {
  const report = await scanDeps(fixtureCopy('pip', 'poetry', 'pipenv', 'uv', 'pdm', 'go', 'cargo', 'bun'));
  const byFile = (p: string) => summary(report.findings.filter((f) => fileLoc(f.location).path === p));
  const pip = byFile('pip/requirements.txt');
  assert.ok(pip.some((s) => s.startsWith('Django@3.2.0 ')), pip.join(', '));
  assert.ok(pip.some((s) => s.startsWith('urllib3@1.26.4 ')));
  assert.ok(pip.some((s) => s.startsWith('requests@2.25.0 ')), 'from the -r include');
  assert.ok(byFile('poetry/poetry.lock').some((s) => s.startsWith('jinja2@2.10 ')));
  assert.ok(byFile('pipenv/Pipfile.lock').some((s) => s.startsWith('flask@0.12.2 ')));
  assert.ok(byFile('uv/uv.lock').some((s) => s.startsWith('cryptography@3.2 ')));
  assert.ok(byFile('pdm/pdm.lock').some((s) => s.startsWith('pillow@8.0.0 ')));
  const go = byFile('go/go.mod');
  assert.ok(go.some((s) => s.startsWith('golang.org/x/net@v0.1.0 ')), go.join(', '));
  assert.ok(go.some((s) => s.startsWith('github.com/gin-gonic/gin@v1.6.0 ')));
  assert.ok(!go.some((s) => s.startsWith('golang.org/x/text@v0.3.7 ')), 'replaced by v0.3.8');
  const cargo = byFile('cargo/Cargo.lock');
  assert.ok(cargo.some((s) => s.startsWith('tokio@1.0.0 ')), cargo.join(', '));
  assert.ok(cargo.some((s) => s.startsWith('smallvec@1.6.0 ')));
  const bun = byFile('bun/bun.lock');
  assert.ok(bun.includes('lodash@4.17.15 CVE-2021-23337'), bun.join(', '));
  assert.ok(bun.some((s) => s.startsWith('minimist@0.0.8 ')), 'nested under mkdirp');
  const django = report.findings.find((f) => f.data?.package === 'Django');
  assert.equal(fileLoc(django!.location).startLine, 3);
  assert.equal(django?.data?.purl, 'pkg:pypi/django@3.2.0');
});

test('a malformed lockfile is a file error naming the line; other lockfiles are still scanned', async () => {
  const dir = fixtureCopy('npm3');
  mkdirSync(join(dir, 'broken'));
  writeFileSync(join(dir, 'broken', 'package-lock.json'), '{\n  "lockfileVersion": 3,\n  "packages": {\n    "": {}\n    "node_modules/x": {}\n  }\n}\n');
  mkdirSync(join(dir, 'yarnbad'));
  writeFileSync(join(dir, 'yarnbad', 'yarn.lock'), 'lodash@^4.0.0:\n  version "4.17.15"\nthis is not yarn\n');
  const report = await scanDeps(dir);
  const st = report.statuses.find((s) => s.scanner === 'deps');
  assert.equal(st?.status, 'partial');
  assert.deepEqual(st?.fileErrors, [
    { path: 'broken/package-lock.json', message: "line 5: invalid JSON: expected ',' or '}', found \"\\\"\"" },
    { path: 'yarnbad/yarn.lock', message: 'line 3: expected "<package>@<range>:" but found "this is not yarn"' },
  ]);
  assert.ok(summary(report.findings).includes('lodash@4.17.15 CVE-2021-23337'));
});

test('lockfiles inside node_modules and vendored trees are not counted', async () => {
  const dir = fixtureCopy('npm3');
  mkdirSync(join(dir, 'node_modules', 'dep'), { recursive: true });
  writeFileSync(join(dir, 'node_modules', 'dep', 'yarn.lock'), 'minimist@0.0.8:\n  version "0.0.8"\n');
  const report = await scanDeps(dir);
  assert.equal(report.statuses.find((s) => s.scanner === 'deps')?.stats?.lockfiles, 1);
  assert.ok(!summary(report.findings).some((s) => s.startsWith('minimist@0.0.8')));
});

test('without an advisory database: no findings, a skipped status saying why, advisories counted as 0', async () => {
  const dir = fixtureCopy('npm3');
  const report = await scanDeps(dir, { db: join(makeDir(), 'missing.db') });
  assert.equal(report.findings.length, 0);
  const status = report.statuses.find((s) => s.scanner === 'deps');
  assert.equal(status?.status, 'skipped');
  assert.match(status?.reason ?? '', /^no advisory database \(none found; looked for .*missing\.db: run `pipeguard db update` or `pipeguard db import`\)$/);
  assert.equal(status?.failsGate, undefined, 'a library run outside CI does not require the database');
  assert.equal(status?.stats?.advisories, 0);
});

test('ignore rules: by advisory alias, by package, with expiry', async () => {
  const dir = fixtureCopy('npm3');
  const report = await scanDeps(dir, {
    ignore: [
      { id: 'GHSA-35jh-r3h4-6jhm', reason: 'template not used' },
      { package: 'minimist', reason: 'CLI only', expires: '2999-01-01' },
      { id: 'CVE-2022-46175', package: 'json5@2.2.1', reason: 'expired', expires: '2020-01-01' },
    ],
  });
  // Ignored findings stay in the report, marked for the gate, which lists them as suppressed with the rule's reason.
  const ignored = report.configIgnored ?? {};
  const got = summary(report.findings.filter((f) => !(f.fingerprint in ignored)));
  assert.ok(!got.includes('lodash@4.17.15 CVE-2021-23337'), 'ignored by its GHSA alias');
  assert.ok(got.includes('lodash@4.17.15 CVE-2020-8203'));
  assert.ok(!got.some((s) => s.startsWith('minimist@')));
  assert.ok(got.includes('json5@2.2.1 CVE-2022-46175'), 'expired rule does not apply');
  const decision = evaluate(report, { policy: configSchema.parse({ failOn: 'none' }), now: new Date() });
  const listed = decision.suppressed.map((s) => `${summary([s.finding])[0]} ${s.kind} ${s.reason}`).sort();
  assert.deepEqual(listed, [
    'lodash@4.17.15 CVE-2021-23337 config scanners.deps.ignore: template not used',
    'minimist@1.2.0 CVE-2021-44906 config scanners.deps.ignore: CLI only (until 2999-01-01)',
  ]);
  const warnings = (report as { warnings?: string[] }).warnings ?? [];
  assert.ok(warnings.some((w) => /ignore rule for CVE-2022-46175 expired on 2020-01-01/.test(w)));
  assert.equal(report.statuses.find((s) => s.scanner === 'deps')?.stats?.ignored, 2, 'one lodash advisory and the one minimist advisory');
});

test('VEX: OpenVEX and CycloneDX VEX not_affected statements drop the findings they cover', async () => {
  const dir = fixtureCopy('npm3');
  writeFileSync(
    join(dir, 'app.openvex.json'),
    JSON.stringify({
      '@context': 'https://openvex.dev/ns/v0.2.0',
      '@id': 'https://example.test/vex/1',
      author: 'Security',
      timestamp: '2026-01-01T00:00:00Z',
      version: 1,
      statements: [
        { vulnerability: { name: 'CVE-2020-8203' }, products: [{ '@id': 'pkg:npm/lodash@4.17.15' }], status: 'not_affected', justification: 'vulnerable_code_not_in_execute_path' },
        { vulnerability: { name: 'CVE-2020-28500' }, products: [{ '@id': 'pkg:npm/lodash@4.17.15' }], status: 'affected' },
      ],
    }),
  );
  writeFileSync(
    join(dir, 'app.cdx-vex.json'),
    JSON.stringify({
      bomFormat: 'CycloneDX',
      specVersion: '1.6',
      version: 1,
      vulnerabilities: [{ id: 'CVE-2021-44906', analysis: { state: 'not_affected', justification: 'code_not_reachable' }, affects: [{ ref: 'pkg:npm/minimist@1.2.0' }] }],
    }),
  );
  const report = await scanDeps(dir, { vex: ['app.openvex.json', 'app.cdx-vex.json'] });
  const got = summary(report.findings);
  assert.ok(!got.includes('lodash@4.17.15 CVE-2020-8203'));
  assert.ok(got.includes('lodash@4.17.15 CVE-2020-28500'), '"affected" keeps the finding');
  assert.ok(!got.includes('minimist@1.2.0 CVE-2021-44906'));
  assert.ok(got.includes('json5@2.2.1 CVE-2022-46175'));
  assert.equal(report.statuses.find((s) => s.scanner === 'deps')?.stats?.['vex-not-affected'], 2);
});

test('includeDev: false leaves out development-only dependencies', async () => {
  const report = await scanDeps(fixtureCopy('npm3'), { includeDev: false });
  assert.ok(!summary(report.findings).some((s) => s.startsWith('json5@')));
  assert.ok(summary(report.findings).some((s) => s.startsWith('lodash@')));
});
