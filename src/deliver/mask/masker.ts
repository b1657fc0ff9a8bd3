import { Transform, type TransformCallback } from 'node:stream';
import { encodedForms } from './encodings.js';

/** What replaces a masked value. */
export const MASK = '***';
const MASK_BYTES = Buffer.from(MASK);

/** The compiled search: an Aho-Corasick automaton made into a DFA over byte classes. */
interface Automaton {
  /** Byte -> class (0 is "no pattern holds this byte"). */
  classOf: Uint8Array;
  classes: number;
  /** Next state, `state * classes + class`. */
  next: Int32Array;
  /** Length of the longest pattern that ends in each state (0: none). */
  longest: Int32Array;
  /** How many bytes of the input each state stands for. */
  depth: Int32Array;
}

/** Builds the automaton for `patterns` (non-empty byte strings). */
function compile(patterns: readonly Uint8Array[]): Automaton {
  const classOf = new Uint8Array(256);
  let classes = 1;
  for (const p of patterns) for (const b of p) if (classOf[b] === 0) classOf[b] = classes++;
  // trie, with child links in a map per state while building
  const children: Map<number, number>[] = [new Map()];
  const depthList: number[] = [0];
  const longestList: number[] = [0];
  for (const p of patterns) {
    let s = 0;
    for (const b of p) {
      const c = classOf[b]!;
      let t = children[s]!.get(c);
      if (t === undefined) {
        t = children.length;
        children.push(new Map());
        depthList.push(depthList[s]! + 1);
        longestList.push(0);
        children[s]!.set(c, t);
      }
      s = t;
    }
    longestList[s] = Math.max(longestList[s]!, p.length);
  }
  const n = children.length;
  const next = new Int32Array(n * classes);
  const fail = new Int32Array(n);
  const longest = Int32Array.from(longestList);
  const queue: number[] = [];
  for (let c = 0; c < classes; c++) {
    const t = children[0]!.get(c);
    if (t !== undefined) {
      next[c] = t;
      queue.push(t);
    }
  }
  for (let qi = 0; qi < queue.length; qi++) {
    const s = queue[qi]!;
    // a state's longest match includes what its failure state ends with
    longest[s] = Math.max(longest[s]!, longest[fail[s]!]!);
    for (let c = 0; c < classes; c++) {
      const t = children[s]!.get(c);
      if (t !== undefined) {
        fail[t] = next[fail[s]! * classes + c]!;
        next[s * classes + c] = t;
        queue.push(t);
      } else {
        next[s * classes + c] = next[fail[s]! * classes + c]!;
      }
    }
  }
  return { classOf, classes, next, longest, depth: Int32Array.from(depthList) };
}

/** Options of {@link createMasker}. */
export interface MaskerOptions {
  /** Values shorter than this are refused (masking them would destroy the log). Default 8. */
  minLength?: number;
  /** Mask these byte strings as given too, without their encodings. */
  extraPatterns?: Uint8Array[];
}

/** The error thrown for a secret too short to mask; names the secret, never its value. */
export class ShortSecretError extends Error {
  constructor(readonly secretName: string, readonly minLength: number) {
    super(`secret ${secretName} is shorter than ${minLength} characters: too short to mask in logs without destroying them`);
    this.name = 'ShortSecretError';
  }
}

/** The patterns of a set of named secrets: each value and its encodings. Throws {@link ShortSecretError}. */
export function maskPatterns(secrets: ReadonlyMap<string, string>, minLength = 8): Buffer[] {
  const out: Buffer[] = [];
  for (const [name, value] of secrets) {
    if (value.length < minLength) throw new ShortSecretError(name, minLength);
    for (const f of encodedForms(value, minLength)) out.push(f.bytes);
  }
  return out;
}

/**
 * A streaming masker: feed it the bytes a program writes, in whatever pieces they come, and it returns them with
 * every pattern replaced by `***`, also when a pattern is split across pieces. Overlapping matches are masked as
 * one. It holds back only bytes that could still be the start of a pattern (at most the longest pattern's length
 * less one, or a pending match), and {@link Masker.end} returns the rest.
 */
