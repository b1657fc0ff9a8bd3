import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli } from '../helpers/cli.js';
import { makeDir, makeRepo, git } from '../helpers/tmp.js';
import { awsKeyId } from '../helpers/tokens.js';

const KEY = awsKeyId(42);
const KEY2 = awsKeyId(43);

test('scan exits 1 with a finding at the threshold and 0 with --fail-on critical', async () => {
  const dir = makeDir({ 'app/config.js': `const id = "${KEY}";\n`, 'README.md': 'hello\n' });
  const r = await cli(['scan', '.'], { cwd: dir });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /aws-access-key-id/);
  assert.match(r.stdout, /app\/config\.js/);
  assert.ok(!r.stdout.includes(KEY), 'the table must not print the key whole');
  const pass = await cli(['scan', '.', '--fail-on', 'critical'], { cwd: dir });
  assert.equal(pass.code, 0);
});

test('a clean folder passes with exit 0', async () => {
  const dir = makeDir({ 'a.txt': 'nothing to see\n' });
  const r = await cli(['scan'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
});

test('several formats at once; files written; the gate still fails and says so on stderr', async () => {
  const dir = makeDir({ 'k.env': `AWS_ACCESS_KEY_ID=${KEY}\n` });
  const r = await cli(['secrets', '.', '-f', 'json', '-o', 'out.json', '-f', 'sarif', '-o', 'out.sarif', '--format', 'junit', '--output', 'out.xml'], { cwd: dir });
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /FAIL: 1 finding\(s\), 1 failing the gate/);
  const json = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'));
  assert.equal(json.findings.length, 1);
  assert.match(json.findings[0].fingerprint, /^[0-9a-f]{32}$/);
  const sarif = JSON.parse(readFileSync(join(dir, 'out.sarif'), 'utf8'));
  assert.equal(sarif.version, '2.1.0');
  assert.ok(readFileSync(join(dir, 'out.xml'), 'utf8').startsWith('<?xml'));
  for (const f of ['out.json', 'out.sarif', 'out.xml']) assert.ok(!readFileSync(join(dir, f), 'utf8').includes(KEY), `${f} holds the raw key`);
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);
});

test('--show-secrets prints the value; without it no output holds it', async () => {
  const dir = makeDir({ 'k.env': `AWS_ACCESS_KEY_ID=${KEY}\n` });
  const shown = await cli(['secrets', '.', '--show-secrets', '-f', 'json'], { cwd: dir });
  assert.ok(shown.stdout.includes(KEY));
  const hidden = await cli(['secrets', '.', '-f', 'json'], { cwd: dir });
  assert.ok(!hidden.stdout.includes(KEY));
  assert.match(hidden.stdout, /"secretHash": "sha256:/);
});

test('bad input: one line on stderr, exit 2, no report file', async () => {
  const dir = makeDir({ 'pipeguard.yml': 'failOn: high\nscanners:\n  secrets:\n    enabld: false\n', 'a.txt': 'x' });
  const bad = await cli(['scan', '.', '-f', 'json', '-o', 'r.json'], { cwd: dir });
  assert.equal(bad.code, 2);
  assert.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr);
  assert.match(bad.stderr, /pipeguard\.yml:4: scanners\.secrets\.enabld: Unrecognized key/);
  assert.ok(!existsSync(join(dir, 'r.json')));
  const missing = await cli(['scan', 'no/such/dir'], { cwd: dir });
  assert.equal(missing.code, 2);
  assert.equal(missing.stderr, 'pipeguard: no/such/dir: no such file or directory\n');
  const usage = await cli(['scan', '--fail-on', 'severe'], { cwd: dir });
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /--fail-on takes/);
  const unknown = await cli(['scna'], { cwd: dir });
  assert.equal(unknown.code, 2);
  const notGit = await cli(['secrets', '.', '--history'], { cwd: makeDir({ 'a.txt': 'x' }) });
  assert.equal(notGit.code, 2);
  assert.match(notGit.stderr, /not a git repository/);
  assert.doesNotMatch(notGit.stderr + missing.stderr + bad.stderr, /\n\s+at /);
});

