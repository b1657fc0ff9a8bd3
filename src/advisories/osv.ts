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
