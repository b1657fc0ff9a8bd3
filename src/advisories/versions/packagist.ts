import { compareDigits } from './util.js';

/**
 * Packagist (Composer/PHP) version order, following PHP's `version_compare`: the version is cut into
 * numbers and words at `.`, `-`, `_`, `+` and at digit/letter changes; words rank
 * unknown < dev < alpha = a < beta = b < RC = rc < (number) < pl = p.
 */
export function comparePackagist(a: string, b: string): number {
  return compareTokens(tokens(a), tokens(b));
}

function compareTokens(ta: string[], tb: string[]): number {
  const n = Math.min(ta.length, tb.length);
  for (let i = 0; i < n; i++) {
    const c = compareToken(ta[i] as string, tb[i] as string);
    if (c) return c;
  }
  // the longer one: a further number makes it greater, a word is compared with a number
  if (ta.length > n) return isNum(ta[n] as string) ? 1 : compareTokens(ta.slice(n), ['#']);
  if (tb.length > n) return isNum(tb[n] as string) ? -1 : compareTokens(['#'], tb.slice(n));
  return 0;
}

function stripV(v: string): string {
  const s = v.trim();
  return /^[vV][0-9]/.test(s) ? s.slice(1) : s;
}

function tokens(v: string): string[] {
  return stripV(v)
    .split(/[-_+.]+/)
    .flatMap((p) => p.match(/[0-9]+|[^0-9]+/g) ?? [])
    .filter((t) => t !== '');
}

function isNum(t: string): boolean {
  return /^[0-9]/.test(t);
}

const FORMS: [string, number][] = [
  ['dev', 0],
  ['alpha', 1],
  ['a', 1],
  ['beta', 2],
  ['b', 2],
  ['RC', 3],
  ['rc', 3],
  ['#', 4],
  ['pl', 5],
  ['p', 5],
];

function formRank(t: string): number {
  for (const [name, rank] of FORMS) if (t.startsWith(name)) return rank;
  return -1;
}

function compareToken(a: string, b: string): number {
  const na = isNum(a);
  const nb = isNum(b);
  if (na && nb) return compareDigits(a, b);
  const ra = na ? 4 : formRank(a);
  const rb = nb ? 4 : formRank(b);
  return Math.sign(ra - rb);
}
