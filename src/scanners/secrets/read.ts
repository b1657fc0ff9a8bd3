/**
 * One file's analysis, the same in the main thread and in worker threads: read it from disk (into a buffer
 * reused from file to file) unless its bytes came with it, skip it when binary, run the rules.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { tooLarge } from '../../targets/directory.js';
import { isBinary } from '../../targets/binary.js';
import { analyzeBytes, keystoreHit, type SecretHit } from '../../analyzers/secrets/analyze.js';
import { KEYSTORE_PATH, readKeystore } from '../../analyzers/secrets/keystore.js';
import type { RuleSet } from '../../analyzers/secrets/engine.js';
import { Analysed, type FileResult } from './result.js';

export type { FileResult };

/** A file to analyse: its bytes, or a path on disk to read them from (skipped when over `maxBytes`). */
export interface FileJob {
  path: string;
  bytes?: Uint8Array | undefined;
  diskPath?: string | undefined;
  maxBytes?: number | undefined;
  changedLines?: number[] | undefined;
}

/** The hits of a file without any (most files): one array, read only, not one kept a file. */
const NO_HITS: SecretHit[] = [];

/** Bytes a read first makes room for. */
const FIRST_READ = 4 << 20;

let pool = Buffer.allocUnsafe(1 << 20);

/**
 * A buffer of at least `capacity` bytes whose first `keep` bytes are those of the last one asked for: the keyword
 * automaton's input area when `set` has one, else the shared buffer, grown as needed.
 */
function room(set: RuleSet, capacity: number, keep: number): Uint8Array {
  const input = set.matcher.input(capacity);
  if (input !== undefined) return input;
  if (capacity > pool.length) {
    const bigger = Buffer.allocUnsafe(capacity);
    pool.copy(bigger, 0, 0, keep);
    pool = bigger;
  }
  return pool;
}

/** Opening for reading, as a number (the string form is parsed on every call). */
const READ_ONLY = constants.O_RDONLY;

/**
 * Reads a whole (regular) file into a reused buffer (the keyword automaton's own input when there is one, so it
 * is not copied there again), grown as needed; the view is valid until the next call. A read that returns less
 * than asked has reached the end, so most files take one read, not a second one to see the end. Returns the
 * file's size instead when it is over `max` bytes.
 */
function readInto(path: string, max: number, set: RuleSet): Uint8Array | number {
  const fd = openSync(path, READ_ONLY);
  try {
    // Room for most files at once: growing is rare, and its first time would make the optimised read loop start over.
    let buf = room(set, FIRST_READ, 0);
    let n = 0;
    for (;;) {
      if (n > max) return fstatSync(fd).size;
      if (n === buf.length) buf = room(set, buf.length * 2, n);
      const want = buf.length - n;
      const got = readSync(fd, buf, n, want, null);
      n += got;
      if (got < want) break;
    }
    return n > max ? n : buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/** Analyses one file; a file that cannot be read or analysed gives an error result, never a throw. */
export function analyzeFile(f: FileJob, set: RuleSet, showSecrets: boolean, keepSecret = false): FileResult {
  let bytes = f.bytes;
  if (!bytes) {
    const max = f.maxBytes ?? Infinity;
    let read: Uint8Array | number;
    try {
      read = readInto(f.diskPath!, max, set);
    } catch (e) {
      return { error: `unreadable: ${(e as NodeJS.ErrnoException).code ?? String(e)}` };
    }
    if (typeof read === 'number') return { skipped: tooLarge(read, max) };
    bytes = read;
  }
  if (KEYSTORE_PATH.test(f.path)) {
    // A key store is binary: its structure says whether it holds a key, not the rules.
    const info = readKeystore(bytes);
    if (info) return new Analysed([keystoreHit(info, bytes, showSecrets || keepSecret)], bytes.length, false);
  }
  if (!f.bytes && isBinary(bytes)) return new Analysed(NO_HITS, bytes.length, false);
  try {
    const found = { marker: false };
    const hits = analyzeBytes(bytes, set, { path: f.path, showSecrets, keepSecret, found, changedLines: f.changedLines ? new Set(f.changedLines) : undefined });
    // One shape for every analysed file (marker always set): code reading results meets one kind of object.
    return new Analysed(hits.length === 0 ? NO_HITS : hits, bytes.length, found.marker);
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}
