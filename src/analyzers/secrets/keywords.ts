import { readFileSync } from 'node:fs';
import { KEYWORDS_WASM } from './keywords-wasm.js';

/**
 * A small Aho-Corasick automaton over lower-cased ASCII keywords. It reads a string once, case-insensitively,
 * and reports every (keyword index, end offset) hit. Characters outside ASCII move the automaton to its root,
 * which is exact because keywords are ASCII.
 */
export class KeywordMatcher {
  private readonly outStart: Int32Array; // state -> start in outList
  private readonly outList: Int32Array; // keyword indices, grouped by state
  readonly keywords: readonly string[];

  /**
   * The automaton of `keywords`: the bundle's embedded one when it was built for them, else built now.
   * `leads[k]`, when set, says what the bytes from keyword k's start must be for one of its hits to matter (sets
   * of ASCII characters, one per position, as in RegexShape.lead; at least one position): {@link collectBytes}
   * leaves out the hits of k whose bytes fall outside, or that stand too close to the end to hold them. The
   * caller vouches that such hits cannot matter to it; {@link collect} reports every hit.
   */
  constructor(keywords: readonly string[], automaton?: Automaton, leads?: readonly (Uint32Array | undefined)[]) {
    this.keywords = keywords;
    const a = automaton ?? precompiled(keywords) ?? compileKeywords(keywords);
    this.nextTable = a.next;
    this.outStart = a.outStart;
    this.outList = a.outList;
    this.single = a.single;
    this.maxOut = a.maxOut;
    if (a.wasm) {
      // The WebAssembly table orders states differently (see tableOf): per row, its state and single keyword.
      const { stateOf } = a.wasm;
      this.rowSingle = Int32Array.from(stateOf, (st) => this.single[st]!);
      // Per row, the keywords its state ends, as one list (most rows end one).
      const rowOutStart = new Int32Array(stateOf.length + 1);
      for (let r = 0; r < stateOf.length; r++) rowOutStart[r + 1] = rowOutStart[r]! + this.outStart[stateOf[r]! + 1]! - this.outStart[stateOf[r]!]!;
      const rowOutList = new Int32Array(rowOutStart[stateOf.length]!);
      for (let r = 0; r < stateOf.length; r++) rowOutList.set(this.outList.subarray(this.outStart[stateOf[r]!]!, this.outStart[stateOf[r]! + 1]!), rowOutStart[r]!);
      this.rowOutStart = rowOutStart;
      this.rowOutList = rowOutList;
      this.wasm = WasmScanner.fromTable(a.wasm, leads?.some(Boolean) ? { rowKeyword: this.rowSingle, keywords, leads } : undefined);
    }
  }

  /** The JavaScript DFA, for {@link collect}: built when first needed if the automaton came precompiled. */
  private nextTable: Int32Array | undefined;
  private get next(): Int32Array {
    return (this.nextTable ??= compileKeywords(this.keywords).next!);
  }

  /** A matcher from {@link serialize}'s data, without building anything but the WebAssembly memory. */
  static restore(s: SerializedKeywords): KeywordMatcher {
    return new KeywordMatcher(s.keywords, deserializeKeywords(s));
  }

  /**
   * The automaton as plain data, for {@link precompiled} (the bundle embeds the built-in rules' one). Built afresh
   * from the keywords (the construction is deterministic): a running matcher keeps no copy of its build tables.
   */
  serialize(): SerializedKeywords {
    const b64 = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
    const a = compileKeywords(this.keywords);
    const w = a.wasm;
    return {
      keywords: [...this.keywords],
      outStart: b64(a.outStart),
      outList: b64(a.outList),
      single: b64(a.single),
      maxOut: a.maxOut,
      ...(w ? { wasm: { classes: b64(w.classes), rows: b64(w.rows), firstOut: w.firstOut, stateOf: b64(w.stateOf), warm: w.warm } } : {}),
    };
  }

  /** state -> the one keyword it ends, or -1 (none, or several: see outStart/outList) */
  private readonly single: Int32Array;
  /** Most keywords one state ends. */
  private readonly maxOut: number;

