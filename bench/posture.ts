// pipeguard posture over an organisation of N repositories (default 200) served by the local API double on
// 127.0.0.1: wall and CPU time and requests made with a cold cache, a warm cache (conditional requests: 304s) and
// --offline. No peer is installable here: OpenSSF Scorecard and Legitify are Go binaries, in neither npm nor Debian 12.
// Run: npm run bench -- posture (or node --import tsx bench/posture.ts [repoCount] [runs])
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ForgeDouble, type Recording, type Route } from '../test/helpers/forge-double.js';
import { CLI, QUICK, build, table } from './util.js';

// npm run bench passes no arguments through: PIPEGUARD_BENCH_REPOS and PIPEGUARD_BENCH_RUNS set the sizes.
// Positional arguments only (npm run bench -- --quick passes a flag): --quick is 20 repositories, one run.
const [repos, runs] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const N = Number(repos ?? process.env['PIPEGUARD_BENCH_REPOS'] ?? (QUICK ? 20 : 200));
const RUNS = Number(runs ?? process.env['PIPEGUARD_BENCH_RUNS'] ?? (QUICK ? 1 : 3));
const fixtures = new URL('../test/posture/fixtures/', import.meta.url);

/** An organisation of N repositories, half from each recorded repository, renamed. */
function orgRecording(n: number): Recording {
  const templates = [
    { rec: ForgeDouble.load(new URL('github-weak.json', fixtures)), name: 'legacy-api' },
    { rec: ForgeDouble.load(new URL('github-hardened.json', fixtures)), name: 'payments' },
  ];
  const routes: Record<string, Route> = {};
  const graphql: NonNullable<Route['graphql']> = [];
  const listing: unknown[] = [];
  for (let i = 0; i < n; i++) {
    const t = templates[i % 2]!;
    const repo = `svc-${String(i).padStart(3, '0')}`;
    const rename = (s: string) => s.split(`acme/${t.name}`).join(`bench/${repo}`);
    for (const [k, v] of Object.entries(t.rec.routes)) {
      if (k === 'POST /graphql') {
        for (const g of v.graphql ?? []) graphql.push({ ...g, variables: { ...g.variables, owner: 'bench', name: repo } });
        continue;
      }
      routes[rename(k)] = JSON.parse(rename(JSON.stringify(v))) as Route;
    }
    listing.push(routes[`GET /repos/bench/${repo}`]!.body);
  }
  routes['POST /graphql'] = { graphql };
  routes['GET /orgs/bench/repos'] = { paginate: true, body: listing };
  routes['GET /orgs/bench'] = { body: { login: 'bench', html_url: 'https://github.com/bench', two_factor_requirement_enabled: true, default_repository_permission: 'read' } };
  routes['GET /orgs/bench/members'] = { paginate: true, body: [{ login: 'owner' }] };
  return { forge: 'github', routes };
}

interface Run {
  wall: number;
  cpu: number;
  requests: number;
  /** Answers by status: 200, 304, 404... */
  statuses: Record<string, number>;
  status: number | null;
  findings: number;
}

/** Runs a command without blocking this process (the double answers from its event loop). */
function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const c = spawn(cmd, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    c.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    c.on('error', reject);
    c.on('close', (status) => resolve({ status, stderr }));
  });
}

async function posture(url: string, cache: string, extra: string[], double: ForgeDouble): Promise<Run> {
  const out = join(cache, '..', `out-${Math.random().toString(36).slice(2)}.json`);
  const before = double.seen.length;
  const t0 = process.hrtime.bigint();
  const args = [CLI, 'posture', '--org', 'bench', '--api-url', url, '--cache-dir', cache, '-f', 'json', '-o', out, '--fail-on', 'none', ...extra];
  const env = { ...process.env, GITHUB_TOKEN: 'test-token', PIPEGUARD_BEST_PRACTICES_URL: url.replace(/\/api\/v4$/, '') };
  const r = existsSync('/usr/bin/time') ? await run('/usr/bin/time', ['-f', '__CPU__%U %S', process.execPath, ...args], env) : await run(process.execPath, args, env);
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const m = /__CPU__([\d.]+) ([\d.]+)/.exec(r.stderr ?? '');
  if (r.status !== 0) throw new Error(`posture failed (${r.status}): ${(r.stderr ?? '').slice(0, 500)}`);
  const doc = JSON.parse(readFileSync(out, 'utf8')) as { findings: unknown[]; posture: { repositories: unknown[] } };
  if (doc.posture.repositories.length !== N) throw new Error(`assessed ${doc.posture.repositories.length} repositories, not ${N}`);
  rmSync(out, { force: true });
  const statuses: Record<string, number> = {};
  for (const x of double.seen.slice(before)) statuses[`${x.method === 'POST' ? 'POST ' : ''}${x.status}`] = (statuses[`${x.method === 'POST' ? 'POST ' : ''}${x.status}`] ?? 0) + 1;
  return { wall, cpu: m ? Number(m[1]) + Number(m[2]) : NaN, requests: double.seen.length - before, statuses, status: r.status, findings: doc.findings.length };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

build();
const double = await new ForgeDouble(orgRecording(N)).start();
const results: Record<'cold' | 'warm' | 'offline', Run[]> = { cold: [], warm: [], offline: [] };
try {
  for (let i = 0; i < RUNS; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'pipeguard-bench-posture-'));
    const cache = join(dir, 'cache');
    results.cold.push(await posture(double.url, cache, [], double));
    results.warm.push(await posture(double.url, cache, [], double));
    results.offline.push(await posture(double.url, cache, ['--offline'], double));
    rmSync(dir, { recursive: true, force: true });
  }
} finally {
  await double.stop();
}
console.log(`pipeguard posture --org with ${N} repositories on the local API double (127.0.0.1), ${RUNS} paired runs, medians;`);
console.log('the CLI sends at most 6 requests at once and assesses 4 repositories at a time. The machine may be shared: CPU time is the steadier figure.');
table([
  ['cache', 'wall s', 'CPU s', 'requests', 'per repo', 'findings'],
  ...(['cold', 'warm', 'offline'] as const).map((k) => {
    const rs = results[k];
    return [k, median(rs.map((r) => r.wall)), median(rs.map((r) => r.cpu)), median(rs.map((r) => r.requests)), median(rs.map((r) => r.requests)) / N, rs[0]!.findings];
  }),
]);
const cold = results.cold;
const warm = results.warm;
const show = (r: Run) => Object.entries(r.statuses).sort().map(([k, v]) => `${v} × ${k}`).join(', ');
console.log(`answers, cold: ${show(cold[0]!)}`);
console.log(`answers, warm: ${show(warm[0]!)} (a 304 does not count against GitHub's rate limit; trees and file contents by hash come from the cache with no request; 404s and GraphQL POSTs cannot be revalidated)`);
console.log(`wall time warm/cold: ${(median(warm.map((r) => r.wall)) / median(cold.map((r) => r.wall))).toFixed(2)}; offline makes no request.`);
console.log('peer: none installable here (OpenSSF Scorecard and Legitify are not in npm or Debian 12; the network reaches only those).');
