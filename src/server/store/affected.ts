/**
 * Cross-project questions: which projects are affected by advisory X, which use package Y (at version V),
 * from the findings (vulnerable dependencies) and from the uploaded SBOMs (every component).
 */
import type { Db } from '../db/types.js';

/** One project's exposure to an advisory or a package. */
export interface AffectedRow {
  project: string;
  package: string | null;
  version: string | null;
  /** Open findings naming it (0 when only the SBOM lists the component). */
  open: number;
  fixed: number;
  /** True when the project's latest SBOM lists the component. */
  inSbom: boolean;
}

function scope(only: number[] | undefined, col: string): { sql: string; params: number[] } {
  return only ? { sql: ` AND ${col} IN (${only.map(() => '?').join(', ') || 'NULL'})`, params: only } : { sql: '', params: [] };
}

/** Projects with findings naming `advisory` (an id or alias, any case). */
export async function affectedByAdvisory(db: Db, advisory: string, only?: number[]): Promise<AffectedRow[]> {
  const s = scope(only, 'f.project_id');
  const rows = await db.all<{ project: string; package: string | null; version: string | null; open: number; fixed: number }>(
    `SELECT p.name AS project, f.package, f.version,
       sum(CASE WHEN f.state = 'open' THEN 1 ELSE 0 END) AS open, sum(CASE WHEN f.state = 'fixed' THEN 1 ELSE 0 END) AS fixed
     FROM finding_aliases a JOIN findings f ON f.id = a.finding_id JOIN projects p ON p.id = f.project_id
     WHERE a.alias = ?${s.sql} GROUP BY p.name, f.package, f.version ORDER BY p.name, f.package, f.version`,
    [advisory.trim().toUpperCase(), ...s.params],
  );
  return rows.map((r) => ({ project: r.project, package: r.package, version: r.version, open: Number(r.open), fixed: Number(r.fixed), inSbom: false }));
}

/** Projects using package `name` (at `version` when given): from findings and from SBOM components. */
export async function affectedByPackage(db: Db, name: string, version: string | undefined, only?: number[]): Promise<AffectedRow[]> {
  const fs = scope(only, 'f.project_id');
  const cs = scope(only, 'c.project_id');
  const v = version ? ' AND f.version = ?' : '';
  const cv = version ? ' AND c.version = ?' : '';
  const fromFindings = await db.all<{ project: string; package: string; version: string | null; open: number; fixed: number }>(
    `SELECT p.name AS project, f.package, f.version,
       sum(CASE WHEN f.state = 'open' THEN 1 ELSE 0 END) AS open, sum(CASE WHEN f.state = 'fixed' THEN 1 ELSE 0 END) AS fixed
     FROM findings f JOIN projects p ON p.id = f.project_id WHERE f.package = ?${v}${fs.sql} GROUP BY p.name, f.package, f.version`,
    [name, ...(version ? [version] : []), ...fs.params],
  );
  const fromSbom = await db.all<{ project: string; name: string; version: string | null }>(
    `SELECT DISTINCT p.name AS project, c.name, c.version FROM components c JOIN projects p ON p.id = c.project_id WHERE c.name = ?${cv}${cs.sql}`,
    [name, ...(version ? [version] : []), ...cs.params],
  );
  const out = new Map<string, AffectedRow>();
  for (const r of fromFindings) out.set(`${r.project}\0${r.version ?? ''}`, { project: r.project, package: r.package, version: r.version, open: Number(r.open), fixed: Number(r.fixed), inSbom: false });
  for (const r of fromSbom) {
    const k = `${r.project}\0${r.version ?? ''}`;
    const row = out.get(k) ?? { project: r.project, package: r.name, version: r.version, open: 0, fixed: 0, inSbom: false };
    row.inSbom = true;
    out.set(k, row);
  }
  return [...out.values()].sort((a, b) => (a.project < b.project ? -1 : a.project > b.project ? 1 : (a.version ?? '') < (b.version ?? '') ? -1 : 1));
}
