import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, errorMessage } from '../core/errors.js';
import { writeDatabase, type SourceBatch } from './db.js';
import { recordsFromZip } from './load.js';

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
}

/** What an update did, per ecosystem. */
export interface UpdateResult {
  ecosystem: string;
  records: number;
  bytes: number;
  resumed: boolean;
}

/**
 * Downloads `<base>/<ecosystem>/all.zip` for each ecosystem (resuming a partial download left by an
 * earlier interrupted run with an HTTP Range request), checks that every member is an OSV record,
 * then swaps the database in one step. Any failure leaves the current database untouched and throws
 * an InputError with one clear line.
 */
export async function updateDatabase(o: UpdateOptions): Promise<UpdateResult[]> {
  const dl = `${o.dbPath}.download`;
  mkdirSync(dl, { recursive: true });
  const batches: SourceBatch[] = [];
  const results: UpdateResult[] = [];
  for (const eco of o.ecosystems) {
    const url = `${o.baseUrl.replace(/\/+$/, '')}/${encodeURIComponent(eco)}/all.zip`;
    const part = join(dl, `${eco}.zip.part`);
    const { bytes, resumed } = await download(url, part, eco, o);
    let records;
    try {
      records = recordsFromZip(readFileSync(part), `${eco}/all.zip`);
    } catch (e) {
      rmSync(part, { force: true }); // corrupt: do not resume from it
      throw new InputError(`downloaded data is not valid: ${errorMessage(e)}`, url);
    }
    batches.push({ name: eco, origin: url, records });
    results.push({ ecosystem: eco, records: records.length, bytes, resumed });
  }
  writeDatabase(o.dbPath, batches, o.now);
  rmSync(dl, { recursive: true, force: true });
  return results;
}

async function download(url: string, part: string, eco: string, o: UpdateOptions): Promise<{ bytes: number; resumed: boolean }> {
  const have = existsSync(part) ? statSync(part).size : 0;
  let res: Response;
  try {
    res = await fetch(url, { headers: have > 0 ? { Range: `bytes=${have}-` } : {}, ...(o.signal ? { signal: o.signal } : {}) });
  } catch (e) {
    const cause = (e as { cause?: unknown }).cause;
    throw new InputError(`cannot download: ${cause ? errorMessage(cause) : errorMessage(e)}`, url);
  }
  if (res.status === 416 && have > 0) {
    // the partial file is already complete
    await res.body?.cancel();
    return { bytes: have, resumed: true };
  }
  if (res.status !== 200 && res.status !== 206) {
    await res.body?.cancel();
    throw new InputError(`cannot download: HTTP ${res.status} ${res.statusText}`.trim(), url);
  }
  const resumed = res.status === 206;
  const start = resumed ? have : 0;
  const len = Number(res.headers.get('content-length') ?? NaN);
  const total = Number.isFinite(len) ? start + len : undefined;
  const out = createWriteStream(part, { flags: resumed ? 'a' : 'w' });
  // A write error surfaces through the write and end callbacks below; this keeps it from being an uncaught event.
  let writeError: Error | undefined;
  out.on('error', (e) => (writeError ??= e));
  let bytes = start;
  try {
    if (!res.body) throw new Error('empty response');
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      bytes += chunk.length;
      o.progress?.(eco, bytes, total, false);
    }
    await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  } catch (e) {
    // Keep what arrived: the part file is flushed and closed (not destroyed with writes in flight), so the next run
    // resumes from it.
    await new Promise<void>((resolve) => (out.writableFinished || out.destroyed ? resolve() : out.end(() => resolve())));
    throw new InputError(`download interrupted after ${bytes} bytes (run again to resume): ${errorMessage(writeError ?? e)}`, url);
  }
  if (total !== undefined && bytes !== total) {
    throw new InputError(`download incomplete: got ${bytes} of ${total} bytes (run again to resume)`, url);
  }
  o.progress?.(eco, bytes, total, true);
  return { bytes, resumed };
}
