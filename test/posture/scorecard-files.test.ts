// Scorecard's file-based checks (Token-Permissions, Dangerous-Workflow, Pinned-Dependencies) on real checkouts:
// what each counts, the look-alikes it must not count, and the scores Scorecard's formulas give.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openDirectory } from '../../src/targets/directory.js';
import { collectFileEvidence } from '../../src/posture/scorecard-files.js';
import { dangerousWorkflow, pinnedDependencies, tokenPermissions } from '../../src/posture/scorecard.js';
import { makeDir } from '../helpers/tmp.js';

async function evidence(tree: Record<string, string>) {
  const target = await openDirectory(makeDir(tree));
  try {
    return await collectFileEvidence(target);
  } finally {
    await target.dispose();
  }
}

const SHA = '8e5e7e5ab8b370d6c329ec480221332ada57f0ab';
const DIGEST = 'sha256:' + 'a'.repeat(64);

test('Pinned-Dependencies: every kind counted where it is, look-alikes ignored, weighted as Scorecard weighs', async () => {
  const ev = await evidence({
    '.github/workflows/ci.yml': [
      'on: push',
      'permissions: { contents: read }',
      'jobs:',
      '  build:',
      '    runs-on: ubuntu-24.04',
      '    steps:',
      `      - uses: actions/checkout@${SHA}`, // GitHub-owned, pinned
      '      - uses: docker/login-action@v3', // third-party, unpinned (line 8)
      '      - uses: ./.github/actions/local', // ok: local action, not a dependency
      '      - run: |',
      '          npm ci',
      '          npm run build',
      '          pip install .',
    ].join('\n'),
    Dockerfile: [
      `FROM node:20@${DIGEST} AS build`,
      'RUN pip install -r requirements.txt',
      'RUN pip install --require-hashes -r requirements.txt',
      'FROM build AS test',
      'RUN curl -fsSL https://get.example.sh | sh',
      'FROM scratch',
    ].join('\n'),
    'scripts/tools.sh': [
      '#!/bin/sh',
      'go install golang.org/x/tools/cmd/goimports@v0.24.0',
      'go install example.com/tool@v0.0.0-20240102030405-abcdefabcdef',
      'go install ./...',
      'sudo -E npm install -g left-pad',
    ].join('\n'),
  });
  const key = (d: { type: string; pinned: boolean; path: string; line: number }) => `${d.type} ${d.pinned ? 'pinned' : 'unpinned'} ${d.path}:${d.line}`;
  assert.deepEqual(ev.dependencies.map(key).sort(), [
    '.github/workflows/ci.yml:7',
    '.github/workflows/ci.yml:8',
    '.github/workflows/ci.yml:11',
    'Dockerfile:1',
    'Dockerfile:2',
    'Dockerfile:3',
    'Dockerfile:5',
    'scripts/tools.sh:2',
    'scripts/tools.sh:3',
    'scripts/tools.sh:5',
  ].map((where, i) => `${['GitHubAction pinned', 'GitHubAction unpinned', 'npmCommand pinned', 'containerImage pinned', 'pipCommand unpinned', 'pipCommand pinned', 'downloadThenRun unpinned', 'goCommand unpinned', 'goCommand pinned', 'npmCommand unpinned'][i]} ${where}`).sort());
  const sc = pinnedDependencies(ev);
  // Actions: owned 1/1 at weight 2 (20), third-party 0/1 at weight 8 (0); images 1/1 (100), pip 1/2 (50),
  // downloadThenRun 0/1 (0), go 1/2 (50), npm 1/2 (50), each at weight 10: 270 / 60 = 4.
  assert.equal(sc.score, 4, sc.details.join('\n'));
  assert.ok(sc.details.includes('Warn: third-party GitHubAction not pinned by hash: .github/workflows/ci.yml:8: docker/login-action@v3'));
});

test('Pinned-Dependencies: nothing to pin is inconclusive; everything pinned is 10', async () => {
  assert.equal(pinnedDependencies(await evidence({ 'README.md': '# x\n' })).score, -1);
  const ev = await evidence({ '.github/workflows/a.yml': `on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: actions/setup-node@${SHA}\n      - run: npm ci\n` });
  assert.equal(pinnedDependencies(ev).score, 10);
});

