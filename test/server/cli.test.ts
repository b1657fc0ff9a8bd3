import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { openDb } from '../../src/server/db/open.js';
import { cli } from '../helpers/cli.js';
import { makeDir } from '../helpers/tmp.js';
import { ROOT } from './processes.js';

test('admin: users from standard input, tokens shown once on stdout and never listed', async () => {
  const dir = makeDir();
  const add = await cli(['admin', 'user', 'add', 'alice', '--role', 'admin', '--db', 'sqlite:s.db'], { cwd: dir, stdin: 'a long passphrase here\n' });
  assert.equal(add.code, 0, add.stderr);
  const short = await cli(['admin', 'user', 'add', 'bob', '--role', 'viewer', '--db', 'sqlite:s.db'], { cwd: dir, stdin: 'short\n' });
  assert.deepEqual([short.code, short.stderr], [2, 'pipeguard: a password needs at least 12 characters\n']);
  const role = await cli(['admin', 'user', 'add', 'bob', '--role', 'root', '--db', 'sqlite:s.db'], { cwd: dir, stdin: 'a long passphrase here\n' });
  assert.match(role.stderr, /^pipeguard: role must be one of viewer, triager, admin\n$/);
  const tok = await cli(['admin', 'token', 'create', 'ci', '--scopes', 'upload', '--project', 'web', '--db', 'sqlite:s.db'], { cwd: dir });
  assert.equal(tok.code, 0);
  assert.match(tok.stdout, /^pgt_[A-Za-z0-9_-]{43}\n$/);
  const list = await cli(['admin', 'token', 'list', '--db', 'sqlite:s.db'], { cwd: dir });
  assert.match(list.stdout, /^1\tci\tweb\tupload\tpgt_\S{4}…\tactive\n$/);
  assert.ok(!list.stdout.includes(tok.stdout.trim()), 'token list printed the token');
  const db = await openDb(`sqlite:${dir}/s.db`, dir);
  const stored = await db.all<{ hash: string; password: string }>('SELECT t.hash, u.password FROM tokens t, users u');
  await db.close();
  assert.ok(!JSON.stringify(stored).includes(tok.stdout.trim()) && stored[0]!.password.startsWith('scrypt$32768$8$1$'), 'stored in clear');
  const bad = await cli(['admin', 'token', 'create', 'x', '--scopes', 'write', '--db', 'sqlite:s.db'], { cwd: dir });
  assert.deepEqual([bad.code, bad.stderr], [2, 'pipeguard: --scopes: unknown scope "write" (use upload, read, triage, admin)\n']);
});

test('bad usage and input are one line and exit 2', async () => {
  const dir = makeDir({ 'repos.txt': 'https://example.test/a/b.git\n./x y z\n' });
  const cases: [string[], RegExp][] = [
    [['serve', '--port', '99999'], /^pipeguard: --port takes 0 to 65535\n$/],
    [['serve', '--db', 'postgres://nobody@127.0.0.1:1/x'], /^pipeguard: postgres:\/\/nobody@127\.0\.0\.1:1\/x: cannot open database: .*\n$/],
    [['fleet', 'scan', 'missing.txt'], /^pipeguard: missing\.txt: cannot read \(ENOENT\)\n$/],
    [['fleet', 'scan', 'repos.txt'], /^pipeguard: repos\.txt:2: expected 'REPOSITORY \[PROJECT\]', found "\.\/x y z"\n$/],
    [['fleet', 'launch'], /^pipeguard: fleet takes 'scan REPOS\.txt' or 'status'\n$/],
    [['worker'], /^pipeguard: give --server URL/],
    [['scan', '.', '--upload', 'ftp://x'], /cannot upload the report: the upload URL must be http or https/],
  ];
  for (const [argv, re] of cases) {
    const r = await cli(argv, { cwd: dir });
    assert.equal(r.code, 2, `${argv.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, re);
  }
});

test('the UI assets embedded in the server match their sources', () => {
  const r = spawnSync(process.execPath, ['scripts/embed-ui.mjs', '--check'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});
