// npm run bench -- threatmodel: `pipeguard threat-model check` (cold CLI, the bundle a user runs) on generated models
// of growing size, and on the webshop example with drift (which reads the code). Medians of 5 runs, wall and CPU
// (user + system, from GNU time), one thread. No peer is timed: neither pytm (PyPI) nor Threagile (a Go binary or
// a container image) is installable from the npm registry or Debian here.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { BENCH_DIR, build, CLI, ROOT, table } from './util.js';

const RUNS = 5;

/** A layered system: `n` services, each with a data store, a queue every 10, and an external every 20. */
function generate(n: number): { text: string; elements: number; flows: number } {
  const elements: Record<string, unknown> = { users: { kind: 'external', technology: 'browser', boundary: 'internet', internetFacing: true } };
  const flows: Record<string, unknown>[] = [];
  for (let i = 0; i < n; i++) {
    elements[`svc-${i}`] = { kind: 'process', technology: 'node', boundary: 'app', internetFacing: i % 5 === 0, authenticates: i % 3 === 0, logs: i % 2 === 0, container: true, processes: ['pii'] };
    elements[`db-${i}`] = { kind: 'datastore', technology: i % 2 ? 'postgres' : 'mongodb', boundary: 'data', stores: ['pii'], encryptsAtRest: i % 4 === 0 };
    flows.push({ from: `svc-${i}`, to: `db-${i}`, protocol: i % 3 ? 'postgres-tls' : 'postgres', authentication: 'password', data: ['pii'] });
    if (i % 5 === 0) flows.push({ from: 'users', to: `svc-${i}`, protocol: 'https', port: 443, authentication: 'session', data: ['pii', 'session'] });
    if (i > 0) flows.push({ from: `svc-${i - 1}`, to: `svc-${i}`, protocol: 'grpc', authentication: i % 2 ? 'mtls' : 'none' });
    if (i % 10 === 0) {
      elements[`queue-${i}`] = { kind: 'datastore', technology: 'rabbitmq', boundary: 'data' };
      flows.push({ from: `svc-${i}`, to: `queue-${i}`, protocol: 'amqps', authentication: 'password' });
    }
    if (i % 20 === 0) {
      elements[`ext-${i}`] = { kind: 'external', technology: 'stripe', boundary: 'saas' };
      flows.push({ from: `svc-${i}`, to: `ext-${i}`, protocol: 'https', port: 443, authentication: 'api-key', data: ['secret'] });
    }
  }
  const text = stringify({
    title: `generated ${n}`,
    boundaries: { internet: { trust: 'untrusted' }, app: {}, data: { trust: 'restricted' }, saas: { trust: 'untrusted' } },
    assets: { pii: { classification: 'confidential', pii: true }, session: { classification: 'confidential', credentials: true }, secret: { classification: 'restricted', credentials: true } },
    elements,
    flows,
  });
  return { text, elements: Object.keys(elements).length, flows: flows.length };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Runs the CLI under GNU time; returns wall and CPU seconds and the exit status. */
function run(args: string[]): { wall: number; cpu: number; status: number | null; stderr: string } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '__T__%U %S', process.execPath, CLI, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const m = /__T__([\d.]+) ([\d.]+)/.exec(r.stderr);
  return { wall, cpu: m ? Number(m[1]) + Number(m[2]) : NaN, status: r.status, stderr: r.stderr.replace(/__T__.*\n?/, '') };
}

if (!existsSync('/usr/bin/time')) {
  console.log('needs GNU time (apt-get install time)');
  process.exit(1);
}
build();
const dir = join(BENCH_DIR, 'threatmodel');
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const rows: (string | number)[][] = [['input', 'elements', 'flows', 'threats', 'wall s (median)', 'CPU s (median)']];
for (const n of [10, 200, 2000]) {
  const d = join(dir, `gen-${n}`);
  mkdirSync(d, { recursive: true });
  const { text, elements, flows } = generate(n);
  writeFileSync(join(d, 'threatmodel.yml'), text);
  const walls: number[] = [];
  const cpus: number[] = [];
  let threats = '';
  for (let i = 0; i < RUNS; i++) {
    const r = run(['threat-model', 'check', d, '--no-drift', '--fail-on', 'none', '-f', 'json', '-o', join(d, 'out.json')]);
    if (r.status !== 0) throw new Error(`check failed on ${n}: ${r.stderr}`);
    walls.push(r.wall);
    cpus.push(r.cpu);
    threats = /(\d+) threats/.exec(r.stderr)?.[1] ?? '?';
  }
  rows.push([`generated (${n} services)`, elements, flows, threats, median(walls), median(cpus)]);
}
{
  const walls: number[] = [];
  const cpus: number[] = [];
  let threats = '';
  for (let i = 0; i < RUNS; i++) {
    const r = run(['threat-model', 'check', join(ROOT, 'examples/webshop'), '-f', 'json', '-o', join(dir, 'webshop.json')]);
    walls.push(r.wall);
    cpus.push(r.cpu);
    threats = /(\d+) threats/.exec(r.stderr)?.[1] ?? '?';
  }
  rows.push(['examples/webshop (with drift)', 6, 5, threats, median(walls), median(cpus)]);
}
table(rows);
console.log(`\n${RUNS} runs each, cold CLI (${CLI}), one thread; the machine may be shared: CPU time is the steadier figure.`);
