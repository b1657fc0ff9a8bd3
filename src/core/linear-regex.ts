import type * as Re2js from 're2js';
import { lazyPackage } from './lazy.js';

/** re2js, loaded when the first linear regex is made. */
const re2js = lazyPackage<typeof Re2js>('re2js');

/**
 * Regular expressions written by users (custom secret rules, allowlists, Semgrep-format `pattern-regex` and
 * `metavariable-regex`) and globs from configs, ignore files and the command line run here, on RE2JS (a port of
 * RE2: automata, no backtracking), so a pattern such as `(a+)+$` costs time linear in the text, never
 * exponential. Built-in patterns, which tests check, keep V8's faster engine.
 *
 * RE2JS was chosen over re2-wasm after measuring both on Node 20 (README, "Safety and limits"): re2-wasm copies
 * the whole subject into WebAssembly memory on every `exec`, so walking the matches of a large file is quadratic.
 */

/** Thrown for a pattern the linear engine cannot run: the message says what to change. */
export class UnsupportedPatternError extends SyntaxError {}

/** JS syntax RE2 has no linear-time equivalent for, with the message given. */
const UNSUPPORTED: [RegExp, string][] = [
  [/(?<!\\)(?:\\\\)*\(\?(?:[=!]|<!)/, 'lookahead and negative lookbehind are not supported (user patterns run in linear time)'],
  [/(?<!\\)(?:\\\\)*\\(?:[1-9]|k<)/, 'backreferences are not supported (user patterns run in linear time)'],
];

/** RE2's anchor for a match that starts where the search starts. */
const ANCHOR_START = 1;

/** RE2JS flags for JS regex flags; `g` and `y` are handled by {@link LinearRegExp} itself. */
function re2Flags(flags: string): number {
  const { RE2JS } = re2js();
  let f = RE2JS.LOOKBEHINDS;
  if (flags.includes('i')) f |= RE2JS.CASE_INSENSITIVE;
  if (flags.includes('m')) f |= RE2JS.MULTILINE;
  if (flags.includes('s')) f |= RE2JS.DOTALL;
  return f;
}

/** The RE2JS internals used to match at a position with submatches (the `Matcher` API resets per call). */
interface Re2Core {
  matchWithGroup(input: string, start: number, end: number, anchor: number, ngroup: number): [boolean, number[] | null];
  numberOfCapturingGroups(): number;
}

/**
 * A `RegExp` whose matching runs on RE2JS: `exec` (and so `test`, `String.prototype.match`, `matchAll`,
 * `replace`, which call it) is linear in the subject; `split` is refused. Global search walks on from `lastIndex`,
 * as a native one. A sticky search at `lastIndex` runs anchored on the subject from one character before it (V8
 * slices share the string, so nothing is copied), with a program that first consumes that character: the
 * pattern sees its left neighbour (`\b`), as natively. Sticky patterns with lookbehind are refused (they may
 * read further left).
 */
export class LinearRegExp extends RegExp {
  readonly #source: string;
  readonly #core: Re2Core;
  /** Sticky only: the pattern after one character of any kind, run anchored from the character before `lastIndex`. */
  readonly #afterOne: Re2Core | undefined;
  readonly #groups: number;
  readonly #names: [string, number][];
  /** `d` flag: matches carry `indices` (each group's start and end). */
  readonly #indices: boolean;

  constructor(pattern: string | RegExp, flags = '') {
    const source = typeof pattern === 'string' ? pattern : pattern.source;
    if (/[^dgimsuy]/.test(flags)) throw new UnsupportedPatternError(`unsupported regex flags: ${flags}`);
    // Checks JS syntax first, so a pattern is refused with the message a user expects for a typo.
    new RegExp(source, flags.includes('u') ? 'u' : '');
    for (const [re, why] of UNSUPPORTED) if (re.test(source)) throw new UnsupportedPatternError(why);
    const sticky = flags.includes('y');
    if (sticky && /(?<!\\)(?:\\\\)*\(\?<[=!]/.test(source)) throw new UnsupportedPatternError('a sticky pattern cannot use lookbehind');
    const { RE2JS } = re2js();
    let compiled: Re2js.RE2JS;
    let afterOne: Re2js.RE2JS | undefined;
    try {
      const translated = RE2JS.translateRegExp(source);
      compiled = RE2JS.compile(translated, re2Flags(flags));
      if (sticky) afterOne = RE2JS.compile(`(?s:.)(?:${translated})`, re2Flags(flags));
    } catch (e) {
      throw new UnsupportedPatternError(`not supported by the linear-time engine: ${(e as Error).message.replace(/^error parsing regexp: /, '')}`);
    }
    super('(?:)', flags.replace(/[^gimsy]/g, ''));
    this.#source = source;
    this.#core = compiled.re2Input as unknown as Re2Core;
    this.#afterOne = afterOne?.re2Input as unknown as Re2Core | undefined;
    this.#groups = this.#core.numberOfCapturingGroups();
    const named = (compiled.re2Input as unknown as { namedGroups: Record<string, number> }).namedGroups ?? {};
    this.#names = Object.entries(named);
    this.#indices = flags.includes('d');
  }

  override get source(): string {
    return this.#source;
  }

  override exec(s: string): RegExpExecArray | null {
    const walking = this.global || this.sticky;
    const from = walking ? this.lastIndex : 0;
    if (from > s.length) {
      this.lastIndex = 0;
      return null;
    }
    const pos = this.#match(s, from);
    if (!pos) {
      if (walking) this.lastIndex = 0;
      return null;
    }
    const parts: (string | undefined)[] = [];
    for (let g = 0; g <= this.#groups; g++) parts.push(pos[2 * g]! >= 0 ? s.slice(pos[2 * g], pos[2 * g + 1]) : undefined);
    const m = parts as unknown as RegExpExecArray;
    m.index = pos[0]!;
    m.input = s;
    let groups: Record<string, string | undefined> | undefined;
    if (this.#names.length) {
      groups = Object.create(null) as Record<string, string | undefined>;
      for (const [name, g] of this.#names) groups[name] = parts[g];
    }
    m.groups = groups as Record<string, string> | undefined;
    if (this.#indices) {
      const ind: ([number, number] | undefined)[] = [];
      for (let g = 0; g <= this.#groups; g++) ind.push(pos[2 * g]! >= 0 ? [pos[2 * g]!, pos[2 * g + 1]!] : undefined);
      (m as unknown as { indices: unknown }).indices = ind;
    }
    if (walking) this.lastIndex = pos[1]!;
    return m;
  }

  /** Submatch offsets of the match at or (unless sticky) after `from`, or null. */
  #match(s: string, from: number): number[] | null {
    const n = this.#groups + 1;
    if (!this.sticky) return this.#core.matchWithGroup(s, from, s.length, 0, n)[1];
    if (from === 0) return this.#core.matchWithGroup(s, 0, s.length, ANCHOR_START, n)[1];
    const rest = s.slice(from - 1);
    const pos = this.#afterOne!.matchWithGroup(rest, 0, rest.length, ANCHOR_START, n)[1];
    if (!pos) return null;
    const out = pos.map((p) => (p < 0 ? p : p + from - 1));
    out[0] = from;
    return out;
  }

  override [Symbol.split](): string[] {
    throw new UnsupportedPatternError('split is not supported on a user pattern');
  }

  override toString(): string {
    return `/${this.#source}/${this.flags}`;
  }
}

/**
 * A user's pattern on the linear-time engine; throws an `UnsupportedPatternError` (or a `SyntaxError` for
 * invalid syntax) whose message can be shown with the place the pattern came from.
 */
export function userRegExp(source: string, flags = ''): RegExp {
  return new LinearRegExp(source, flags);
}
