import { hasNestedQuantifier } from '../redos.js';
import type { GNode } from './gnode.js';

/*
 * `metavariable-analysis` (Semgrep's two analyzers). Both look at a string literal's content (a regex literal's
 * source for `redos`); a metavariable bound to anything else makes the condition false, as in Semgrep.
 */

/** Analyzers `metavariable-analysis` knows. */
export type Analyzer = 'entropy' | 'redos';

/**
 * How often each character occurs in English prose (per 1,000 characters, roughly): the reference the entropy
 * analyzer measures surprise against. Word separators in identifiers (`_ - . / :`) count as spaces; any other
 * character missing here is rare (0.1 per 1,000).
 */
const ENGLISH: Record<string, number> = {
  ' ': 180, e: 102, t: 75, a: 65, o: 62, i: 57, n: 57, s: 53, r: 50, h: 49, l: 33, d: 33, u: 23, c: 22, m: 20, f: 20,
  w: 17, g: 16, p: 15, y: 14, b: 13, v: 8, k: 6, x: 1.4, j: 1, q: 0.8, z: 0.5, ',': 10, '.': 10, '\'': 2, '"': 2,
};
const SEPARATORS = /[_\-./:]/;
const bits = (per1000: number) => -Math.log2(per1000 / 1000);
const upper = (c: string | undefined) => c !== undefined && c >= 'A' && c <= 'Z';
const lower = (c: string | undefined) => c !== undefined && c >= 'a' && c <= 'z';
const digit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

/**
 * A character's surprise in bits, in its context: a capital that starts a word (`Config` in `myConfig`) or sits in
 * an upper case word (`SELECT`) costs its lower case letter and one bit more; a capital elsewhere ten times more.
 * A digit that starts a run of digits is rare (1 in 1,000); the next digits of the run cost log2(10) each.
 */
function surprisal(c: string, prev: string | undefined, next: string | undefined): number {
  if (digit(c)) return digit(prev) ? Math.log2(10) : bits(1);
  if (upper(c)) {
    const base = bits(ENGLISH[c.toLowerCase()] ?? 0.1);
    const wordStart = !upper(prev) && (lower(next) || next === undefined || !/[A-Za-z0-9]/.test(next));
    const inCaps = (upper(prev) || upper(next)) && !lower(next);
    return wordStart || inCaps ? base + 1 : base + Math.log2(10);
  }
  const f = ENGLISH[c];
  return bits(f ?? (SEPARATORS.test(c) ? 180 : 0.1));
}

/** Shannon entropy of the string itself, in bits per character. */
function shannon(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  const n = [...s].length;
  for (const k of counts.values()) h -= (k / n) * Math.log2(k / n);
  return h;
}

/**
 * Semgrep's entropy verdict (its shape: a total above 64 bits and a density above a threshold), on our own model:
 * the string carries more than 64 bits of information measured against English text ({@link entropyBits}), and
 * its density (bits per 8-bit character) is above 0.7. Measured: English sentences, URLs, SQL and identifiers
 * (snake or camel case) are at 4.1-5.2 bits per character (density ≤ 0.65), random tokens (hex, base64, mixed
 * case with digits) at 6.4 and more (≥ 0.8). A string whose own Shannon entropy is under 2 bits per character
 * (`aaaa...`) is never high.
 */
/** The information a string carries measured against English text, in bits (the sum of its characters' surprise). */
export function entropyBits(s: string): number {
  const chars = [...s];
  return chars.reduce((a, c, i) => a + surprisal(c, chars[i - 1], chars[i + 1]), 0);
}

export function highEntropy(s: string): boolean {
  const chars = [...s];
  if (chars.length === 0 || shannon(s) < 2) return false;
  const total = entropyBits(s);
  return total > 64 && total / (8 * chars.length) > 0.7;
}

/** Best-effort unescaping of a string literal's content (`\n`, `\xNN`, `\uNNNN`, `\\`). */
function unescape(s: string): string {
  return s.replace(/\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)/g, (_m, e: string) => {
    if (e[0] === 'u' || e[0] === 'x') return String.fromCodePoint(parseInt(e.replace(/^[ux]\{?|\}$/g, ''), 16));
    return ({ n: '\n', t: '\t', r: '\r', '0': '\0' } as Record<string, string>)[e] ?? e;
  });
}

/**
 * The string content a metavariable is bound to (a string literal or `"$X"`'s content), or undefined. The
 * TypeScript adapter gives JS/TS strings already unescaped; tree-sitter gives the source text, unescaped here
 * unless the literal is raw (Python `r"..."`, Go `` `...` ``).
 */
function stringContent(b: GNode, cooked: boolean): string | undefined {
  const raw = /^[A-Za-z]*[rR][A-Za-z]*["']|^`/.test(b.text);
  if (b.str) return cooked || raw ? b.value : unescape(b.value);
  if (b.kind === 'StringContent') return cooked ? b.text : unescape(b.text);
  return undefined;
}

/** Runs an analyzer on a bound node (`cooked`: a JS/TS tree, whose strings are already unescaped). */
export function analyze(analyzer: Analyzer, b: GNode, cooked: boolean): boolean {
  if (analyzer === 'entropy') {
    const s = stringContent(b, cooked);
    return s !== undefined && highEntropy(s);
  }
  // a regex literal (`/(a+)+$/`) or a string holding the regex
  const re = b.kind === 'RegularExpressionLiteral' ? b.text.slice(1, b.text.lastIndexOf('/')) : stringContent(b, cooked);
  return re !== undefined && hasNestedQuantifier(re);
}
