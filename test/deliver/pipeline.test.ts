import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { AuditEntry } from '../../src/deliver/audit/entry.js';
import type { RunRecord } from '../../src/deliver/runner/record.js';
import { cli } from '../helpers/cli.js';
import { githubToken } from '../helpers/tokens.js';
import { makeProject, running, testEnv } from './helpers/project.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');

const entries = (dir: string) => readFileSync(join(dir, '.pipeguard/audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as AuditEntry);
const lastRecord = async (dir: string, env: Record<string, string>) => JSON.parse((await cli(['pipeline', 'show', '--json'], { cwd: dir, env })).stdout) as RunRecord;

for (const sig of ['SIGTERM', 'SIGINT'] as const) {
  test(`${sig} to pipeguard stops the running step's whole process group and is recorded (real processes)`, async () => {
    const { dir, home } = await makeProject({
      'pipeguard.yml': `pipeline:
  killGrace: 2
  stages:
    - name: build
      steps:
        - name: long
          run: 'sleep 60 & echo $! > bg.pid; echo started; wait'
        - name: never
          run: 'touch never-ran'
`,
    });
    const env = testEnv(home);
    const child = spawn(process.execPath, ['--import', TSX, MAIN, 'pipeline', 'run'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const started = new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`the step did not start: ${err}`)), 20_000);
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.includes('[build/long] started')) {
          clearTimeout(t);
          resolve();
        }
      });
    });
    await started;
    const bg = Number(readFileSync(join(dir, 'bg.pid'), 'utf8'));
    assert.equal(running(bg), true);
    child.kill(sig);
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    assert.equal(code, 1, err);
    assert.match(err, new RegExp(`pipeguard: ${sig}: stopping the running step`));
    assert.match(err, new RegExp(`<-- step build/long: stopped by ${sig} \\(ended by SIGTERM\\)`));
    assert.match(err, /INTERRUPTED/);
    assert.equal(running(bg), false, 'the step\'s background child is gone');
    assert.ok(!existsSync(join(dir, 'never-ran')));
    const rec = await lastRecord(dir, env);
    assert.equal(rec.status, 'interrupted');
    assert.equal(rec.stages[0]!.steps[0]!.status, 'interrupted');
    assert.equal(rec.stages[0]!.steps[0]!.stoppedBy, sig);
    assert.equal(rec.stages[0]!.steps[1]!.status, 'skipped');
    const log = entries(dir);
    const stop = log.find((e) => e.type === 'run.interrupted');
    assert.equal(stop?.data['signal'], sig);
    assert.equal(log.find((e) => e.type === 'step.finished')?.data['status'], 'interrupted');
    assert.equal(log.at(-1)!.type, 'run.finished');
    assert.equal((await cli(['audit', 'verify'], { cwd: dir, env })).code, 0);
  });
}

test('a failing step stops the run with its exit status; a timeout is reported as such; later steps are skipped', async () => {
  const { dir, home } = await makeProject({
    'pipeguard.yml': `pipeline:
  stages:
    - name: test
      steps:
        - name: ok
          argv: [sh, -c, 'echo one; echo two >&2']
        - name: bad
          run: 'echo failing; exit 7'
        - name: after
          run: 'touch after-ran'
`,
  });
  const env = testEnv(home);
  const r = await cli(['pipeline', 'run'], { cwd: dir, env });
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '[test/ok] one\n[test/bad] failing\n');
  assert.match(r.stderr, /\[test\/ok\] two\n/);
  assert.match(r.stderr, /<-- step test\/bad: exited with status 7/);
  assert.match(r.stderr, /FAILED: test\/bad: step bad exited with status 7/);
  assert.ok(!existsSync(join(dir, 'after-ran')));
  const rec = await lastRecord(dir, env);
  assert.deepEqual(rec.stages[0]!.steps.map((s) => [s.name, s.status, s.exitCode ?? null]), [['ok', 'succeeded', 0], ['bad', 'failed', 7], ['after', 'skipped', null]]);
  assert.equal(rec.stages[0]!.steps[1]!.outputTail, 'failing\n');
  const show = await cli(['pipeline', 'show'], { cwd: dir, env });
  assert.match(show.stdout, /step bad: failed exit 7/);
  assert.match(show.stdout, /stopped at test\/bad: step bad exited with status 7/);

  const t = await makeProject({ 'pipeguard.yml': 'pipeline:\n  timeout: 500ms\n  killGrace: 1\n  stages:\n    - name: s\n      steps:\n        - name: slow\n          run: sleep 30\n' });
  const tr = await cli(['pipeline', 'run'], { cwd: t.dir, env: testEnv(t.home) });
  assert.equal(tr.code, 1);
  assert.match(tr.stderr, /<-- step s\/slow: timed out \(ended by SIGTERM\)/);
  const tlog = entries(t.dir).find((e) => e.type === 'step.finished')!;
  assert.equal(tlog.data['status'], 'timed-out');
  assert.equal(tlog.data['stoppedBy'], 'timeout');
});

