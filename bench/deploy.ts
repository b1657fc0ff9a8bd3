// Speed of the deploy stage: (1) what pipeguard's proxy adds per request against a direct connection to the same
// release (p50/p99 latency of sequential keep-alive requests, and requests/s with 16 concurrent loops), the
// proxy in a process of its own as in production; (2) time from a bad release's first error seen by a client to
// the completed rollback, against the analysis window (goal: within two windows). All on 127.0.0.1, bounded counts.
// Run: npm run bench -- deploy [REQUESTS]
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig } from '../src/config/load.js';
import { AuditLog } from '../src/deliver/audit/log.js';
import { DeployProxy } from '../src/deliver/deploy/proxy.js';
import { checkHealth, freePort, sleep } from '../src/deliver/deploy/release.js';
import { deployBehindProxy } from '../src/deliver/deploy/rollout.js';
import { BENCH_DIR, QUICK, table } from './util.js';

const SERVER = fileURLToPath(new URL('../examples/deploy/app/server.mjs', import.meta.url));


async function service(env: Record<string, string> = {}): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort('127.0.0.1');
  const child = spawn(process.execPath, [SERVER], { env: { PATH: process.env['PATH'] ?? '', PORT: String(port), VERSION: 'v1', ...env }, stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 400 && !(await checkHealth(url, '/healthz', 200, 500)).ok; i++) await sleep(25);
  return { url, child };
}

function get(url: string, agent: Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const req = request(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(Number(process.hrtime.bigint() - t0) / 1e6));
    });
    req.on('error', reject);
    req.end();
  });
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

async function latency(url: string, n: number): Promise<{ p50: number; p99: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  for (let i = 0; i < 200; i++) await get(url, agent); // warm-up
  const xs: number[] = [];
  for (let i = 0; i < n; i++) xs.push(await get(url, agent));
  agent.destroy();
  return { p50: pct(xs, 50), p99: pct(xs, 99) };
}

async function throughput(url: string, n: number, loops = 16): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: loops });
  let sent = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: loops }, async () => {
    while (sent < n) {
      sent++;
      await get(url, agent);
    }
  }));
  agent.destroy();
  return n / ((performance.now() - t0) / 1000);
}