  /** By row of the WebAssembly table: {@link single} of its state. */
  private rowSingle: Int32Array = new Int32Array(0);
  /** Per WebAssembly table row, the keywords its state ends: rowOutList[rowOutStart[row] .. rowOutStart[row + 1]). */
  private rowOutStart: Int32Array = new Int32Array(0);
  private rowOutList: Int32Array = new Int32Array(0);

  /** The same automaton in WebAssembly, for bytes; absent when the keywords use too many distinct characters. */
  private readonly wasm: WasmScanner | undefined;

  /**
   * {@link collect} over bytes (ASCII keywords match bytes as they match characters; bytes >= 0x80 reset the
   * automaton): four automata in step in WebAssembly, two to three times the speed of one in JavaScript.
   */
  collectBytes(bytes: Uint8Array): { hits: Int32Array; count: number } {
    const w = this.wasm;
    if (!w) return this.collect(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1'));
    let n = 0;
    w.load(bytes);
    for (let a = 0; a < bytes.length; a += CHUNK) {
      w.run(a, Math.min(bytes.length, a + CHUNK), bytes.length);
      n = this.records(w.records, w.counts, n);
    }
    return { hits: this.buf, count: n >> 1 };
  }

  /**
   * Appends one WebAssembly run's records to {@link buf} from `n`, as pairs (keyword, end): each automaton's
   * records in turn (that is the order of their ends). Every row goes through the same loop over its keywords
   * (most rows end one): a branch first taken late, for a state ending several, would make the optimising
   * compiler start over on this hot loop. Growing the buffer (rare) is a function of its own for the same reason.
   */
  private records(records: Int32Array, counts: Int32Array, n: number): number {
    const total = counts[0]! + counts[1]! + counts[2]! + counts[3]!;
    if (n + total * 2 * this.maxOut > this.buf.length) this.grow(n, n + total * 2 * this.maxOut);
    const { rowOutStart, rowOutList, buf } = this;
    for (let chain = 0; chain < 4; chain++) {
      for (let r = chain * CAP * 2, last = r + counts[chain]! * 2; r < last; r += 2) {
        const row = (records[r]! - TABLE) >> ROW_SHIFT;
        const end = records[r + 1]!;
        for (let k = rowOutStart[row]!, b = rowOutStart[row + 1]!; k < b; k++) {
          buf[n++] = rowOutList[k]!;
          buf[n++] = end;
        }
      }
    }
    return n;
  }

  /** Grows {@link buf} to hold `need` entries, keeping the first `n`. */
  private grow(n: number, need: number): void {
    const bigger = new Int32Array(2 ** Math.ceil(Math.log2(need)));
    bigger.set(this.buf.subarray(0, n));
    this.buf = bigger;
  }

  /**
   * A buffer with room for `capacity` bytes that {@link collectBytes} reads without copying when given a view of
   * its start (a file read straight into it); undefined without WebAssembly. Valid until the next call; a bigger
   * one keeps the bytes of the last.
   */
  input(capacity: number): Uint8Array | undefined {
    return this.wasm?.input(capacity);
  }

  /**
   * The encoded runs of `bytes` the decoding pass tries (see the `runs` function of keywords.wat), as triples
   * (start, end, class bits OR-ed | AND-ed << 8) by the byte classes `classes` (decode.ts); undefined without
   * WebAssembly. Loads the bytes (in place when they are a view of {@link input}) but keeps any loaded before
   * that are at most {@link SIDE} long elsewhere in memory, so a decoded value can be searched while its file's
   * bytes stay where they are.
   */
  encodedRuns(bytes: Uint8Array, classes: Uint8Array): Int32Array | undefined {
    return this.wasm?.encodedRuns(bytes, classes);
  }

  /** Reused across calls by {@link collect}. */
  private buf = new Int32Array(1 << 16);

  /**
   * Every keyword occurrence as pairs (keyword index, end offset) in `hits[0 .. 2 * count)`, in order of end.
   * The array is reused by the next call.
   */
  collect(text: string): { hits: Int32Array; count: number } {
    const { next, outStart, outList } = this;
    let buf = this.buf;
    let n = 0;
    let row = 0;
    for (let i = 0, len = text.length; i < len; i++) {
      const c = text.charCodeAt(i);
      if (c >= 128) {
        row = 0;
        continue;
      }
      const v = next[row + c]!;
      row = v & ~1;
      if (v & 1) {
        const s = row >> 7;
        for (let k = outStart[s]!, b = outStart[s + 1]!; k < b; k++) {
          if (n + 2 > buf.length) {
            const bigger = new Int32Array(buf.length * 2);
            bigger.set(buf);
            this.buf = buf = bigger;
          }
          buf[n++] = outList[k]!;
          buf[n++] = i + 1;
        }
      }
    }
    return { hits: buf, count: n >> 1 };
  }

  /**
   * {@link collectBytes} over a string: its characters as bytes (a character outside ASCII as 0x80, which resets
   * the automaton as the character does), so offsets are the string's. Uses the WebAssembly automaton, and never
   * builds the JavaScript DFA ({@link collect}'s, ~20 ms): masking a few short texts then costs nothing more.
   */
  collectText(text: string): { hits: Int32Array; count: number } {
    if (!this.wasm) return this.collect(text);
    const bytes = Buffer.from(text, 'latin1');
    // Latin-1 keeps U+0080..U+00FF as bytes >= 0x80; a wider character would keep only its low byte.
    if (WIDE.test(text)) for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0xff) bytes[i] = 0x80;
    return this.collectBytes(bytes);
  }

