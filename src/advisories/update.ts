import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, errorMessage } from '../core/errors.js';
import { AdvisoryDb, writeDatabase, type SourceBatch } from './db.js';
import { recordsFromZip, type ZipLimits } from './load.js';

/** Where osv.dev publishes its per-ecosystem exports. */
export const DEFAULT_OSV_BASE_URL = 'https://osv-vulnerabilities.storage.googleapis.com';

/** Ecosystems `db update` fetches by default. */
export const DEFAULT_ECOSYSTEMS = ['npm', 'PyPI', 'Go', 'crates.io', 'RubyGems', 'Packagist', 'Maven', 'NuGet'];

/** Options of {@link updateDatabase}. */
export interface UpdateOptions {
  dbPath: string;
  baseUrl: string;
  ecosystems: string[];
  now: Date;
  /** Called with progress lines (bytes so far) for each ecosystem. */
  progress?: (ecosystem: string, bytes: number, total: number | undefined, done: boolean) => void;
  signal?: AbortSignal;
  /** Most milliseconds to wait for a server's answer, and for each next piece of a body (default 30 s). */
  timeoutMs?: number;
  /** Most milliseconds the whole update may take (default 30 min). */
  budgetMs?: number;
  /** Most bytes one ecosystem's export may have (default 2 GiB). */
  maxDownloadBytes?: number;
  /** Bounds on expanding each export (default {@link DEFAULT_ZIP_LIMITS}). */
  zipLimits?: ZipLimits;
  /** Largest drop of an ecosystem's record count accepted, as a fraction (default 0.5); zero records is always a drop. */
  maxShrink?: number;
  /** Accept any drop (`--allow-shrink`). */
  allowShrink?: boolean;
}

/** Defaults of the update's limits. */
export const UPDATE_DEFAULTS = { timeoutMs: 30_000, budgetMs: 30 * 60_000, maxDownloadBytes: 2 * 1024 * 1024 * 1024, maxShrink: 0.5 };

/** What an update did, per ecosystem. */
export interface UpdateResult {
  ecosystem: string;
  records: number;
  bytes: number;
  resumed: boolean;
}

/**
 * Downloads `<base>/<ecosystem>/all.zip` for each ecosystem (resuming a partial download left by an
 * earlier interrupted run with an HTTP Range request, checked against the range asked for), checks the archive
 * (CRC of every member, bounded expansion) and that every member is an OSV record, refuses an export that would
 * empty an ecosystem or shrink it past `maxShrink`, then swaps the database in one step. A stalled or endless
 * server meets the timeouts, the size limit and the budget. Any failure leaves the current database untouched
 * and throws an InputError with one clear line.
 */
export async function updateDatabase(o: UpdateOptions): Promise<UpdateResult[]> {
  const dl = `${o.dbPath}.download`;
  mkdirSync(dl, { recursive: true });
  const batches: SourceBatch[] = [];
  const results: UpdateResult[] = [];
  const budgetMs = o.budgetMs ?? UPDATE_DEFAULTS.budgetMs;
  const budget = new AbortController();
  const timer = setTimeout(() => budget.abort(new BudgetError(budgetMs)), budgetMs);
  const signal = o.signal ? AbortSignal.any([o.signal, budget.signal]) : budget.signal;
  try {
    for (const eco of o.ecosystems) {
      const url = `${o.baseUrl.replace(/\/+$/, '')}/${encodeURIComponent(eco)}/all.zip`;
      const part = join(dl, `${eco}.zip.part`);
      const { bytes, resumed } = await download(url, part, eco, { ...o, signal });
      let records;
      try {
        records = recordsFromZip(readFileSync(part), `${eco}/all.zip`, o.zipLimits);
      } catch (e) {
        rmSync(part, { force: true }); // corrupt: do not resume from it
        throw new InputError(`downloaded data is not valid: ${errorMessage(e)}`, url);
      }
      batches.push({ name: eco, origin: url, records });
      results.push({ ecosystem: eco, records: records.length, bytes, resumed });
    }
  } finally {
    clearTimeout(timer);
  }
  if (!o.allowShrink) checkShrink(o.dbPath, batches, o.maxShrink ?? UPDATE_DEFAULTS.maxShrink);
  writeDatabase(o.dbPath, batches, o.now);
  rmSync(dl, { recursive: true, force: true });
  return results;
}

/** The budget of the whole update ran out. */
class BudgetError extends Error {
  constructor(ms: number) {
    super(`the update took longer than its ${Math.round(ms / 1000)} s budget`);
  }
}

/** Record counts per source of the current database, or an empty map when there is none (or it is unreadable). */
function currentCounts(dbPath: string): Map<string, number> {
  if (!existsSync(dbPath)) return new Map();
  let db: AdvisoryDb | undefined;
  try {
    db = AdvisoryDb.open(dbPath);
    return new Map(db.sources().map((s) => [s.name, s.records]));
  } catch {
    return new Map();
  } finally {
    db?.close();
  }
}

