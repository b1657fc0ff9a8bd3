/** Shared helpers for the per-ecosystem version comparators. */

/** Compares two strings of decimal digits by value (any length, leading zeros allowed). */
export function compareDigits(a: string, b: string): number {
  let i = 0;
  while (i < a.length - 1 && a[i] === '0') i++;
  let j = 0;
  while (j < b.length - 1 && b[j] === '0') j++;
  const la = a.length - i;
  const lb = b.length - j;
  if (la !== lb) return la < lb ? -1 : 1;
  for (let k = 0; k < la; k++) {
    const ca = a.charCodeAt(i + k);
    const cb = b.charCodeAt(j + k);
    if (ca !== cb) return ca < cb ? -1 : 1;
  }
  return 0;
}

/** Plain code-unit string comparison, -1/0/1. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** True when `s` is non-empty and all decimal digits. */
export function isDigits(s: string): boolean {
  return /^[0-9]+$/.test(s);
}

/**
 * Compares lists of identifiers one by one: digits as numbers, the rest as strings, a list that is a prefix of the
 * other first. `digitsFirst` says whether a numeric identifier sorts before an alphanumeric one (SemVer
 * pre-releases) or after it (PEP 440 local versions).
 */
export function compareIdentifiers(a: readonly string[], b: readonly string[], digitsFirst: boolean): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const dx = isDigits(x);
    const dy = isDigits(y);
    let c: number;
    if (dx && dy) c = compareDigits(x, y);
    else if (dx) c = digitsFirst ? -1 : 1;
    else if (dy) c = digitsFirst ? 1 : -1;
    else c = compareStrings(x, y);
    if (c !== 0) return c;
  }
  return 0;
}
