/**
 * SQLite through better-sqlite3: WAL mode, `synchronous=FULL` (an acknowledged write survives a crash of the
 * process or the machine), foreign keys on, case-sensitive LIKE (as PostgreSQL's). Two connections: one writer,
 * used by every write and transaction in turn (an async mutex orders them), and one reader, which sees the last
 * committed state and never a transaction in progress.
 */
import Database from 'better-sqlite3';
import type { Column, Db, SqlValue } from './types.js';

type Conn = InstanceType<typeof Database>;
type Stmt = Database.Statement<unknown[], unknown>;

/** A FIFO mutex: `lock()` resolves with a release function once every earlier holder has released. */
class Mutex {
  private tail: Promise<void> = Promise.resolve();
  lock(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((r) => (release = r));
    const ready = this.tail.then(() => release);
    this.tail = this.tail.then(() => next);
    return ready;
  }
}

function open(path: string, readonly: boolean): Conn {
  const conn = new Database(path, readonly ? { readonly: true, fileMustExist: true } : {});
  conn.pragma('busy_timeout = 10000');
  if (!readonly) {
    conn.pragma('journal_mode = WAL');
    conn.pragma('synchronous = FULL');
  }
  conn.pragma('foreign_keys = ON');
  conn.pragma('case_sensitive_like = ON');
  return conn;
}

/** Statements prepared once per connection and SQL text. */
class Prepared {
  private cache = new Map<string, Stmt>();
  constructor(readonly conn: Conn) {}
  stmt(sql: string): Stmt {
    let s = this.cache.get(sql);
    if (!s) {
      s = this.conn.prepare<unknown[], unknown>(sql);
      this.cache.set(sql, s);
    }
    return s;
  }
}

class SqliteView implements Db {
  readonly dialect = 'sqlite' as const;
  constructor(
    private readonly read: Prepared,
    private readonly write: Prepared,
    private readonly writeLock: Mutex | undefined,
  ) {}

  async all<T>(sql: string, params: SqlValue[] = []): Promise<T[]> {
    return this.read.stmt(sql).all(...params) as T[];
  }
  async get<T>(sql: string, params: SqlValue[] = []): Promise<T | undefined> {
    return this.read.stmt(sql).get(...params) as T | undefined;
  }
  async run(sql: string, params: SqlValue[] = []): Promise<number> {
    return this.locked(() => {
      const s = this.write.stmt(sql);
      return s.reader ? (s.all(...params).length) : s.run(...params).changes;
    });
  }
  async exec(sql: string): Promise<void> {
    await this.locked(() => this.write.conn.exec(sql));
  }
  async tx<T>(fn: (db: Db) => Promise<T>): Promise<T> {
    if (!this.writeLock) return fn(this); // already inside one
    const release = await this.writeLock.lock();
    const inner = new SqliteView(this.write, this.write, undefined);
    try {
      this.write.conn.exec('BEGIN IMMEDIATE');
      try {
        const out = await fn(inner);
        this.write.conn.exec('COMMIT');
        return out;
      } catch (e) {
        if (this.write.conn.inTransaction) this.write.conn.exec('ROLLBACK');
        throw e;
      }
    } finally {
      release();
    }
  }
  async insertMany(table: string, columns: Column[], rows: SqlValue[][], returning?: string): Promise<number[]> {
    const sql = `INSERT INTO ${table} (${columns.map((c) => c.name).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})${returning ? ` RETURNING ${returning}` : ''}`;
    return this.locked(() => {
      const s = this.write.stmt(sql);
      const out: number[] = [];
      const many = this.write.conn.transaction(() => {
        if (returning) for (const r of rows) out.push(Number((s.get(...r) as Record<string, unknown>)[returning]));
        else for (const r of rows) s.run(...r);
      });
      many();
      return out;
    });
  }
  async updateMany(table: string, key: string, columns: Column[], rows: SqlValue[][]): Promise<void> {
    const sql = `UPDATE ${table} SET ${columns.map((c) => `${c.name} = ?`).join(', ')} WHERE ${key} = ?`;
    await this.locked(() => {
      const s = this.write.stmt(sql);
      const many = this.write.conn.transaction(() => {
        for (const r of rows) s.run(...r.slice(1), r[0]);
      });
      many();
    });
  }
  async close(): Promise<void> {
    const release = this.writeLock ? await this.writeLock.lock() : undefined;
    try {
      if (this.read !== this.write) this.read.conn.close();
      this.write.conn.close();
    } finally {
      release?.();
    }
  }

  /** Runs a write under the mutex (outside a transaction) or straight away (inside one). */
  private async locked<T>(fn: () => T): Promise<T> {
    if (!this.writeLock) return fn();
    const release = await this.writeLock.lock();
    try {
      return fn();
    } finally {
      release();
    }
  }
}

/** Opens (creating if needed) the SQLite database at `path`. */
export function openSqlite(path: string): Db {
  const writer = open(path, false);
  const reader = path === ':memory:' ? writer : open(path, true);
  return new SqliteView(new Prepared(reader), new Prepared(writer), new Mutex());
}
