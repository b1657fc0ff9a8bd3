/**
 * What the secrets engine needs to know about a rule's regex to search only around keyword hits, exactly:
 * the longest text a match can span, how far its assertions look outside the match, and the literal prefixes
 * every match starts with. A small parser of JavaScript regex syntax; anything it does not understand makes the
 * answer conservative (unbounded length, no prefixes), never wrong.
 */
import { readFileSync } from 'node:fs';

/** The shape of a regex: see {@link regexShape}. */
export interface RegexShape {
  /** Most UTF-16 code units a match can span; `Infinity` when a quantifier is unbounded. */
  maxLength: number;
  /** Most code units an assertion (`\b`, `^`, `$`, lookaround) can read before the match start or past its end. */
  context: number;
  /**
   * Lower-cased literal texts one of which every match starts with (after zero-width assertions), or `null`
   * when some match may start otherwise.
   */
  prefixes: string[] | null;
  /**
   * What the first characters of every match are, for a check before the regex runs: `lead[i]` is a 128-bit set
   * (four 32-bit words, bit `c` of word `c >> 5`) of the ASCII characters position `i` of a match may hold.
   * Every match is at least `lead.length / 4` code units long; a character >= 0x80 may stand anywhere (the sets
   * say nothing of them). Empty when nothing is known (under `u`/`v`, where a position may be two code units).
   */
  lead: Uint32Array;
  /** A check of the characters after the lead, when the regex has one: see {@link Stop}. */
  stop: Stop | undefined;
}

/**
 * A character every match holds after a stretch of characters from a set it is not in, so the first character
 * outside the set is that one: `https?://[^@/...]*:[^@/...]+@host` holds `@` after characters that are never `/`,
 * and `https://example.com/` is ruled out at its `/` without running the regex. From offset `from` of where a
 * match would start, the characters are in `chars` (and any character from 0x80 to 0xff is when `high`) up to one
 * in `stop`, which comes within `bound` characters (it may be infinite); `stop` holds no character of `chars`, nor
 * any from 0x80 to 0xff. Characters beyond 0xff (in texts, never in bytes) are not described: a check meeting one
 * lets the place through.
 */
export interface Stop {
  from: number;
  bound: number;
  /** 128-bit sets, as in {@link RegexShape.lead}. */
  chars: Uint32Array;
  high: boolean;
  stop: Uint32Array;
}

/** Most prefixes tracked before giving up (alternations multiply). */
const MAX_PREFIXES = 64;

/** Leading positions of a match whose characters {@link RegexShape.lead} describes. */
export const LEAD = 24;

/** A set of ASCII characters: four 32-bit words. */
type Bits = readonly number[];
const ANY: Bits = [-1 >>> 0, -1 >>> 0, -1 >>> 0, -1 >>> 0];
const union = (a: Bits, b: Bits): Bits => [(a[0]! | b[0]!) >>> 0, (a[1]! | b[1]!) >>> 0, (a[2]! | b[2]!) >>> 0, (a[3]! | b[3]!) >>> 0];
const NONE: Bits = [0, 0, 0, 0];

/** Sets of the characters one atom matches, by its source and the regex flags (the same classes recur). */
const atomSets = new Map<string, Bits>();

/** The ASCII characters the atom `source` (a character, class or escape) matches under `flags`, found by trying each. */
function charsOf(source: string, flags: string): Bits {
  const key = `${flags}/${source}`;
  let bits = atomSets.get(key);
  if (!bits) {
    const re = new RegExp(`^(?:${source})$`, flags.replace(/[gymd]/g, ''));
    const w = [0, 0, 0, 0];
    for (let c = 0; c < 128; c++) if (re.test(String.fromCharCode(c))) w[c >> 5]! |= 1 << (c & 31);
    bits = w.map((x) => x >>> 0);
    atomSets.set(key, bits);
  }
  return bits;
}

