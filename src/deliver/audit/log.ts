import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { InputError } from '../../core/errors.js';
import { canonicalize } from './canonical-json.js';
import { entryShapeError, GENESIS, hashEntry, MAX_ENTRY_BYTES, type Actor, type AuditEntry } from './entry.js';
import { lastLine } from './lines.js';
import { withFileLock } from './lock.js';
import { checkpointPayload, type Signer } from './signer.js';

/** The head file beside a log: the last entry's seq and hash, signed when a key is at hand (catches a cut tail). */
export interface AuditHead {
  seq: number;
  hash: string;
  time: string;
  keyId?: string;
  signature?: string;
}

/** What the head's signature covers. */
export function headPayload(h: Pick<AuditHead, 'seq' | 'hash' | 'time'>): Buffer {
  return Buffer.from(`pipeguard-audit-head\n${canonicalize({ seq: h.seq, hash: h.hash, time: h.time })}`);
}

/** The path of a log's head file. */
export function headPath(logPath: string): string {
  return `${logPath}.head`;
}

/** Options of {@link AuditLog}. */
export interface AuditLogOptions {
  /** The log file (created with its folder on the first append). */
  path: string;
  /** Who is writing (the same for every entry of this writer). */
  actor: Actor;
  now?: () => Date;
  /** Signs checkpoints and the head; without it the chain still holds, unsigned. */
  signer?: Signer;
  /** Write a signed checkpoint after this many entries (default 100). */
  checkpointEvery?: number;
  /** fsync each append (default true). */
  fsync?: boolean;
  /** The name used in messages (default: the path). */
  display?: string;
}

/** Options of one {@link AuditLog.append}. */
export interface AppendOptions {
  /** The pipeline run the event belongs to. */
  run?: string;
}

/**
 * An append-only, hash-chained audit log (JSON lines). Appends from any number of processes are serialised by a
 * file lock: each reads the current last entry under the lock, links to it, and writes one whole line, so the
 * chain never forks and lines never interleave. Every `checkpointEvery` entries (and on {@link checkpoint}) a
 * checkpoint entry signed with Ed25519 is appended.
 */
export class AuditLog {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly now: () => Date;
  private readonly display: string;

  constructor(private readonly o: AuditLogOptions) {
    this.now = o.now ?? (() => new Date());
    this.display = o.display ?? o.path;
  }

  /** The log file. */
  get path(): string {
    return this.o.path;
  }

  /** Appends one event; resolves to the entry written. Never give it a secret value (name secrets instead). */
  append(type: string, data: Record<string, unknown>, opts: AppendOptions = {}): Promise<AuditEntry> {
    if (type === 'checkpoint') return Promise.reject(new Error('checkpoints are written by checkpoint()'));
    return this.serial(() => this.locked((tail) => this.write(tail, type, data, opts.run)));
  }

  /** Appends a signed checkpoint now (a no-op without a signer or when the last entry is one). */
  checkpoint(reason = 'requested'): Promise<AuditEntry | undefined> {
    return this.serial(() =>
      this.locked(async (tail) => {
        if (!this.o.signer || tail.seq === 0 || tail.type === 'checkpoint') return undefined;
        return this.writeCheckpoint(tail, reason);
      }),
    );
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.queue.then(fn, fn);
    this.queue = p.catch(() => undefined);
    return p;
  }

  private async locked<T>(fn: (tail: Tail) => Promise<T>): Promise<T> {
    mkdirSync(dirname(this.o.path), { recursive: true });
    return withFileLock(this.o.path, () => fn(this.tail()));
  }

  private tail(): Tail {
    const last = lastLine(this.o.path);
    if (!last) return { seq: 0, hash: GENESIS, type: '' };
    if (!last.complete) {
      throw new InputError('the audit log ends in an incomplete line (a crash or a cut tail): run pipeguard audit verify, and move the log aside to start a new one', this.display);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(last.text);
    } catch {
      throw new InputError('the last line of the audit log is not JSON: run pipeguard audit verify', this.display);
    }
    const bad = entryShapeError(parsed);
    if (bad) throw new InputError(`the last line of the audit log is not an entry (${bad}): run pipeguard audit verify`, this.display);
    const e = parsed as AuditEntry;
    return { seq: e.seq, hash: hashEntry(e), type: e.type };
  }

  private async write(tail: Tail, type: string, data: Record<string, unknown>, run: string | undefined): Promise<AuditEntry> {
    const entry: AuditEntry = {
      v: 1,
      seq: tail.seq + 1,
      time: this.now().toISOString(),
      type,
      actor: this.o.actor,
      ...(run !== undefined ? { run } : {}),
      data,
      prev: tail.hash,
    };
    const written = this.writeEntry(entry);
    const every = this.o.checkpointEvery ?? 100;
    if (this.o.signer && written.seq % every === 0) {
      this.writeCheckpoint({ seq: written.seq, hash: written.hash, type }, `every ${every} entries`);
    }
    return entry;
  }

  private writeCheckpoint(tail: Tail, reason: string): AuditEntry {
    const signer = this.o.signer!;
    const entry: AuditEntry = {
      v: 1,
      seq: tail.seq + 1,
      time: this.now().toISOString(),
      type: 'checkpoint',
      actor: this.o.actor,
      data: { covers: tail.seq, reason, keyId: signer.keyId, publicKey: signer.publicKey },
      prev: tail.hash,
    };
    entry.data['signature'] = signer.sign(checkpointPayload(entry));
    this.writeEntry(entry);
    return entry;
  }

  /** Writes one line and the head; returns the new tail. */
  private writeEntry(entry: AuditEntry): { seq: number; hash: string } {
    const text = canonicalize(entry);
    const bytes = Buffer.from(text + '\n', 'utf8');
    if (bytes.length > MAX_ENTRY_BYTES) throw new Error(`audit entry ${entry.type} is ${bytes.length} bytes, over the ${MAX_ENTRY_BYTES}-byte limit`);
    const fd = openSync(this.o.path, 'a', 0o644);
    try {
      let off = 0;
      while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
      if (this.o.fsync !== false) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    const hash = hashEntry(entry);
    this.writeHead({ seq: entry.seq, hash, time: entry.time });
    return { seq: entry.seq, hash };
  }

  private writeHead(h: { seq: number; hash: string; time: string }): void {
    const signer = this.o.signer;
    const head: AuditHead = signer ? { ...h, keyId: signer.keyId, signature: signer.sign(headPayload(h)) } : h;
    const path = headPath(this.o.path);
    const tmp = `${path}.${process.pid}.tmp`;
    const fd = openSync(tmp, 'w', 0o644);
    try {
      writeSync(fd, JSON.stringify(head) + '\n');
      if (this.o.fsync !== false) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  }
}

interface Tail {
  seq: number;
  hash: string;
  type: string;
}

/** Reads a log's head file; undefined when there is none. Throws InputError when it is not a head. */
export function readHead(logPath: string, display = logPath): AuditHead | undefined {
  let text: string;
  try {
    text = readFileSync(headPath(logPath), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new InputError(`cannot read the head file (${(e as NodeJS.ErrnoException).code})`, `${display}.head`);
  }
  try {
    const h = JSON.parse(text) as AuditHead;
    if (!Number.isSafeInteger(h.seq) || typeof h.hash !== 'string' || typeof h.time !== 'string') throw new Error('shape');
    return h;
  } catch {
    throw new InputError('not an audit head file', `${display}.head`);
  }
}
