import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { DeployRecord } from '../../../src/deliver/deploy/record.js';
import { checkHealth, freePort, sleep } from '../../../src/deliver/deploy/release.js';
import { cli } from '../../helpers/cli.js';
import { makeDir } from '../../helpers/tmp.js';
import { makeProject, testEnv } from '../helpers/project.js';
import { deployYaml, loadLoop, SERVER, startService, total } from './helpers.js';

const MAIN = fileURLToPath(new URL('../../../src/cli/main.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');

const events = (dir: string) =>
  existsSync(join(dir, '.pipeguard/audit.jsonl'))
    ? readFileSync(join(dir, '.pipeguard/audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; data: Record<string, unknown> })
    : [];
/** The record of the last deploy that finished (by the audit log: the tests' fixed clock makes ids sort at random). */
const lastRecord = async (dir: string) => {
  const id = String(events(dir).filter((e) => e.type === 'deploy.finished').at(-1)!.data['deployId']);
  const r = await cli(['deploy', 'show', id, '--json'], { cwd: dir, env: testEnv(dir) });
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as DeployRecord;
};

/** Waits (bounded) until `cond` holds. */
async function until(cond: () => boolean, what: string, tries = 400): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (cond()) return;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}

function spawnCli(dir: string, argv: string[], env: Record<string, string>): { child: ChildProcess; err: () => string; exit: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', TSX, MAIN, ...argv], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  child.stdout!.resume();
  const exit = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  // a failed assertion must not leave the process running (the test file would never end)
  // SIGTERM first, so it stops (or rolls back) the releases it started, then SIGKILL
  after(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exit;
    clearTimeout(t);
  });
  return { child, err: () => err, exit };
}

test('bad deploy config: one line naming pipeguard.yml and the key, exit 2, nothing started', async () => {
  const cases: [string, RegExp][] = [
    ['deploy:\n  strategy: rolling\n  candidate: { run: "true" }\n  health: { path: /healthz }\n', /^pipeguard: pipeguard\.yml:2: deploy\.strategy: .*blue-green.*canary.*hooks/],
    ['deploy:\n  strategy: canary\n  candidate: { run: "true" }\n  health: { status: 200 }\n', /^pipeguard: pipeguard\.yml:4: deploy\.health\.path: /],
    ['deploy:\n  candidate: { run: "true" }\n', /^pipeguard: pipeguard\.yml:1: deploy\.health: strategy canary needs deploy\.health/],
    ['deploy:\n  candidate: { run: "true" }\n  health: { path: /healthz }\n  analysis: { maxErrorRate: 5 }\n', /^pipeguard: pipeguard\.yml:4: deploy\.analysis\.maxErrorRate: expected a fraction between 0 and 1/],
    ['deploy:\n  candidate: { run: "true" }\n  health: { path: /healthz }\n  analysis: { window: soon }\n', /^pipeguard: pipeguard\.yml:4: deploy\.analysis\.window: /],
    ['deploy:\n  candidate: { run: "true" }\n  health: { path: /healthz }\n  steps: [10, 50]\n', /^pipeguard: pipeguard\.yml:4: deploy\.steps: the last traffic step must be 100/],
    ['pipeline: {}\n', /^pipeguard: pipeguard\.yml: no deploy: section/],
  ];
  for (const [yaml, re] of cases) {
    const dir = makeDir({ 'pipeguard.yml': yaml });
    const r = await cli(['deploy', 'v2'], { cwd: dir, env: testEnv(dir) });
    assert.equal(r.code, 2, `${yaml}: ${r.stderr}`);
    assert.match(r.stderr, re);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.ok(!existsSync(join(dir, '.pipeguard')), 'nothing written');
  }
  const usage = await cli(['deploy'], { cwd: makeDir({ 'pipeguard.yml': '' }), env: {} });
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /give the VERSION to deploy/);
});

