import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cli } from '../helpers/cli.js';
import { makeDir } from '../helpers/tmp.js';
import { awsKeyId, githubToken } from '../helpers/tokens.js';

// Less noise: what the default table shows, findings in tests, installed dependencies, and peers' ignore comments.

const key = (n: number): string => awsKeyId(300 + n);

interface JFinding {
  ruleId: string;
  scanner: string;
  severity: string;
  tags?: string[];
  data?: Record<string, unknown>;
  location: { path?: string; startLine?: number };
}
interface JReport {
  findings: (JFinding & { gate: string })[];
  suppressed: (JFinding & { kind: string; reason: string })[];
}

const json = async (dir: string, args: string[] = []): Promise<{ code: number; r: JReport }> => {
  const out = await cli(['scan', '.', '-f', 'json', ...args], { cwd: dir });
  assert.notEqual(out.code, 2, out.stderr);
  return { code: out.code, r: JSON.parse(out.stdout) as JReport };
};

test('findings in test paths carry context:test and a lower severity for secrets; they stay visible but do not fail', async () => {
  const dir = makeDir({
    'src/app.js': `const id = "${key(1)}";\n`,
    'test/fixtures/creds.js': `const id = "${key(2)}";\n`,
    'lib/util.spec.ts': `const id = "${key(3)}";\n`,
  });
  const { code, r } = await json(dir, ['--scanners', 'secrets']);
  assert.equal(code, 1);
  const byPath = new Map(r.findings.map((f) => [f.location.path, f]));
  assert.deepEqual([...byPath.keys()].sort(), ['lib/util.spec.ts', 'src/app.js', 'test/fixtures/creds.js']);
  for (const p of ['test/fixtures/creds.js', 'lib/util.spec.ts']) {
    const f = byPath.get(p)!;
    assert.ok(f.tags?.includes('context:test'), p);
    assert.equal(f.severity, 'info', p);
    assert.equal(f.data?.['severityOutsideTests'], byPath.get('src/app.js')!.severity);
    assert.notEqual(f.gate, 'violation');
  }
  assert.ok(!byPath.get('src/app.js')!.tags?.includes('context:test'));
  assert.equal(byPath.get('src/app.js')!.gate, 'violation');

  // The table shows the one that fails, and counts the rest; --show-all lists them.
  const table = await cli(['scan', '.', '--scanners', 'secrets'], { cwd: dir });
  assert.match(table.stdout, /src\/app\.js/);
  assert.doesNotMatch(table.stdout, /creds\.js|util\.spec\.ts/);
  assert.match(table.stdout, /\n2 more not failing the gate \(2 info\): --show-all lists them\n/);
  const all = await cli(['scan', '.', '--scanners', 'secrets', '--show-all'], { cwd: dir });
  assert.match(all.stdout, /creds\.js[\s\S]*INFO/);

  // The globs are configurable: none, and test secrets fail like any other.
  const strict = makeDir({ 'pipeguard.yml': 'testContext:\n  paths: []\n', 'test/creds.js': `const id = "${key(4)}";\n` });
  assert.equal((await json(strict, ['--scanners', 'secrets'])).code, 1);
});

test("installed dependencies: node_modules skipped by secrets and SAST without a .gitignore; pipeguard's own package never scanned", async () => {
  const files = {
    'package.json': '{"name":"app"}',
    'node_modules/left-pad/test.js': `const id = "${key(5)}";\n`,
    'node_modules/pipeguard/docs/example.js': `const id = "${key(6)}";\n`,
    'src/ok.js': 'console.log(1);\n',
  };
  const bare = await json(makeDir(files), ['--scanners', 'secrets']);
  assert.deepEqual(bare.r.findings.map((f) => f.location.path), []);
  assert.equal(bare.code, 0);
  // A .gitignore that does not ignore node_modules: the folder is committed on purpose, so it is scanned, except pipeguard.
  const vendored = await json(makeDir({ ...files, '.gitignore': 'dist/\n' }), ['--scanners', 'secrets']);
  assert.deepEqual(vendored.r.findings.map((f) => f.location.path), ['node_modules/left-pad/test.js']);
  const all = await json(makeDir({ ...files, '.gitignore': 'dist/\n' }), ['--scanners', 'secrets', '--no-gitignore']);
  assert.deepEqual(all.r.findings.map((f) => f.location.path), ['node_modules/left-pad/test.js']);
});