  /** Calls `hit(keywordIndex, endOffset)` for every keyword occurrence (end is exclusive), in order of end. */
  scan(text: string, hit: (keyword: number, end: number) => void): void {
    const { hits, count } = this.collect(text);
    for (let i = 0; i < count; i++) hit(hits[2 * i]!, hits[2 * i + 1]!);
  }
}

/** A character Latin-1 cannot hold in one byte. */
const WIDE = /[^\u0000-\u00ff]/;

/**
 * An Aho-Corasick automaton in tables: the full JavaScript DFA (`next[row + char]` is the next state's row, state
 * * 128, with bit 0 set when that state has outputs; upper-case letters lead where their lower-case forms do),
 * the keywords each state ends, and the WebAssembly byte table.
 */
interface Automaton {
  next?: Int32Array;
  outStart: Int32Array;
  outList: Int32Array;
  single: Int32Array;
  maxOut: number;
  wasm: WasmTable | undefined;
}

/** An {@link Automaton} as JSON (typed arrays in base64), keyed by its keywords. */
export interface SerializedKeywords {
  keywords: string[];
  outStart: string;
  outList: string;
  single: string;
  maxOut: number;
  wasm?: { classes: string; rows: string; firstOut: number; stateOf: string; warm: number };
}

/** Builds the automaton of keywords (lower-cased ASCII). */
function compileKeywords(keywords: readonly string[]): Automaton {
  // The trie, straight into the transition table (0: no edge, as the root is no state's child); at most one
  // state per keyword character.
  let cap = 1;
  for (const kw of keywords) cap += kw.length;
  const trie = new Int32Array(cap * 128);
  const outputs: number[][] = [[]];
  /** The characters keywords use: the only columns that lead anywhere but back to the root. */
  const usedSet = new Uint8Array(128);
  const usedList: number[] = [];
  let n = 1;
  keywords.forEach((raw, idx) => {
    const kw = raw.toLowerCase();
    let s = 0;
    for (let i = 0; i < kw.length; i++) {
      const c = kw.charCodeAt(i);
      if (c >= 128) throw new Error(`keyword ${JSON.stringify(raw)} is not ASCII`);
      if (!usedSet[c]) {
        usedSet[c] = 1;
        usedList.push(c);
      }
      let t = trie[s * 128 + c]!;
      if (t === 0) {
        t = n++;
        outputs.push([]);
        trie[s * 128 + c] = t;
      }
      s = t;
    }
    outputs[s]!.push(idx);
  });
  // Breadth-first failure links, folding the trie into a full transition table (other columns stay 0: root).
  const used = Int32Array.from(usedList);
  const u = used.length;
  const next = trie.slice(0, n * 128);
  const fail = new Int32Array(n);
  const queue = new Int32Array(n);
  let tail = 0;
  for (let j = 0; j < u; j++) if (next[used[j]!]! !== 0) queue[tail++] = next[used[j]!]!;
  for (let qi = 0; qi < tail; qi++) {
    const s = queue[qi]!;
    const f = fail[s]!;
    if (outputs[f]!.length) outputs[s]!.push(...outputs[f]!);
    for (let j = 0; j < u; j++) {
      const c = used[j]!;
      const t = next[s * 128 + c]!;
      if (t === 0) next[s * 128 + c] = next[f * 128 + c]!;
      else {
        fail[t] = next[f * 128 + c]!;
        queue[tail++] = t;
      }
    }
  }
  const hasOut = outputs.map((o) => o.length > 0);
  // Upper-case columns repeat the lower-case ones, so matching needs no case folding per character; then
  // entries become row offsets with the output flag.
  const columns = Int32Array.from([...usedList, ...usedList.filter((c) => c >= 97 && c <= 122).map((c) => c - 32)]);
  for (let s = 0; s < n; s++) {
    const row = s * 128;
    for (let c = 97; c <= 122; c++) if (usedSet[c]) next[row + c - 32] = next[row + c]!;
    for (let j = 0; j < columns.length; j++) {
      const t = next[row + columns[j]!]!;
      next[row + columns[j]!] = (t << 7) | (hasOut[t] ? 1 : 0);
    }
  }
  const outStart = new Int32Array(n + 1);
  const flat: number[] = [];
  for (let s = 0; s < n; s++) {
    outStart[s] = flat.length;
    for (const k of new Set(outputs[s])) flat.push(k);
  }
  outStart[n] = flat.length;
  const outList = Int32Array.from(flat);
  const single = new Int32Array(n);
  let maxOut = 1;
  for (let st = 0; st < n; st++) {
    const outs = outStart[st + 1]! - outStart[st]!;
    single[st] = outs === 1 ? outList[outStart[st]!]! : -1;
    maxOut = Math.max(maxOut, outs);
  }
  return { next, outStart, outList, single, maxOut, wasm: tableOf(next, n, keywords, hasOut) };
}

