import { existsSync } from 'node:fs';
import { InputError, errorMessage } from '../core/errors.js';
import { AdvisoryDb } from './db.js';
import { DEFAULT_ECOSYSTEMS, updateDatabase, type UpdateResult } from './update.js';

/** What {@link ensureDatabase} needs. */
export interface EnsureOptions {
  dbPath: string;
  /** Ecosystems the scanned lockfiles use (only those osv.dev exports as a whole are fetched). */
  ecosystems: Iterable<string>;
  /** Data refreshed longer ago than this is refreshed. */
  maxAgeDays: number;
  baseUrl: string;
  now: Date;
  signal?: AbortSignal;
}

/** What {@link ensureDatabase} did: ecosystems fetched, or the one-line reason a download failed. */
export interface EnsureResult {
  fetched: UpdateResult[];
  /** Ecosystems that were missing or stale. */
  wanted: string[];
  error?: string;
}

/**
 * The ecosystems among `o.ecosystems` the database at `o.dbPath` lacks or holds data older than `maxAgeDays`
 * for. Records imported by hand (`db import`) count for every ecosystem, at the time they were imported.
 */
export function staleEcosystems(o: Omit<EnsureOptions, 'baseUrl' | 'signal'>): string[] {
  const exported = [...new Set(o.ecosystems)].filter((e) => DEFAULT_ECOSYSTEMS.includes(e));
  if (!exported.length) return [];
  if (!existsSync(o.dbPath)) return exported.sort();
  let sources: { name: string; refreshedAt: string }[];
  try {
    const db = AdvisoryDb.open(o.dbPath);
    try {
      sources = db.sources();
    } finally {
      db.close();
    }
  } catch {
    return []; // not a database of ours: the scanner says so; never write over it
  }
  const oldest = o.now.getTime() - o.maxAgeDays * 86_400_000;
  return exported
    .filter((eco) => {
      const times = sources.filter((s) => s.name === eco || s.name.startsWith('import:')).map((s) => Date.parse(s.refreshedAt));
      return !times.length || Math.max(...times) < oldest;
    })
    .sort();
}

/**
 * Downloads the exports of the ecosystems the database lacks or holds stale data for (as `pipeguard db update`
 * does, resuming an interrupted download). A failed download is returned as a message; the database is then
 * left as it was.
 */
export async function ensureDatabase(o: EnsureOptions): Promise<EnsureResult> {
  const wanted = staleEcosystems(o);
  if (!wanted.length) return { fetched: [], wanted };
  try {
    const fetched = await updateDatabase({ dbPath: o.dbPath, baseUrl: o.baseUrl, ecosystems: wanted, now: o.now, ...(o.signal ? { signal: o.signal } : {}) });
    return { fetched, wanted };
  } catch (e) {
    if (o.signal?.aborted) throw e;
    return { fetched: [], wanted, error: e instanceof InputError ? e.format() : errorMessage(e) };
  }
}
