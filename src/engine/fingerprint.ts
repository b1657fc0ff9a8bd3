import * as crypto from 'node:crypto';
import { locationKey, regionOf } from '../core/location.js';
import type { Finding, Location, RawFinding, Region } from '../core/types.js';

/**
 * Gives every finding its fingerprint: SHA-256 over scanner, rule, path, the scanner's line-independent
 * identity, and the occurrence index of that identity within the same file version (so the same secret twice
 * in one file is two findings, and both survive line moves). 32 hex characters.
 */
export function fingerprintAll(raw: RawFinding[]): Finding[] {
  // The location key once per finding: it is both the group's and the hash's (texts as join() made them, so the
  // fingerprints are those of every earlier version).
  const groups = new Map<string, { key: string; members: RawFinding[] }>();
  for (const r of raw) {
    const key = `${r.scanner}\0${r.ruleId}\0${locationKey(r.location)}\0${r.identity ?? ''}`;
    const k = `${key}\0${r.origin?.commit ?? ''}`;
    const g = groups.get(k);
    if (g) g.members.push(r);
    else groups.set(k, { key, members: [r] });
  }
  const out: Finding[] = [];
  for (const { key, members: g } of groups.values()) {
    // Findings a scanner marks suppressed count after the others, so suppressing one never moves another's index.
    if (g.length > 1) g.sort((a, b) => Number(!!a.suppressed) - Number(!!b.suppressed) || compareRegions(regionOf(a.location), regionOf(b.location)));
    g.forEach((r, i) => out.push({ ...r, fingerprint: sha256Hex(`${key}\0${i}`).slice(0, 32) }));
  }
  return out;
}

/**
 * SHA-256 of a string, in hex: Node's one-shot `crypto.hash` where it exists (20.12 and later; about twice as fast
 * for short texts as a Hash object), the same digest through `createHash` before.
 */
const sha256Hex: (text: string) => string =
  typeof crypto.hash === 'function' ? (text) => crypto.hash('sha256', text, 'hex') : (text) => crypto.createHash('sha256').update(text).digest('hex');

/**
 * Keeps one finding per fingerprint: the earliest by origin date (in git history, the commit that introduced
 * it), then by commit id for a stable choice.
 */
export function dedupe(findings: Finding[]): Finding[] {
  const best = new Map<string, Finding>();
  for (const f of findings) {
    const prev = best.get(f.fingerprint);
    if (!prev || earlier(f, prev)) best.set(f.fingerprint, f);
  }
  return [...best.values()];
}

function earlier(a: Finding, b: Finding): boolean {
  const da = a.origin?.date ?? '';
  const db = b.origin?.date ?? '';
  if (da !== db) return da < db;
  return (a.origin?.commit ?? '') < (b.origin?.commit ?? '');
}

/**
 * Deterministic report order: path, line, column, rule, fingerprint. The line and column are read from the
 * location as {@link regionOf} would give them, without making a region for each of a sort's many comparisons.
 */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    cmp(locationKey(a.location), locationKey(b.location)) ||
    startLineOf(a.location) - startLineOf(b.location) ||
    startColumnOf(a.location) - startColumnOf(b.location) ||
    cmp(a.ruleId, b.ruleId) ||
    cmp(a.fingerprint, b.fingerprint)
  );
}

/** `regionOf(loc).startLine ?? 0`. */
function startLineOf(loc: Location): number {
  if (loc.kind === 'http' || loc.kind === 'repository') return 0;
  return loc.startLine ?? 0;
}

/** `regionOf(loc).startColumn ?? 0` (a step's region has a line only). */
function startColumnOf(loc: Location): number {
  if (loc.kind === 'http' || loc.kind === 'repository' || loc.kind === 'step') return 0;
  return loc.startColumn ?? 0;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareRegions(a: Region, b: Region): number {
  return (a.startLine ?? 0) - (b.startLine ?? 0) || (a.startColumn ?? 0) - (b.startColumn ?? 0);
}
