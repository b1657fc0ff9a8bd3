import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { InputError } from '../../core/errors.js';
import { readAuditEntries } from '../audit/read.js';
import { LOCKED, withFileLock } from '../audit/lock.js';
import { writeFileAtomic } from '../fs-atomic.js';
import type { ExportEvent } from './formats.js';
import { openTransport, type Destination, type Transport } from './transport.js';

/**
 * Where delivery to one destination has got to: the last entry it took (seq, hash) and the byte offset after it.
 * The audit log itself is the spool: everything after the cursor is waiting, on disk, and is sent in order.
 */
export interface Cursor {
  to: string;
  seq: number;
  hash: string;
  offset: number;
  line: number;
}

/** The cursor file of a destination, beside the log. */
export function cursorPath(logPath: string, to: string): string {
  return `${logPath}.cursor-${createHash('sha256').update(to).digest('hex').slice(0, 12)}`;
}

/** Options of {@link forward}. */
export interface ForwardOptions {
  logPath: string;
  dest: Destination;
  /** Stop trying after this long (pending events stay for the next time). Default: no limit. */
  deadlineMs?: number;
  /** Keep following the log for new entries until aborted. */
  follow?: boolean;
  signal?: AbortSignal;
  /** Events per batch (default 100). */
  batchSize?: number;
  /** Backoff between failed attempts: starts at `min`, doubles to `max` (ms; default 200 and 30,000). */
  backoff?: { min: number; max: number };
  /** Told about each failed attempt (a down collector). */
  onError?: (message: string) => void;
  /** Transport factory (default: {@link openTransport}). */
  transport?: (d: Destination) => Transport;
  display?: string;
}

/** What {@link forward} did. */
export interface ForwardResult {
  delivered: number;
  /** Entries still waiting after the cursor (0 when all were delivered). */
  pending: number;
  /** Another process was already delivering to this destination. */
  busy?: boolean;
  lastError?: string;
}

/**
 * Delivers the audit log to a SIEM destination from where the last delivery stopped, in order, in batches; a
 * failed batch is retried with exponential backoff (with jitter) until `deadlineMs` or an abort, and the cursor
 * only moves past a batch the destination took. Nothing is dropped: what is not delivered stays after the
 * cursor for the next call. One deliverer per destination at a time (a file lock; a second one returns `busy`).
 */
export async function forward(o: ForwardOptions): Promise<ForwardResult> {
  const cpath = cursorPath(o.logPath, o.dest.to);
  try {
    return await withFileLock(cpath, () => deliver(o, cpath), { wait: false });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === LOCKED) return { delivered: 0, pending: await countAfter(o, readCursor(cpath, o.dest.to)), busy: true };
    throw e;
  }
}

async function deliver(o: ForwardOptions, cpath: string): Promise<ForwardResult> {
  const started = Date.now();
  const deadline = o.deadlineMs !== undefined ? started + o.deadlineMs : Infinity;
  const batchSize = o.batchSize ?? 100;
  const backoff = o.backoff ?? { min: 200, max: 30_000 };
  const transport = (o.transport ?? openTransport)(o.dest);
  let cursor = readCursor(cpath, o.dest.to);
  let delivered = 0;
  let lastError: string | undefined;
  let wait = backoff.min;
  const expired = () => o.signal?.aborted === true || Date.now() >= deadline;
  try {
    for (;;) {
      const batch: ExportEvent[] = [];
      let next = cursor;
      for await (const r of readAuditEntries(o.logPath, { offset: cursor.offset, line: cursor.line, ...(o.display ? { display: o.display } : {}) })) {
        if (batch.length === 0 && cursor.seq > 0 && r.entry.prev !== cursor.hash) {
          throw new InputError(`the log changed under the ${o.dest.to} cursor (entry ${r.entry.seq} does not follow entry ${cursor.seq}): run pipeguard audit verify`, o.display ?? o.logPath);
        }
        batch.push({ entry: r.entry, hash: r.hash });
        next = { to: o.dest.to, seq: r.entry.seq, hash: r.hash, offset: r.end, line: r.line + 1 };
        if (batch.length >= batchSize) break;
      }
      if (!batch.length) {
        if (!o.follow || expired()) break;
        try {
          await sleep(200, undefined, o.signal ? { signal: o.signal } : {});
        } catch {
          break;
        }
        continue;
      }
      try {
        await transport.send(batch);
      } catch (e) {
        lastError = (e as Error).message;
        o.onError?.(lastError);
        transport.close();
        if (expired()) break;
        const pause = Math.min(wait, Math.max(0, deadline - Date.now()));
        try {
          await sleep(pause * (0.75 + Math.random() * 0.5), undefined, o.signal ? { signal: o.signal } : {});
        } catch {
          break;
        }
        wait = Math.min(wait * 2, backoff.max);
        continue;
      }
      wait = backoff.min;
      cursor = next;
      writeFileAtomic(cpath, JSON.stringify(cursor) + '\n');
      delivered += batch.length;
      if (expired() && !o.follow) break;
      if (o.signal?.aborted) break;
    }
  } finally {
    transport.close();
  }
  const pending = await countAfter(o, cursor);
  return { delivered, pending, ...(lastError && pending ? { lastError } : {}) };
}

function readCursor(path: string, to: string): Cursor {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return { to, seq: 0, hash: '', offset: 0, line: 1 };
  }
  try {
    const c = JSON.parse(text) as Cursor;
    if (!Number.isSafeInteger(c.seq) || !Number.isSafeInteger(c.offset) || typeof c.hash !== 'string') throw new Error('shape');
    return c;
  } catch {
    throw new InputError('not a delivery cursor: delete it to send everything again', path);
  }
}

async function countAfter(o: ForwardOptions, c: Cursor): Promise<number> {
  let n = 0;
  for await (const _ of readAuditEntries(o.logPath, { offset: c.offset, line: c.line })) n++;
  return n;
}
