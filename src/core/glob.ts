import type * as Re2js from 're2js';
import { lazyPackage } from './lazy.js';

/** re2js, loaded when the first glob is compiled. */
const re2js = lazyPackage<typeof Re2js>('re2js');

/**
 * Globs (excludes, allowlist paths, suppression paths, CODEOWNERS lines, rule `paths`) matched in time linear in
 * the path: each glob is translated to an RE2 expression and run on RE2JS, so `**\/*a*a*a*a*a*a*a*b` against a
 * long name costs what any other glob does (a backtracking engine, as picomatch's generated regexes use, takes
 * minutes). The dialect is picomatch's with `dot: true`: `*` and `?` stop at `/`, `**` as a whole segment crosses
 * folders (and `a/**` matches `a` too), `[...]`/`[!...]` classes, `{a,b}` alternatives (nested), `{1..3}` numeric
 * ranges, extglobs `@(a|b)`, `?(a)`, `+(a)`, `*(a)`, a leading `!` negates, `\` escapes. `!(a)` (which needs
 * lookahead) is refused with an `InvalidGlobError`.
 */

/** A glob the matcher cannot run; the message says why. */
export class InvalidGlobError extends Error {}

/** How globs are matched. */
export interface GlobOptions {
  /** Globs without a `/` match the last segment of the path (picomatch's `basename`). */
  basename?: boolean;
  /** Case-insensitive. */
  nocase?: boolean;
}

const SPECIAL = /[\\^$.|?*+()[\]{}]/g;

/** `s` as an RE2 literal. */
function lit(s: string): string {
  return s.replace(SPECIAL, '\\$&');
}

/** Most alternatives a numeric brace range expands to. */
const MAX_RANGE = 1000;

/**
 * The RE2 expression of a glob (no anchors). `i` walks `g`; `stop` is the set of characters ending the current
 * nested part (`,}` inside braces, `|)` inside an extglob).
 */
function translate(g: string): string {
  let i = 0;
  const part = (stop: string): string => {
    let out = '';
    while (i < g.length && !stop.includes(g[i]!)) {
      const c = g[i]!;
      const atSegmentStart = i === 0 || g[i - 1] === '/';
      if (c === '\\') {
        out += lit(g[i + 1] ?? '\\');
        i += 2;
      } else if (c === '*' && g[i + 1] === '*' && atSegmentStart && (i + 2 === g.length || g[i + 2] === '/' || stop.includes(g[i + 2]!))) {
        // `**` as a whole segment: any number of folders.
        i += 2;
        if (g[i] === '/') {
          i++;
          out += '(?:[^/]*(?:/|$))*';
        } else if (out.endsWith('/')) {
          out = out.slice(0, -1) + '(?:/.*)?';
        } else {
          out += '.*';
        }
      } else if ('@?+*'.includes(c) && g[i + 1] === '(') {
        i += 2;
        const alts = [part('|)')];
        while (g[i] === '|') {
          i++;
          alts.push(part('|)'));
        }
        if (g[i] !== ')') throw new InvalidGlobError(`unclosed ${c}( in glob`);
        i++;
        const group = `(?:${alts.join('|')})`;
        out += c === '@' ? group : c === '?' ? `${group}?` : c === '+' ? `${group}+` : `${group}*`;
      } else if (c === '!' && g[i + 1] === '(') {
        throw new InvalidGlobError('!(...) extglobs are not supported (globs are matched in linear time)');
      } else if (c === '*') {
        while (g[i] === '*') i++;
        out += '[^/]*';
      } else if (c === '?') {
        i++;
        out += '[^/]';
      } else if (c === '[') {
        const end = classEnd(g, i);
        if (end < 0) {
          out += '\\[';
          i++;
          continue;
        }
        let body = g.slice(i + 1, end);
        const negated = body.startsWith('!') || body.startsWith('^');
        if (negated) body = body.slice(1);
        body = classBody(body);
        out += negated ? `[^/${body}]` : `[${body}]`;
        i = end + 1;
      } else if (c === '{') {
        const range = /^\{(-?\d+)\.\.(-?\d+)\}/.exec(g.slice(i));
        if (range) {
          const [a, b] = [Number(range[1]), Number(range[2])];
          if (Math.abs(b - a) > MAX_RANGE) throw new InvalidGlobError(`brace range {${a}..${b}} has more than ${MAX_RANGE} values`);
          const values: number[] = [];
          for (let v = a; a <= b ? v <= b : v >= b; v += a <= b ? 1 : -1) values.push(v);
          out += `(?:${values.join('|')})`;
          i += range[0].length;
          continue;
        }
        const start = i;
        i++;
        const alts = [part(',}')];
        while (g[i] === ',') {
          i++;
          alts.push(part(',}'));
        }
        if (g[i] !== '}' || alts.length < 2) {
          // Not a brace expansion (`{a}` or unclosed): the brace is literal, as in bash.
          i = start + 1;
          out += '\\{';
          continue;
        }
        i++;
        out += `(?:${alts.join('|')})`;
      } else {
        out += lit(c);
        i++;
      }
    }
    return out;
  };
  const re = part('');
  return re;
}

