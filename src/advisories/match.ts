import { normalizeName, releaseMatches, type OsvAffected, type OsvRange, type OsvRecord } from './osv.js';
import { comparatorFor, compareSemver, type VersionComparator } from './versions/index.js';

/** A package as installed, for matching. */
export interface PackageRef {
  /** OSV ecosystem name: npm, PyPI, Go, crates.io, RubyGems, Packagist, Maven, NuGet... */
  ecosystem: string;
  name: string;
  version: string;
}

/** True when `affected` (one entry of a record) names this package in this ecosystem. */
export function namesPackage(affected: OsvAffected, pkg: PackageRef): boolean {
  const p = affected.package;
  if (!p) return false;
  if (!releaseMatches(p.ecosystem, pkg.ecosystem)) return false;
  return normalizeName(p.ecosystem, p.name) === normalizeName(pkg.ecosystem, pkg.name);
}

function rangeComparator(range: OsvRange, ecosystem: string): VersionComparator | undefined {
  if (range.type === 'SEMVER') return compareSemver;
  if (range.type === 'ECOSYSTEM') return comparatorFor(ecosystem);
  return undefined; // GIT ranges name commits, not versions
}

type SortedEvent = { kind: keyof OsvRange['events'][number]; v: string };

/** Sorted events per range object and comparator: a record is matched against many versions (and fix candidates). */
const eventCache = new WeakMap<OsvRange, Map<VersionComparator, SortedEvent[]>>();

/** Events sorted by version, `introduced: "0"` first; ties keep introduced before the closing event (memoised). */
function sortedEvents(range: OsvRange, cmp: VersionComparator): SortedEvent[] {
  let byCmp = eventCache.get(range);
  if (!byCmp) eventCache.set(range, (byCmp = new Map()));
  let out = byCmp.get(cmp);
  if (!out) byCmp.set(cmp, (out = sortEvents(range, cmp)));
  return out;
}

function sortEvents(range: OsvRange, cmp: VersionComparator): SortedEvent[] {
  const out: { kind: 'introduced' | 'fixed' | 'last_affected' | 'limit'; v: string; i: number }[] = [];
  range.events.forEach((e, i) => {
    for (const kind of ['introduced', 'fixed', 'last_affected', 'limit'] as const) {
      const v = e[kind];
      if (typeof v === 'string') out.push({ kind, v, i });
    }
  });
  out.sort((a, b) => {
    if (a.kind === 'introduced' && a.v === '0') return b.kind === 'introduced' && b.v === '0' ? a.i - b.i : -1;
    if (b.kind === 'introduced' && b.v === '0') return 1;
    return cmp(a.v, b.v) || (a.kind === 'introduced' ? -1 : b.kind === 'introduced' ? 1 : a.i - b.i);
  });
  return out;
}

/** True when `version` falls in `range` (SEMVER/ECOSYSTEM); false for GIT and unknown types. */
export function rangeAffects(range: OsvRange, ecosystem: string, version: string): boolean {
  const cmp = rangeComparator(range, ecosystem);
  if (!cmp || !Array.isArray(range.events)) return false;
  const events = sortedEvents(range, cmp);
  // `limit` caps the whole range
  for (const e of events) if (e.kind === 'limit' && e.v !== '*' && cmp(version, e.v) >= 0) return false;
  let affected = false;
  for (const e of events) {
    if (e.kind === 'introduced') {
      if (e.v === '0' || cmp(version, e.v) >= 0) affected = true;
    } else if (e.kind === 'fixed') {
      if (cmp(version, e.v) >= 0) affected = false;
    } else if (e.kind === 'last_affected') {
      if (cmp(version, e.v) > 0) affected = false;
    }
  }
  return affected;
}

/**
 * The ranges to evaluate for an entry. The Go database writes a bare `introduced: "0"` placeholder when
 * the only fix is an untagged pseudo-version, and puts the real range in
 * `ecosystem_specific.custom_ranges`; those are used instead of the placeholder.
 */
export function effectiveRanges(affected: OsvAffected): OsvRange[] {
  const ranges = affected.ranges ?? [];
  const custom = affected.ecosystem_specific?.custom_ranges;
  if (!Array.isArray(custom) || custom.length === 0) return ranges;
  const placeholder = ranges.every((r) => r.type !== 'SEMVER' || (r.events ?? []).every((e) => e.introduced === '0' && Object.keys(e).length === 1));
  if (!placeholder) return ranges;
  return [...ranges.filter((r) => r.type !== 'SEMVER'), ...(custom as OsvRange[])];
}

/** True when this `affected[]` entry covers the version: an exact `versions[]` hit or any evaluable range. */
export function affectedEntryAffects(affected: OsvAffected, pkg: PackageRef): boolean {
  const eco = affected.package?.ecosystem ?? pkg.ecosystem;
  if (Array.isArray(affected.versions)) {
    const cmp = comparatorFor(eco);
    for (const v of affected.versions) {
      if (v === pkg.version || (cmp !== undefined && cmp(v, pkg.version) === 0)) return true;
    }
  }
  for (const range of effectiveRanges(affected)) {
    // a GIT range is skipped, never a reason to stop looking at the others
    if (rangeAffects(range, eco, pkg.version)) return true;
  }
  return false;
}

/** True when the record is live (not withdrawn) and one of its entries for this package covers the version. */
export function recordAffects(record: OsvRecord, pkg: PackageRef): boolean {
  if (record.withdrawn) return false;
  return (record.affected ?? []).some((a) => namesPackage(a, pkg) && affectedEntryAffects(a, pkg));
}

/** Every `fixed` version this record names for the package, in SEMVER/ECOSYSTEM ranges. */
export function fixedVersions(record: OsvRecord, pkg: PackageRef): string[] {
  const out: string[] = [];
  for (const a of record.affected ?? []) {
    if (!namesPackage(a, pkg)) continue;
    for (const r of effectiveRanges(a)) {
      if (r.type !== 'SEMVER' && r.type !== 'ECOSYSTEM') continue;
      for (const e of r.events ?? []) if (typeof e.fixed === 'string') out.push(e.fixed);
    }
  }
  return out;
}

/**
 * The lowest version above the installed one that none of `records` affects, chosen among the fixed
 * versions they name; undefined when no such fix is known.
 */
export function lowestFix(records: OsvRecord[], pkg: PackageRef): string | undefined {
  const cmp = comparatorFor(pkg.ecosystem) ?? compareSemver;
  const candidates = [...new Set(records.flatMap((r) => fixedVersions(r, pkg)))]
    .filter((v) => cmp(v, pkg.version) > 0)
    .sort(cmp);
  for (const c of candidates) {
    const probe = { ...pkg, version: c };
    if (!records.some((r) => recordAffects(r, probe))) return c;
  }
  return undefined;
}

/** Patch, minor or major: how far the upgrade from `from` to `to` goes, by the first differing number. */
export function upgradeKind(from: string, to: string): 'patch' | 'minor' | 'major' {
  const nums = (v: string): number[] => (v.replace(/^v/i, '').match(/\d+/g) ?? []).slice(0, 3).map(Number);
  const a = nums(from);
  const b = nums(to);
  if ((a[0] ?? 0) !== (b[0] ?? 0)) return 'major';
  if ((a[1] ?? 0) !== (b[1] ?? 0)) return 'minor';
  return 'patch';
}