/** Whether the atom `source` matches any character from 0x80 to 0xff (a byte >= 0x80 read as Latin-1). */
function highOf(source: string, flags: string): boolean {
  const key = `${flags}/${source}`;
  let h = atomHigh.get(key);
  if (h === undefined) {
    const re = new RegExp(`^(?:${source})$`, flags.replace(/[gymd]/g, ''));
    h = false;
    for (let c = 0x80; c < 0x100 && !h; c++) h = re.test(String.fromCharCode(c));
    atomHigh.set(key, h);
  }
  return h;
}
const atomHigh = new Map<string, boolean>();

/**
 * Positions of `a` then `b`: at each position, what `a` may hold there (when it is long enough) and what `b` may
 * hold when `a` ended before it, over every length `a` may have.
 */
function concatAt(a: Node, b: Node): Bits[] {
  const n = Math.min(LEAD, a.max + b.max);
  const at: Bits[] = [];
  for (let i = 0; i < n; i++) {
    let set = a.max > i ? a.at[i]! : NONE;
    for (let len = a.min; len <= Math.min(a.max, i); len++) {
      const j = i - len;
      if (j < b.max) set = union(set, b.at[j]!);
    }
    at.push(set);
  }
  return at;
}

function concat(a: Node, b: Node): Node {
  return { ...a, min: a.min + b.min, max: a.max + b.max, at: concatAt(a, b) };
}

/** Positions of alternatives: each position may hold what any alternative holds there. */
function alternativesAt(alts: readonly Node[]): Bits[] {
  const n = Math.min(LEAD, Math.max(...alts.map((a) => a.max)));
  const at: Bits[] = [];
  for (let i = 0; i < n; i++) {
    let set = NONE;
    for (const a of alts) if (a.max > i) set = union(set, a.at[i]!);
    at.push(set);
  }
  return at;
}

/** Positions of `x{lo,hi}`: enough copies of `x` (then of `x` or nothing) to fill the first {@link LEAD}. */
function repeatAt(x: Node, lo: number, hi: number): Bits[] {
  if (x.max === 0) return [];
  let r: Node = { ...ZERO, min: 0, max: 0, at: [] };
  for (let k = 0; k < Math.min(lo, LEAD + 1); k++) r = concat(r, x);
  const optional: Node = { ...x, min: 0, at: x.at };
  for (let k = 0; k < Math.min(hi - lo, LEAD + 1); k++) r = concat(r, optional);
  return r.at;
}

interface Node {
  /** Fewest code units a match spans. */
  min: number;
  /** Per leading position (up to {@link LEAD}, and below `max`), the ASCII characters it may hold. */
  at: Bits[];
  max: number;
  /** Literal alternatives this node always starts with; `whole` when each one is the node's entire text. */
  prefixes: string[] | null;
  whole: boolean;
  /** Zero-width (assertion): skipped when looking for prefixes. */
  zero: boolean;
  /** Every ASCII character the node may match anywhere, and whether it may match one >= 0x80 (Latin-1 or beyond). */
  chars: Bits;
  high: boolean;
  /** Whether its first character may be >= 0x80. */
  firstHigh: boolean;
  /** For a sequence of terms (an alternative), the terms. */
  terms?: Node[];
}

class Parser {
  private i = 0;
  /** Max lengths of capture groups, by number (1-based) and by name, for backreferences. */
  private readonly groups: number[] = [0];
  private readonly named = new Map<string, number>();
  context = 0;

  constructor(
    private readonly src: string,
    private readonly unicode: boolean,
    private readonly flags: string,
  ) {}

  /** One code point may be two code units under `u`. */
  private get unit(): number {
    return this.unicode ? 2 : 1;
  }

  parse(): Node {
    const n = this.disjunction();
    if (this.i < this.src.length) throw new Error(`unexpected ${this.src[this.i]} at ${this.i}`);
    return n;
  }

