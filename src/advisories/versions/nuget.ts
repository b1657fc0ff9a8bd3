import { compareDigits, compareStrings, isDigits } from './util.js';

/**
 * NuGet version order: up to four numeric parts (missing ones are 0, leading zeros ignored),
 * a SemVer 2 pre-release compared case-insensitively, build metadata ignored.
 */
export function compareNuget(a: string, b: string): number {
  const pa = parse(a);
  const pb = parse(b);
  const n = Math.max(pa.nums.length, pb.nums.length, 4);
  for (let i = 0; i < n; i++) {
    const c = compareDigits(pa.nums[i] ?? '0', pb.nums[i] ?? '0');
    if (c) return c;
  }
  if (!pa.pre.length || !pb.pre.length) return pa.pre.length === pb.pre.length ? 0 : pa.pre.length ? -1 : 1;
  const m = Math.max(pa.pre.length, pb.pre.length);
  for (let i = 0; i < m; i++) {
    const x = pa.pre[i];
    const y = pb.pre[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const dx = isDigits(x);
    const dy = isDigits(y);
    const c = dx && dy ? compareDigits(x, y) : dx ? -1 : dy ? 1 : compareStrings(x, y);
    if (c) return c;
  }
  return 0;
}

function parse(v: string): { nums: string[]; pre: string[] } {
  let s = v.trim().toLowerCase();
  if (s.startsWith('v')) s = s.slice(1);
  const plus = s.indexOf('+');
  if (plus >= 0) s = s.slice(0, plus);
  const dash = s.indexOf('-');
  const pre = dash >= 0 ? s.slice(dash + 1).split('.') : [];
  const core = dash >= 0 ? s.slice(0, dash) : s;
  return { nums: core.split('.').map((p) => (isDigits(p) ? p : '0')), pre };
}