test('inline pipeguard:ignore comments, the ignore file and config suppressions', async () => {
  const dir = makeDir({
    'a.py': `key = "${KEY}"  # pipeguard:ignore test fixture\n`,
    'b.py': `# pipeguard:ignore[aws-access-key-id]\nkey = "${KEY2}"\n`,
    'c.py': `# pipeguard:ignore[some-other-rule]\nkey = "${awsKeyId(44)}"\n`,
  });
  const r = await cli(['secrets', '.', '-f', 'json'], { cwd: dir });
  const json = JSON.parse(r.stdout);
  assert.deepEqual(json.findings.map((f: { location: { path: string } }) => f.location.path), ['c.py']);
  assert.equal(json.suppressed.length, 2);
  assert.equal(r.code, 1);
  writeFileSync(join(dir, '.pipeguardignore'), `${json.findings[0].fingerprint} rotated on 2026-01-01\n`);
  const r2 = await cli(['secrets', '.'], { cwd: dir });
  assert.equal(r2.code, 0, r2.stdout);
  writeFileSync(join(dir, '.pipeguardignore'), 'not-a-fingerprint\n');
  const r3 = await cli(['secrets', '.'], { cwd: dir });
  assert.equal(r3.code, 2);
  assert.match(r3.stderr, /\.pipeguardignore:1: expected a 32-character fingerprint/);
});

test('a baseline report: known findings pass, a new one fails; fingerprints survive line moves', async () => {
  const dir = makeDir({ 'a.js': `const k = "${KEY}";\n` });
  const first = await cli(['secrets', '.', '-f', 'json', '-o', 'base.json'], { cwd: dir });
  assert.equal(first.code, 1);
  writeFileSync(join(dir, 'a.js'), `// moved down\n\n\nconst k = "${KEY}";\n`);
  const same = await cli(['secrets', '.', '--baseline', 'base.json', '-f', 'sarif'], { cwd: dir });
  assert.equal(same.code, 0, same.stdout);
  assert.match(same.stdout, /"baselineState": "unchanged"/);
  writeFileSync(join(dir, 'b.js'), `const k2 = "${KEY2}";\n`);
  const added = await cli(['secrets', '.', '--baseline', 'base.json', '-f', 'json'], { cwd: dir });
  assert.equal(added.code, 1);
  const j = JSON.parse(added.stdout);
  assert.equal(j.findings.filter((f: { gate: string }) => f.gate === 'violation').length, 1);
});

test('standard input with --stdin-name', async () => {
  const dir = makeDir({});
  const r = await cli(['secrets', '-', '--stdin-name', 'diff.patch', '-f', 'json'], { cwd: dir, stdin: `+aws_access_key_id = ${KEY}\n` });
  assert.equal(r.code, 1);
  assert.equal(JSON.parse(r.stdout).findings[0].location.path, 'diff.patch');
});

test('--history finds a secret removed from the tree, with commit, author and date', async () => {
  const repo = makeRepo([
    { files: { 'app.env': `AWS_ACCESS_KEY_ID=${KEY}\n` }, author: 'Leaky Dev', email: 'leaky@example.test', message: 'add env' },
    { files: { 'app.env': 'AWS_ACCESS_KEY_ID=\n' }, message: 'remove key' },
  ]);
  const tree = await cli(['secrets', '.'], { cwd: repo });
  assert.equal(tree.code, 0);
  const hist = await cli(['secrets', '.', '--history', '-f', 'json'], { cwd: repo });
  assert.equal(hist.code, 1, hist.stderr);
  const f = JSON.parse(hist.stdout).findings[0];
  assert.equal(f.origin.author, 'Leaky Dev');
  assert.equal(f.origin.commit, git(repo, ['rev-list', '--max-parents=0', 'HEAD']).trim());
  assert.match(f.origin.date, /^2024-01-01T00:00:00/);
});