for (const sig of ['SIGTERM', 'SIGINT'] as const) {
  test(`${sig} during a deploy rolls back to the baseline and records interrupted (real processes)`, async () => {
    const base = await startService('v1');
    const port = await freePort('127.0.0.1');
    // a long analysis window, so the signal comes while the canary takes traffic
    const dir = makeDir({ 'pipeguard.yml': deployYaml({ listen: `127.0.0.1:${port}`, baseline: { version: 'v1', url: base.url }, analysis: '{ window: 60s, minRequests: 10 }' }) });
    const p = spawnCli(dir, ['deploy', 'v2'], testEnv(dir));
    await until(() => events(dir).some((e) => e.type === 'deploy.shift'), `the shift (${p.err()})`);
    const cand = (events(dir).find((e) => e.type === 'deploy.started')!.data['candidate'] as { url: string }).url;
    const load = loadLoop(`http://127.0.0.1:${port}/`, { workers: 2, max: 40 });
    await load.firstAnswer;
    const seen = await load.stop();
    assert.equal(seen.lost, 0);
    p.child.kill(sig);
    assert.equal(await p.exit, 1, p.err());
    assert.match(p.err(), new RegExp(`pipeguard: ${sig}: rolling back`));
    assert.match(p.err(), new RegExp(`INTERRUPTED: interrupted by ${sig}`));
    const rec = await lastRecord(dir);
    assert.equal(rec.outcome, 'interrupted');
    assert.equal(rec.reason, `interrupted by ${sig}`);
    const ev = events(dir);
    assert.deepEqual(ev.filter((e) => e.type === 'deploy.shift').map((e) => e.data['weight']), [10, 0]);
    assert.equal(ev.find((e) => e.type === 'deploy.finished')!.data['outcome'], 'interrupted');
    // the candidate is gone; the baseline serves
    assert.equal((await checkHealth(cand, '/healthz', 200, 500)).ok, false);
    assert.equal((await checkHealth(base.url, '/healthz', 200, 500)).ok, true);
  });
}

test('deploy --serve keeps serving between deploys: later deploys are handed to it; promote and rollback lose no request', async () => {
  const port = await freePort('127.0.0.1');
  const listen = `127.0.0.1:${port}`;
  const dir = makeDir({ 'pipeguard.yml': deployYaml({ listen }) });
  const env = testEnv(dir);
  const server = spawnCli(dir, ['deploy', 'v1', '--serve'], env);
  const stateFile = join(dir, '.pipeguard/serve/web.json');
  await until(() => existsSync(stateFile) && (JSON.parse(readFileSync(stateFile, 'utf8')) as { live?: unknown }).live !== undefined, `v1 to serve (${server.err()})`);
  const v1 = (JSON.parse(readFileSync(stateFile, 'utf8')) as { live: { url: string } }).live.url;
  const load = loadLoop(`http://${listen}/`, { workers: 3, max: 20_000 });
  await load.firstAnswer;

  // v2 is good: handed to the serving process, promoted; v1 is drained and stopped
  const r2 = await cli(['deploy', 'v2'], { cwd: dir, env });
  assert.equal(r2.code, 0, r2.stderr);
  assert.match(r2.stderr, /PROMOTED/);
  assert.equal((await checkHealth(v1, '/healthz', 200, 500)).ok, false, 'the old release was stopped');

  // v3 fails 30% of its requests: rolled back, v2 keeps serving
  writeFileSync(join(dir, 'pipeguard.yml'), deployYaml({ listen, env: { ERROR_RATE: '0.3' } }));
  const r3 = await cli(['deploy', 'v3'], { cwd: dir, env });
  assert.equal(r3.code, 1, r3.stderr);
  assert.match(r3.stderr, /ROLLED-BACK/);
  const seen = await load.stop();
  assert.equal(seen.lost, 0, 'no request lost across the switches');
  assert.ok((seen.byVersion.get('v1') ?? 0) > 0 && (seen.byVersion.get('v2') ?? 0) > 0);
  assert.ok(total(seen.errorsByVersion) <= 0.1 * seen.sent);
  const after = await new Promise<string>((ok) => {
    void fetch(`http://${listen}/`).then(async (res) => ok(await res.text()));
  });
  assert.match(after, /hello from v2/);

  server.child.kill('SIGTERM');
  assert.equal(await server.exit, 0, server.err());
  assert.match(server.err(), /stopped serving/);
  assert.ok(!existsSync(stateFile));
  const v2url = (events(dir).filter((e) => e.type === 'deploy.started').map((e) => e.data['candidate'] as { version: string; url: string }).find((c) => c.version === 'v2'))!.url;
  assert.equal((await checkHealth(v2url, '/healthz', 200, 500)).ok, false, 'the served release stopped with the server');
  const outcomes = events(dir).filter((e) => e.type === 'deploy.finished').map((e) => e.data['outcome']);
  assert.deepEqual(outcomes, ['promoted', 'promoted', 'rolled-back']);
});

