import { statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { hashEntry, parseEntryLine, type AuditEntry } from './entry.js';
import { readLines } from './lines.js';

/** One entry as read back: the entry, its hash, and where it is in the file. */
export interface ReadEntry {
  entry: AuditEntry;
  hash: string;
  line: number;
  /** Byte offset just past its line. */
  end: number;
}

/** Options of {@link readAuditEntries}. */
export interface ReadOptions {
  /** Start reading at this byte offset (the `end` of an entry read earlier), at line `line`. */
  offset?: number;
  line?: number;
  display?: string;
}

/**
 * The complete entries of an audit log, in order (a trailing incomplete line is not yielded: a writer may be in
 * the middle of it). Does not check the chain (see verifyAuditLog); a line that is not an entry is an InputError.
 */
export async function* readAuditEntries(path: string, o: ReadOptions = {}): AsyncGenerator<ReadEntry> {
  const display = o.display ?? path;
  try {
    for await (const l of readLines(path, o.offset ?? 0, o.line ?? 1, display)) {
      if (!l.complete) return;
      const entry = parseEntryLine(l.text, display, l.line);
      yield { entry, hash: hashEntry(entry), line: l.line, end: l.end };
    }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
}

/** Options of {@link followAuditLog}. */
export interface FollowOptions extends ReadOptions {
  /** Stops following. */
  signal: AbortSignal;
  /** How often to look for new entries (default 200 ms). */
  pollMs?: number;
}

/**
 * Every entry of the log and then each new one as it is appended, until `signal` aborts (like `tail -f`). Entries
 * come only whole, in order.
 */
export async function* followAuditLog(path: string, o: FollowOptions): AsyncGenerator<ReadEntry> {
  let offset = o.offset ?? 0;
  let line = o.line ?? 1;
  while (!o.signal.aborted) {
    let size = 0;
    try {
      size = statSync(path).size;
    } catch {
      size = 0;
    }
    if (size > offset) {
      for await (const r of readAuditEntries(path, { offset, line, ...(o.display ? { display: o.display } : {}) })) {
        offset = r.end;
        line = r.line + 1;
        yield r;
        if (o.signal.aborted) return;
      }
    }
    try {
      await sleep(o.pollMs ?? 200, undefined, { signal: o.signal });
    } catch {
      return;
    }
  }
}