/**
 * The automaton of the built-in rules' keywords, computed when the CLI is bundled (scripts/bundle.mjs): building
 * it takes ~20 ms of every thread's start-up. Used only for exactly the keywords it was built for. The bundle
 * holds it as a JSON file beside its chunks (this names it), not as a string in their code: a 0.7 MB string
 * literal cost every run that loaded the chunk its scan by the JavaScript parser (~10 ms), needed or not.
 */
declare const PIPEGUARD_KEYWORDS_FILE: string | undefined;
let embedded: { keywords: string[]; automaton: Automaton } | null | undefined;

/** A JSON file the bundle put beside its chunks, or null (not bundled, or the file is gone: then computed). */
function bundled<T>(name: string | undefined): T | null {
  if (name === undefined) return null;
  try {
    return JSON.parse(readFileSync(new URL(name, import.meta.url), 'utf8')) as T;
  } catch {
    return null;
  }
}

/** The embedded automaton (decoded once; its tables are only read) when `keywords` are the ones it was built for. */
function precompiled(keywords: readonly string[]): Automaton | undefined {
  if (embedded === undefined) {
    const data = bundled<SerializedKeywords>(typeof PIPEGUARD_KEYWORDS_FILE === 'string' ? PIPEGUARD_KEYWORDS_FILE : undefined);
    embedded = data && { keywords: data.keywords, automaton: deserializeKeywords(data) };
  }
  return embedded && sameKeywords(embedded.keywords, keywords) ? embedded.automaton : undefined;
}