test('hooks strategy: the commands drive the platform, the same analysis decides; each hook gets only its secrets, masked', async () => {
  const HOOK = 'const fs = require("fs"); const e = process.env; fs.appendFileSync("hooks.log", `${process.argv[2]} ${e.PIPEGUARD_DEPLOY_VERSION} ${e.PIPEGUARD_DEPLOY_WEIGHT} token:${e.PLATFORM_TOKEN ? "yes" : "no"}\\n`); console.log("using " + (e.PLATFORM_TOKEN || "none"));\n';
  const METRICS = 'console.log(JSON.stringify({ candidate: { requests: 100, errors: Number(process.env.ERRORS), p95Ms: 12 }, baseline: { requests: 300, errors: 0 } }));\n';
  const yaml = (errors: number) => `deploy:
  service: api
  strategy: hooks
  env: prod
  baseline: { version: v1, url: http://127.0.0.1:9 }
  steps: [25, 100]
  analysis: { window: 100ms, maxErrorRate: 0.05, minRequests: 10 }
  hooks:
    start: { argv: [node, hook.js, start] }
    shift: { argv: [node, hook.js, shift], secrets: [PLATFORM_TOKEN] }
    metrics: { argv: [node, metrics.js], env: { ERRORS: "${errors}" } }
    promote: { argv: [node, hook.js, promote] }
    rollback: { argv: [node, hook.js, rollback] }
`;
  const { dir, home, identityFile } = await makeProject({ 'pipeguard.yml': yaml(1), 'hook.js': HOOK, 'metrics.js': METRICS }, { prod: { PLATFORM_TOKEN: 'platform-token-0123456789' } });
  const env = testEnv(home, { PIPEGUARD_AGE_IDENTITY_FILE: identityFile });
  const good = await cli(['deploy', 'v2'], { cwd: dir, env });
  assert.equal(good.code, 0, good.stderr);
  assert.equal(readFileSync(join(dir, 'hooks.log'), 'utf8'), 'start v2 0 token:no\nshift v2 25 token:yes\nshift v2 100 token:yes\npromote v2 100 token:no\n');
  assert.ok(!(good.stdout + good.stderr).includes('platform-token-0123456789'));
  assert.match(good.stdout, /\[deploy\/shift\] using \*\*\*/);

  writeFileSync(join(dir, 'pipeguard.yml'), yaml(30));
  writeFileSync(join(dir, 'hooks.log'), '');
  const bad = await cli(['deploy', 'v3'], { cwd: dir, env });
  assert.equal(bad.code, 1, bad.stderr);
  assert.equal(readFileSync(join(dir, 'hooks.log'), 'utf8'), 'start v3 0 token:no\nshift v3 25 token:yes\nrollback v3 0 token:no\n');
  const rec = await lastRecord(dir);
  assert.equal(rec.outcome, 'rolled-back');
  assert.match(rec.reason ?? '', /error rate 30\.0% \(30\/100\) is over the budget 5\.0%/);
  const log = readFileSync(join(dir, '.pipeguard/audit.jsonl'), 'utf8');
  assert.ok(!log.includes('platform-token-0123456789'));
  assert.match(log, /"type":"secret.access"/);
});

