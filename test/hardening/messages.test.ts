// Crashes turned into messages: a YAML alias bomb in the config, deeply nested JSON and a FIFO given to
// `db import`, and usage errors parseArgs words over several lines: each is exit 2 with one line naming the file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { makeDir } from '../helpers/tmp.js';
import { oneLine, runCli } from './helpers.js';

const LIMIT = 60_000;

async function failsOnOneLine(args: string[], cwd: string, names?: RegExp): Promise<void> {
  const r = await runCli(args, { cwd, limitMs: LIMIT });
  assert.equal(r.hung, false, `${args.join(' ')} hung`);
  assert.equal(r.code, 2, `${args.join(' ')}: exit ${r.code} ${r.signal ?? ''}: ${r.stderr}`);
  assert.ok(oneLine(r.stderr), `${args.join(' ')}:\n${r.stderr}`);
  if (names) assert.match(r.stderr, names);
}

test('a YAML alias bomb in the config is one line naming the config', async () => {
  const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 9; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill('*' + String.fromCharCode(96 + i)).join(',')}]`);
  const dir = makeDir({ 'pipeguard.yml': levels.join('\n') + '\n' });
  await failsOnOneLine(['secrets', '.'], dir, /pipeguard\.yml/);
});

test('db import of deeply nested JSON or of a FIFO is one line naming the file', async () => {
  const dir = makeDir({ 'deep.json': `{"id":"X","modified":"2020-01-01T00:00:00Z","affected":${'['.repeat(100_000)}${']'.repeat(100_000)}}` });
  execFileSync('mkfifo', [join(dir, 'fifo.json')]);
  await failsOnOneLine(['db', 'import', 'deep.json', '--db', 'x.db'], dir, /deep\.json/);
  await failsOnOneLine(['db', 'import', 'fifo.json', '--db', 'x.db'], dir, /fifo\.json/);
});

test('usage errors are one line', async () => {
  const dir = makeDir();
  await failsOnOneLine(['secrets', '.', '--max-file-size', '-1'], dir);
  await failsOnOneLine(['secrets', '.', '--commits', '--x'], dir);
});
