/** Shared by the server tests: databases to run on (SQLite always, PostgreSQL when it answers) and reports. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import pg from 'pg';
import type { Finding, Report, Severity } from '../../src/core/types.js';
import { openDb } from '../../src/server/db/open.js';
import type { Db } from '../../src/server/db/types.js';
import { renderJson } from '../../src/report/json.js';

/** PostgreSQL of this machine (trust auth). */
export const PG_URL = process.env['PIPEGUARD_TEST_PG'] ?? 'postgres://postgres@127.0.0.1:5432/test';

let pgUp: Promise<boolean> | undefined;
/** True when PostgreSQL answers. */
export function postgresUp(): Promise<boolean> {
  pgUp ??= (async () => {
    const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
    try {
      await c.connect();
      await c.query('SELECT 1');
      return true;
    } catch {
      return false;
    } finally {
      await c.end().catch(() => undefined);
    }
  })();
  return pgUp;
}

/** A fresh PostgreSQL schema URL, dropped after the test file. */
export function pgSchemaUrl(): string {
  const schema = `pgt_${randomBytes(6).toString('hex')}`;
  after(async () => {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await c.end();
  });
  return `${PG_URL}?schema=${schema}`;
}

/** A fresh SQLite file path, removed after the test file. */
export function sqlitePath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pipeguard-server-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'server.db');
}

/** One database kind to run a test on. */
export interface DbKind {
  name: 'sqlite' | 'postgres';
  /** Why it is skipped, or undefined. */
  skip: string | undefined;
  /** A fresh, migrated database (closed after the test file). */
  open(): Promise<Db>;
  /** A fresh database's --db spec. */
  spec(): string;
}

/** SQLite, and PostgreSQL (skipped with `needs postgresql` when it does not answer). */
export async function dbKinds(): Promise<DbKind[]> {
  const up = await postgresUp();
  const open = async (spec: string) => {
    const db = await openDb(spec, process.cwd());
    after(() => db.close());
    return db;
  };
  return [
    { name: 'sqlite', skip: undefined, spec: () => `sqlite:${sqlitePath()}`, open: () => open(`sqlite:${sqlitePath()}`) },
    {
      name: 'postgres',
      skip: up ? undefined : 'needs postgresql (127.0.0.1:5432, database test)',
      spec: () => pgSchemaUrl(),
      open: () => open(pgSchemaUrl()),
    },
  ];
}

/** A finding for a test report. */
export function finding(o: Partial<Finding> & { fingerprint: string }): Finding {
  return {
    scanner: 'sast',
    ruleId: 'js-eval',
    severity: 'high' as Severity,
    message: `eval of user input (#${parseInt(o.fingerprint.slice(-8), 16)})`,
    location: { path: 'src/app.js', startLine: 10, snippet: 'eval(req.query.x)' },
    identity: 'x',
    ...o,
  };
}

/** A 32-hex fingerprint from a number. */
export function fp(n: number): string {
  return n.toString(16).padStart(32, '0');
}

/** A pipeguard JSON report (rendered by the real reporter) holding `findings`; `scanners` ran and succeeded. */
export function pipeguardReport(findings: Finding[], o: { scanners?: string[]; failed?: string[]; suppressed?: { finding: Finding; reason: string }[] } = {}): string {
  const scanners = o.scanners ?? [...new Set(['sast', ...findings.map((f) => f.scanner)])];
  const report: Report = {
    tool: { name: 'pipeguard', version: '0.1.0' },
    target: { id: 'repo', kind: 'directory' },
    startedAt: '2026-01-02T03:04:05.000Z',
    finishedAt: '2026-01-02T03:04:06.000Z',
    rules: [],
    findings,
    statuses: [
      ...scanners.map((s) => ({ scanner: s, status: 'succeeded' as const, fileErrors: [] })),
      ...(o.failed ?? []).map((s) => ({ scanner: s, status: 'failed' as const, reason: 'broke', fileErrors: [] })),
    ],
  };
  const suppressed = (o.suppressed ?? []).map((s) => ({ finding: s.finding, kind: 'config' as const, reason: s.reason }));
  return renderJson({ ...report, findings: [...findings, ...suppressed.map((s) => s.finding)] }, { outcome: 'pass', violations: [], findings, suppressed, notes: [], failOn: 'high' });
}

/** Chunks of a text, for readReport. */
export async function* chunksOf(text: string, size = 65536): AsyncGenerator<Buffer> {
  const b = Buffer.from(text);
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}
