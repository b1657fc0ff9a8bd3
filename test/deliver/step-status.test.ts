// Issue 17 gaps: a step that dies by a signal of its own (not a timeout, not Ctrl-C) is reported and recorded with
// that signal, and `pipeline show RUN` shows a run by its id (an unknown id is exit 2 with one line).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { AuditEntry } from '../../src/deliver/audit/entry.js';
import type { RunRecord } from '../../src/deliver/runner/record.js';
import { cli } from '../helpers/cli.js';
import { makeProject, testEnv } from './helpers/project.js';

test('a step killed by a signal is reported with it, the run fails (exit 1), and show RUN finds the run by id', async () => {
  const { dir, home } = await makeProject({
    'pipeguard.yml': 'pipeline:\n  stages:\n    - name: s\n      steps:\n        - name: first\n          run: echo one\n        - name: selfkill\n          run: kill -KILL $$\n        - name: after\n          run: touch after-ran\n',
  });
  const env = testEnv(home);
  const r = await cli(['pipeline', 'run'], { cwd: dir, env });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /<-- step s\/selfkill: killed by SIGKILL/);
  assert.match(r.stderr, /FAILED: s\/selfkill: step selfkill killed by SIGKILL/);
  const step = (JSON.parse(readFileSync(join(dir, '.pipeguard/audit.jsonl'), 'utf8').trim().split('\n').filter((l) => l.includes('"step.finished"')).at(-1)!) as AuditEntry).data;
  assert.equal(step['step'], 'selfkill');
  assert.equal(step['status'], 'failed');
  assert.equal(step['signal'], 'SIGKILL');

  const [file] = readdirSync(join(dir, '.pipeguard/runs'));
  const id = file!.replace(/\.json$/, '');
  // a second run, so the latest is not the one asked for
  await cli(['pipeline', 'run'], { cwd: dir, env });
  const byId = await cli(['pipeline', 'show', id, '--json'], { cwd: dir, env });
  assert.equal(byId.code, 0, byId.stderr);
  const rec = JSON.parse(byId.stdout) as RunRecord;
  assert.equal(rec.id, id);
  assert.deepEqual(rec.stages[0]!.steps.map((s) => s.status), ['succeeded', 'failed', 'skipped']);
  const text = await cli(['pipeline', 'show', id], { cwd: dir, env });
  assert.match(text.stdout, new RegExp(`run ${id} `));
  assert.match(text.stdout, /step selfkill: failed SIGKILL/);
  const unknown = await cli(['pipeline', 'show', '20000101T000000Z-000000'], { cwd: dir, env });
  assert.equal(unknown.code, 2);
  assert.equal(unknown.stderr.trimEnd().split('\n').length, 1, unknown.stderr);
});

test('a step runs in its cwd (relative to the pipeline root) with its env; argv runs without a shell', async () => {
  const { dir, home } = await makeProject({
    'sub/marker.txt': 'here\n',
    'pipeguard.yml':
      "pipeline:\n  stages:\n    - name: s\n      steps:\n        - name: where\n          cwd: sub\n          env: { GREETING: 'hello there' }\n          run: 'cat marker.txt; echo \"$GREETING\"'\n        - name: literal\n          cwd: sub\n          argv: [sh, -c, 'echo \"$1\"', sh, '$HOME;`id`']\n",
  });
  const r = await cli(['pipeline', 'run'], { cwd: dir, env: testEnv(home) });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /\[s\/where\] here\n\[s\/where\] hello there\n/);
  // the argument reached the program as written: no shell expanded $HOME or ran `id`
  assert.match(r.stdout, /\[s\/literal\] \$HOME;`id`\n/);
});
