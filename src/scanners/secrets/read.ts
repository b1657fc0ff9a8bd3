/**
 * One file's analysis, the same in the main thread and in worker threads: read it from disk (into a buffer
 * reused from file to file) unless its bytes came with it, skip it when binary, run the rules.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { isBinary } from '../../targets/binary.js';
import { analyzeBytes, type SecretHit } from './analyze.js';
import type { RuleSet } from './engine.js';

/** A file to analyse: its bytes, or a path on disk to read them from. */
export interface FileJob {
  path: string;
  bytes?: Uint8Array;
  diskPath?: string;
  /** Size on disk when listed (a hint: the file is read whole whatever it has become). */
  size?: number;
  changedLines?: number[];
}

/** What became of one file. `marker`: its text holds a `pipeguard:` comment the engine must read. */
export type FileResult = { hits: SecretHit[]; marker?: boolean } | { error: string };

let pool = Buffer.allocUnsafe(1 << 20);

/**
 * Reads a whole (regular) file into the shared buffer, grown as needed; the view is valid until the next call.
 * A read that returns less than asked has reached the end, so with a buffer larger than the listed size most
 * files take one read, not a second one to see the end.
 */
function readInto(path: string, size = 0): Uint8Array {
  if (size >= pool.length) pool = Buffer.allocUnsafe(2 ** Math.ceil(Math.log2(size + 1)));
  const fd = openSync(path, 'r');
  try {
    let n = 0;
    for (;;) {
      if (n === pool.length) {
        const bigger = Buffer.allocUnsafe(pool.length * 2);
        pool.copy(bigger, 0, 0, n);
        pool = bigger;
      }
      const want = pool.length - n;
      const got = readSync(fd, pool, n, want, null);
      n += got;
      if (got < want) break;
    }
    return pool.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/** Analyses one file; a file that cannot be read or analysed gives an error result, never a throw. */
export function analyzeFile(f: FileJob, set: RuleSet, showSecrets: boolean): FileResult {
  let bytes = f.bytes;
  if (!bytes) {
    try {
      bytes = readInto(f.diskPath!, f.size);
    } catch (e) {
      return { error: `unreadable: ${(e as NodeJS.ErrnoException).code ?? String(e)}` };
    }
    if (isBinary(bytes)) return { hits: [] };
  }
  try {
    const found = { marker: false };
    const hits = analyzeBytes(bytes, set, {
      path: f.path,
      showSecrets,
      found,
      ...(f.changedLines ? { changedLines: new Set(f.changedLines) } : {}),
    });
    return found.marker ? { hits, marker: true } : { hits };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}