  private disjunction(): Node {
    const alts = [this.alternative()];
    while (this.src[this.i] === '|') {
      this.i++;
      alts.push(this.alternative());
    }
    if (alts.length === 1) return alts[0]!;
    let prefixes: string[] | null = [];
    for (const a of alts) {
      if (prefixes === null || a.prefixes === null) prefixes = null;
      else prefixes.push(...a.prefixes);
    }
    if (prefixes && prefixes.length > MAX_PREFIXES) prefixes = null;
    return {
      min: Math.min(...alts.map((a) => a.min)),
      at: alternativesAt(alts),
      max: Math.max(...alts.map((a) => a.max)),
      prefixes,
      whole: alts.every((a) => a.whole),
      zero: alts.every((a) => a.zero),
      chars: alts.reduce((u, a) => union(u, a.chars), NONE),
      high: alts.some((a) => a.high),
      firstHigh: alts.some((a) => a.firstHigh),
    };
  }

  private alternative(): Node {
    let max = 0;
    /** The terms so far, for positions. */
    let seq: Node = EMPTY;
    /** Prefixes so far; `open` while every term so far was literal, so later terms extend them. */
    let prefixes: string[] | null = [''];
    let open = true;
    let zero = true;
    const terms: Node[] = [];
    let chars = NONE;
    let high = false;
    let firstHigh = false;
    /** Whether every term so far may be empty (so the next one's first character may be the sequence's first). */
    let empty = true;
    while (this.i < this.src.length && this.src[this.i] !== '|' && this.src[this.i] !== ')') {
      const t = this.term();
      terms.push(t);
      chars = union(chars, t.chars);
      high ||= t.high;
      if (empty) firstHigh ||= t.firstHigh;
      if (t.min > 0) empty = false;
      max += t.max;
      seq = { ...seq, min: seq.min + t.min, max: seq.max + t.max, at: concatAt(seq, t) };
      if (!t.zero) zero = false;
      if (t.zero || !open) continue;
      if (t.prefixes === null) {
        open = false;
        if (prefixes!.some((p) => p === '')) prefixes = null;
        continue;
      }
      const next: string[] = [];
      for (const p of prefixes!) for (const q of t.prefixes) next.push(p + q);
      if (next.length > MAX_PREFIXES) {
        open = false;
        if (prefixes!.some((p) => p === '')) prefixes = null;
        continue;
      }
      prefixes = next;
      if (!t.whole) open = false;
    }
    if (prefixes && prefixes.some((p) => p === '')) prefixes = zero ? [''] : null;
    return { min: seq.min, at: seq.at, max, prefixes, whole: open && prefixes !== null, zero, chars, high, firstHigh, terms };
  }

  private term(): Node {
    const c = this.src[this.i]!;
    // Assertions.
    if (c === '^' || c === '$') {
      this.i++;
      this.context = Math.max(this.context, 1);
      return ZERO;
    }
    if (c === '\\' && (this.src[this.i + 1] === 'b' || this.src[this.i + 1] === 'B')) {
      this.i += 2;
      this.context = Math.max(this.context, this.unit);
      return ZERO;
    }
    if (c === '(' && this.src[this.i + 1] === '?' && this.lookaround()) {
      this.i += this.src[this.i + 2] === '<' ? 4 : 3;
      const outer = this.context;
      this.context = 0;
      const inner = this.disjunction();
      this.expect(')');
      // It reads up to its own length from a point inside the match, plus what its own assertions read.
      this.context = Math.max(outer, inner.max + this.context, 1);
      // Annex B allows a quantifier on a lookahead; it stays zero-width.
      this.quantifier();
      return ZERO;
    }
    const atom = this.atom();
    const q = this.quantifier();
    if (!q) return atom;
    const [lo, hi] = q;
    const max = atom.max === 0 ? 0 : hi === Infinity ? Infinity : atom.max * hi;
    const min = atom.min * lo;
    const at = repeatAt(atom, lo, hi);
    const kind = { zero: atom.zero, chars: atom.chars, high: atom.high, firstHigh: atom.firstHigh };
    if (lo === 0 || atom.prefixes === null) return { min, at, max, prefixes: null, whole: false, ...kind };
    // `x{n,m}` with n >= 1 starts with n copies of x when x is literal throughout (`A{4}` starts `aaaa`), else
    // with x's own prefixes; it is whole only when it cannot repeat further.
    if (atom.whole && atom.prefixes.length === 1 && lo <= 32) {
      return { min, at, max, prefixes: [atom.prefixes[0]!.repeat(lo)], whole: lo === hi, ...kind };
    }
    return { min, at, max, prefixes: atom.prefixes, whole: false, ...kind };
  }

