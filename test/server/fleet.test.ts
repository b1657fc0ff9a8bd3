/**
 * Fleet scans with real processes: BullMQ on this machine's Redis, `pipeguard worker` and `pipeguard fleet
 * scan` as child processes, repositories cloned over git:// from `git daemon` behind TCP proxies that count
 * (and can hold) connections per host, reports uploaded to a real server.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { Queue } from 'bullmq';
import { createToken } from '../../src/server/auth/tokens.js';
import { openDb } from '../../src/server/db/open.js';
import type { Db } from '../../src/server/db/types.js';
import { startServer, type RunningServer } from '../../src/server/http/server.js';
import { git, makeDir, makeRepo } from '../helpers/tmp.js';
import { sqlitePath } from './helpers.js';
import { spawnCli, waitFor } from './processes.js';

const REDIS = 'redis://127.0.0.1:6379';

async function redisUp(): Promise<boolean> {
  const r = new Redis(REDIS, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on('error', () => undefined);
  try {
    await r.connect();
    return (await r.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}
const skip = (await redisUp()) ? undefined : 'needs redis (127.0.0.1:6379)';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** A TCP proxy to git daemon: one "host" as the per-host limit sees it. Counts connections; can hold some. */
interface Proxy {
  port: number;
  active: number;
  max: number;
  total: Map<string, number>;
  held: Socket[];
  hold: (repo: string) => boolean;
  server: Server;
}

function startProxy(target: number, delayMs: number): Promise<Proxy> {
  const p: Proxy = { port: 0, active: 0, max: 0, total: new Map(), held: [], hold: () => false, server: createServer() };
  p.server.on('connection', (client) => {
    p.active++;
    p.max = Math.max(p.max, p.active);
    client.on('close', () => p.active--);
    client.on('error', () => undefined);
    // Read the whole first pkt-line (4 hex digits of length, then `git-upload-pack /repo.git\0host=...`).
    let first = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      first = Buffer.concat([first, chunk]);
      const len = first.length >= 4 ? parseInt(first.subarray(0, 4).toString('latin1'), 16) : NaN;
      if (!(first.length >= 4 && first.length >= len)) return;
      client.off('data', onData);
      client.pause();
      const repo = /git-upload-pack (\/[^\0]+)/.exec(first.toString('latin1'))?.[1] ?? '?';
      p.total.set(repo, (p.total.get(repo) ?? 0) + 1);
      if (p.hold(repo)) {
        p.held.push(client);
        return;
      }
      setTimeout(() => {
        const up = connect(target, '127.0.0.1', () => {
          up.write(first);
          client.pipe(up).pipe(client);
        });
        up.on('error', () => client.destroy());
        client.on('close', () => up.destroy());
      }, delayMs);
    };
    client.on('data', onData);
  });
  return new Promise((resolve) =>
    p.server.listen(0, '127.0.0.1', () => {
      p.port = (p.server.address() as { port: number }).port;
      resolve(p);
    }),
  );
}