test('pre-deploy gate: an artifact whose signature does not verify blocks the deploy (exit 1); a good one goes ahead', async () => {
  const base = await startService('v1');
  const port = await freePort('127.0.0.1');
  const dir = makeDir({ 'dist/app.tgz': 'the release bytes\n' });
  const env = testEnv(dir);
  assert.equal((await cli(['sign', '--generate-key', 'release.key'], { cwd: dir, env })).code, 0);
  assert.equal((await cli(['sign', 'dist/app.tgz', '--key', 'release.key'], { cwd: dir, env })).code, 0);
  writeFileSync(
    join(dir, 'pipeguard.yml'),
    deployYaml({ listen: `127.0.0.1:${port}`, baseline: { version: 'v1', url: base.url }, strategy: 'blue-green', analysis: '{ window: 100ms, minRequests: 10, maxWindows: 1 }', extra: '  artifact: { path: dist/app.tgz, require: [signed] }\nbuild: { key: release.key.pub }' }),
  );
  // the artifact changed after it was signed: blocked before anything starts
  writeFileSync(join(dir, 'dist/app.tgz'), 'other bytes\n');
  const blocked = await cli(['deploy', 'v2'], { cwd: dir, env });
  assert.equal(blocked.code, 1, blocked.stderr);
  assert.match(blocked.stderr, /--> artifact dist\/app\.tgz: BLOCKED: artifact dist\/app\.tgz: signature tampered/);
  const rec = await lastRecord(dir);
  assert.equal(rec.outcome, 'failed');
  assert.ok(!events(dir).some((e) => e.type === 'deploy.health'), 'the candidate never started');
  assert.equal(events(dir).find((e) => e.type === 'deploy.artifact')!.data['ok'], false);

  writeFileSync(join(dir, 'dist/app.tgz'), 'the release bytes\n');
  const ok = await cli(['deploy', 'v2'], { cwd: dir, env });
  assert.match(ok.stderr, /--> artifact dist\/app\.tgz: verified/);
  const rec2 = await lastRecord(dir);
  assert.match(rec2.candidate.artifact?.digest ?? '', /^sha256:[0-9a-f]{64}$/);
});

test('least privilege: the candidate gets only its declared secrets, as variables, its output masked; pipeguard\'s own credentials are not in its environment', async () => {
  const base = await startService('v1');
  const port = await freePort('127.0.0.1');
  const SECRETS = { API_TOKEN: 'api-token-value-0001', OTHER_SECRET: 'other-secret-value-02' };
  const yaml = deployYaml({ listen: `127.0.0.1:${port}`, baseline: { version: 'v1', url: base.url }, strategy: 'blue-green', analysis: '{ window: 100ms, minRequests: 10, maxWindows: 1 }' })
    .replace(/ {4}argv: \[.*\]\n/, `    run: 'echo "token $API_TOKEN other \${OTHER_SECRET:-absent} identity \${PIPEGUARD_AGE_IDENTITY_FILE:-absent}"; exec ${JSON.stringify(process.execPath)} ${JSON.stringify(SERVER)}'\n    secrets: [API_TOKEN]\n`)
    .replace('deploy:\n', 'deploy:\n  env: prod\n');
  const { dir, home, identityFile } = await makeProject({ 'pipeguard.yml': yaml }, { prod: SECRETS });
  const env = testEnv(home, { PIPEGUARD_AGE_IDENTITY_FILE: identityFile, OTHER_SECRET: 'inherited-from-ci' });
  const r = await cli(['deploy', 'v2'], { cwd: dir, env });
  assert.equal(r.code, 1, r.stderr); // no traffic in this test: not conclusive, so it fails safe
  assert.match(r.stdout, /\[deploy\/v2\] token \*\*\* other absent identity absent\n/);
  assert.ok(!(r.stdout + r.stderr).includes(SECRETS.API_TOKEN));
  const log = readFileSync(join(dir, '.pipeguard/audit.jsonl'), 'utf8');
  assert.ok(!log.includes(SECRETS.API_TOKEN));
  const access = events(dir).filter((e) => e.type === 'secret.access');
  assert.deepEqual(access.map((e) => [e.data['step'], e.data['name']]), [['candidate', 'API_TOKEN']]);
  const rec = await lastRecord(dir);
  assert.match(rec.reason ?? '', /not conclusive/);
});
