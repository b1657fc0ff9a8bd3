// npm run bench -- server: the findings server, as a user runs it (`pipeguard serve` from the built bundle).
// 1. Ingest: a 50,000-finding pipeguard JSON report POSTed over loopback (gzip), then a second run of the same
//    project with 10% of the findings changed (the update path); wall time, the server's CPU time and peak RSS.
// 2. Listing: 100,000 findings in two projects; p50/p99 latency of GET /api/v1/findings over a bounded loop
//    (first pages with and without filters, and keyset pages deep into the list).
// On SQLite and, when it answers, on PostgreSQL (127.0.0.1:5432, database test, a throwaway schema).
// No peer: DefectDojo and Dependency-Track are neither npm nor Debian packages; JSON.parse of the same report
// is printed as a floor (reading the report at all).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import pg from 'pg';
import { BENCH_DIR, build, CLI, ROOT, table } from './util.js';

const N = 50_000;
const SEVS = ['critical', 'high', 'medium', 'low', 'info'];
const SCANNERS = ['sast', 'secrets', 'deps', 'iac', 'pipeline'];

function report(offset: number, changedEvery = 0): string {
  const findings = [];
  for (let i = 0; i < N; i++) {
    const id = changedEvery && i % changedEvery === 0 ? offset + N * 10 + i : offset + i;
    const scanner = SCANNERS[i % 5]!;
    findings.push({
      fingerprint: id.toString(16).padStart(32, '0'),
      severity: SEVS[(i * 7) % 5],
      confidence: 'high',
      ruleId: `${scanner}-rule-${i % 40}`,
      scanner,
      message: `Finding ${i}: user input reaches a dangerous call without validation in this module.`,
      location: { path: `services/svc${i % 20}/src/module${i % 300}/file${i % 2000}.ts`, startLine: (i % 500) + 1, startColumn: 5, endLine: (i % 500) + 1, endColumn: 60, snippet: `  const result${i} = dangerous(request.body.value${i % 10});` },
      cwe: ['CWE-94'],
      tags: ['security'],
      data: scanner === 'deps' ? { advisoryId: `GHSA-aaaa-bbbb-${(i % 97).toString().padStart(4, 'c')}`, package: `pkg${i % 500}`, version: `1.${i % 20}.0`, purl: `pkg:npm/pkg${i % 500}@1.${i % 20}.0` } : undefined,
      gate: 'violation',
    });
  }
  return JSON.stringify({
    version: 1,
    tool: { name: 'pipeguard', version: '0.1.0' },
    target: { id: 'bench', kind: 'directory' },
    startedAt: '2026-01-01T00:00:00Z',
    finishedAt: '2026-01-01T00:01:00Z',
    summary: {},
    findings,
    suppressed: [],
    statuses: SCANNERS.map((s) => ({ scanner: s, status: 'succeeded', fileErrors: [] })),
    notes: [],
  }, null, 2);
}

function procStats(pid: number): { cpu: number; hwmMiB: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const ticks = Number(stat[11]) + Number(stat[12]);
  const hwm = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return { cpu: ticks / 100, hwmMiB: hwm ? Number(hwm[1]) / 1024 : 0 };
}

async function serve(db: string): Promise<{ proc: ChildProcess; url: string }> {
  const proc = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--db', db], { cwd: BENCH_DIR, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  return new Promise((resolve, reject) => {
    proc.stderr!.on('data', (c: Buffer) => {
      err += c.toString();
      const m = /serving (http:\/\/[\d.]+:\d+)/.exec(err);
      if (m) resolve({ proc, url: m[1]! });
    });
    proc.on('exit', () => reject(new Error(`server exited: ${err}`)));
  });
}