  /** One atom; a character, class or escape also gets the characters it matches (tried with the regex's flags). */
  private atom(): Node {
    const start = this.i;
    const node = this.atomOf();
    if (node.min !== -1) return node;
    if (node.max !== 1) return { ...node, min: node.max, at: new Array<Bits>(Math.min(node.max, LEAD)).fill(ANY), chars: ANY, high: true, firstHigh: true };
    const source = this.src.slice(start, this.i);
    const chars = charsOf(source, this.flags);
    const high = highOf(source, this.flags);
    return { ...node, min: 1, at: [chars], chars, high, firstHigh: high };
  }

  /** {@link atom}, with `min` -1 where the caller is to fill in `min` and `at`. */
  private atomOf(): Node {
    const c = this.src[this.i]!;
    if (c === '(') {
      this.i++;
      let capture = true;
      let name: string | undefined;
      if (this.src[this.i] === '?') {
        if (this.src[this.i + 1] === ':') {
          capture = false;
          this.i += 2;
        } else if (this.src[this.i + 1] === '<') {
          const end = this.src.indexOf('>', this.i);
          if (end < 0) throw new Error('unterminated group name');
          name = this.src.slice(this.i + 2, end);
          this.i = end + 1;
        } else throw new Error(`unsupported group at ${this.i}`);
      }
      const index = capture ? this.groups.length : 0;
      if (capture) this.groups.push(Infinity);
      const inner = this.disjunction();
      this.expect(')');
      if (capture) this.groups[index] = inner.max;
      if (name !== undefined) this.named.set(name, inner.max);
      return { ...inner, zero: inner.zero, terms: undefined };
    }
    if (c === '[') return this.charClass();
    if (c === '.') {
      this.i++;
      return { ...OPEN, max: this.unit, prefixes: null, whole: false, zero: false };
    }
    if (c === '\\') return this.escape();
    if (c === ')' || c === '|') throw new Error(`unexpected ${c} at ${this.i}`);
    if (c === '*' || c === '+' || c === '?' || (c === '{' && this.braces() !== null)) {
      throw new Error(`nothing to repeat at ${this.i}`);
    }
    // A literal character (a surrogate pair counts as one).
    const cp = this.src.codePointAt(this.i)!;
    const ch = String.fromCodePoint(cp);
    this.i += ch.length;
    return literal(ch);
  }

  private escape(): Node {
    const e = this.src[this.i + 1];
    if (e === undefined) throw new Error('trailing backslash');
    this.i += 2;
    if (e === 'k' && this.src[this.i] === '<') {
      const end = this.src.indexOf('>', this.i);
      const name = this.src.slice(this.i + 1, end);
      this.i = end + 1;
      return backreference(this.named.get(name) ?? Infinity);
    }
    if (e >= '1' && e <= '9') {
      let digits = e;
      while (this.i < this.src.length && this.src[this.i]! >= '0' && this.src[this.i]! <= '9') digits += this.src[this.i++];
      return backreference(this.groups[Number(digits)] ?? Infinity);
    }
    if ('dDwWsS'.includes(e)) return { ...OPEN, max: 1, prefixes: null, whole: false, zero: false };
    if ((e === 'p' || e === 'P') && this.src[this.i] === '{') {
      this.i = this.src.indexOf('}', this.i) + 1;
      return { ...OPEN, max: this.unit, prefixes: null, whole: false, zero: false };
    }
    const ch = this.escapedChar(e);
    return literal(ch);
  }