/** Refuses batches that would empty an ecosystem, or shrink it by more than `maxShrink` of what it has now. */
function checkShrink(dbPath: string, batches: SourceBatch[], maxShrink: number): void {
  const now = currentCounts(dbPath);
  for (const b of batches) {
    const before = now.get(b.name) ?? 0;
    const after = b.records.length;
    if (after === 0) throw new InputError(`the export holds no records${before ? ` (the database has ${before})` : ''}: refused, the database is unchanged (--allow-shrink to accept)`, b.origin);
    if (before > 0 && after < before * (1 - maxShrink)) {
      throw new InputError(
        `the export has ${after} records where the database has ${before} (a drop of more than ${Math.round(maxShrink * 100)}%): refused, the database is unchanged (--allow-shrink to accept)`,
        b.origin,
      );
    }
  }
}

/** `bytes START-END/TOTAL` of a 206 answer, or undefined when absent or malformed. */
function contentRange(h: string | null): { start: number; end: number; total: number | undefined } | undefined {
  const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(h?.trim() ?? '');
  if (!m) return undefined;
  return { start: Number(m[1]), end: Number(m[2]), total: m[3] === '*' ? undefined : Number(m[3]) };
}

async function download(url: string, part: string, eco: string, o: UpdateOptions & { signal: AbortSignal }): Promise<{ bytes: number; resumed: boolean }> {
  const have = existsSync(part) ? statSync(part).size : 0;
  const timeoutMs = o.timeoutMs ?? UPDATE_DEFAULTS.timeoutMs;
  const maxBytes = o.maxDownloadBytes ?? UPDATE_DEFAULTS.maxDownloadBytes;
  // One controller per request: aborted by the caller's signal, the budget, or a stall (no answer, no data).
  const ctl = new AbortController();
  const onOuter = () => ctl.abort(o.signal.reason);
  o.signal.addEventListener('abort', onOuter, { once: true });
  let stall: NodeJS.Timeout | undefined;
  const arm = (what: string) => {
    clearTimeout(stall);
    stall = setTimeout(() => ctl.abort(new Error(`${what} for ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
  };
  const why = (e: unknown): string => {
    const reason: unknown = ctl.signal.aborted ? ctl.signal.reason : undefined;
    if (reason instanceof Error) return reason.message;
    const cause = (e as { cause?: unknown }).cause;
    return cause ? errorMessage(cause) : errorMessage(e);
  };
  try {
    let res: Response;
    arm('no answer');
    try {
      res = await fetch(url, { headers: have > 0 ? { Range: `bytes=${have}-` } : {}, signal: ctl.signal });
    } catch (e) {
      throw new InputError(`cannot download: ${why(e)}`, url);
    }
    if (res.status === 416 && have > 0) {
      // the partial file is already complete (its integrity is checked when it is read)
      await res.body?.cancel();
      return { bytes: have, resumed: true };
    }
    if (res.status !== 200 && res.status !== 206) {
      await res.body?.cancel();
      throw new InputError(`cannot download: HTTP ${res.status} ${res.statusText}`.trim(), url);
    }
    const resumed = res.status === 206;
    if (resumed) {
      const range = contentRange(res.headers.get('content-range'));
      if (!range || range.start !== have || (range.total !== undefined && range.end !== range.total - 1)) {
        await res.body?.cancel().catch(() => undefined);
        rmSync(part, { force: true });
        throw new InputError(`the server resumed the download with Content-Range "${res.headers.get('content-range') ?? ''}", not bytes ${have}- as asked: partial download discarded (run again)`, url);
      }
    }
    const start = resumed ? have : 0;
    const len = Number(res.headers.get('content-length') ?? NaN);
    const total = Number.isFinite(len) ? start + len : undefined;
    if (total !== undefined && total > maxBytes) {
      await res.body?.cancel().catch(() => undefined);
      rmSync(part, { force: true });
      throw new InputError(`the export is ${total} bytes, over the ${maxBytes}-byte download limit`, url);
    }
    const out = createWriteStream(part, { flags: resumed ? 'a' : 'w' });
    // A write error surfaces through the write and end callbacks below; this keeps it from being an uncaught event.
    let writeError: Error | undefined;
    out.on('error', (e) => (writeError ??= e));
    let bytes = start;
    let overLimit = false;
    try {
      if (!res.body) throw new Error('empty response');
      arm('no data');
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        arm('no data');
        if (bytes + chunk.length > maxBytes) {
          overLimit = true;
          ctl.abort(new Error(`over the ${maxBytes}-byte download limit`));
          break;
        }
        if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
        bytes += chunk.length;
        o.progress?.(eco, bytes, total, false);
      }
      if (overLimit) throw new Error(`over the ${maxBytes}-byte download limit`);
      await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
    } catch (e) {
      // Keep what arrived: the part file is flushed and closed (not destroyed with writes in flight), so the next run
      // resumes from it; a download over the limit is discarded.
      await new Promise<void>((resolve) => (out.writableFinished || out.destroyed ? resolve() : out.end(() => resolve())));
      if (overLimit) {
        rmSync(part, { force: true });
        throw new InputError(`download stopped after ${bytes} bytes: over the ${maxBytes}-byte download limit`, url);
      }
      throw new InputError(`download interrupted after ${bytes} bytes (run again to resume): ${writeError ? errorMessage(writeError) : why(e)}`, url);
    }
    if (total !== undefined && bytes !== total) {
      throw new InputError(`download incomplete: got ${bytes} of ${total} bytes (run again to resume)`, url);
    }
    o.progress?.(eco, bytes, total, true);
    return { bytes, resumed };
  } finally {
    clearTimeout(stall);
    o.signal.removeEventListener('abort', onOuter);
  }
}