async function admin(db: string): Promise<string> {
  const { spawnSync } = await import('node:child_process');
  const r = spawnSync(process.execPath, [CLI, 'admin', 'token', 'create', 'bench', '--scopes', 'upload,read', '--db', db], { cwd: BENCH_DIR, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.trim();
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

async function benchDb(label: string, db: string, bodies: { a: Buffer; a2: Buffer; b: Buffer }): Promise<(string | number)[][]> {
  const token = await admin(db);
  const { proc, url } = await serve(db);
  const rows: (string | number)[][] = [];
  try {
    const upload = async (project: string, body: Buffer, run: string) => {
      const before = procStats(proc.pid!);
      const t0 = performance.now();
      const r = await fetch(`${url}/api/v1/projects/${project}/reports?run=${run}`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Encoding': 'gzip' }, body });
      const text = await r.text();
      const wall = (performance.now() - t0) / 1000;
      if (r.status !== 201) throw new Error(`${r.status} ${text}`);
      const after = procStats(proc.pid!);
      return { wall, cpu: after.cpu - before.cpu, hwm: after.hwmMiB, body: JSON.parse(text) as Record<string, number> };
    };
    const first = await upload('alpha', bodies.a, 'r1');
    rows.push([label, 'ingest 50k (new)', first.wall, first.cpu, first.hwm, `${first.body['new']} new`]);
    const second = await upload('alpha', bodies.a2, 'r2');
    rows.push([label, 'ingest 50k (10% changed)', second.wall, second.cpu, second.hwm, `${second.body['new']} new, ${second.body['fixed']} fixed`]);
    const third = await upload('beta', bodies.b, 'r1');
    rows.push([label, 'ingest 50k (2nd project)', third.wall, third.cpu, third.hwm, `${third.body['new']} new`]);
    // Listing: 400 requests over 100k+ findings.
    const queries = ['', 'severity=critical', 'project=alpha', 'path=services/svc3/', 'scanner=deps&triage=untriaged', 'state=all'];
    const lat: number[] = [];
    const deep: number[] = [];
    const get = async (q: string) => {
      const t0 = performance.now();
      const r = await fetch(`${url}/api/v1/findings?limit=50&${q}`, { headers: { Authorization: `Bearer ${token}` } });
      const body = (await r.json()) as { next?: string };
      return { ms: performance.now() - t0, next: body.next };
    };
    for (let i = 0; i < 20; i++) await get(queries[i % queries.length]!); // warm up
    for (let i = 0; i < 300; i++) lat.push((await get(queries[i % queries.length]!)).ms);
    // Walk 100 pages deep by key.
    let cursor: string | undefined;
    for (let i = 0; i < 100; i++) {
      const r = await get(cursor ? `after=${cursor}` : '');
      deep.push(r.ms);
      cursor = r.next;
      if (!cursor) break;
    }
    rows.push([label, 'list page (300, filtered)', pct(lat, 50) / 1000, 0, procStats(proc.pid!).hwmMiB, `p50 ${pct(lat, 50).toFixed(1)} ms, p99 ${pct(lat, 99).toFixed(1)} ms`]);
    rows.push([label, 'list pages 1-100 by key', pct(deep, 50) / 1000, 0, procStats(proc.pid!).hwmMiB, `p50 ${pct(deep, 50).toFixed(1)} ms, p99 ${pct(deep, 99).toFixed(1)} ms`]);
  } finally {
    proc.kill('SIGTERM');
    await new Promise((r) => proc.once('exit', r));
  }
  return rows;
}

async function pgUp(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}

async function main(): Promise<void> {
  if (!existsSync(CLI) || process.env['BENCH_BUILD'] !== '0') build();
  mkdirSync(BENCH_DIR, { recursive: true });
  const a = report(0);
  const t0 = performance.now();
  JSON.parse(a);
  const parseFloor = (performance.now() - t0) / 1000;
  const bodies = { a: gzipSync(a), a2: gzipSync(report(0, 10)), b: gzipSync(report(N * 100)) };
  console.log(`report: ${N} findings, ${(a.length / 1e6).toFixed(1)} MB of JSON (${(bodies.a.length / 1e6).toFixed(1)} MB gzipped); JSON.parse alone: ${parseFloor.toFixed(2)} s`);
  console.log(`machine: ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), shared with other jobs: compare CPU seconds, not wall`);
  const rows: (string | number)[][] = [['database', 'what', 'wall s', 'server CPU s', 'server peak RSS MiB', 'result']];
  const sqliteFile = join(BENCH_DIR, `server-${randomBytes(4).toString('hex')}.db`);
  try {
    rows.push(...(await benchDb('sqlite', `sqlite:${sqliteFile}`, bodies)));
  } finally {
    for (const suffix of ['', '-wal', '-shm']) rmSync(sqliteFile + suffix, { force: true });
  }
  const pgBase = process.env['PIPEGUARD_BENCH_PG'] ?? 'postgres://postgres@127.0.0.1:5432/test';
  if (await pgUp(pgBase)) {
    const schema = `bench_${randomBytes(4).toString('hex')}`;
    try {
      rows.push(...(await benchDb('postgres', `${pgBase}?schema=${schema}`, bodies)));
    } finally {
      const c = new pg.Client({ connectionString: pgBase });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    }
  } else console.log('postgres: not reachable, skipped');
  table(rows);
  console.log('peer: none installable here (DefectDojo, Dependency-Track: neither npm nor Debian packages).');
  console.log(`goal: 50k ingested in under 5 s on SQLite; list pages under 50 ms p99. Server: one Node process (${ROOT}).`);
}

await main();