  /** The character an escape (after its backslash and letter, already consumed) stands for. */
  private escapedChar(e: string): string {
    const hex = (n: number) => {
      const h = this.src.slice(this.i, this.i + n);
      this.i += n;
      return String.fromCharCode(parseInt(h, 16));
    };
    switch (e) {
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case 'f':
        return '\f';
      case 'v':
        return '\v';
      case '0':
        return '\0';
      case 'x':
        return hex(2);
      case 'u':
        if (this.src[this.i] === '{') {
          const end = this.src.indexOf('}', this.i);
          const cp = parseInt(this.src.slice(this.i + 1, end), 16);
          this.i = end + 1;
          return String.fromCodePoint(cp);
        }
        return hex(4);
      case 'c':
        return String.fromCharCode(this.src.charCodeAt(this.i++) % 32);
      default:
        return e;
    }
  }

  /** A `[...]` class: one character; a literal prefix when it only holds one letter in its two cases (or one char). */
  private charClass(): Node {
    this.i++;
    const negated = this.src[this.i] === '^';
    if (negated) this.i++;
    const members: string[] = [];
    let simple = !negated;
    while (this.i < this.src.length && this.src[this.i] !== ']') {
      const c = this.src[this.i]!;
      if (c === '\\') {
        const e = this.src[this.i + 1]!;
        this.i += 2;
        if ('dDwWsSpP'.includes(e)) {
          simple = false;
          if ((e === 'p' || e === 'P') && this.src[this.i] === '{') this.i = this.src.indexOf('}', this.i) + 1;
          continue;
        }
        members.push(e === 'b' ? '\b' : this.escapedChar(e));
      } else if (c === '-' && members.length && this.src[this.i + 1] !== ']') {
        simple = false;
        this.i++;
      } else {
        members.push(c);
        this.i++;
      }
    }
    this.expect(']');
    const lower = new Set(members.map((m) => m.toLowerCase()));
    if (simple && lower.size === 1) {
      // `[aA]` or `[a]`: a case-insensitive literal. `[a]` alone under no `i` flag is still a literal `a`.
      const [only] = lower;
      const bothCases = members.length === 1 || members.every((m) => m.toLowerCase() === only);
      if (bothCases) return literal(only!);
    }
    return { ...OPEN, max: this.unit, prefixes: null, whole: false, zero: false };
  }

  /** Reads a quantifier if one follows: `[min, max]`. */
  private quantifier(): [number, number] | null {
    const c = this.src[this.i];
    let q: [number, number] | null = null;
    if (c === '*') q = [0, Infinity];
    else if (c === '+') q = [1, Infinity];
    else if (c === '?') q = [0, 1];
    if (q) this.i++;
    else if (c === '{') {
      const m = this.braces();
      if (!m) return null;
      this.i += m[0].length;
      const lo = Number(m[1]);
      q = [lo, m[2] === undefined ? lo : m[3] === '' ? Infinity : Number(m[3])];
    }
    if (q && this.src[this.i] === '?') this.i++;
    return q;
  }

  /** A lookaround opens here (`(?=`, `(?!`, `(?<=`, `(?<!`), after `(?`. */
  private lookaround(): boolean {
    const d = this.src[this.i + 2];
    return d === '=' || d === '!' || (d === '<' && (this.src[this.i + 3] === '=' || this.src[this.i + 3] === '!'));
  }

  /** A `{n}`, `{n,}` or `{n,m}` quantifier at the current position, read without moving. */
  private braces(): RegExpExecArray | null {
    BRACES.lastIndex = this.i;
    return BRACES.exec(this.src);
  }

