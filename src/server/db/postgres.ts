/**
 * PostgreSQL through `pg`: a pool, `?` placeholders numbered `$1..$n`, bigints read as numbers (every integer
 * the server stores, epoch milliseconds included, is below 2^53), bulk writes as one `unnest` statement per
 * chunk. `?schema=NAME` in the URL puts the server's tables in that schema (created when missing).
 */
import pg from 'pg';
import type { Column, Db, SqlValue } from './types.js';

/** bigint (int8, also what count(*) returns) read as a number: every value the server stores fits a double. */
function typeParser(oid: number, format?: string): (v: string) => unknown {
  if (oid === 20) return (v: string) => Number(v);
  return pg.types.getTypeParser(oid, format as 'text');
}

/** Rewrites `?` placeholders (outside quoted text) as `$1..$n`. */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  let out = '';
  let quote: string | undefined;
  for (const ch of sql) {
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '?') {
      out += `$${++n}`;
      continue;
    }
    out += ch;
  }
  return out;
}

const converted = new Map<string, string>();
function toPg(sql: string): string {
  let s = converted.get(sql);
  if (s === undefined) {
    s = numberPlaceholders(sql);
    if (converted.size < 10_000) converted.set(sql, s);
  }
  return s;
}

type Queryable = pg.Pool | pg.PoolClient;

/** Rows per bulk statement: large enough to amortise a round trip, small enough to bound one message. */
const CHUNK = 5000;

class PgView implements Db {
  readonly dialect = 'postgres' as const;
  constructor(
    private readonly q: Queryable,
    private readonly pool: pg.Pool | undefined,
  ) {}

  async all<T>(sql: string, params: SqlValue[] = []): Promise<T[]> {
    return (await this.q.query(toPg(sql), params)).rows as T[];
  }
  async get<T>(sql: string, params: SqlValue[] = []): Promise<T | undefined> {
    return (await this.q.query(toPg(sql), params)).rows[0] as T | undefined;
  }
  async run(sql: string, params: SqlValue[] = []): Promise<number> {
    return (await this.q.query(toPg(sql), params)).rowCount ?? 0;
  }
  async exec(sql: string): Promise<void> {
    await this.q.query(sql);
  }
  async tx<T>(fn: (db: Db) => Promise<T>): Promise<T> {
    if (!this.pool) return fn(this);
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      try {
        const out = await fn(new PgView(client, undefined));
        await client.query('COMMIT');
        return out;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      }
    } finally {
      client.release();
    }
  }
  async insertMany(table: string, columns: Column[], rows: SqlValue[][], returning?: string): Promise<number[]> {
    const out: number[] = [];
    const casts = columns.map((c, i) => `$${i + 1}::${c.type === 'int' ? 'bigint' : 'text'}[]`).join(', ');
    const sql = `INSERT INTO ${table} (${columns.map((c) => c.name).join(', ')}) SELECT * FROM unnest(${casts})${returning ? ` RETURNING ${returning}` : ''}`;
    for (let i = 0; i < rows.length; i += CHUNK) {
      const chunk = rows.slice(i, i + CHUNK);
      const arrays = columns.map((_, c) => chunk.map((r) => r[c]));
      const r = await this.q.query(sql, arrays);
      if (returning) for (const row of r.rows) out.push(Number((row as Record<string, unknown>)[returning]));
    }
    return out;
  }
  async updateMany(table: string, key: string, columns: Column[], rows: SqlValue[][]): Promise<void> {
    const all = [{ name: key, type: 'int' as const }, ...columns];
    const casts = all.map((c, i) => `$${i + 1}::${c.type === 'int' ? 'bigint' : 'text'}[]`).join(', ');
    const sql = `UPDATE ${table} AS t SET ${columns.map((c) => `${c.name} = v.${c.name}`).join(', ')} FROM unnest(${casts}) AS v(${all.map((c) => c.name).join(', ')}) WHERE t.${key} = v.${key}`;
    for (let i = 0; i < rows.length; i += CHUNK) {
      const chunk = rows.slice(i, i + CHUNK);
      await this.q.query(sql, all.map((_, c) => chunk.map((r) => r[c])));
    }
  }
  async close(): Promise<void> {
    if (this.pool) await this.pool.end();
  }
}

/** Connects to PostgreSQL at `url` (`postgres://` or `postgresql://`, optional `?schema=NAME`). */
export async function openPostgres(url: string): Promise<Db> {
  const u = new URL(url);
  const schema = u.searchParams.get('schema') ?? undefined;
  u.searchParams.delete('schema');
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`schema name ${JSON.stringify(schema)} must be lower-case letters, digits and _`);
  const pool = new pg.Pool({
    connectionString: u.toString(),
    max: 8,
    connectionTimeoutMillis: 10_000,
    types: { getTypeParser: typeParser } as pg.CustomTypesConfig,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  // An idle client that loses its server must not crash the process: the next query reports the error.
  pool.on('error', () => undefined);
  if (schema) await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  else await pool.query('SELECT 1');
  return new PgView(pool, pool);
}
