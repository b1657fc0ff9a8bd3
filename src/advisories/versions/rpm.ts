/**
 * RPM version order: `[epoch:]version[-release]`, compared as rpm 4.18 does (rpmvercmp on the version, then on
 * the release; a missing epoch is 0). Within a part, runs of digits compare as numbers and runs of letters as
 * strings, a number beats letters, other characters only separate; `~` sorts before anything (even the end) and
 * `^` after the end but before anything else.
 */
import { compareDigits } from './util.js';

/** Compares two RPM versions (EVR strings). */
export function compareRpm(a: string, b: string): number {
  const pa = split(a);
  const pb = split(b);
  return compareDigits(pa[0], pb[0]) || rpmvercmp(pa[1], pb[1]) || rpmvercmp(pa[2], pb[2]);
}

function split(v: string): [string, string, string] {
  let s = v.trim();
  let epoch = '0';
  const colon = s.indexOf(':');
  if (colon >= 0) {
    const e = s.slice(0, colon);
    if (/^[0-9]*$/.test(e)) {
      epoch = e || '0';
      s = s.slice(colon + 1);
    }
  }
  const dash = s.lastIndexOf('-');
  if (dash >= 0) return [epoch, s.slice(0, dash), s.slice(dash + 1)];
  return [epoch, s, ''];
}

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
const isAlpha = (c: string | undefined) => c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
const isAlnum = (c: string | undefined) => isDigit(c) || isAlpha(c);

/** rpm's rpmvercmp over one part (version or release). */
export function rpmvercmp(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while (i < a.length && !isAlnum(a[i]) && a[i] !== '~' && a[i] !== '^') i++;
    while (j < b.length && !isAlnum(b[j]) && b[j] !== '~' && b[j] !== '^') j++;
    if (a[i] === '~' || b[j] === '~') {
      if (a[i] !== '~') return 1;
      if (b[j] !== '~') return -1;
      i++;
      j++;
      continue;
    }
    if (a[i] === '^' || b[j] === '^') {
      if (i >= a.length) return -1;
      if (j >= b.length) return 1;
      if (a[i] !== '^') return 1;
      if (b[j] !== '^') return -1;
      i++;
      j++;
      continue;
    }
    if (!(i < a.length && j < b.length)) break;
    let ei = i;
    let ej = j;
    const num = isDigit(a[i]);
    if (num) {
      while (isDigit(a[ei])) ei++;
      while (isDigit(b[ej])) ej++;
    } else {
      while (isAlpha(a[ei])) ei++;
      while (isAlpha(b[ej])) ej++;
    }
    if (ej === j) return num ? 1 : -1;
    const sa = a.slice(i, ei);
    const sb = b.slice(j, ej);
    const c = num ? compareDigits(sa, sb) : sa < sb ? -1 : sa > sb ? 1 : 0;
    if (c) return c;
    i = ei;
    j = ej;
  }
  if (i >= a.length && j >= b.length) return 0;
  return i >= a.length ? -1 : 1;
}