test('Dangerous-Workflow: an untrusted checkout in pull_request_target and untrusted text in run: are each found; safe look-alikes are not', async () => {
  const bad = await evidence({
    '.github/workflows/pr.yml': [
      'on: pull_request_target',
      'jobs:',
      '  test:',
      '    runs-on: ubuntu-24.04',
      '    steps:',
      '      - uses: actions/checkout@v4',
      '        with:',
      '          ref: ${{ github.event.pull_request.head.sha }}',
      '      - run: |',
      '          echo "title"',
      '          echo "${{ github.event.pull_request.title }}"',
    ].join('\n'),
  });
  assert.deepEqual(bad.dangerous.map((d) => `${d.kind} ${d.path}:${d.line}`), ['untrusted-checkout .github/workflows/pr.yml:8', 'script-injection .github/workflows/pr.yml:11']);
  assert.equal(dangerousWorkflow(bad).score, 0);

  const safe = await evidence({
    '.github/workflows/pr.yml': [
      'on: pull_request', // the PR head in an unprivileged trigger is fine
      'jobs:',
      '  test:',
      '    runs-on: ubuntu-24.04',
      '    steps:',
      '      - uses: actions/checkout@v4',
      '        with:',
      '          ref: ${{ github.event.pull_request.head.sha }}',
      '      - run: echo "$TITLE"', // through env: the safe form
      '        env:',
      '          TITLE: ${{ github.event.pull_request.title }}',
      '      - run: echo "${{ github.event.pull_request.number }}"', // a number is not attacker text
    ].join('\n'),
  });
  assert.deepEqual(safe.dangerous, []);
  assert.equal(dangerousWorkflow(safe).score, 10);
  assert.equal(dangerousWorkflow(await evidence({ 'a.txt': 'x' })).score, -1, 'no workflow: inconclusive');
});

test('Token-Permissions: Scorecard deductions per workflow', async () => {
  const wf = (perm: string, jobPerm: string) => `on: push\n${perm}jobs:\n  a:\n    runs-on: x\n${jobPerm}    steps:\n      - run: echo\n`;
  const score = async (...files: string[]) => tokenPermissions(await evidence(Object.fromEntries(files.map((f, i) => [`.github/workflows/w${i}.yml`, f])))).score;
  assert.equal(await score(wf('permissions: { contents: read }\n', '')), 10, 'read at the top');
  assert.equal(await score(wf('permissions: {}\n', '    permissions: { packages: write }\n')), 10, 'job write under declared top-level permissions');
  assert.equal(await score(wf('', '    permissions: { contents: read }\n')), 9, 'undeclared top, declared jobs: 0.5 off, rounded down');
  assert.equal(await score(wf('', '    permissions: { contents: read }\n'), wf('', '    permissions: { contents: read }\n')), 9, 'two such workflows: 1 off');
  assert.equal(await score(wf('', '')), 0, 'undeclared top and job');
  assert.equal(await score(wf('permissions: { statuses: write }\n', '')), 9, 'statuses: write at the top costs 0.5');
  assert.equal(await score(wf('permissions: { contents: write }\n', '')), 0, 'contents: write at the top costs everything');
  assert.equal(await score(wf('permissions: write-all\n', '    permissions: { contents: read }\n')), 9, 'write-all at the top, declared read-only job');
  assert.equal(await score(wf('permissions: write-all\n', '')), 0, 'write-all with an undeclared job');
  assert.equal(await score(wf('', '    permissions: { contents: write }\n')), 9, 'undeclared top, job write: 0.5 + 0.5 off -> 9');
  assert.equal(tokenPermissions(await evidence({ 'x.txt': '' })).score, -1, 'no workflow: inconclusive');
});

test('Vulnerabilities: the locked dependencies of a local checkout against the local advisory database, aliases merged; no database is inconclusive', async () => {
  const { ForgeDouble } = await import('../helpers/forge-double.js');
  const { assess, recording } = await import('./helpers.js');
  const { testAdvisoryDb } = await import('../helpers/advisories.js');
  const lock = (version: string) =>
    JSON.stringify({ name: 'app', lockfileVersion: 3, requires: true, packages: { '': { name: 'app', dependencies: { lodash: version } }, 'node_modules/lodash': { version } } });
  const double = await new ForgeDouble(recording('github-weak')).start();
  try {
    const score = async (tree: Record<string, string>, db?: string) => {
      const run = await assess(double, { kind: 'repo', name: 'acme/legacy-api' }, { files: { mode: 'local', dir: makeDir(tree) }, config: { scanners: { deps: { db: db ?? '/nonexistent/advisories.db' } } } });
      // Vulnerabilities score a check; they are never posture findings.
      assert.ok(!run.report.findings.some((f) => f.scanner === 'deps'));
      return run.repos[0]!.scorecard.find((c) => c.name === 'Vulnerabilities')!;
    };
    const db = testAdvisoryDb();
    const old = await score({ 'package-lock.json': lock('4.17.15') }, db);
    assert.ok(old.score < 10, old.reason);
    assert.equal(old.score, Math.max(0, 10 - old.details.length));
    assert.ok(old.details.includes('Warn: Project is vulnerable to: CVE-2020-8203 (lodash@4.17.15)'), old.details.join('\n'));
    assert.ok(!old.details.some((d) => d.includes('GHSA-p6mc-m468-83gw')), 'an alias is the same vulnerability, counted once');
    assert.equal((await score({ 'package-lock.json': lock('4.17.21') }, db)).score, 10);
    const none = await score({ 'package-lock.json': lock('4.17.15') });
    assert.equal(none.score, -1);
    assert.match(none.reason, /no advisory database/);
  } finally {
    await double.stop();
  }
});