test("peers' ignore comments are honoured and shown as suppressed", async () => {
  const dir = makeDir({
    // secrets: gitleaks:allow (same line only), nosemgrep (line and the next)
    'a.js': [`const a = "${key(7)}"; // gitleaks:allow`, '// gitleaks:allow', `const b = "${key(8)}";`, '// nosemgrep', `const c = "${key(9)}";`, ''].join('\n'),
    // SAST: nosemgrep naming our rule, naming another of our rules (no effect), and a bare one
    'srv.js': [
      "const cp = require('node:child_process');",
      "const app = require('express')();",
      "app.get('/a', (req) => {",
      '  cp.exec(`ping ${req.query.a}`); // nosemgrep: js-command-injection',
      '  cp.exec(`ping ${req.query.b}`); // nosemgrep: js-sql-injection',
      '  // nosemgrep',
      '  cp.exec(`ping ${req.query.c}`);',
      '});',
      '',
    ].join('\n'),
    // Terraform: trivy:ignore above the block, checkov:skip inside it
    'main.tf': [
      '#trivy:ignore:AVD-AWS-0107',
      'resource "aws_security_group_rule" "a" {',
      '  type        = "ingress"',
      '  from_port   = 22',
      '  to_port     = 22',
      '  protocol    = "tcp"',
      '  cidr_blocks = ["0.0.0.0/0"]',
      '}',
      'resource "aws_security_group_rule" "b" {',
      '  #checkov:skip=CKV_AWS_24:bastion reachable by design',
      '  type        = "ingress"',
      '  from_port   = 22',
      '  to_port     = 22',
      '  protocol    = "tcp"',
      '  cidr_blocks = ["0.0.0.0/0"]',
      '}',
      'resource "aws_security_group_rule" "c" {',
      '  type        = "ingress"',
      '  from_port   = 22',
      '  to_port     = 22',
      '  protocol    = "tcp"',
      '  cidr_blocks = ["0.0.0.0/0"]',
      '}',
      '',
    ].join('\n'),
    // Dockerfile: hadolint ignore= before the instruction
    Dockerfile: ['FROM debian:12', '# hadolint ignore=DL3020', 'ADD https://example.com/tool /usr/local/bin/tool', 'ADD https://example.com/other /usr/local/bin/other', ''].join('\n'),
  });
  const { r } = await json(dir, ['--scanners', 'secrets,sast,iac', '--fail-on', 'none']);
  const where = (fs: JFinding[]) => fs.map((f) => `${f.location.path}:${f.location.startLine} ${f.ruleId}`).sort();
  const suppressed = where(r.suppressed);
  const active = where(r.findings);
  // secrets
  assert.ok(suppressed.includes('a.js:1 aws-access-key-id'), suppressed.join('\n'));
  assert.ok(active.includes('a.js:3 aws-access-key-id'), 'gitleaks:allow covers its own line only');
  assert.ok(suppressed.includes('a.js:5 aws-access-key-id'));
  // SAST
  assert.ok(suppressed.includes('srv.js:4 js-command-injection'), suppressed.join('\n'));
  assert.ok(active.includes('srv.js:5 js-command-injection'), 'a nosemgrep naming another rule does not apply');
  assert.ok(suppressed.includes('srv.js:7 js-command-injection'));
  // Terraform: the blocks a and b are suppressed, c is not
  const tf = (fs: string[], from: number, to: number) => fs.filter((s) => s.startsWith('main.tf:') && Number(s.split(/[: ]/)[1]) >= from && Number(s.split(/[: ]/)[1]) <= to);
  assert.ok(tf(suppressed, 2, 8).length > 0, suppressed.join('\n'));
  assert.deepEqual(tf(active, 2, 8), []);
  assert.ok(tf(suppressed, 9, 16).length > 0);
  assert.deepEqual(tf(active, 9, 16), []);
  assert.ok(tf(active, 17, 23).length > 0, 'the block without a comment still reports');
  // Dockerfile: the next instruction only
  assert.ok(suppressed.includes('Dockerfile:3 docker-add-url'), suppressed.join('\n'));
  assert.ok(active.includes('Dockerfile:4 docker-add-url'));
  const reasons = r.suppressed.map((s) => s.reason);
  for (const tool of ['gitleaks', 'semgrep', 'trivy', 'checkov', 'hadolint']) assert.ok(reasons.some((x) => x.startsWith(`${tool} ignore comment: `)), tool);
  assert.ok(reasons.includes('checkov ignore comment: checkov:skip=CKV_AWS_24:bastion reachable by design'));
});

test('kics-scan ignore-line alone on its line covers the next line', async () => {
  const dir = makeDir({
    'k8s.yaml': [
      'apiVersion: v1',
      'kind: Pod',
      'metadata:',
      '  name: p',
      'spec:',
      '  # kics-scan ignore-line',
      '  hostNetwork: true',
      '  containers:',
      '    - name: c',
      '      image: nginx:1.27',
      '',
    ].join('\n'),
  });
  const { r } = await json(dir, ['--scanners', 'iac', '--fail-on', 'none']);
  const host = (fs: JFinding[]) => fs.filter((f) => f.location.path === 'k8s.yaml' && f.location.startLine === 7);
  assert.ok(host(r.suppressed).length > 0, JSON.stringify(r.findings.map((f) => [f.ruleId, f.location.startLine])));
  assert.deepEqual(host(r.findings), []);
  assert.ok(r.findings.some((f) => f.location.path === 'k8s.yaml'), 'other findings of the file are still reported');
});