test('a stage gate runs after the stage\'s steps; its findings are in the record; a missing artifact fails the gate', async () => {
  const { dir, home } = await makeProject({
    'pipeguard.yml': `pipeline:
  stages:
    - name: build
      steps:
        - name: make
          run: 'mkdir -p out && printf "token = %s\\n" "$T" > out/settings.ini'
          env: { T: ${githubToken(5)} }
      gate: { scanners: [secrets], path: out, failOn: low }
    - name: deploy
      steps:
        - name: go
          run: 'touch deployed'
`,
  });
  const env = testEnv(home);
  const r = await cli(['pipeline', 'run'], { cwd: dir, env });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /<-- gate build: FAIL/);
  const rec = await lastRecord(dir, env);
  assert.equal(rec.stages[0]!.gate!.outcome, 'fail');
  assert.equal(rec.stages[0]!.gate!.violations[0]!.path, 'out/settings.ini');
  assert.equal(rec.failure!.reason, 'gate build failed');
  assert.ok(!existsSync(join(dir, 'deployed')));
  const decision = entries(dir).find((e) => e.type === 'gate.decision')!;
  assert.equal(decision.data['outcome'], 'fail');
  assert.ok((decision.data['rules'] as string[]).length >= 1);

  const m = await makeProject({ 'pipeguard.yml': 'pipeline:\n  stages:\n    - name: b\n      steps:\n        - name: scan\n          gate: { path: dist }\n' });
  const mr = await cli(['pipeline', 'run'], { cwd: m.dir, env: testEnv(m.home) });
  assert.equal(mr.code, 1);
  assert.match(mr.stderr, /<-- gate b\/scan: ERROR \(gate path dist does not exist\)/);
});

test('a malformed pipeline section is one line naming the file, line and key, and nothing runs', async () => {
  const cases: [string, RegExp][] = [
    ['pipeline:\n  stages:\n    - name: a\n      steps:\n        - name: x\n          run: echo\n          argv: [echo]\n', /^pipeguard: pipeguard\.yml:7: pipeline\.stages\[0\]\.steps\[0\]\.argv: give run or argv, not both\n$/],
    ['pipeline:\n  stages:\n    - name: a\n      steps:\n        - name: x\n          timeout: soon\n          run: echo\n', /^pipeguard: pipeguard\.yml:6: pipeline\.stages\[0\]\.steps\[0\]\.timeout: /],
    ['pipeline:\n  stages:\n    - name: a\n      steps:\n        - name: x\n          run: echo\n        - name: x\n          run: echo\n', /^pipeguard: pipeguard\.yml:7: pipeline\.stages\[0\]\.steps\[1\]\.name: two steps are named x\n$/],
    ['pipeline:\n  stages:\n    - name: a\n      steps:\n        - name: x\n          runn: echo\n', /^pipeguard: pipeguard\.yml:6: pipeline\.stages\[0\]\.steps\[0\]\.runn: Unrecognized key: "runn"\n$/],
    ['pipeline:\n  stages:\n    - name: a\n      steps:\n        - name: x\n          secrets: [not-a-name]\n          run: echo\n', /^pipeguard: pipeguard\.yml:6: pipeline\.stages\[0\]\.steps\[0\]\.secrets\[0\]/],
    ['pipeline:\n  stages:\n    - name: a\n      steps:\n        - name: x\n          run: echo\n          gate: { scanners: [nope] }\n', /^pipeguard: pipeline step a\/x gate: unknown scanner nope/],
    ['pipeline:\n  stages:\n    - name: a\n      steps:\n        - name: x\n          run: echo\n          secrets: [A_SECRET]\n', /^pipeguard: steps declare secrets but no environment is chosen: give --env or set pipeline\.env\n$/],
    ['pipeline: {}\n', /^pipeguard: the config has no pipeline\.stages to run\n$/],
  ];
  for (const [yml, re] of cases) {
    const { dir, home } = await makeProject({ 'pipeguard.yml': yml });
    const r = await cli(['pipeline', 'run'], { cwd: dir, env: testEnv(home) });
    assert.equal(r.code, 2, yml);
    assert.match(r.stderr, re, yml);
    assert.equal(r.stdout, '');
    assert.ok(!existsSync(join(dir, '.pipeguard')), 'nothing written');
  }
  const { dir, home } = await makeProject({ 'pipeguard.yml': 'pipeline:\n  env: prod\n  stages:\n    - name: a\n      steps:\n        - name: x\n          run: echo\n          secrets: [A_SECRET]\n' });
  const r = await cli(['pipeline', 'run'], { cwd: dir, env: testEnv(home) });
  assert.equal(r.code, 2);
  assert.equal(r.stderr, 'pipeguard: pipeguard.yml: pipeline step a/x: unknown secret A_SECRET: environment prod has no secrets file (secrets/prod.age.yml)\n');
  assert.equal((await cli(['pipeline', 'run', '--stage', 'zz'], { cwd: dir, env: testEnv(home) })).stderr, 'pipeguard: unknown stage zz (stages: a)\n');
  assert.equal((await cli(['pipeline', 'show'], { cwd: dir, env: testEnv(home) })).code, 2);
});