test('SAST and CI-Tests: Sonar, SAST workflows and the checks of merged pull requests combined as Scorecard combines them', async () => {
  const { sast, ciTests } = await import('../../src/posture/scorecard.js');
  type Facts = Parameters<typeof sast>[0];
  const pr = (n: number, apps: [string, string][], statuses: [string, string][] = []) => ({
    number: n, url: `https://github.com/a/b/pull/${n}`, author: 'dev', authorIsBot: false, mergedAt: `2025-12-${10 + n}T00:00:00Z`, approvers: ['rev'],
    ci: { checks: apps.map(([app, conclusion]) => ({ app, status: 'completed', conclusion })), statuses: statuses.map(([context, state]) => ({ context, state })) },
  });
  const facts = (changes: ReturnType<typeof pr>[] | null) => ({ forge: 'github', mergedChanges: changes ? { ok: true, value: changes } : { ok: false, reason: 'no token' } }) as unknown as Facts;
  const codeql = await evidence({ '.github/workflows/codeql.yml': `on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: github/codeql-action/init@v3\n      - uses: github/codeql-action/analyze@v3\n` });
  const none = await evidence({ '.github/workflows/ci.yml': 'on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: make\n' });
  const sonar = await evidence({ 'pom.xml': '<project><properties><sonar.host.url>https://sonarcloud.io</sonar.host.url></properties></project>' });
  const half = [pr(1, [['github-code-scanning', 'success']]), pr(2, [['github-actions', 'success']])];
  assert.equal(sast(facts(half), sonar).score, 10, 'a Sonar configuration');
  assert.equal(sast(facts(half), codeql).score, 8, 'CodeQL workflow, half the PRs scanned: (5*3 + 10*7) / 10');
  assert.equal(sast(facts(half), none).score, 5, 'no SAST workflow: the PR share');
  assert.equal(sast(facts([pr(1, [['github-code-scanning', 'neutral']])]), none).score, 10, 'every PR scanned (neutral counts)');
  assert.equal(sast(facts([pr(1, [['github-code-scanning', 'failure']])]), none).score, 0, 'a failed scan does not count');
  assert.equal(sast(facts([]), codeql).score, 10, 'no PR: the workflow decides');
  assert.equal(sast(facts([]), none).score, 0);
  assert.deepEqual(codeql.sastTools, [{ tool: 'CodeQL', path: '.github/workflows/codeql.yml' }], 'codeql-action/init is not the analysis');

  assert.equal(ciTests(facts(half)).score, 5, 'one of two PRs passed a CI check app');
  assert.equal(ciTests(facts([pr(1, [], [['ci/circleci: test', 'success']]), pr(2, [['github-actions', 'failure']])])).score, 5, 'a CI status counts; a failed check does not');
  assert.equal(ciTests(facts([pr(1, [['dependabot', 'success']])])).score, 0, 'an app that is not CI');
  assert.equal(ciTests(facts(null)).score, -1);
  const noChecks = { ...pr(1, []), ci: undefined };
  assert.equal(ciTests(facts([noChecks as unknown as ReturnType<typeof pr>])).score, -1, 'checks not shown (no token: REST has no checks): inconclusive');
});

