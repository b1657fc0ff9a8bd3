/**
 * The storage interface the server is written against: one small async API over SQLite (better-sqlite3) and
 * PostgreSQL (pg). SQL is written once with `?` placeholders; the PostgreSQL driver numbers them. Bulk writes
 * go through {@link Db.insertMany} / {@link Db.updateMany}, which each driver does its fastest way (prepared
 * statements in a loop on SQLite, `unnest` arrays on PostgreSQL).
 */

/** A value bound to a placeholder. Booleans are stored as 0/1, times as epoch milliseconds. */
export type SqlValue = string | number | null;

/** A column of a bulk write: its name and SQL type (PostgreSQL casts the arrays it sends with it). */
export interface Column {
  name: string;
  type: 'int' | 'text';
}

/** Which database a {@link Db} talks to. */
export type Dialect = 'sqlite' | 'postgres';

/** One connection (or pool) to the server's database. */
export interface Db {
  readonly dialect: Dialect;
  /** Every row of a query. */
  all<T = Record<string, unknown>>(sql: string, params?: SqlValue[]): Promise<T[]>;
  /** The first row of a query, or undefined. */
  get<T = Record<string, unknown>>(sql: string, params?: SqlValue[]): Promise<T | undefined>;
  /** A statement without rows; returns how many rows it changed. */
  run(sql: string, params?: SqlValue[]): Promise<number>;
  /** Several statements separated by `;`, without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /**
   * Runs `fn` in one transaction on one connection: committed when it resolves, rolled back when it throws.
   * Transactions are serialised with every other write of this Db (SQLite) or run at READ COMMITTED with the
   * row locks the caller takes (PostgreSQL).
   */
  tx<T>(fn: (db: Db) => Promise<T>): Promise<T>;
  /** Inserts rows (values in `columns` order); with `returning`, returns that column of each row, in order. */
  insertMany(table: string, columns: Column[], rows: SqlValue[][], returning?: string): Promise<number[]>;
  /** Updates rows by `key` (the first value of each row); the other values go to `columns`. */
  updateMany(table: string, key: string, columns: Column[], rows: SqlValue[][]): Promise<void>;
  close(): Promise<void>;
}
