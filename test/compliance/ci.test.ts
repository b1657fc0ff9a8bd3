import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readCi } from '../../src/compliance/ci.js';
import { makeDir } from '../helpers/tmp.js';

const ALL = ['secrets', 'iac', 'exposure', 'posture', 'pipeline', 'sast', 'deps', 'licenses'];
const ci = (tree: Record<string, string>, configFailOn = 'high', configFound = true) => readCi(makeDir(tree), { configFailOn, enabledScanners: ALL, configFound });
const status = (facts: ReturnType<typeof ci>) => Object.fromEntries(Object.entries(facts.signals).map(([k, v]) => [k, v.status]));

test('an enforced pipeguard scan in GitHub Actions: every enabled scanner runs in CI and the gate can fail it', () => {
  const f = ci({
    '.github/workflows/ci.yml': `name: ci
on: [pull_request]
permissions: { contents: read }
jobs:
  scan:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/checkout@v4
      - run: npx --yes pipeguard@0.1.0 scan . --format sarif --output pipeguard.sarif
      - uses: github/codeql-action/upload-sarif@v3
        with: { sarif_file: pipeguard.sarif }
`,
  });
  assert.deepEqual(f.pipeguard.map((p) => [p.where, p.command, p.scanners, p.failOn, p.enforced]), [['.github/workflows/ci.yml:9 (scan)', 'scan', 'all', 'high', true]]);
  assert.deepEqual([...f.scans.keys()].sort(), [...ALL].sort());
  assert.deepEqual(status(f), {
    'ci-defined': 'pass',
    'policy-as-code': 'pass',
    'ci-gate': 'pass',
    'ci-reports-kept': 'pass',
    'ci-sbom': 'fail',
    'ci-provenance': 'fail',
    'ci-signed-provenance': 'fail',
    'ci-isolated-provenance': 'fail',
    'ci-signing': 'fail',
    'ci-hosted-runners': 'pass',
  });
});

test('a gate that cannot fail the pipeline is not enforced: continue-on-error, || true, --fail-on none, allow_failure, failOn none in the config', () => {
  const cases: [Record<string, string>, string, string][] = [
    [{ '.github/workflows/a.yml': 'on: push\njobs:\n  s:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pipeguard scan .\n        continue-on-error: true\n' }, 'high', 'continue-on-error'],
    [{ '.github/workflows/a.yml': 'on: push\njobs:\n  s:\n    runs-on: ubuntu-latest\n    continue-on-error: true\n    steps:\n      - run: pipeguard scan .\n' }, 'high', 'continue-on-error'],
    [{ '.github/workflows/a.yml': 'on: push\njobs:\n  s:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npx pipeguard scan . || true\n' }, 'high', '|| true'],
    [{ '.github/workflows/a.yml': 'on: push\njobs:\n  s:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npx pipeguard scan . --fail-on none -f json -o r.json\n' }, 'high', '--fail-on none'],
    [{ '.gitlab-ci.yml': 'stages: [test]\npipeguard:\n  script:\n    - npx pipeguard scan .\n  allow_failure: true\n' }, 'high', 'allow_failure'],
    [{ '.gitlab-ci.yml': 'pipeguard:\n  script:\n    - npx pipeguard scan .\n' }, 'none', '--fail-on none'],
  ];
  for (const [tree, failOn, why] of cases) {
    const f = ci(tree, failOn);
    assert.equal(f.signals['ci-gate'].status, 'fail', JSON.stringify(tree));
    assert.ok(f.signals['ci-gate'].detail.includes(why), `${f.signals['ci-gate'].detail} should say ${why}`);
    assert.ok([...f.scans.values()].flat().every((s) => !s.enforced), '[...f.scans.values()].flat().every((s) => !s.enforced)');
  }
  // Look-alikes that are enforced: `|| exit 1`, allow_failure: false, a comment mentioning continue-on-error.
  const ok = ci({
    '.gitlab-ci.yml': 'pipeguard:\n  # not continue-on-error, not allow_failure: true\n  script:\n    - npx pipeguard scan . || exit 1\n  allow_failure: false\n',
    '.github/workflows/b.yml': 'on: push\njobs:\n  s:\n    runs-on: ubuntu-latest\n    steps:\n      - run: pipeguard secrets --staged\n        continue-on-error: false\n',
  });
  assert.equal(ok.signals['ci-gate'].status, 'pass');
  assert.deepEqual(ok.pipeguard.map((p) => p.enforced), [true, true]);
});

