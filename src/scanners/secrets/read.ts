/**
 * One file's analysis, the same in the main thread and in worker threads: read it from disk (into a buffer
 * reused from file to file) unless its bytes came with it, skip it when binary, run the rules.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { tooLarge } from '../../targets/directory.js';
import { isBinary } from '../../targets/binary.js';
import { analyzeBytes, type SecretHit } from './analyze.js';
import type { RuleSet } from './engine.js';

/** A file to analyse: its bytes, or a path on disk to read them from (skipped when over `maxBytes`). */
export interface FileJob {
  path: string;
  bytes?: Uint8Array;
  diskPath?: string;
  maxBytes?: number;
  changedLines?: number[];
}

/**
 * What became of one file: its hits and size (`marker`: its text holds a `pipeguard:` comment the engine must
 * read), why it could not be analysed, or why it was skipped (over the size limit).
 */
export type FileResult = { hits: SecretHit[]; size: number; marker?: boolean } | { error: string } | { skipped: string };

let pool = Buffer.allocUnsafe(1 << 20);

/**
 * Reads a whole (regular) file into the shared buffer, grown as needed; the view is valid until the next call.
 * A read that returns less than asked has reached the end, so most files take one read, not a second one to
 * see the end. Returns the file's size instead when it is over `max` bytes.
 */
function readInto(path: string, max: number): Uint8Array | number {
  const fd = openSync(path, 'r');
  try {
    let n = 0;
    for (;;) {
      if (n > max) return fstatSync(fd).size;
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
    return n > max ? n : pool.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/** Analyses one file; a file that cannot be read or analysed gives an error result, never a throw. */
export function analyzeFile(f: FileJob, set: RuleSet, showSecrets: boolean): FileResult {
  let bytes = f.bytes;
  if (!bytes) {
    const max = f.maxBytes ?? Infinity;
    let read: Uint8Array | number;
    try {
      read = readInto(f.diskPath!, max);
    } catch (e) {
      return { error: `unreadable: ${(e as NodeJS.ErrnoException).code ?? String(e)}` };
    }
    if (typeof read === 'number') return { skipped: tooLarge(read, max) };
    bytes = read;
    if (isBinary(bytes)) return { hits: [], size: bytes.length };
  }
  try {
    const found = { marker: false };
    const hits = analyzeBytes(bytes, set, { path: f.path, showSecrets, found, changedLines: f.changedLines ? new Set(f.changedLines) : undefined });
    return found.marker ? { hits, size: bytes.length, marker: true } : { hits, size: bytes.length };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}