test('Fuzzing and Packaging: fuzzers and publishing workflows found where they are set up, look-alikes not', async () => {
  const { fuzzing, packaging } = await import('../../src/posture/scorecard.js');
  const fuzzed = async (tree: Record<string, string>) => (await evidence(tree)).fuzzing.map((x) => `${x.tool} ${x.path}`);
  assert.deepEqual(await fuzzed({ 'parse/parse_test.go': 'package parse\nimport "testing"\nfunc FuzzParse(f *testing.F) {\n\tf.Fuzz(func(t *testing.T, s string) {})\n}\n' }), ['Go native fuzzing parse/parse_test.go']);
  assert.deepEqual(await fuzzed({ 'fuzz/Cargo.toml': '[package]\nname = "x-fuzz"\n[dependencies]\nlibfuzzer-sys = "0.4"\n' }), ['cargo-fuzz fuzz/Cargo.toml']);
  assert.deepEqual(await fuzzed({ 'tests/fuzz_parser.py': 'import sys\nimport atheris\n' }), ['Atheris tests/fuzz_parser.py']);
  assert.deepEqual(await fuzzed({ '.clusterfuzzlite/build.sh': '#!/bin/bash\ncompile\n' }), ['ClusterFuzzLite .clusterfuzzlite/build.sh']);
  // ok: a Go test named like a fuzzer but taking *testing.T, and a README that only mentions a fuzzing library.
  assert.deepEqual(await fuzzed({ 'match_test.go': 'package m\nimport "testing"\nfunc FuzzyMatch(t *testing.T) {}\n', 'README.md': 'We could use fast-check or atheris.\n' }), []);
  assert.equal(fuzzing(await evidence({ 'a_test.go': 'package a\nfunc FuzzA(f *testing.F) {}\n' })).score, 10);
  assert.equal(fuzzing(await evidence({ 'a.go': 'package a\n' })).score, 0);

  const ev = await evidence({
    '.github/workflows/release.yml': 'on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: npm ci\n      - run: npm publish --provenance\n',
    '.github/workflows/image.yml': 'on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: docker/build-push-action@v6\n',
    '.github/workflows/docs.yml': 'on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: npm run publish-docs\n', // ok: a script named publish, not npm publish
  });
  assert.deepEqual(ev.packaging.map((p) => `${p.path} ${p.what}`).sort(), ['.github/workflows/image.yml docker/build-push-action', '.github/workflows/release.yml npm publish']);
  assert.equal(packaging(ev, new Map<string, boolean | string>([['.github/workflows/release.yml', true]])).score, 10);
  assert.equal(packaging(ev, new Map<string, boolean | string>([['.github/workflows/release.yml', false]])).score, -1, 'never run successfully: inconclusive, as Scorecard says');
  assert.equal(packaging(await evidence({ 'x.txt': '' }), new Map()).score, -1);
});

test('Contributors: organisations or companies of regular contributors, and contributing code owners', async () => {
  const { contributors } = await import('../../src/posture/scorecard.js');
  type Facts = Parameters<typeof contributors>[0];
  const facts = (users: { login: string; contributions: number; orgs?: string[]; company?: string }[]) => ({ forge: 'github', contributors: { ok: true, value: users } }) as unknown as Facts;
  const owners = await evidence({ '.github/CODEOWNERS': '# owners\n* @acme/core @ann\n/docs/ @ben # @carl is gone\n' });
  assert.deepEqual(owners.codeOwners, ['ann', 'ben'], 'users, not teams; comments ignored');
  const users = [
    { login: 'ann', contributions: 50, orgs: ['acme'] },
    { login: 'ben', contributions: 9, orgs: ['acme'], company: '@Acme, Inc.' }, // acme already counted: the company "acme" is the same name
    { login: 'cat', contributions: 7, company: 'Globex LLC' },
    { login: 'dan', contributions: 4, orgs: ['initech'] }, // ok: under 5 commits, not counted
  ];
  const c = contributors(facts(users), owners);
  // acme, globex (2 of 3) + ann, ben (2 of 3): 10 * 4 / 6.
  assert.equal(c.score, 6, c.reason);
  assert.deepEqual(c.details, ['Info: found contributions from: acme, ann, ben, globex']);
  assert.equal(contributors({ forge: 'github', contributors: { ok: false, reason: 'rate limited' } } as unknown as Facts, owners).score, -1);
});

test('CII-Best-Practices: the badge level scored as Scorecard scores it', async () => {
  const { bestPractices } = await import('../../src/posture/scorecard.js');
  type Facts = Parameters<typeof bestPractices>[0];
  const score = (value: string | null) => bestPractices({ bestPractices: { ok: true, value } } as unknown as Facts).score;
  assert.deepEqual([score('gold'), score('silver'), score('passing'), score('in_progress'), score(null)], [10, 7, 5, 2, 0]);
  assert.equal(bestPractices({ bestPractices: { ok: false, reason: 'private' } } as unknown as Facts).score, -1);
});