function sameKeywords(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** {@link KeywordMatcher.serialize} back to tables. */
function deserializeKeywords(s: SerializedKeywords): Automaton {
  const bytes = (b64: string) => Buffer.from(b64, 'base64');
  const ints = (b64: string) => {
    const b = bytes(b64);
    return new Int32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  };
  const a: Automaton = { outStart: ints(s.outStart), outList: ints(s.outList), single: ints(s.single), maxOut: s.maxOut, wasm: undefined };
  if (s.wasm) {
    const rows = bytes(s.wasm.rows);
    a.wasm = {
      classes: new Uint8Array(bytes(s.wasm.classes)),
      rows: new Uint16Array(rows.buffer.slice(rows.byteOffset, rows.byteOffset + rows.byteLength)),
      firstOut: s.wasm.firstOut,
      stateOf: ints(s.wasm.stateOf),
      warm: s.wasm.warm,
    };
  }
  return a;
}

/** Classes of bytes the WebAssembly table has columns for (class 0: bytes in no keyword). */
const WASM_CLASSES = 64;
/** Row of the table in bytes. */
const ROW = WASM_CLASSES * 4;
const ROW_SHIFT = Math.log2(ROW);
/** Where the table starts in memory (after the class map and the record counts). */
const TABLE = 1024;
/**
 * Texts up to this long are loaded into a memory area of their own, not where a file read into {@link
 * KeywordMatcher.input} is: a decoded value (at most 8 KiB, see decode.ts) or a masked report text is searched
 * without overwriting the bytes of the file it came from, which the caller may still be reading.
 */
const SIDE = 1 << 16;
/** Bytes scanned per call; records of a call fit in its output regions (8 bytes a byte at most: 2 MB of them). */
const CHUNK = 1 << 18;
const CAP = CHUNK / 4 + 4;
const PAGE = 65536;

/** The part of the WebAssembly API used here (the project's type libraries do not declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number }) => WasmMemory;
}
interface WasmMemory {
  buffer: ArrayBuffer;
  grow(pages: number): number;
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let compiled: object | undefined;

/** One instance of keywords.wat with a matcher's table in its memory. */
class WasmScanner {
  private u8!: Uint8Array;
  /** After {@link run}: the four automata's records (pairs: row address, end offset; automaton i's from i * CAP * 2). */
  records!: Int32Array;
  /** After {@link run}: how many records each automaton wrote. */
  counts!: Int32Array;

  private constructor(
    private readonly memory: WasmMemory,
    private readonly scan: (root: number, text: number, a: number, b: number, warm: number, out: number, cap: number, outRow: number, filters: number, len: number) => void,
    private readonly runs: (text: number, from: number, n: number, out: number, max: number) => number,
    /** Where the filter table is (see keywords.wat); 0 without leads. */
    private readonly filters: number,
    private readonly out: number,
    private readonly text: number,
    private readonly warm: number,
    /** Address of the first row of a state that ends a keyword. */
    private readonly outRow: number,
    /** Row -> the JavaScript automaton's state. */
    readonly stateOf: Int32Array,
  ) {
    this.views();
  }

  /** Views of the memory, made again when it grows (growing detaches the old ones). */
  private views(): void {
    const buffer = this.memory.buffer;
    this.u8 = new Uint8Array(buffer);
    this.counts = new Int32Array(buffer, 256, 4);
    this.records = new Int32Array(buffer, this.out, CAP * 4 * 2);
  }

  /** Where the loaded bytes start in memory. */
  private base = 0;

  /**
   * Copies the bytes to scan into memory (grown as needed), unless they are there already: a view of the
   * {@link input} area (a file read into it, or part of one, as after a byte-order mark) is scanned in place.
   */
  load(bytes: Uint8Array): void {
    if (bytes.buffer === this.memory.buffer && bytes.byteOffset >= this.text) {
      this.base = bytes.byteOffset;
      return;
    }
    if (bytes.length <= SIDE) {
      this.u8.set(bytes, this.text - SIDE);
      this.base = this.text - SIDE;
      return;
    }
    this.input(bytes.length).set(bytes);
    this.base = this.text;
  }

  /** The class table of {@link encodedRuns} now in memory. */
  private runClasses: Uint8Array | undefined;

  /** See {@link KeywordMatcher.encodedRuns}. */
  encodedRuns(bytes: Uint8Array, classes: Uint8Array): Int32Array {
    if (this.runClasses !== classes) {
      this.u8.set(classes.subarray(0, 256), 512);
      this.runClasses = classes;
    }
    this.load(bytes);
    const max = Math.floor((CAP * 4 * 8) / 12);
    let found = NO_RUNS;
    let from = 0;
    for (;;) {
      const count = this.runs(this.base, from, bytes.length, this.out, max);
      if (count > 0) {
        const more = new Int32Array(this.memory.buffer, this.out, count * 3);
        if (found.length === 0 && count < max) return more.slice();
        const all = new Int32Array(found.length + more.length);
        all.set(found);
        all.set(more, found.length);
        found = all;
      }
      if (count < max) return found;
      // Where the module stopped (at 272) when the records filled their area.
      from = new Int32Array(this.memory.buffer, 272, 1)[0]!;
    }
  }

  /**
   * Where the bytes to scan go, with room for `capacity` of them: reading a file straight into it saves copying
   * it in. Growing the memory keeps its bytes but detaches views taken before.
   */
  input(capacity: number): Uint8Array {
    const view = this.inputView;
    if (view !== undefined && view.length >= capacity && view.buffer === this.memory.buffer) return view;
    const need = this.text + capacity;
    if (need > this.u8.length) {
      this.memory.grow(Math.ceil((need - this.u8.length) / PAGE));
      this.views();
    }
    // One view kept from call to call (a file read makes one call): a Buffer, so a file read into it is a Buffer
    // too and the engine need not wrap it again.
    return (this.inputView = Buffer.from(this.memory.buffer, this.text, capacity));
  }

  /** The last view {@link input} gave (detached when the memory grows, which the `buffer` check sees). */
  private inputView: Buffer | undefined;

  /**
   * Scans loaded bytes [a, b) (at most {@link CHUNK} of them, so the records fit) and, with leads, drops the
   * records they rule out (`len`: how many bytes are loaded). One call into WebAssembly per chunk.
   */
  run(a: number, b: number, len: number): void {
    this.scan(TABLE, this.base, a, b, this.warm, this.out, CAP, this.outRow, this.filters, len);
  }

  /**
   * An instance of the module with a {@link WasmTable} in its memory, and the filter table of `filters` (see
   * keywords.wat): per row ending one keyword that has a lead, the address of its sets, its length and their count.
   */
  static fromTable(t: WasmTable, filters?: { rowKeyword: Int32Array; keywords: readonly string[]; leads: readonly (Uint32Array | undefined)[] }): WasmScanner {
    const states = t.stateOf.length;
    const at = TABLE + states * ROW;
    // The filter table, then the leads (each once, however many rows end its keyword).
    const entries = new Int32Array((states - t.firstOut) * 2);
    const words: number[] = [];
    if (filters) {
      const placed = new Map<number, number>();
      for (let row = t.firstOut; row < states; row++) {
        const k = filters.rowKeyword[row]!;
        const lead = k >= 0 ? filters.leads[k] : undefined;
        if (!lead || lead.length < 4) continue;
        let addr = placed.get(k);
        if (addr === undefined) {
          addr = at + entries.byteLength + words.length * 4;
          placed.set(k, addr);
          for (let i = 0; i < lead.length - (lead.length % 4); i++) words.push(lead[i]!);
        }
        entries[(row - t.firstOut) * 2] = addr;
        entries[(row - t.firstOut) * 2 + 1] = filters.keywords[k]!.length | ((lead.length >> 2) << 16);
      }
    }
    const out = at + entries.byteLength + words.length * 4;
    // A side area for short texts (SIDE), then the text.
    const text = out + CAP * 4 * 8 + SIDE;
    compiled ??= new wasmApi.Module(Buffer.from(KEYWORDS_WASM, 'base64'));
    const memory = new wasmApi.Memory({ initial: Math.ceil((text + Math.max(CHUNK, states * WASM_CLASSES * 2)) / PAGE) });
    const instance = new wasmApi.Instance(compiled, { env: { memory } });
    new Uint8Array(memory.buffer).set(t.classes);
    // The rows' 16-bit indices go where the text will, then become addresses in the table.
    const cells = states * WASM_CLASSES;
    new Uint16Array(memory.buffer, text, cells).set(t.rows);
    (instance.exports['expand'] as (dst: number, src: number, n: number, base: number) => void)(TABLE, text, cells, TABLE);
    new Int32Array(memory.buffer, at, entries.length).set(entries);
    new Uint32Array(memory.buffer, at + entries.byteLength, words.length).set(words);
    return new WasmScanner(memory, instance.exports['scan'] as WasmScanner['scan'], instance.exports['runs'] as WasmScanner['runs'], words.length ? at : 0, out, text, t.warm, TABLE + t.firstOut * ROW, t.stateOf);
  }
}

/**
 * The WebAssembly side of an automaton: `classes[byte]` (class * 4), and per row (64 classes each) the row each
 * class leads to. States ending no keyword come first (the root, which ends none, is row 0), so a row at or above
 * `firstOut` means a hit; `stateOf` maps rows to the JavaScript DFA's states. `warm` is the longest keyword - 1.
 */
interface WasmTable {
  classes: Uint8Array;
  rows: Uint16Array;
  firstOut: number;
  stateOf: Int32Array;
  warm: number;
}

/**
 * Builds the byte table from the JavaScript DFA (`next`: rows of 128 entries, state * 128 | output flag);
 * undefined when the keywords use more characters than the table has columns, or states than a row index holds.
 */
function tableOf(next: Int32Array, states: number, keywords: readonly string[], hasOut: readonly boolean[]): WasmTable | undefined {
  if (states > 0xffff) return undefined;
  // Byte classes: one per character used in a keyword (letters in both cases), 0 for the rest.
  const cls = new Uint8Array(256);
  const rep = [0];
  for (const kw of keywords) {
    for (const ch of kw.toLowerCase()) {
      const c = ch.charCodeAt(0);
      if (cls[c] || c >= 128) continue;
      if (rep.length === WASM_CLASSES) return undefined;
      cls[c] = rep.length;
      rep.push(c);
    }
  }
  for (let c = 65; c <= 90; c++) cls[c] = cls[c + 32]!;
  const classes = new Uint8Array(256);
  for (let c = 0; c < 256; c++) classes[c] = cls[c]! * 4;
  // Rows: states ending no keyword first (the root, which ends none, stays row 0), then the others.
  const stateOf = new Int32Array(states);
  const rowOf = new Int32Array(states);
  let rows = 0;
  for (const ending of [false, true]) {
    for (let s = 0; s < states; s++) {
      if (hasOut[s] !== ending) continue;
      stateOf[rows] = s;
      rowOf[s] = rows++;
    }
  }
  const table = new Uint16Array(states * WASM_CLASSES);
  for (let s = 0; s < states; s++) {
    for (let k = 1; k < rep.length; k++) {
      // Class 0 stands for a character in no keyword: every state goes back to the root (row 0) on it.
      table[rowOf[s]! * WASM_CLASSES + k] = rowOf[next[s * 128 + rep[k]!]! >> 7]!;
    }
  }
  const longest = keywords.reduce((m, k) => Math.max(m, k.length), 1);
  return { classes, rows: table, firstOut: hasOut.filter((o) => !o).length, stateOf, warm: longest - 1 };
}

/** What {@link WasmScanner.encodedRuns} gives for bytes without a run (most files): one empty array, not one a file. */
const NO_RUNS = new Int32Array(0);
