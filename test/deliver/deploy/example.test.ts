import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { freePort, sleep } from '../../../src/deliver/deploy/release.js';
import { cli } from '../../helpers/cli.js';
import { makeDir } from '../../helpers/tmp.js';
import { testEnv } from '../helpers/project.js';
import { loadLoop, total } from './helpers.js';

const EXAMPLE = fileURLToPath(new URL('../../../examples/deploy/', import.meta.url));
const MAIN = fileURLToPath(new URL('../../../src/cli/main.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');

test('the example deploy runs as its README says: v1 served, v2 promoted, v3 (errors), v4 (unhealthy), v5 (slow) rolled back', async () => {
  const dir = makeDir();
  cpSync(EXAMPLE, dir, { recursive: true });
  // the README's config, with a free port and short windows (the shape of the run is the same)
  const port = await freePort('127.0.0.1');
  const cfg = join(dir, 'pipeguard.yml');
  writeFileSync(cfg, readFileSync(cfg, 'utf8').replace('listen: 127.0.0.1:8080', `listen: 127.0.0.1:${port}`).replace('window: 5s', 'window: 500ms').replace('drain: 10s', 'drain: 3s').replace('minRequests: 20', 'minRequests: 10').replace('maxWindows: 6', 'maxWindows: 30').replace('maxP95Ms: 250', 'maxP95Ms: 1000'));
  // v5 slower than the threshold by far, so a loaded machine does not change the verdicts
  writeFileSync(join(dir, 'app/faults.json'), readFileSync(join(dir, 'app/faults.json'), 'utf8').replace('"LATENCY_MS": 400', '"LATENCY_MS": 1500'));
  const env = testEnv(dir);
  const server = spawn(process.execPath, ['--import', TSX, MAIN, 'deploy', 'v1', '--serve'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  server.stderr.on('data', (c: Buffer) => (err += c.toString()));
  server.stdout.resume();
  const exited = new Promise<number | null>((r) => server.on('exit', (c) => r(c)));
  // a failed assertion: SIGTERM first, so the serving process stops the releases it started, then SIGKILL
  after(async () => {
    if (server.exitCode !== null || server.signalCode !== null) return;
    server.kill('SIGTERM');
    const t = setTimeout(() => server.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(t);
  });
  for (let i = 0; i < 1200 && !err.includes('serving until stopped'); i++) await sleep(50);
  assert.match(err, /deploy \S+ of hello v1: PROMOTED/);

  const load = loadLoop(`http://127.0.0.1:${port}/`, { workers: 4, max: 50_000 });
  after(() => load.stop());
  await load.firstAnswer;
  const deploy = (v: string) => cli(['deploy', v], { cwd: dir, env });
  const v2 = await deploy('v2');
  assert.equal(v2.code, 0, v2.stderr);
  assert.match(v2.stderr, /--> 10% of traffic to v2\n[^]*--> 50% of traffic to v2\n[^]*--> 100% of traffic to v2\n[^]*PROMOTED/);
  const v3 = await deploy('v3');
  assert.equal(v3.code, 1, v3.stderr);
  assert.match(v3.stderr, /ROLLED-BACK: .*(error rate|errors in)/);
  const v4 = await deploy('v4');
  assert.equal(v4.code, 1, v4.stderr);
  assert.match(v4.stderr, /FAILED: health check \/healthz failed: answered 503/);
  const v5 = await deploy('v5');
  assert.equal(v5.code, 1, v5.stderr);
  assert.match(v5.stderr, /ROLLED-BACK: (p95 latency|not conclusive)/);
  const seen = await load.stop();
  assert.equal(seen.lost, 0, 'no request went unanswered');
  assert.deepEqual([...seen.errorsByVersion.keys()], ['v3'], 'only v3 failed requests');
  assert.ok(total(seen.errorsByVersion) <= 0.1 * seen.sent);
  assert.equal(seen.byVersion.get('v4') ?? 0, 0, 'v4 never took traffic');

  const list = await cli(['deploy', 'show', '--list'], { cwd: dir, env });
  assert.equal(list.code, 0, list.stderr);
  assert.equal(list.stdout.trim().split('\n').length, 5);
  for (const [v, o] of [['v1', 'promoted'], ['v2', 'promoted'], ['v3', 'rolled-back'], ['v4', 'failed'], ['v5', 'rolled-back']]) assert.match(list.stdout, new RegExp(`${o}\\s+hello ${v}`));
  const show = await cli(['deploy', 'show'], { cwd: dir, env });
  assert.match(show.stdout, /^deploy \S+ {2}hello v5 {2}canary {2}ROLLED-BACK: /);
  assert.match(show.stdout, /\n +10% {2}(fail|inconclusive) +\d+ req, \d+ err/);
  // the records are what pipeguard postmortem reads: the rolled-back v3 makes one
  const v3id = /^(\S+)\s+rolled-back\s+hello v3/m.exec(list.stdout)![1]!;
  const pm = await cli(['postmortem', v3id], { cwd: dir, env });
  assert.equal(pm.code, 0, pm.stderr);
  assert.match(pm.stdout, /v3/);
  assert.match(pm.stdout, /roll/i);
  const verify = await cli(['audit', 'verify'], { cwd: dir, env });
  assert.equal(verify.code, 0, verify.stdout + verify.stderr);

  server.kill('SIGTERM');
  assert.equal(await exited, 0, err);
  assert.ok(!existsSync(join(dir, '.pipeguard/serve/hello.json')));
});
