/**
 * The on-disk cache of API answers: one small JSON file per request (method, URL, body of a GraphQL query and the
 * identity of the token), holding the status, the validators (ETag, Last-Modified), the `Link` header and the body.
 * Revalidated with conditional requests (a 304 answer costs no rate limit on GitHub); read as is with `--offline`.
 * Bodies are scrubbed by the caller before they are stored (webhook URLs, CI variable values), so no secret lands
 * here. File names are hashes; entries are written through a temporary file and a rename.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** One stored answer. */
export interface CacheEntry {
  v: 1;
  url: string;
  status: number;
  etag?: string;
  lastModified?: string;
  /** The `Link` header (pagination) of the answer. */
  link?: string;
  /** Headers a check reads (`x-accepted-github-permissions`, `x-oauth-scopes`). */
  headers?: Record<string, string>;
  /** Parsed JSON, or the text for a raw answer. */
  body: unknown;
  /** ISO time of the answer. */
  storedAt: string;
}

/** Largest entry written (bigger answers are used but not kept). */
export const MAX_ENTRY_BYTES = 8 * 1024 * 1024;

/** Where the forge cache lives: `$PIPEGUARD_CACHE_DIR`, else `$XDG_CACHE_HOME/pipeguard/forge`, else `~/.cache/pipeguard/forge`. */
export function defaultCacheDir(env: Record<string, string | undefined>): string {
  if (env['PIPEGUARD_CACHE_DIR']) return env['PIPEGUARD_CACHE_DIR'];
  const base = env['XDG_CACHE_HOME'] || join(env['HOME'] || homedir(), '.cache');
  return join(base, 'pipeguard', 'forge');
}

/** A directory of cached answers. */
export class DiskCache {
  constructor(readonly dir: string) {}

  /** The file name of a request: SHA-256 over what identifies it (never the token itself, only its hash). */
  key(parts: string[]): string {
    return createHash('sha256').update(parts.join('\0')).digest('hex');
  }

  /** The entry for `key`, or undefined when there is none or it cannot be read. */
  get(key: string): CacheEntry | undefined {
    try {
      const e = JSON.parse(readFileSync(this.file(key), 'utf8')) as CacheEntry;
      return e && e.v === 1 && typeof e.status === 'number' ? e : undefined;
    } catch {
      return undefined;
    }
  }

  /** Stores `entry` under `key` (atomically); entries over {@link MAX_ENTRY_BYTES} are not kept. */
  set(key: string, entry: CacheEntry): void {
    const text = JSON.stringify(entry);
    if (text.length > MAX_ENTRY_BYTES) return;
    const file = this.file(key);
    const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      mkdirSync(join(this.dir, key.slice(0, 2)), { recursive: true, mode: 0o700 });
      writeFileSync(tmp, text, { mode: 0o600 });
      renameSync(tmp, file);
    } catch {
      // A full or read-only disk costs only the cache, never the run.
      rmSync(tmp, { force: true });
    }
  }

  private file(key: string): string {
    return join(this.dir, key.slice(0, 2), `${key}.json`);
  }
}
