// Paths named on the command line: only regular files, folders and archives are read. A FIFO or a device is
// exit 2 with one line (it used to hang or read without end); a symlink is not followed, and `fix` never writes
// through one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { makeDir } from '../helpers/tmp.js';
import { oneLine, runCli } from './helpers.js';

const LIMIT = 60_000;
const TOKEN = 'ghp_' + 'Zq8Yp2Lw4Rt6Uv1Xs3Bn5Mc7Kd9Jf0Hg2Aa4';

test('a FIFO given as PATH is refused with one line, not waited on', async () => {
  const dir = makeDir();
  execFileSync('mkfifo', [join(dir, 'pipe')]);
  for (const cmd of [['secrets', 'pipe'], ['scan', 'pipe']]) {
    const r = await runCli(cmd, { cwd: dir, limitMs: LIMIT });
    assert.equal(r.hung, false, `${cmd.join(' ')} hung on a FIFO`);
    assert.equal(r.code, 2, r.stderr);
    assert.ok(oneLine(r.stderr), r.stderr);
    assert.match(r.stderr, /pipe: is a FIFO/);
  }
});

test('a device given as PATH is refused with one line', async () => {
  const dir = makeDir();
  const r = await runCli(['secrets', '/dev/zero'], { cwd: dir, limitMs: LIMIT });
  assert.equal(r.hung, false);
  assert.equal(r.code, 2, r.stderr);
  assert.ok(oneLine(r.stderr), r.stderr);
  assert.match(r.stderr, /\/dev\/zero: is a character device/);
});

test('a symlink given as PATH is not followed', async () => {
  const outside = makeDir({ 'creds.txt': `token = "${TOKEN}"\n` });
  const dir = makeDir();
  symlinkSync(join(outside, 'creds.txt'), join(dir, 'link.txt'));
  const r = await runCli(['secrets', 'link.txt'], { cwd: dir, limitMs: LIMIT });
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.ok(oneLine(r.stderr), r.stderr);
  assert.match(r.stderr, /link\.txt: is a symbolic link/);
});

test('fix never writes through a symlink', async () => {
  const workflow = 'on: pull_request_target\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "${{ github.event.pull_request.title }}"\n';
  const outside = makeDir({ '.github/workflows/ci.yml': workflow });
  const dir = makeDir();
  symlinkSync(join(outside, '.github/workflows/ci.yml'), join(dir, 'ci.yml'));
  const r = await runCli(['fix', 'ci.yml'], { cwd: dir, limitMs: LIMIT });
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.ok(oneLine(r.stderr), r.stderr);
  assert.equal(readFileSync(join(outside, '.github/workflows/ci.yml'), 'utf8'), workflow, 'the file outside was rewritten');
});