test('one problem, one finding: overlapping rules of two scanners report once; alone, each scanner still reports', async () => {
  const dir = makeDir({
    '.github/workflows/ci.yml': 'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm test\n',
    'Dockerfile': 'FROM node:latest\nUSER node\n',
    'scripts/install.sh': '#!/bin/sh\nnpm install -g typescript\n',
    'deploy/pod.yaml': [
      'apiVersion: v1',
      'kind: Pod',
      'metadata:',
      '  name: p',
      'spec:',
      '  containers:',
      '    - name: c',
      '      image: nginx:1.27',
      '      env:',
      '        - name: GITHUB_TOKEN',
      `          value: ${githubToken(20)}`,
      '',
    ].join('\n'),
  });
  const { r } = await json(dir, ['--fail-on', 'none']);
  const ids = (path: string) => r.findings.filter((f) => f.location.path === path).map((f) => f.ruleId).sort();
  assert.ok(ids('.github/workflows/ci.yml').includes('gha-missing-permissions'));
  assert.ok(!ids('.github/workflows/ci.yml').includes('posture-workflow-no-permissions'));
  assert.ok(ids('Dockerfile').includes('docker-base-latest'));
  assert.ok(!ids('Dockerfile').includes('posture-unpinned-dependencies'));
  assert.ok(ids('scripts/install.sh').includes('posture-unpinned-dependencies'), 'no other scanner reads install scripts');
  const pod = r.findings.filter((f) => f.location.path === 'deploy/pod.yaml' && f.location.startLine === 11).map((f) => f.ruleId);
  assert.deepEqual(pod, ['github-pat']);
  // Alone, the posture checks still report the workflow (pipeguard posture runs them so).
  const alone = await json(dir, ['--scanners', 'posture', '--fail-on', 'none']);
  assert.ok(alone.r.findings.some((f) => f.ruleId === 'posture-workflow-no-permissions'));
  assert.ok(alone.r.findings.some((f) => f.ruleId === 'posture-unpinned-dependencies' && f.location.path === 'Dockerfile'));
  const iac = await json(dir, ['--scanners', 'iac', '--fail-on', 'none']);
  assert.ok(iac.r.findings.some((f) => f.ruleId === 'k8s-secret-in-env' && f.location.startLine === 11), 'without the secrets scanner the IaC rule reports the literal');
});

test('every rule the overlap table names exists', async () => {
  const { OVERLAPS } = await import('../../src/engine/overlaps.js');
  const out = await cli(['rules', '-f', 'json'], { cwd: makeDir() });
  const known = new Set((JSON.parse(out.stdout) as { id: string }[]).map((x) => x.id));
  for (const o of OVERLAPS) for (const id of [...o.drop, ...(o.keep.rules ?? [])]) assert.ok(known.has(id), id);
});

test('ignore comments hold when only a scanner that reads files itself sees the file (secrets alone, SAST alone)', async () => {
  // The secrets scanner and SAST read a folder's files from disk themselves, not through the engine: the comments
  // must still be found (regression: with --scanners secrets, gitleaks:allow was not honoured).
  const dir = makeDir({
    'a.js': [`const a = "${key(11)}"; // gitleaks:allow`, `const b = "${key(12)}";`, ''].join('\n'),
    'srv.js': ["const cp = require('node:child_process');", "require('express')().get('/a', (req) => {", '  cp.exec(`ping ${req.query.a}`); // nosemgrep', '  cp.exec(`ping ${req.query.b}`);', '});', ''].join('\n'),
  });
  const secrets = await json(dir, ['--scanners', 'secrets', '--fail-on', 'none']);
  assert.deepEqual(secrets.r.suppressed.map((f) => `${f.location.path}:${f.location.startLine}`), ['a.js:1']);
  assert.deepEqual(secrets.r.findings.map((f) => `${f.location.path}:${f.location.startLine}`), ['a.js:2']);
  const sast = await json(dir, ['--scanners', 'sast', '--fail-on', 'none']);
  const where = (fs: JFinding[]) => fs.filter((f) => f.ruleId === 'js-command-injection').map((f) => `${f.location.path}:${f.location.startLine}`);
  assert.deepEqual(where(sast.r.suppressed), ['srv.js:3']);
  assert.deepEqual(where(sast.r.findings), ['srv.js:4']);
});
