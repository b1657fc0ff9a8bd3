import { RE2JS } from 're2js';

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

/** RE2JS flags for JS regex flags; `g` and `y` are handled by {@link LinearRegExp} itself. */
function re2Flags(flags: string): number {
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
 * `replace`, which call it) is linear in the subject; `split` is refused. Global search walks on from `lastIndex`, as a
 * native one. The sticky flag is refused: RE2 anchors only at the start of the subject, so a sticky search
 * would need a rescan per position.
 */
export class LinearRegExp extends RegExp {
  readonly #source: string;
  readonly #core: Re2Core;
  readonly #groups: number;
  readonly #names: [string, number][];

  constructor(pattern: string | RegExp, flags = '') {
    const source = typeof pattern === 'string' ? pattern : pattern.source;
    if (flags.includes('y')) throw new UnsupportedPatternError('the sticky flag is not supported for user patterns');
    if (/[^dgimsu]/.test(flags)) throw new UnsupportedPatternError(`unsupported regex flags: ${flags}`);
    // Checks JS syntax first, so a pattern is refused with the message a user expects for a typo.
    new RegExp(source, flags.includes('u') ? 'u' : '');
    for (const [re, why] of UNSUPPORTED) if (re.test(source)) throw new UnsupportedPatternError(why);
    let compiled: RE2JS;
    try {
      compiled = RE2JS.compile(RE2JS.translateRegExp(source), re2Flags(flags));
    } catch (e) {
      throw new UnsupportedPatternError(`not supported by the linear-time engine: ${(e as Error).message.replace(/^error parsing regexp: /, '')}`);
    }
    super('(?:)', flags.replace(/[^gims]/g, ''));
    this.#source = source;
    this.#core = compiled.re2Input as unknown as Re2Core;
    this.#groups = this.#core.numberOfCapturingGroups();
    const named = (compiled.re2Input as unknown as { namedGroups: Record<string, number> }).namedGroups ?? {};
    this.#names = Object.entries(named);
  }

  override get source(): string {
    return this.#source;
  }

  override exec(s: string): RegExpExecArray | null {
    const walking = this.global;
    const from = walking ? this.lastIndex : 0;
    if (from > s.length) {
      this.lastIndex = 0;
      return null;
    }
    const [ok, pos] = this.#core.matchWithGroup(s, from, s.length, 0, this.#groups + 1);
    if (!ok || !pos) {
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
    if (walking) this.lastIndex = pos[1]!;
    return m;
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
