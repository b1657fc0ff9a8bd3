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
