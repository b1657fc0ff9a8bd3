import { compareDigits, compareStrings } from './util.js';

/**
 * RubyGems version order (`Gem::Version#<=>`): segments are runs of digits or letters; a `-` means
 * `.pre.`; trailing zeros of the release part and of the pre-release part are dropped; a letter
 * segment sorts before a number; letters compare as strings.
 */
export function compareRubygems(a: string, b: string): number {
  const sa = canonical(a);
  const sb = canonical(b);
  const n = Math.max(sa.length, sb.length);
  for (let i = 0; i < n; i++) {
    const l = sa[i] ?? '0';
    const r = sb[i] ?? '0';
    const ln = /^[0-9]/.test(l);
    const rn = /^[0-9]/.test(r);
    if (ln && rn) {
      const c = compareDigits(l, r);
      if (c) return c;
    } else if (!ln && rn) return -1;
    else if (ln && !rn) return 1;
    else {
      const c = compareStrings(l, r);
      if (c) return c;
    }
  }
  return 0;
}

function canonical(v: string): string[] {
  const segs = v.trim().replace(/-/g, '.pre.').match(/[0-9]+|[a-z]+/gi) ?? [];
  const firstStr = segs.findIndex((s) => !/^[0-9]/.test(s));
  const nums = firstStr === -1 ? segs : segs.slice(0, firstStr);
  const strs = firstStr === -1 ? [] : segs.slice(firstStr);
  return [...dropZeros(nums), ...dropZeros(strs)];
}

function dropZeros(s: string[]): string[] {
  let end = s.length;
  while (end > 0 && /^0+$/.test(s[end - 1] as string)) end--;
  return s.slice(0, end);
}