  private expect(ch: string): void {
    if (this.src[this.i] !== ch) throw new Error(`expected ${ch} at ${this.i}`);
    this.i++;
  }
}

const BRACES = /\{(\d+)(,(\d*))?\}/y;

const ZERO: Node = { min: 0, at: [], max: 0, prefixes: [''], whole: true, zero: true, chars: NONE, high: false, firstHigh: false };
/** Nothing yet: what a sequence of terms starts from. */
const EMPTY: Node = ZERO;
/** `min`, `at` and the characters left for {@link Parser.atom} to fill in. */
const OPEN = { min: -1, at: [] as Bits[], chars: ANY, high: true, firstHigh: true };

function literal(ch: string): Node {
  return { ...OPEN, max: ch.length, prefixes: [ch.toLowerCase()], whole: true, zero: false };
}

/** `\1` or `\k<name>`: as long as its group was, possibly empty, any characters. */
function backreference(max: number): Node {
  return { min: 0, at: new Array<Bits>(Math.min(max, LEAD)).fill(ANY), max, prefixes: null, whole: false, zero: false, chars: ANY, high: true, firstHigh: true };
}

/** The positions every match has ({@link RegexShape.lead}), up to the last that rules anything out. */
function leadOf(root: Node): Uint32Array {
  const sets = root.at.slice(0, Math.min(root.min, LEAD));
  while (sets.length && sets[sets.length - 1]!.every((w, i) => w === ANY[i])) sets.pop();
  return Uint32Array.from(sets.flat());
}

const disjoint = (a: Bits, b: Bits): boolean => a.every((w, i) => (w & b[i]!) === 0);
/**
 * Characters that end tokens in code and URLs, the commonest (white space, `/`, quotes) first; worked out when first
 * needed (charsOf keeps them), as a run with the bundle's precomputed shapes never needs them.
 */
const delimiters = (): Bits => charsOf('[\\s/"\'`]', '');
const punctuation = (): Bits => charsOf('[(),;<>{}\\[\\]=:@]', '');
const popcount = (a: Bits): number => a.reduce((n, w) => n + w.toString(2).replace(/0/g, '').length, 0);
const weight = (a: Bits): number => {
  const d = delimiters();
  const p = punctuation();
  return popcount(a) + 31 * popcount(a.map((w, i) => w & d[i]!)) + 7 * popcount(a.map((w, i) => w & p[i]!));
};

/**
 * The best {@link Stop} of a top-level sequence of terms, if it has one: for a term `j` that every match holds
 * and whose first character set excludes the characters of the terms `k..j-1` before it, the first character
 * after them outside that set is the term's first. The terms `0..k-1` before the stretch span `posMin..posMax`
 * characters, so the stretch starts somewhere in there: the check starts at `posMax` when the stretch is surely
 * not over by then (it holds at least `posMax - posMin` characters), else at `posMin` with the characters the
 * terms before it may put from there on (those from the first of variable length) added to the set. Of the
 * checks that reach past the lead's positions (`leadLength`), the one whose set lets through the least text.
 */