export class Masker {
  private readonly a: Automaton;
  private state = 0;
  /** Bytes not yet returned; `held[0]` is at absolute offset `base`. */
  private held: Buffer = Buffer.alloc(0);
  private base = 0;
  /** The memory `held` owns (a copy), so a view of the caller's chunk is never kept. */
  private ownBuffer: ArrayBufferLike | undefined;
  /** Absolute offset just past the last byte seen. */
  private pos = 0;
  /** Merged match intervals [start, end) not yet returned, in order. */
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];

  constructor(patterns: readonly Uint8Array[]) {
    this.a = compile(patterns.filter((p) => p.length > 0));
  }

  /**
   * Takes the next piece of output; returns what can be shown now (masked). The result may share memory with
   * `chunk`; the masker keeps no reference to `chunk` after returning.
   */
  push(chunk: Uint8Array): Buffer {
    const { classOf, classes, next, longest } = this.a;
    let s = this.state;
    let pos = this.pos;
    const starts = this.starts;
    const ends = this.ends;
    for (let i = 0; i < chunk.length; i++) {
      s = next[s * classes + classOf[chunk[i]!]!]!;
      pos++;
      const len = longest[s]!;
      if (len !== 0) {
        let start = pos - len;
        // merge with earlier intervals this one overlaps
        while (starts.length && start < ends[ends.length - 1]!) {
          start = Math.min(start, starts.pop()!);
          ends.pop();
        }
        starts.push(start);
        ends.push(pos);
      }
    }
    this.state = s;
    this.pos = pos;
    this.held = this.held.length ? Buffer.concat([this.held, chunk]) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    // no match that is still to come can start before `safe`
    const safe = pos - this.a.depth[s]!;
    return this.emit(safe);
  }

  /** The end of the output: returns everything still held, masked. */
  end(): Buffer {
    const out = this.emit(this.pos);
    this.state = 0;
    return out;
  }

  private emit(safe: number): Buffer {
    const parts: Buffer[] = [];
    let at = this.base;
    let done = 0;
    while (done < this.starts.length) {
      const start = this.starts[done]!;
      const end = this.ends[done]!;
      if (start >= safe || end > safe) break;
      if (start > at) parts.push(this.held.subarray(at - this.base, start - this.base));
      parts.push(MASK_BYTES);
      at = end;
      done++;
    }
    if (done) {
      this.starts.splice(0, done);
      this.ends.splice(0, done);
    }
    const limit = Math.min(safe, this.starts.length ? this.starts[0]! : safe);
    if (limit > at) {
      parts.push(this.held.subarray(at - this.base, limit - this.base));
      at = limit;
    }
    if (at > this.base) {
      // keep a copy of the (short) rest: `held` may be a view of the caller's chunk
      this.held = Buffer.from(this.held.subarray(at - this.base));
      this.base = at;
    } else if (this.held.length && this.held.buffer !== this.ownBuffer) {
      this.held = Buffer.from(this.held);
    }
    this.ownBuffer = this.held.buffer;
    if (parts.length === 0) return EMPTY;
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }
}

const EMPTY = Buffer.alloc(0);

/** A Transform stream that masks what passes through it. */
export function maskingStream(patterns: readonly Uint8Array[]): Transform {
  const m = new Masker(patterns);
  return new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback) {
      const out = m.push(chunk);
      cb(null, out.length ? out : undefined);
    },
    flush(cb: TransformCallback) {
      const out = m.end();
      cb(null, out.length ? out : undefined);
    },
  });
}

/** Masks a whole string at once (for error messages and records). */
export function maskText(text: string, patterns: readonly Uint8Array[]): string {
  if (patterns.length === 0) return text;
  const m = new Masker(patterns);
  return Buffer.concat([m.push(Buffer.from(text, 'utf8')), m.end()]).toString('utf8');
}
