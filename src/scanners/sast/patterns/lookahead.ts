import { LinearRegExp, userRegExp } from '../../../core/linear-regex.js';

/*
 * Lookaheads in Semgrep rules' regexes (PCRE), on the linear-time engine, which has none: the common forms are
 * rewritten to a regex without them plus checks on each match, so a rule that uses them still runs in linear time.
 *
 * - `(?!W)` / `(?=W)` not inside a repeated group (`^(?!test_)\w+`, `foo(?!bar)`): an empty group marks the place,
 *   and W must not match / must match there;
 * - the "tempered dot" `((?!W).)*` (or `+`, `*?`, `(?:...)`): the group becomes `(.*?)` and no place inside what it
 *   matched may start a match of W (`rel=["']((?!noopener).)*?["']`: a quoted value without `noopener`).
 *
 * A match that fails its checks is dropped and the search goes on from the next position. W itself must be a regex
 * the linear engine runs. Any other lookahead (inside other repetitions, nested) is refused as before.
 */

interface Check {
  /** The internal group whose position (or span, for a tempered dot) is checked. */
  group: number;
  negative: boolean;
  span: boolean;
  re: RegExp;
  /** The group was the user's own (kept in the matches returned). */
  user: boolean;
}

const HAS_LOOKAHEAD = /(?<!\\)(?:\\\\)*\(\?[=!]/;

/** True when a regex source has a lookahead this module may translate. */
export function hasLookahead(source: string): boolean {
  return HAS_LOOKAHEAD.test(source);
}

/**
 * Calls `visit` with each structural character of `src` from `from` up to `to` (exclusive): escapes and what stands
 * inside a character class are skipped. `visit` returning true stops the walk; the result is that index, or -1.
 */
function walkStructure(src: string, from: number, to: number, visit: (c: string, i: number) => boolean | void): number {
  let inClass = false;
  for (let i = from; i < to; i++) {
    const c = src[i]!;
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (visit(c, i)) return i;
  }
  return -1;
}

/** The end of the group that opens at `open` (the index after its `)`), skipping escapes and classes. */
function groupEnd(src: string, open: number): number {
  let depth = 0;
  const close = walkStructure(src, open, src.length, (c) => {
    if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return true;
    return false;
  });
  if (close >= 0) return close + 1;
  throw new Error('unbalanced parentheses');
}

/** Capturing groups that open before `at` (so the index of a group opening there is this + 1). */
function groupsBefore(src: string, at: number): number {
  let n = 0;
  walkStructure(src, 0, at, (c, i) => {
    if (c === '(' && (src[i + 1] !== '?' || /^\?P?<[A-Za-z_]/.test(src.slice(i + 1, i + 5)))) n++;
  });
  return n;
}

/** True when position `at` lies inside a group that a quantifier repeats. */
function insideRepetition(src: string, at: number): boolean {
  const stack: number[] = [];
  walkStructure(src, 0, at, (c, i) => {
    if (c === '(') stack.push(i);
    else if (c === ')') stack.pop();
  });
  return stack.some((open) => {
    const end = groupEnd(src, open);
    return /^[*+?{]/.test(src.slice(end));
  });
}

/** Translates one lookahead at a time, returning the rewritten source and its checks, or throws. */
function translate(source: string, flags: string): { src: string; checks: Check[] } {
  let src = source;
  const checks: Check[] = [];
  for (let guard = 0; guard < 16; guard++) {
    const m = HAS_LOOKAHEAD.exec(src);
    if (!m) return { src, checks };
    const at = m.index + m[0].length - 3;
    const end = groupEnd(src, at);
    const negative = src[at + 2] === '!';
    const inner = src.slice(at + 3, end - 1);
    if (HAS_LOOKAHEAD.test(inner)) throw new Error('nested lookaheads are not supported');
    const w = userRegExp(inner, flags.replace(/[gy]/g, '') + 'y');
    // the tempered dot: `((?!W).)*` or `(?:(?!W).)*`, any greedy or lazy `*`/`+`
    const before = src.slice(0, at);
    const open = /\((?:\?:)?$/.exec(before);
    if (negative && open && src[end] === '.' && src[end + 1] === ')') {
      const q = /^[*+]\??/.exec(src.slice(end + 2));
      if (q) {
        const start = at - open[0].length;
        const group = groupsBefore(src, start) + 1;
        src = `${src.slice(0, start)}(.${q[0][0]}?)${src.slice(end + 2 + q[0].length)}`;
        // a capturing `((?!W).)` stays a group of the user's (now holding the whole span), a `(?:...)` one is ours
        checks.push({ group, negative: true, span: true, re: w, user: open[0] === '(' });
        continue;
      }
    }
    if (insideRepetition(src, at)) throw new Error('a lookahead inside a repeated group is not supported');
    const group = groupsBefore(src, at) + 1;
    src = `${src.slice(0, at)}()${src.slice(end)}`;
    checks.push({ group, negative, span: false, re: w, user: false });
  }
  throw new Error('too many lookaheads');
}

/**
 * A regex with lookaheads in one of the forms above, running on the linear engine (global or sticky searches walk on
 * past a match that fails its checks). The groups it adds are removed from the matches it returns.
 */
export class LookaheadRegExp extends LinearRegExp {
  readonly #original: string;
  readonly #checks: Check[];
  readonly #added: Set<number>;

  constructor(pattern: string | RegExp, flags = '') {
    const original = typeof pattern === 'string' ? pattern : pattern.source;
    const { src, checks } = translate(original, flags);
    super(src, flags.includes('d') ? flags : flags + 'd');
    this.#original = original;
    this.#checks = checks;
    this.#added = new Set(checks.filter((c) => !c.user).map((c) => c.group));
  }

  override get source(): string {
    return this.#original;
  }

  #passes(m: RegExpExecArray, s: string, offsets: number[]): boolean {
    for (const c of this.#checks) {
      const at = offsets[c.group];
      if (at === undefined || at < 0) continue;
      if (c.span) {
        const text = m[c.group] ?? '';
        for (let i = at; i < at + text.length; i++) {
          c.re.lastIndex = i;
          if (c.re.test(s)) return false;
        }
      } else {
        c.re.lastIndex = at;
        const ok = c.re.test(s);
        if (ok === c.negative) return false;
      }
    }
    return true;
  }

  override exec(s: string): RegExpExecArray | null {
    for (;;) {
      const from = this.lastIndex;
      const m = super.exec(s);
      if (!m) return null;
      // where each group starts: the match text up to the group is not known from exec, so locate it from the end
      const offsets = groupOffsets(m);
      if (this.#passes(m, s, offsets)) return this.#strip(m);
      if (!(this.global || this.sticky)) return null;
      if (this.sticky) {
        this.lastIndex = 0;
        return null;
      }
      this.lastIndex = Math.max(m.index + 1, from + 1);
      if (this.lastIndex > s.length) {
        this.lastIndex = 0;
        return null;
      }
    }
  }

  #strip(m: RegExpExecArray): RegExpExecArray {
    const kept = [...m].filter((_, i) => !this.#added.has(i));
    const out = kept as unknown as RegExpExecArray;
    out.index = m.index;
    out.input = m.input;
    out.groups = m.groups;
    return out;
  }
}

/** Where each group of a match starts (-1 when it did not take part), from the engine's `d` indices. */
function groupOffsets(m: RegExpExecArray): number[] {
  const idx = (m as RegExpExecArray & { indices?: [number, number][] }).indices;
  if (idx) return idx.map((p) => (p ? p[0] : -1));
  return [];
}
