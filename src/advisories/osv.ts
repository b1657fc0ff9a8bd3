/** The parts of the OSV schema (1.7) that pipeguard reads. Records are kept whole in the database. */

/** One event of an OSV range. */
export interface OsvEvent {
  introduced?: string;
  fixed?: string;
  last_affected?: string;
  limit?: string;
}

/** One OSV range: SEMVER, ECOSYSTEM or GIT. */
export interface OsvRange {
  type: string;
  repo?: string;
  events: OsvEvent[];
}

/** One `affected[]` entry. */
export interface OsvAffected {
  package?: { ecosystem: string; name: string; purl?: string };
  ranges?: OsvRange[];
  versions?: string[];
  ecosystem_specific?: Record<string, unknown>;
  database_specific?: Record<string, unknown>;
}

/** An OSV record. */
export interface OsvRecord {
  id: string;
  schema_version?: string;
  modified?: string;
  published?: string;
  withdrawn?: string;
  aliases?: string[];
  related?: string[];
  summary?: string;
  details?: string;
  severity?: { type: string; score: string }[];
  affected?: OsvAffected[];
  references?: { type: string; url: string }[];
  database_specific?: Record<string, unknown>;
}

/** The ecosystem without its release suffix: `Debian:12` → `Debian`. */
export function baseEcosystem(ecosystem: string): string {
  const i = ecosystem.indexOf(':');
  return i >= 0 ? ecosystem.slice(0, i) : ecosystem;
}

/** A distribution release in an ecosystem name, in one form: `Ubuntu:22.04:LTS` → `22.04`, `Alpine:v3.20` → `v3.20`. */
function release(ecosystem: string): { base: string; release: string; special: boolean } {
  const parts = ecosystem.split(':');
  const base = parts[0] ?? '';
  let rest = parts.slice(1);
  // Ubuntu Pro / FIPS advisories cover packages of paid streams, not the archive's.
  const special = rest.some((p) => /^(Pro|FIPS|fips.*|FIPS-updates|FIPS-preview)$/.test(p));
  rest = rest.filter((p) => p !== 'LTS' && !/^(Pro|FIPS.*|fips.*)$/.test(p));
  return { base, release: rest.join(':'), special };
}

/**
 * True when an advisory's ecosystem (`Debian:12`, `Ubuntu:22.04:LTS`, `Red Hat:enterprise_linux:9::appstream`)
 * covers a package of `pkgEcosystem`. A package ecosystem without a release (`npm`, or a distribution whose
 * release is unknown) takes every record of its base ecosystem; one with a release takes that release's only.
 */
export function releaseMatches(recordEcosystem: string, pkgEcosystem: string): boolean {
  if (baseEcosystem(recordEcosystem) !== baseEcosystem(pkgEcosystem)) return false;
  if (!pkgEcosystem.includes(':')) return true;
  const r = release(recordEcosystem);
  const p = release(pkgEcosystem);
  if (r.special) return false;
  if (r.release === p.release) return true;
  // Red Hat: `enterprise_linux:9::appstream` is release 9 of RHEL, in one of its repositories.
  if (r.base === 'Red Hat') return r.release === p.release || r.release.startsWith(`${p.release}:`);
  return false;
}

/**
 * The database key of a package name: PyPI names per PEP 503, Go module paths as written,
 * everything else compared case-insensitively (npm's `Axios` is `axios`, NuGet and Packagist are
 * case-insensitive).
 */
export function normalizeName(ecosystem: string, name: string): string {
  const eco = baseEcosystem(ecosystem);
  if (eco === 'PyPI') return name.toLowerCase().replace(/[-_.]+/g, '-');
  if (eco === 'Go') return name;
  return name.toLowerCase();
}

/** Throws unless `v` has the minimum shape of an OSV record; returns it typed. */
export function asOsvRecord(v: unknown): OsvRecord {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not an OSV record (not an object)');
  const r = v as Record<string, unknown>;
  if (typeof r.id !== 'string' || r.id === '') throw new Error('not an OSV record (no "id")');
  if (r.affected !== undefined && !Array.isArray(r.affected)) throw new Error(`${r.id}: "affected" is not a list`);
  return v as OsvRecord;
}