function stopOf(terms: readonly Node[], leadLength: number): Stop | undefined {
  let best: Stop | undefined;
  let bestSize = Infinity;
  const consider = (from: number, bound: number, chars: Bits, high: boolean, stop: Bits, late: boolean) => {
    // One the lead sets already check (the stop character within their positions) adds nothing.
    if (!disjoint(chars, stop) || from + bound < leadLength) return;
    // The set that lets through the least text first: fewest characters, those that end tokens in code and URLs
    // (space, `/`, quotes, brackets...) counting more, as what rules most places out; a check that starts early
    // (with the characters of the terms before the stretch, such as the `/` of `https://`) only when no other.
    const size = weight(chars) + (high ? 128 : 0) + (late ? 0 : 4096);
    if (size < bestSize || (size === bestSize && best && bound < best.bound)) {
      bestSize = size;
      best = { from, bound, chars: Uint32Array.from(chars), high, stop: Uint32Array.from(stop) };
    }
  };
  // Per k, what the terms 0..k-1 span, and the characters of those from the first of variable length on.
  const prefix = [{ min: 0, max: 0, chars: NONE, high: false, variable: false }];
  for (const b of terms) {
    const p = prefix[prefix.length - 1]!;
    const variable = p.variable || b.min !== b.max;
    prefix.push({
      min: p.min + b.min,
      max: p.max + b.max,
      chars: variable ? union(p.chars, b.chars) : p.chars,
      high: p.high || (variable && b.high),
      variable,
    });
  }
  for (let j = 1; j < terms.length; j++) {
    const t = terms[j]!;
    if (t.zero || t.min < 1 || t.firstHigh || t.at.length === 0) continue;
    const stop = t.at[0]!;
    let chars = NONE;
    let high = false;
    let least = 0;
    let most = 0;
    for (let k = j - 1; k >= 0; k--) {
      const m = terms[k]!;
      chars = union(chars, m.chars);
      high ||= m.high;
      least += m.min;
      most += m.max;
      if (!disjoint(chars, stop)) break;
      const p = prefix[k]!;
      if (p.max <= p.min + least) consider(p.max, most, chars, high, stop, true);
      else consider(p.min, p.max - p.min + most, union(chars, p.chars), high || p.high, stop, false);
    }
  }
  return best;
}

/**
 * The shape of `source` compiled with `flags`. Never throws: a regex it cannot read gets the conservative shape
 * (`maxLength` and `context` infinite, no prefixes).
 */
export function regexShape(source: string, flags = ''): RegexShape {
  try {
    const unicode = flags.includes('u') || flags.includes('v');
    const p = new Parser(source, unicode, flags);
    const root = p.parse();
    const prefixes = root.prefixes && root.prefixes.every((x) => x.length > 0) ? [...new Set(root.prefixes)] : null;
    return {
      maxLength: root.max,
      context: p.context,
      prefixes,
      lead: unicode ? new Uint32Array(0) : leadOf(root),
      stop: unicode || !root.terms ? undefined : stopOf(root.terms, Math.min(root.min, LEAD)),
    };
  } catch {
    return { maxLength: Infinity, context: Infinity, prefixes: null, lead: new Uint32Array(0), stop: undefined };
  }
}

/**
 * The regex source for texts that hold bytes one per character (Latin-1 views of UTF-8): `\s` becomes ASCII white
 * space, because in such a view the byte 0xA0 (inside `à`, `Р`, many CJK characters) would read as a no-break
 * space and cut a token in two where the text has none. Classes holding `\S` as well are left alone (`[\s\S]` is
 * any character either way).
 */
export function asciiSpaces(source: string): string {
  let out = '';
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\') {
      const e = source[i + 1] ?? '';
      out += e === 's' ? '[\\t-\\r ]' : e === 'S' ? '[^\\t-\\r ]' : c + e;
      i++;
    } else if (c === '[') {
      // The class runs to the first unescaped `]` (a `]` right after `[` or `[^` closes it too, as in JavaScript).
      let j = i + 1;
      while (j < source.length && source[j] !== ']') j += source[j] === '\\' ? 2 : 1;
      const body = source.slice(i + 1, j);
      out += '[' + (/\\S/.test(body.replace(/\\\\/g, '')) ? body : body.replace(/\\(.)/gs, (m, e: string) => (e === 's' ? '\\t-\\r ' : m))) + ']';
      i = j;
    } else out += c;
  }
  return out;
}

/** A regex's shape and byte-view source, as plain JSON (`Infinity` as null, `bytes` only when it differs). */
export interface KnownShape {
  maxLength: number | null;
  context: number | null;
  prefixes: string[] | null;
  bytes?: string;
  /** {@link RegexShape.lead}'s words in base64, little-endian (absent when empty). */
  lead?: string;
  /** {@link RegexShape.stop}, its sets as `lead` is (absent when there is none). */
  stop?: { from: number; bound: number | null; chars: string; high: boolean; stop: string };
}

