/** Opens the database named by `--db`: `sqlite:PATH` (or a bare path) or a `postgres://` URL, and migrates it. */
import { resolve } from 'node:path';
import { InputError, errorMessage } from '../../core/errors.js';
import { migrate } from './migrate.js';
import type { Db } from './types.js';

/** Where the server keeps its data when `--db` is not given. */
export const DEFAULT_DB = 'sqlite:pipeguard-server.db';

/** A `--db` value with secrets (a password in the URL) masked, for messages. */
export function describeDb(spec: string): string {
  return spec.replace(/^(postgres(?:ql)?:\/\/[^:@/]*):[^@/]*@/, '$1:****@');
}

/** Opens and migrates the database `spec` names (relative SQLite paths are resolved from `cwd`). */
export async function openDb(spec: string, cwd: string): Promise<Db> {
  let db: Db;
  try {
    if (/^postgres(ql)?:\/\//.test(spec)) {
      const { openPostgres } = await import('./postgres.js');
      db = await openPostgres(spec);
    } else {
      const path = spec.startsWith('sqlite:') ? spec.slice('sqlite:'.length) : spec;
      if (!path) throw new Error('sqlite: needs a file path');
      const { openSqlite } = await import('./sqlite.js');
      db = openSqlite(path === ':memory:' ? path : resolve(cwd, path));
    }
  } catch (e) {
    throw new InputError(`cannot open database: ${errorMessage(e).split('\n')[0]}`, describeDb(spec));
  }
  try {
    await migrate(db);
  } catch (e) {
    await db.close().catch(() => undefined);
    throw new InputError(`cannot migrate database: ${errorMessage(e).split('\n')[0]}`, describeDb(spec));
  }
  return db;
}
