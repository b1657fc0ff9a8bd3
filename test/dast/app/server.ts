/**
 * Starts the test application on 127.0.0.1 (port 0, read back): /vuln and /fixed variants, each with its own
 * SQLite database; PostgreSQL and MariaDB for the time-based endpoints when they answer on this machine.
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { makeRouter, type Dbs } from './routes.js';

/** A running test application. */
export interface TestApp {
  url: string;
  /** Requests the server received. */
  requests: () => number;
  close(): Promise<void>;
}

/** Options of {@link startApp}. */
export interface AppOptions {
  dbs?: Dbs;
  /** TLS key and certificate: serve HTTPS. */
  tls?: { key: string; cert: string };
  /** Extra routes mounted before the variants (tests of expiry, dying targets, redirects). */
  extra?: (app: express.Express) => void;
}

/** Starts the application. */
export async function startApp(o: AppOptions = {}): Promise<TestApp> {
  const app = express();
  let n = 0;
  app.use((_req, _res, next) => {
    n++;
    next();
  });
  app.set('trust proxy', false);
  app.use(express.json({ limit: '100kb' }));
  app.use(express.urlencoded({ extended: true, limit: '100kb' }));
  o.extra?.(app);
  app.use('/vuln', makeRouter(false, o.dbs));
  app.use('/fixed', makeRouter(true, o.dbs));
  const server = o.tls ? https.createServer(o.tls, app) : http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${o.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests: () => n,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** PostgreSQL (127.0.0.1:5432, db test) when it answers, else undefined. */
export async function postgres(): Promise<{ query: (sql: string) => Promise<unknown>; close: () => Promise<void> } | undefined> {
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({ host: '127.0.0.1', port: 5432, database: 'test', user: process.env.PGUSER ?? 'postgres', max: 4, connectionTimeoutMillis: 2000 });
  try {
    await pool.query('SELECT 1');
  } catch {
    await pool.end().catch(() => {});
    return undefined;
  }
  return { query: (sql) => pool.query(sql), close: () => pool.end() };
}

/** MariaDB (127.0.0.1:3306, root) when it answers, else undefined. */
export async function mariadb(): Promise<{ query: (sql: string) => Promise<unknown>; close: () => Promise<void> } | undefined> {
  const mysql = await import('mysql2/promise');
  try {
    const pool = mysql.createPool({ host: '127.0.0.1', port: 3306, user: process.env.MYSQL_USER ?? 'root', connectionLimit: 4, connectTimeout: 2000 });
    await pool.query('SELECT 1');
    return { query: (sql) => pool.query(sql), close: () => pool.end() };
  } catch {
    return undefined;
  }
}