/**
 * Shapes of the built-in rules' regexes, keyed `flags/source`, computed when the CLI is bundled
 * (scripts/bundle.mjs) so a run does not parse 363 regexes on start-up in every thread; absent when running the
 * sources or dist/ (then {@link shapeOf} computes them). A JSON file beside the bundle's chunks (this names it),
 * read when first needed: as a string literal in a chunk (0.6 MB) the parser read it on every load of the chunk.
 */
declare const PIPEGUARD_REGEX_SHAPES_FILE: string | undefined;
let known: Record<string, KnownShape> | null | undefined;

function knownTable(): Record<string, KnownShape> | null {
  if (typeof PIPEGUARD_REGEX_SHAPES_FILE !== 'string') return null;
  try {
    return JSON.parse(readFileSync(new URL(PIPEGUARD_REGEX_SHAPES_FILE, import.meta.url), 'utf8')) as Record<string, KnownShape>;
  } catch {
    return null;
  }
}

/** {@link regexShape} and {@link asciiSpaces} of a regex: from the bundle's table when it has them. */
export function shapeOf(source: string, flags = ''): RegexShape & { bytes: string } {
  if (known === undefined) known = knownTable();
  const k = known?.[`${flags}/${source}`];
  if (k) return fromKnown(k, source);
  return { ...regexShape(source, flags), bytes: asciiSpaces(source) };
}

function leadBase64(lead: Uint32Array): string {
  const b = Buffer.alloc(lead.length * 4);
  lead.forEach((w, i) => b.writeUInt32LE(w, i * 4));
  return b.toString('base64');
}

const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** A table entry back to a shape (exported for tests). */
export function fromKnown(k: KnownShape, source: string): RegexShape & { bytes: string } {
  const lead = k.lead ? words(k.lead) : new Uint32Array(0);
  const st = k.stop;
  const stop = st ? { from: st.from, bound: st.bound ?? Infinity, chars: words(st.chars), high: st.high, stop: words(st.stop) } : undefined;
  return { maxLength: k.maxLength ?? Infinity, context: k.context ?? Infinity, prefixes: k.prefixes, lead, stop, bytes: k.bytes ?? source };
}

/** Little-endian 32-bit words from base64: a copy of the bytes on little-endian processors (nearly all). */
function words(base64: string): Uint32Array {
  const b = Buffer.from(base64, 'base64');
  return LITTLE_ENDIAN ? new Uint32Array(b.buffer.slice(b.byteOffset, b.byteOffset + (b.byteLength & ~3))) : Uint32Array.from({ length: b.byteLength >> 2 }, (_, i) => b.readUInt32LE(i * 4));
}

/** The table {@link shapeOf} reads, for the given regexes (built by scripts/bundle.mjs). */
export function knownShapes(regexes: readonly { regex: string; flags?: string | undefined }[]): Record<string, KnownShape> {
  const out: Record<string, KnownShape> = {};
  for (const { regex, flags = '' } of regexes) {
    const s = regexShape(regex, flags);
    const bytes = asciiSpaces(regex);
    out[`${flags}/${regex}`] = {
      maxLength: Number.isFinite(s.maxLength) ? s.maxLength : null,
      context: Number.isFinite(s.context) ? s.context : null,
      prefixes: s.prefixes,
      ...(bytes !== regex ? { bytes } : {}),
      ...(s.lead.length ? { lead: leadBase64(s.lead) } : {}),
      ...(s.stop ? { stop: { from: s.stop.from, bound: Number.isFinite(s.stop.bound) ? s.stop.bound : null, chars: leadBase64(s.stop.chars), high: s.stop.high, stop: leadBase64(s.stop.stop) } } : {}),
    };
  }
  return out;
}
