import { InputError } from '../../core/errors.js';
import { GENESIS, hashEntry, parseEntryLine } from './entry.js';
import { readLines } from './lines.js';
import { headPayload, readHead } from './log.js';
import { checkpointPayload, keyIdOf, verifySignature } from './signer.js';

/** Options of {@link verifyAuditLog}. */
export interface VerifyOptions {
  /** Raw Ed25519 public keys (base64) checkpoints must be signed with; without any, the key the log names is used. */
  publicKeys?: string[];
  /** Do not require the head file (a copy of a log without it, such as an export). */
  noHead?: boolean;
  /** Name used in messages (default: the path). */
  display?: string;
}

/** The first place the chain breaks. */
export interface ChainBreak {
  /** 1-based line of the log. */
  line: number;
  /** The entry (seq) that first breaks the chain, when one can be named. */
  seq?: number;
  message: string;
}

/** What {@link verifyAuditLog} found. */
export interface VerifyResult {
  ok: boolean;
  entries: number;
  lastSeq: number;
  checkpoints: number;
  /** The last entry a valid signed checkpoint covers (0: none). */
  signedThrough: number;
  problem?: ChainBreak;
  notes: string[];
}

interface Meta {
  seq: number;
  prev: string;
  hash: string;
  line: number;
}

/**
 * Checks a whole audit log: every entry links to the one before it by hash and sequence number, every checkpoint's
 * Ed25519 signature verifies (against the pinned keys when given), and the head file matches the last entry (so a
 * cut tail shows). Returns the first break it finds, naming the entry that breaks the chain: an edited entry (the
 * next one recorded another hash for it), a deleted one (a gap in the numbers), an inserted or moved one (a number
 * out of order), a cut tail (fewer entries than the head records, or an incomplete last line). A line that is not
 * an entry at all is an InputError naming the line.
 */