test('other tools count as the scan they do; --scanners narrows pipeguard scan', () => {
  const f = ci({
    '.github/workflows/sec.yml': `on: push
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - uses: gitleaks/gitleaks-action@v2
      - uses: github/codeql-action/analyze@v3
      - run: npx pipeguard scan . --scanners deps,licenses
      - run: trivy config . || true
`,
  });
  const tools = (k: string) => (f.scans.get(k) ?? []).map((s) => `${s.tool}${s.enforced ? '' : ' (not enforced)'}`);
  assert.deepEqual(tools('secrets'), ['gitleaks']);
  assert.deepEqual(tools('sast'), ['codeql']);
  assert.deepEqual(tools('deps'), ['pipeguard scan']);
  assert.deepEqual(tools('licenses'), ['pipeguard scan']);
  assert.deepEqual(tools('iac'), ['trivy config (not enforced)']);
  assert.deepEqual(tools('pipeline'), []);
});

test('SBOM, provenance (signed, isolated), signing and runners', () => {
  const release = ci({
    '.github/workflows/release.yml': `on: { push: { tags: ['v*'] } }
jobs:
  build:
    runs-on: ubuntu-24.04
    permissions: { id-token: write, attestations: write, contents: read }
    steps:
      - run: npx pipeguard sbom . --format cyclonedx -o sbom.json
      - uses: actions/attest-build-provenance@v2
        with: { subject-path: dist/app.tgz }
  provenance:
    uses: slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@v2.0.0
`,
  });
  assert.deepEqual(status(release), { 'ci-defined': 'pass', 'policy-as-code': 'pass', 'ci-gate': 'fail', 'ci-reports-kept': 'fail', 'ci-sbom': 'pass', 'ci-provenance': 'pass', 'ci-signed-provenance': 'pass', 'ci-isolated-provenance': 'pass', 'ci-signing': 'pass', 'ci-hosted-runners': 'pass' });
  const npm = ci({ '.github/workflows/p.yml': 'on: push\njobs:\n  p:\n    runs-on: [self-hosted, linux]\n    steps:\n      - run: npm publish --provenance --access public\n' });
  assert.equal(npm.signals['ci-signed-provenance'].status, 'pass');
  assert.equal(npm.signals['ci-isolated-provenance'].status, 'fail');
  assert.equal(npm.signals['ci-hosted-runners'].status, 'fail');
  assert.match(npm.signals['ci-hosted-runners'].detail, /self-hosted runners build in \.github\/workflows\/p\.yml/);
  const gitlab = ci({ '.gitlab-ci.yml': 'variables:\n  RUNNER_GENERATE_ARTIFACTS_METADATA: "true"\nbuild:\n  script: [make]\n  artifacts: { paths: [dist/] }\n' });
  assert.equal(gitlab.signals['ci-provenance'].status, 'pass');
  assert.equal(gitlab.signals['ci-signed-provenance'].status, 'fail', 'GitLab artifact metadata is unsigned');
  assert.equal(gitlab.signals['ci-hosted-runners'].status, 'unknown');
  // Mentions in names and comments are not steps that run.
  const prose = ci({ '.github/workflows/x.yml': 'name: provenance with slsa-github-generator later\non: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - name: sign with cosign later\n        run: echo todo\n' });
  assert.equal(prose.signals['ci-provenance'].status, 'fail');
  assert.equal(prose.signals['ci-signing'].status, 'fail');
});

test('no CI at all, and malformed CI files, are said so', () => {
  const none = ci({ 'README.md': '# x\n' }, 'high', false);
  assert.equal(none.signals['ci-defined'].status, 'fail');
  assert.equal(none.signals['policy-as-code'].status, 'fail');
  const bad = ci({ '.github/workflows/bad.yml': 'on: push\njobs: [\n' });
  assert.deepEqual(bad.errors.map((e) => e.file), ['.github/workflows/bad.yml']);
  assert.match(bad.errors[0]!.message, /^invalid YAML/);
});
