import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeFileAtomic } from '../../src/deliver/fs-atomic.js';
import { makeDir } from '../helpers/tmp.js';

test('atomic writes replace a file whole, and write a device or pipe in place (never rename over it)', async () => {
  const dir = makeDir();
  const file = join(dir, 'a.txt');
  writeFileAtomic(file, 'one\n');
  writeFileAtomic(file, 'two\n', 0o600);
  assert.equal(readFileSync(file, 'utf8'), 'two\n');
  assert.deepEqual(readdirSync(dir), ['a.txt'], 'no temporary file left');
  const fifo = join(dir, 'pipe');
  execFileSync('mkfifo', [fifo]);
  const reader = spawn('cat', [fifo]);
  let got = '';
  reader.stdout.on('data', (c: Buffer) => (got += c.toString()));
  const done = new Promise((r) => reader.on('exit', r));
  writeFileAtomic(fifo, 'through the pipe\n');
  await done;
  assert.equal(got, 'through the pipe\n');
  assert.ok(statSync(fifo).isFIFO(), 'the pipe is still a pipe');
});
