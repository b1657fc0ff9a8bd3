import { compareDigits, compareIdentifiers } from './util.js';

/**
 * Lenient Semantic Versioning order, used for npm, crates.io, Go, Hex and OSV `SEMVER` ranges:
 * an optional leading `v`, any number of numeric components of any size (missing ones count as 0),
 * a pre-release after the first `-` (sorts before the release), build metadata after `+` ignored.
 * A component with trailing text (`0rc1`) starts the pre-release there.
 */
export function compareSemver(a: string, b: string): number {
  const pa = parseSemver(a);
  const pb = parseSemver(b);
  const n = Math.max(pa.core.length, pb.core.length);
  for (let i = 0; i < n; i++) {
    const c = compareDigits(pa.core[i] ?? '0', pb.core[i] ?? '0');
    if (c !== 0) return c;
  }
  return comparePrerelease(pa.pre, pb.pre);
}

/** A parsed lenient semver: numeric core components and pre-release identifiers (empty for a release). */
export interface ParsedSemver {
  core: string[];
  pre: string[];
}

const parsed = new Map<string, ParsedSemver>();

/** Splits a version into numeric core and pre-release identifiers; never throws (memoised; never mutate the result). */
export function parseSemver(v: string): ParsedSemver {
  let p = parsed.get(v);
  if (!p) {
    if (parsed.size >= 100_000) parsed.clear();
    parsed.set(v, (p = parseUncached(v)));
  }
  return p;
}

function parseUncached(v: string): ParsedSemver {
  let s = v.trim();
  if (s.startsWith('v') || s.startsWith('V')) s = s.slice(1);
  const plus = s.indexOf('+');
  if (plus >= 0) s = s.slice(0, plus);
  let preText: string | undefined;
  const dash = s.indexOf('-');
  if (dash >= 0) {
    preText = s.slice(dash + 1);
    s = s.slice(0, dash);
  }
  const core: string[] = [];
  const parts = s.split('.');
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i] ?? '';
    const m = /^([0-9]*)(.*)$/.exec(p);
    const num = m?.[1] ?? '';
    const rest = m?.[2] ?? '';
    core.push(num === '' ? '0' : num);
    if (rest !== '') {
      const tail = [rest, ...parts.slice(i + 1)].join('.');
      preText = preText === undefined ? tail : `${tail}-${preText}`;
      break;
    }
  }
  return { core, pre: preText === undefined ? [] : preText.split('.') };
}

function comparePrerelease(a: string[], b: string[]): number {
  if (a.length === 0 && b.length === 0) return 0;
  if (a.length === 0) return 1;
  if (b.length === 0) return -1;
  return compareIdentifiers(a, b, true);
}
