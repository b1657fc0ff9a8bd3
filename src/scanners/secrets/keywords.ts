/**
 * A small Aho-Corasick automaton over lower-cased ASCII keywords. It reads a string once, case-insensitively,
 * and reports every (keyword index, end offset) hit. Characters outside ASCII move the automaton to its root,
 * which is exact because keywords are ASCII.
 */
export class KeywordMatcher {
  /**
   * Full DFA: `next[row + char]` is the next state's row (state * 128), with bit 0 set when that state has
   * outputs; rows are multiples of 128, so the flag costs nothing to strip. Upper-case letters lead where their
   * lower-case forms do.
   */
  private readonly next: Int32Array;
  private readonly outStart: Int32Array; // state -> start in outList
  private readonly outList: Int32Array; // keyword indices, grouped by state
  readonly keywords: readonly string[];

  constructor(keywords: readonly string[]) {
    this.keywords = keywords;
    const gotoRows: number[][] = [new Array<number>(128).fill(-1)];
    const outputs: number[][] = [[]];
    keywords.forEach((raw, idx) => {
      const kw = raw.toLowerCase();
      let s = 0;
      for (let i = 0; i < kw.length; i++) {
        const c = kw.charCodeAt(i);
        if (c >= 128) throw new Error(`keyword ${JSON.stringify(raw)} is not ASCII`);
        let t = gotoRows[s]![c]!;
        if (t < 0) {
          t = gotoRows.length;
          gotoRows.push(new Array<number>(128).fill(-1));
          outputs.push([]);
          gotoRows[s]![c] = t;
        }
        s = t;
      }
      outputs[s]!.push(idx);
    });
    // Breadth-first failure links, folded into a full transition table.
    const n = gotoRows.length;
    const fail = new Int32Array(n);
    const next = new Int32Array(n * 128);
    const queue: number[] = [];
    for (let c = 0; c < 128; c++) {
      const t = gotoRows[0]![c]!;
      next[c] = t < 0 ? 0 : t;
      if (t > 0) {
        fail[t] = 0;
        queue.push(t);
      }
    }
    for (let qi = 0; qi < queue.length; qi++) {
      const s = queue[qi]!;
      outputs[s]!.push(...outputs[fail[s]!]!);
      for (let c = 0; c < 128; c++) {
        const t = gotoRows[s]![c]!;
        if (t < 0) next[s * 128 + c] = next[fail[s]! * 128 + c]!;
        else {
          fail[t] = next[fail[s]! * 128 + c]!;
          next[s * 128 + c] = t;
          queue.push(t);
        }
      }
    }
    const hasOut = outputs.map((o) => o.length > 0);
    // Upper-case columns repeat the lower-case ones, so matching needs no case folding per character.
    for (let s = 0; s < n; s++) for (let c = 65; c <= 90; c++) next[s * 128 + c] = next[s * 128 + c + 32]!;
    for (let i = 0; i < next.length; i++) {
      const t = next[i]!;
      next[i] = (t << 7) | (hasOut[t] ? 1 : 0);
    }
    this.next = next;
    const outStart = new Int32Array(n + 1);
    const flat: number[] = [];
    for (let s = 0; s < n; s++) {
      outStart[s] = flat.length;
      for (const k of new Set(outputs[s])) flat.push(k);
    }
    outStart[n] = flat.length;
    this.outStart = outStart;
    this.outList = Int32Array.from(flat);
  }

  /** Reused across calls by {@link collect}. */
  private buf = new Int32Array(4096);

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

  /** Calls `hit(keywordIndex, endOffset)` for every keyword occurrence (end is exclusive). */
  scan(text: string, hit: (keyword: number, end: number) => void): void {
    const { next, outStart, outList } = this;
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
        for (let k = outStart[s]!, b = outStart[s + 1]!; k < b; k++) hit(outList[k]!, i + 1);
      }
    }
  }
}