/** The index of the `]` closing the class opening at `open`, or -1. */
function classEnd(g: string, open: number): number {
  let j = open + 1;
  if (g[j] === '!' || g[j] === '^') j++;
  if (g[j] === ']') j++;
  for (; j < g.length; j++) {
    if (g[j] === '\\') j++;
    else if (g[j] === '[' && g[j + 1] === ':') {
      const close = g.indexOf(':]', j + 2);
      if (close > 0) j = close + 1;
    } else if (g[j] === ']') return j;
    else if (g[j] === '/') return -1;
  }
  return -1;
}

/** The inside of a glob class as RE2 class text: POSIX names (`[:digit:]`) kept, brackets escaped. */
function classBody(body: string): string {
  let out = '';
  for (let j = 0; j < body.length; j++) {
    const posix = /^\[:(\w+):\]/.exec(body.slice(j));
    if (posix) {
      out += posix[0];
      j += posix[0].length - 1;
    } else if (body[j] === '\\') {
      out += lit(body[j + 1] ?? '\\');
      j++;
    } else if (body[j] === '[' || body[j] === ']') {
      out += '\\' + body[j];
    } else out += body[j];
  }
  return out;
}

/** Strips what picomatch ignores in a glob: a leading `./`. */
function normalise(glob: string): string {
  return glob.startsWith('./') ? glob.slice(2) : glob;
}

/**
 * Compiled alternations by source (a pure cache, emptied when it grows past 256): each scanner's walk of a tree
 * and each run's policies ask for the same few sets, and compiling one costs a millisecond or more (the first,
 * with the RE2 engine not yet optimised, ten times that).
 */
const compiledSets = new Map<string, (s: string) => boolean>();

/** One compiled alternation of globs, run on a path. */
function compileSet(globs: string[], nocase: boolean): ((s: string) => boolean) | null {
  if (globs.length === 0) return null;
  const src = `^(?:${globs.map((g) => translate(g)).join('|')})$`;
  const key = `${nocase ? 'i' : ''}:${src}`;
  let m = compiledSets.get(key);
  if (!m) {
    if (compiledSets.size >= 256) compiledSets.clear();
    // A set of plain globs (text, `*`, `?`, `/`; not huge) always compiles: it is compiled when a path first gets past the
    // screen (an empty folder, or a tree without node_modules, never loads RE2 for `**\/node_modules/**`). Any
    // other set is compiled now, so that a glob RE2 refuses is an error where it is given.
    if (globs.every((g) => isPlain(g) && g.length <= 500)) {
      let compiled: ((s: string) => boolean) | undefined;
      m = prefiltered(globs, nocase, (path) => (compiled ??= compileSource(src, nocase))(path));
    } else m = prefiltered(globs, nocase, compileSource(src, nocase));
    compiledSets.set(key, m);
  }
  return m;
}

