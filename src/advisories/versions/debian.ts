import { compareDigits } from './util.js';

/**
 * Debian (dpkg) version order: `[epoch:]upstream[-revision]`; letters sort before other characters,
 * `~` before everything including the end of the string; digit runs compare by value.
 */
export function compareDebian(a: string, b: string): number {
  const pa = split(a);
  const pb = split(b);
  return compareDigits(pa[0], pb[0]) || verrevcmp(pa[1], pb[1]) || verrevcmp(pa[2], pb[2]);
}

function split(v: string): [string, string, string] {
  let s = v.trim();
  let epoch = '0';
  const colon = s.indexOf(':');
  if (colon >= 0 && /^[0-9]+$/.test(s.slice(0, colon))) {
    epoch = s.slice(0, colon);
    s = s.slice(colon + 1);
  }
  const dash = s.lastIndexOf('-');
  if (dash >= 0) return [epoch, s.slice(0, dash), s.slice(dash + 1)];
  return [epoch, s, ''];
}

function order(c: string | undefined): number {
  if (c === undefined) return 0;
  if (c >= '0' && c <= '9') return 0;
  if (/[A-Za-z]/.test(c)) return c.charCodeAt(0);
  if (c === '~') return -1;
  return c.charCodeAt(0) + 256;
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

function verrevcmp(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while ((i < a.length && !isDigit(a[i])) || (j < b.length && !isDigit(b[j]))) {
      const ac = order(i < a.length && !isDigit(a[i]) ? a[i] : undefined);
      const bc = order(j < b.length && !isDigit(b[j]) ? b[j] : undefined);
      if (ac !== bc) return ac < bc ? -1 : 1;
      if (i < a.length && !isDigit(a[i])) i++;
      if (j < b.length && !isDigit(b[j])) j++;
    }
    let si = i;
    while (isDigit(a[i])) i++;
    let sj = j;
    while (isDigit(b[j])) j++;
    const c = compareDigits(si === i ? '0' : a.slice(si, i), sj === j ? '0' : b.slice(sj, j));
    if (c) return c;
    si = i;
    sj = j;
  }
  return 0;
}