export async function verifyAuditLog(path: string, o: VerifyOptions = {}): Promise<VerifyResult> {
  const display = o.display ?? path;
  const pinned = new Set(o.publicKeys ?? []);
  const notes: string[] = [];
  const head = o.noHead ? undefined : readHead(path, display);
  let entries = 0;
  let checkpoints = 0;
  let signedThrough = 0;
  let last: Meta | undefined;
  let pending: { a: Meta; b: Meta } | undefined;
  const keysSeen = new Set<string>();
  const result = (problem?: ChainBreak): VerifyResult => ({
    ok: !problem,
    entries,
    lastSeq: last?.seq ?? 0,
    checkpoints,
    signedThrough,
    ...(problem ? { problem } : {}),
    notes,
  });
  const decide = (p: { a: Meta; b: Meta }, nextLinksToB: boolean): ChainBreak =>
    nextLinksToB
      ? { line: p.a.line, seq: p.a.seq, message: `entry ${p.a.seq} (line ${p.a.line}) was changed: entry ${p.b.seq} recorded a different hash for it` }
      : { line: p.b.line, seq: p.b.seq, message: `entry ${p.b.seq} (line ${p.b.line}) was changed or replaced: it does not link to entry ${p.a.seq}` };

  let stream: AsyncGenerator<import('./lines.js').FileLine>;
  try {
    stream = readLines(path, 0, 1, display);
  } catch {
    throw new InputError('cannot read the audit log', display);
  }
  try {
    for await (const l of stream) {
      if (!l.complete) {
        if (pending) return result(decide(pending, false));
        return result({ line: l.line, message: `line ${l.line} is incomplete: the tail was cut or a write was interrupted` });
      }
      const e = parseEntryLine(l.text, display, l.line);
      const meta: Meta = { seq: e.seq, prev: e.prev, hash: hashEntry(e), line: l.line };
      if (pending) return result(decide(pending, meta.prev === pending.b.hash));
      if (!last) {
        if (e.seq !== 1) return result({ line: l.line, seq: 1, message: `entries 1 to ${e.seq - 1} are missing: the log starts at entry ${e.seq} (line ${l.line})` });
        if (e.prev !== GENESIS) return result({ line: l.line, seq: 1, message: 'entry 1 (line 1) does not start a chain: it links to an earlier entry' });
      } else {
        if (e.seq > last.seq + 1) {
          const gap = e.seq === last.seq + 2 ? `entry ${last.seq + 1} is` : `entries ${last.seq + 1} to ${e.seq - 1} are`;
          return result({ line: l.line, seq: last.seq + 1, message: `${gap} missing: line ${l.line} holds entry ${e.seq} after entry ${last.seq}` });
        }
        if (e.seq <= last.seq) {
          return result({ line: l.line, seq: e.seq, message: `line ${l.line} holds entry ${e.seq} after entry ${last.seq}: an entry was inserted or entries were moved` });
        }
        if (e.prev !== last.hash) {
          pending = { a: last, b: meta };
        }
      }
      entries++;
      if (e.type === 'checkpoint' && !pending) {
        checkpoints++;
        const d = e.data as { covers?: unknown; publicKey?: unknown; signature?: unknown };
        if (typeof d.publicKey !== 'string' || typeof d.signature !== 'string') {
          return result({ line: l.line, seq: e.seq, message: `checkpoint entry ${e.seq} (line ${l.line}) has no key or signature` });
        }
        if (d.covers !== e.seq - 1) return result({ line: l.line, seq: e.seq, message: `checkpoint entry ${e.seq} (line ${l.line}) covers entry ${String(d.covers)}, not ${e.seq - 1}` });
        if (pinned.size && !pinned.has(d.publicKey)) {
          return result({ line: l.line, seq: e.seq, message: `checkpoint entry ${e.seq} (line ${l.line}) is signed by key ${keyIdOf(d.publicKey)}, not a trusted key` });
        }
        if (!verifySignature(d.publicKey, checkpointPayload(e), d.signature)) {
          return result({ line: l.line, seq: e.seq, message: `checkpoint entry ${e.seq} (line ${l.line}) has a bad signature: it or the entries before it were rewritten` });
        }
        keysSeen.add(d.publicKey);
        signedThrough = e.seq;
      }
      last = meta;
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? 'no such audit log' : `cannot read the audit log (${code ?? (e as Error).message})`, display);
  }
  if (pending) return result(decide(pending, head !== undefined && head.seq === pending.b.seq && head.hash === pending.b.hash));
  const lastSeq = last?.seq ?? 0;
  if (!o.noHead) {
    if (!head) {
      if (lastSeq > 0) return result({ line: entries, message: `the head file ${display}.head is missing: a cut tail could not be detected` });
    } else {
      if (head.seq > lastSeq) {
        const cut = head.seq === lastSeq + 1 ? `entry ${head.seq} was` : `entries ${lastSeq + 1} to ${head.seq} were`;
        return result({ line: entries + 1, seq: lastSeq + 1, message: `the log ends at entry ${lastSeq} but its head records ${head.seq}: the tail was cut (${cut} removed)` });
      }
      if (head.seq === lastSeq && last && head.hash !== last.hash) {
        return result({ line: last.line, seq: lastSeq, message: `entry ${lastSeq} (line ${last.line}, the last) was changed: the head records a different hash` });
      }
      if (head.seq < lastSeq) notes.push(`${lastSeq - head.seq} entr${lastSeq - head.seq === 1 ? 'y' : 'ies'} after the head: an append interrupted before its head was written, or entries added since`);
      if (head.signature) {
        const keys = pinned.size ? [...pinned] : [...keysSeen];
        const key = keys.find((k) => keyIdOf(k) === head.keyId);
        if (!key) notes.push(`the head is signed by key ${head.keyId ?? '?'}, which no checkpoint or --public-key names: its signature was not checked`);
        else if (!verifySignature(key, headPayload(head), head.signature)) {
          return result({ line: entries, message: `the head file's signature does not verify: it was rewritten` });
        }
      }
    }
  }
  if (!pinned.size && checkpoints) notes.push('signatures were checked against the key the log names; pin it with --public-key (audit.publicKey) so a log re-signed with another key is caught');
  if (!checkpoints && lastSeq) notes.push('no signed checkpoints: configure audit.signingKey so entries are signed');
  else if (signedThrough < lastSeq) {
    notes.push(`${signedThrough + 1 === lastSeq ? `entry ${lastSeq} is` : `entries ${signedThrough + 1} to ${lastSeq} are`} not yet covered by a signed checkpoint`);
  }
  return result();
}