/** A glob of text, `*`, `?` and `/` only: no classes, braces, extglobs or escapes. */
function isPlain(glob: string): boolean {
  return !/[{}()[\]\\]/.test(glob);
}

/**
 * A piece of text every path matching `glob` contains: its longest run of plain characters between wildcards and
 * `/` (a `/` is not always needed: `a/**` matches `a`). None for globs with braces, classes, extglobs or escapes,
 * whose plain-looking text may be optional or an alternative.
 */
export function requiredText(glob: string): string | undefined {
  if (!isPlain(glob)) return undefined;
  let best = '';
  for (const piece of normalise(glob).split(/[*?/]+/)) if (piece.length > best.length) best = piece;
  return best || undefined;
}

/**
 * `match` behind two exact shortcuts, as RE2JS costs microseconds a call (a scan asks once per listed path, the
 * gate once per finding and suppression): a path holding none of the globs' required texts cannot match, and the
 * answer for the path asked last is kept (findings come sorted by path). Case-insensitive sets have no text
 * screen (RE2's case folding is not `toLowerCase`: `ſ` matches `s`).
 */
function prefiltered(globs: string[], nocase: boolean, match: (s: string) => boolean): (s: string) => boolean {
  const texts = nocase ? [] : globs.map(requiredText);
  const screen = texts.length > 0 && texts.every((t) => t !== undefined) ? [...new Set(texts as string[])] : undefined;
  let last: string | undefined;
  let answer = false;
  return (s) => {
    if (s === last) return answer;
    const r = screen !== undefined && !screen.some((t) => s.includes(t)) ? false : match(s);
    last = s;
    answer = r;
    return r;
  };
}

function compileSource(src: string, nocase: boolean): (s: string) => boolean {
  const { RE2JS } = re2js();
  let re: Re2js.RE2JS;
  try {
    re = RE2JS.compile(src, (nocase ? RE2JS.CASE_INSENSITIVE : 0) | RE2JS.DOTALL);
  } catch (e) {
    throw new InvalidGlobError(`invalid glob: ${(e as Error).message.replace(/^error parsing regexp: /, '')}`);
  }
  return (s) => re.matches(s);
}

/**
 * A matcher that is true when the path matches any of the globs (a glob starting with `!` matches the paths the
 * rest does not match). Throws an `InvalidGlobError` for a glob it cannot run.
 */
export function globMatcher(globs: string | readonly string[], opts: GlobOptions = {}): (path: string) => boolean {
  const list = (typeof globs === 'string' ? [globs] : [...globs]).map(normalise);
  const nocase = opts.nocase === true;
  const positive = list.filter((g) => !g.startsWith('!'));
  const negative = list.filter((g) => g.startsWith('!')).map((g) => g.slice(1));
  const byBase = opts.basename === true;
  const whole = compileSet(byBase ? positive.filter((g) => g.includes('/')) : positive, nocase);
  const base = byBase ? compileSet(positive.filter((g) => !g.includes('/')), nocase) : null;
  const negs = negative.map((g) => ({ m: compileSet([g], nocase)!, base: byBase && !g.includes('/') }));
  return (path: string) => {
    const p = path.startsWith('./') ? path.slice(2) : path;
    const name = byBase ? p.slice(p.lastIndexOf('/') + 1) : p;
    if (whole?.(p) || base?.(name)) return true;
    return negs.some((n) => !n.m(n.base ? name : p));
  };
}

/** Matchers of single globs compiled by {@link globMatch}: a pure cache, emptied when it grows past 512. */
const compiled = new Map<string, (path: string) => boolean>();

/** Whether `path` matches `glob` (see {@link globMatcher}); the compiled matcher is cached. */
export function globMatch(path: string, glob: string, opts: GlobOptions = {}): boolean {
  const key = `${opts.basename ? 'b' : ''}${opts.nocase ? 'i' : ''}:${glob}`;
  let m = compiled.get(key);
  if (!m) {
    if (compiled.size >= 512) compiled.clear();
    m = globMatcher(glob, opts);
    compiled.set(key, m);
  }
  return m(path);
}