test('--staged scans the index, not the work tree (pre-commit)', async () => {
  const repo = makeRepo([{ files: { 'a.txt': 'hello\n' } }]);
  writeFileSync(join(repo, 'a.txt'), `hello\nkey=${KEY}\n`);
  const unstaged = await cli(['secrets', '--staged'], { cwd: repo });
  assert.equal(unstaged.code, 0, 'a change that is not staged is not part of the commit');
  git(repo, ['add', 'a.txt']);
  const staged = await cli(['secrets', '--staged', '-f', 'json'], { cwd: repo });
  assert.equal(staged.code, 1);
  assert.equal(JSON.parse(staged.stdout).findings[0].location.startLine, 2);
});

test('init writes config, hook and CI files, and keeps existing ones', async () => {
  const repo = makeRepo([{ files: { 'x.txt': 'x' } }]);
  const r = await cli(['init'], { cwd: repo });
  assert.equal(r.code, 0, r.stderr);
  for (const f of ['pipeguard.yml', '.git/hooks/pre-commit', '.github/workflows/security.yml', '.gitlab/security.gitlab-ci.yml']) assert.ok(existsSync(join(repo, f)), f);
  const again = await cli(['init'], { cwd: repo });
  assert.match(again.stdout, /kept {4}pipeguard\.yml/);
  const scan = await cli(['scan', '.'], { cwd: repo });
  assert.notEqual(scan.code, 2, scan.stderr);
});

test('--version, --help and rules', async () => {
  const dir = makeDir({});
  const v = await cli(['--version'], { cwd: dir });
  assert.match(v.stdout, /^\d+\.\d+\.\d+\n$/);
  const h = await cli(['--help'], { cwd: dir });
  assert.match(h.stdout, /Commands:[\s\S]*scan[\s\S]*secrets[\s\S]*rules[\s\S]*init/);
  for (const c of ['scan', 'secrets', 'rules', 'init']) {
    const ch = await cli([c, '--help'], { cwd: dir });
    assert.match(ch.stdout, new RegExp(`^Usage: pipeguard ${c}`), c);
  }
  const rules = await cli(['rules', '--scanner', 'secrets', '-f', 'json'], { cwd: dir });
  const list = JSON.parse(rules.stdout) as { id: string }[];
  assert.ok(list.some((r) => r.id === 'aws-access-key-id'));
});

test('archives: members of a zip in the tree and a tgz given directly are scanned, named outer!inner', async () => {
  const { zipSync, gzipSync, strToU8 } = await import('fflate');
  const zip = zipSync({ 'conf/app.properties': strToU8(`aws.key=${KEY}\n`) });
  const dir = makeDir({ 'dist/app.zip': zip });
  const r = await cli(['secrets', '.', '-f', 'json'], { cwd: dir });
  assert.equal(r.code, 1, r.stderr);
  assert.equal(JSON.parse(r.stdout).findings[0].location.path, 'dist/app.zip!conf/app.properties');
  const off = await cli(['secrets', '.', '--no-archives'], { cwd: dir });
  assert.equal(off.code, 0);
  const bad = makeDir({ 'broken.zip': strToU8('PK\u0003\u0004 not really a zip') });
  const corrupt = await cli(['scan', 'broken.zip'], { cwd: bad });
  assert.equal(corrupt.code, 2);
  assert.match(corrupt.stderr, /broken\.zip: corrupt archive/);
  void gzipSync;
});

test('files skipped by the target (over --max-file-size) are listed once in the report status', async () => {
  const dir = makeDir({ 'big.txt': 'x'.repeat(5000), 'small.txt': 'ok\n' });
  const r = await cli(['scan', '.', '--max-file-size', '1000', '-f', 'json'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const target = JSON.parse(r.stdout).statuses.find((s: { scanner: string }) => s.scanner === 'target');
  assert.deepEqual(target.fileErrors.map((e: { path: string }) => e.path), ['big.txt']);
  assert.match(target.fileErrors[0].message, /over the 1000-byte file size limit/);
});