describe('fleet scans', { skip }, () => {
  // Made in the suite's body, not in a hook: these helpers register their clean-up with after().
  const root = makeDir();
  for (const name of ['alpha', 'beta', 'gamma', 'delta', 'slow']) {
    const work = makeRepo([{ files: { 'README.md': `# ${name}\n`, 'config.js': `const token = 'ghp_${'A1b2C3d4E5'.repeat(3)}${name.length}${'x'.repeat(5)}';\n` } }]);
    git(root, ['clone', '-q', '--bare', work, join(root, `${name}.git`)]);
  }
  const dbFile = sqlitePath();
  let daemon: ReturnType<typeof spawn>;
  let daemonPort: number;
  let db: Db;
  let srv: RunningServer;
  let token: string;
  const prefix = `pgtest${process.pid}${Date.now() % 100000}`;

  before(async () => {
    daemonPort = await freePort();
    daemon = spawn('git', ['daemon', `--listen=127.0.0.1`, `--port=${daemonPort}`, `--base-path=${root}`, '--export-all', '--reuseaddr', root], { stdio: 'ignore' });
    for (let i = 0; i < 100; i++) {
      const ok = await new Promise<boolean>((r) => {
        const s = connect(daemonPort, '127.0.0.1', () => (s.destroy(), r(true)));
        s.on('error', () => r(false));
      });
      if (ok) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    db = await openDb(`sqlite:${dbFile}`, process.cwd());
    srv = await startServer({ db, port: 0, host: '127.0.0.1', log: (l) => (l.startsWith('error') ? console.error(l) : undefined) });
    token = (await createToken(db, { name: 'fleet', projectId: null, scopes: ['upload'], actor: 'test', now: Date.now() })).token;
  });

  after(async () => {
    daemon?.kill('SIGKILL');
    await srv?.close();
    await db?.close();
    const r = new Redis(REDIS);
    const keys = await r.keys(`${prefix}*`);
    if (keys.length) await r.del(...keys);
    r.disconnect();
  });

  function worker(extra: string[] = []) {
    return spawnCli(['worker', '--server', srv.url, '--redis', REDIS, '--prefix', prefix, ...extra], { PIPEGUARD_TOKEN: token });
  }

  test('a batch spreads over two workers, keeps to one clone per host at a time, retries, and dead-letters what cannot be scanned', { timeout: 600_000 }, async () => {
    const hostA = await startProxy(daemonPort, 300);
    const hostB = await startProxy(daemonPort, 0);
    after(() => void hostA.server.close());
    after(() => void hostB.server.close());
    const local = makeDir({ 'app.py': "password = 'hunter2-but-longer-Zq9'\n" });
    const list = makeDir({
      'repos.txt': [
        '# two hosts, a local folder, and one that does not exist',
        `git://127.0.0.1:${hostA.port}/alpha.git`,
        `git://127.0.0.1:${hostA.port}/beta.git`,
        `git://127.0.0.1:${hostA.port}/gamma.git`,
        `git://127.0.0.1:${hostB.port}/delta.git   team/delta`,
        `${local}   local-app`,
        `${local}/missing`,
        '',
      ].join('\n'),
    });
    const w1 = worker(['--concurrency', '3', '--per-host', '1']);
    const w2 = worker(['--concurrency', '3', '--per-host', '1']);
    await waitFor(w1, (s) => s.includes('worker ready'));
    await waitFor(w2, (s) => s.includes('worker ready'));
    const fleet = spawnCli(['fleet', 'scan', join(list, 'repos.txt'), '--redis', REDIS, '--prefix', prefix, '--batch', 'b1', '--attempts', '2', '--backoff-seconds', '1', '--wait', '--poll-ms', '300']);
    assert.equal(await fleet.exited, 1, fleet.stderr());
    assert.match(fleet.stderr(), /5\/6 done/, `workers:\n${w1.stderr()}\n---\n${w2.stderr()}`);
    assert.match(fleet.stderr(), /5\/6 done, 0 running, 0 waiting, 1 dead/);
    const projects = (await db.all<{ name: string; runs: number }>('SELECT p.name, (SELECT count(*) FROM runs r WHERE r.project_id = p.id) AS runs FROM projects p ORDER BY p.name')).map((r) => `${r.name}:${r.runs}`);
    assert.deepEqual(projects, ['alpha:1', 'beta:1', 'gamma:1', 'local-app:1', 'team/delta:1']);
    // Per-host limit held across both workers (six slots in all).
    assert.equal(hostA.max, 1);
    const status = spawnCli(['fleet', 'status', '--batch', 'b1', '--redis', REDIS, '--prefix', prefix]);
    assert.equal(await status.exited, 1);
    // Each worker did some of the work.
    assert.ok(/uploaded/.test(w1.stderr()) && /uploaded/.test(w2.stderr()), `${w1.stderr()}\n---\n${w2.stderr()}`);
    const conn = new Redis(REDIS, { maxRetriesPerRequest: null });
    const q = new Queue('scans', { connection: conn, prefix });
    const failed = await q.getFailed();
    assert.equal(failed.length, 1);
    assert.match(failed[0]!.failedReason, /no such directory: .*missing/);
    assert.equal(failed[0]!.attemptsMade, 1, 'a missing folder is not retried');
    await q.close();
    conn.disconnect();
    w1.proc.kill('SIGTERM');
    w2.proc.kill('SIGTERM');
    assert.equal(await w1.exited, 0);
    assert.equal(await w2.exited, 0);
  });

  test('kill -9 of a worker mid-job: the job goes back to the queue and completes once', { timeout: 240_000 }, async () => {
    const host = await startProxy(daemonPort, 0);
    after(() => void host.server.close());
    let holding = true;
    host.hold = (repo) => holding && repo.includes('slow');
    const list = makeDir({ 'repos.txt': `git://127.0.0.1:${host.port}/slow.git\n` });
    const w1 = worker(['--lock-seconds', '8']);
    await waitFor(w1, (s) => s.includes('worker ready'));
    const queued = spawnCli(['fleet', 'scan', join(list, 'repos.txt'), '--redis', REDIS, '--prefix', prefix, '--batch', 'b2']);
    assert.equal(await queued.exited, 0);
    // The worker is cloning (its connection is held): kill it.
    for (let i = 0; i < 600 && host.held.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(host.held.length, 1, `worker 1:\n${w1.stderr()}\nconnections: ${JSON.stringify([...host.total])}`);
    w1.proc.kill('SIGKILL');
    await w1.exited;
    holding = false;
    for (const s of host.held) s.destroy();
    const w2 = worker(['--lock-seconds', '8']);
    const wait = spawnCli(['fleet', 'status', '--batch', 'b2', '--redis', REDIS, '--prefix', prefix]);
    await wait.exited;
    const follow = spawnCli(['fleet', 'scan', join(list, 'repos.txt'), '--redis', REDIS, '--prefix', prefix, '--batch', 'b2', '--wait', '--poll-ms', '300']);
    assert.equal(await follow.exited, 0, `${follow.stderr()}\nworker 1:\n${w1.stderr()}\nworker 2:\n${w2.stderr()}`);
    const runs = await db.all<{ run_key: string }>("SELECT r.run_key FROM runs r JOIN projects p ON p.id = r.project_id WHERE p.name = 'slow'");
    assert.equal(runs.length, 1);
    assert.equal(host.total.get('/slow.git'), 2, 'cloned once by the killed worker, once by the next');
    assert.match(w2.stderr(), /slow: \d+ finding\(s\) uploaded/);
    w2.proc.kill('SIGTERM');
    assert.equal(await w2.exited, 0);
  });
});
