import type { Severity } from '../core/types.js';
import { atLeast } from '../core/types.js';
import { recordSeverity, type AdvisorySeverity } from './cvss.js';
import { lowestFix, recordAffects, upgradeKind, type PackageRef } from './match.js';
import type { OsvRecord } from './osv.js';

/** One vulnerability of one package: records that share an id or alias merged into one. */
export interface PackageVulnerability {
  /** The id reports use: the lowest CVE alias when there is one, else the lowest record id. */
  id: string;
  /** Ids of the merged records, sorted. */
  recordIds: string[];
  /** Every id and alias of the merged records except `id`, sorted. */
  aliases: string[];
  summary?: string;
  severity: AdvisorySeverity;
  cwe: string[];
  records: OsvRecord[];
}

/** What matching one package gives: its vulnerabilities and the fix for all of them. */
export interface PackageMatch {
  vulnerabilities: PackageVulnerability[];
  /** Lowest version that none of the advisories affects. */
  fixedVersion?: string;
  upgrade?: 'patch' | 'minor' | 'major';
}

const RANK: Record<string, number> = { cvss_v4: 4, cvss_v3: 3, cvss_v2: 1, label: 2, none: 0 };

function pickSeverity(records: OsvRecord[]): AdvisorySeverity {
  let best: AdvisorySeverity = { source: 'none' };
  for (const r of records) {
    const s = recordSeverity(r);
    if (s.source === 'none') continue;
    if (best.source === 'none') best = s;
    else if (s.severity && best.severity && atLeast(s.severity, best.severity) && s.severity !== best.severity) best = s;
    else if (s.severity === best.severity && (RANK[s.source] ?? 0) > (RANK[best.source] ?? 0)) best = s;
  }
  return best;
}

/**
 * Matches `candidates` (records that name the package) against the installed version, merges
 * records linked by ids/aliases (one CVE published by two databases is one vulnerability), and
 * computes the lowest fixing version across all of them.
 */
export function matchPackage(candidates: OsvRecord[], pkg: PackageRef): PackageMatch {
  const hits = candidates.filter((r) => recordAffects(r, pkg));
  if (hits.length === 0) return { vulnerabilities: [] };
  // union-find over ids and aliases
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r && parent.get(r) !== undefined) r = parent.get(r) as string;
    parent.set(x, r);
    return r;
  };
  const union = (a: string, b: string): void => {
    if (!parent.has(a)) parent.set(a, a);
    if (!parent.has(b)) parent.set(b, b);
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb);
  };
  for (const r of hits) {
    union(r.id, r.id);
    for (const a of r.aliases ?? []) if (typeof a === 'string') union(r.id, a);
  }
  const groups = new Map<string, OsvRecord[]>();
  for (const r of hits) {
    const root = find(r.id);
    groups.set(root, [...(groups.get(root) ?? []), r]);
  }
  const vulnerabilities: PackageVulnerability[] = [];
  for (const recs of groups.values()) {
    recs.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const all = new Set<string>();
    for (const r of recs) {
      all.add(r.id);
      for (const a of r.aliases ?? []) if (typeof a === 'string') all.add(a);
    }
    const sorted = [...all].sort();
    const cve = sorted.find((x) => x.startsWith('CVE-'));
    const id = cve ?? (recs[0] as OsvRecord).id;
    const cwe = [...new Set(recs.flatMap((r) => (Array.isArray(r.database_specific?.cwe_ids) ? (r.database_specific?.cwe_ids as unknown[]) : [])).filter((c): c is string => typeof c === 'string'))].sort();
    const summary = recs.map((r) => r.summary).find((s) => typeof s === 'string' && s.trim() !== '');
    vulnerabilities.push({
      id,
      recordIds: recs.map((r) => r.id),
      aliases: sorted.filter((x) => x !== id),
      ...(summary ? { summary: summary.trim() } : {}),
      severity: pickSeverity(recs),
      cwe,
      records: recs,
    });
  }
  vulnerabilities.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const fixedVersion = lowestFix(hits, pkg);
  return { vulnerabilities, ...(fixedVersion ? { fixedVersion, upgrade: upgradeKind(pkg.version, fixedVersion) } : {}) };
}

/** The severity to report: the advisory's own, else the configured default. */
export function effectiveSeverity(v: PackageVulnerability, unknown: Severity): Severity {
  return v.severity.severity ?? unknown;
}