async function main(): Promise<void> {
  // Requests per round: the first positional argument (--quick: 400).
  const n = Number(process.argv.slice(2).find((a) => !a.startsWith('--')) ?? (QUICK ? 400 : 2000));
  const backend = await service();
  const proxyPort = await freePort('127.0.0.1');
  const proxyChild = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), 'proxy', backend.url, String(proxyPort)], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((r) => proxyChild.stdout!.once('data', () => r()));
  const proxied = `http://127.0.0.1:${proxyPort}/`;
  // CPU time of the release process: utime + stime from /proc, in clock ticks (10 ms at the usual CLK_TCK of 100)
  const jiffies = (pid: number) => {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    return Number(f[11]) + Number(f[12]);
  };
  const backendCpu0 = jiffies(backend.child.pid!);
  const direct = `${backend.url}/`;
  const rows: (string | number)[][] = [['', 'p50 ms', 'p99 ms', 'req/s (16 loops)']];
  const lat: Record<string, { p50: number; p99: number }> = {};
  const rps: Record<string, number> = {};
  // interleaved rounds, so both see the same machine load; the median round is reported
  const rounds = 3;
  const L: Record<string, { p50: number; p99: number }[]> = { direct: [], proxy: [] };
  const R: Record<string, number[]> = { direct: [], proxy: [] };
  for (let r = 0; r < rounds; r++) {
    for (const [name, url] of [['direct', direct], ['proxy', proxied]] as const) {
      L[name]!.push(await latency(url, n));
      R[name]!.push(await throughput(url, n * 2));
    }
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  for (const name of ['direct', 'proxy']) {
    lat[name] = { p50: med(L[name]!.map((x) => x.p50)), p99: med(L[name]!.map((x) => x.p99)) };
    rps[name] = med(R[name]!);
    rows.push([name === 'direct' ? 'direct to the release' : 'through pipeguard proxy', lat[name]!.p50.toFixed(3), lat[name]!.p99.toFixed(3), rps[name]!.toFixed(0)]);
  }
  const cpuLine = new Promise<number>((r) => proxyChild.stdout!.on('data', (b: Buffer) => {
    const m = /cpu ([\d.]+)/.exec(b.toString());
    if (m) r(Number(m[1]));
  }));
  proxyChild.kill('SIGTERM');
  const proxyCpuMs = await cpuLine;
  const proxied_n = rounds * (200 + n + n * 2);
  const backendCpuMs = (jiffies(backend.child.pid!) - backendCpu0) * 10;
  console.log(`proxy overhead (${n} sequential keep-alive requests per round for latency, ${n * 2} with 16 loops for req/s; median of ${rounds} interleaved rounds):`);
  table(rows);
  console.log(`added by the proxy: p50 ${(lat['proxy']!.p50 - lat['direct']!.p50).toFixed(3)} ms, p99 ${(lat['proxy']!.p99 - lat['direct']!.p99).toFixed(3)} ms; throughput ${((rps['proxy']! / rps['direct']!) * 100).toFixed(0)}% of direct`);
  const perProxy = (proxyCpuMs * 1000) / proxied_n;
  const perRelease = (backendCpuMs * 1000) / (2 * proxied_n);
  console.log(`CPU per request: proxy ${perProxy.toFixed(1)} µs, the release itself (a minimal node:http server) ${perRelease.toFixed(1)} µs: the proxy costs ${(perProxy / perRelease).toFixed(1)}x a minimal server (it is a server and a client for every request)`);

  // ---- time to rollback ----
  const windowMs = 1000;
  const times: number[] = [];
  const dir = join(BENCH_DIR, 'deploy');
  for (let round = 0; round < 3; round++) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const listen = await freePort('127.0.0.1');
    const yaml = `deploy:
  service: bench
  strategy: canary
  listen: 127.0.0.1:${listen}
  candidate: { argv: [${JSON.stringify(process.execPath)}, ${JSON.stringify(SERVER)}], env: { ERROR_RATE: "0.3" } }
  health: { path: /healthz, wait: 10s, interval: 50ms }
  analysis: { window: ${windowMs}ms, maxErrorRate: 0.05, minRequests: 20, maxWindows: 10 }
  killGrace: 2s
  drain: 2s
`;
    const { config } = parseConfig(yaml, 'pipeguard.yml');
    const proxy = new DeployProxy();
    await proxy.listen('127.0.0.1', listen);
    proxy.setBackend('baseline', { version: 'v1', url: backend.url });
    const agent = new Agent({ keepAlive: true, maxSockets: 4 });
    let firstError: number | undefined;
    let stop = false;
    let sent = 0;
    const load = Promise.all(Array.from({ length: 4 }, async () => {
      while (!stop && sent < 200_000) {
        sent++;
        await new Promise<void>((done) => {
          const req = request(`http://127.0.0.1:${listen}/`, { agent }, (res) => {
            res.resume();
            res.on('end', () => {
              if ((res.statusCode ?? 0) >= 500 && firstError === undefined) firstError = Date.now();
              done();
            });
          });
          req.on('error', () => done());
          req.end();
        });
      }
    }));
    const audit = new AuditLog({ path: join(dir, 'audit.jsonl'), actor: { user: 'bench', host: 'bench' }, fsync: false });
    const quiet = { write: () => true };
    const r = await deployBehindProxy({ config, root: dir, version: 'v2', environ: { PATH: process.env['PATH'] ?? '' }, audit, stdout: quiet, stderr: quiet, proxy, live: { kind: 'external', backend: { version: 'v1', url: backend.url } } });
    stop = true;
    await load;
    agent.destroy();
    await proxy.close();
    const entries = readFileSync(audit.path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; time: string; data: { weight?: number } });
    const back = entries.find((e) => e.type === 'deploy.shift' && e.data.weight === 0);
    if (r.record.outcome !== 'rolled-back' || !back || firstError === undefined) {
      console.log(`round ${round}: unexpected outcome ${r.record.outcome}`);
      continue;
    }
    times.push(Date.parse(back.time) - firstError);
  }
  backend.child.kill('SIGKILL');
  console.log(`\ntime from the first error a client saw to the completed rollback (canary 10%, 30% errors, window ${windowMs} ms, ${times.length} rounds):`);
  table([['round', 'ms', 'windows'], ...times.map((t, i) => [String(i + 1), t.toFixed(0), (t / windowMs).toFixed(2)])]);
  console.log(`median ${med(times).toFixed(0)} ms = ${(med(times) / windowMs).toFixed(2)} analysis windows (goal: within 2)`);
  console.log('\nmachine: 2 vCPUs, shared with other work while measured.');
}

// the proxy child: `deploy.ts proxy BACKEND_URL PORT`
if (process.argv[2] === 'proxy') {
  const proxy = new DeployProxy();
  proxy.setBackend('baseline', { version: 'v1', url: process.argv[3]! });
  await proxy.listen('127.0.0.1', Number(process.argv[4]));
  process.stdout.write('ready\n');
  const c0 = process.cpuUsage();
  // on SIGTERM: the CPU time the proxy process spent, for a per-request figure that machine load does not skew
  process.on('SIGTERM', () => {
    const c = process.cpuUsage(c0);
    process.stdout.write(`cpu ${(c.user + c.system) / 1000}\n`, () => process.exit(0));
  });
} else {
  await main();
}
