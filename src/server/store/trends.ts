/**
 * Trends: open findings by severity over time (from the snapshot every run leaves: per project, the last
 * snapshot of each day, carried forward over days without runs, summed over projects) and mean time to fix
 * (days from opening to fix, of findings fixed in each week).
 */
import { SEVERITIES, type Severity } from '../../core/types.js';
import type { Db } from '../db/types.js';

const DAY = 86_400_000;

/** Open findings by severity at the end of one day. */
export interface TrendPoint {
  day: string;
  counts: Record<Severity, number>;
}

/** Mean days to fix of the findings fixed in one week. */
export interface MttfPoint {
  week: string;
  fixed: number;
  meanDays: number;
}

/** WHERE terms for one project and/or the projects a principal may see. */
function projectTerms(projectId: number | undefined, only: number[] | undefined): { where: string[]; params: number[] } {
  const where: string[] = [];
  const params: number[] = [];
  if (projectId !== undefined) {
    where.push('project_id = ?');
    params.push(projectId);
  }
  if (only) {
    where.push(`project_id IN (${only.map(() => '?').join(', ') || 'NULL'})`);
    params.push(...only);
  }
  return { where, params };
}

/** Daily open counts over the last `days` days (of one project, or of those in `only`, or all). */
export async function openTrend(db: Db, now: number, days: number, projectId?: number, only?: number[]): Promise<TrendPoint[]> {
  const start = Math.floor(now / DAY) * DAY - (days - 1) * DAY;
  const { where, params } = projectTerms(projectId, only);
  // The last snapshot before the window (the starting level) and every snapshot in it.
  const rows = await db.all<{ project_id: number; at: number; critical: number; high: number; medium: number; low: number; info: number }>(
    `SELECT s.project_id, s.at, s.critical, s.high, s.medium, s.low, s.info FROM snapshots s
     WHERE ${where.length ? `${where.join(' AND ')} AND ` : ''}(s.at >= ? OR s.id IN (SELECT max(id) FROM snapshots WHERE at < ? GROUP BY project_id))
     ORDER BY s.at, s.id`,
    [...params, start, start],
  );
  const level = new Map<number, Record<Severity, number>>();
  const out: TrendPoint[] = [];
  let i = 0;
  for (let d = 0; d < days; d++) {
    const end = start + (d + 1) * DAY;
    while (i < rows.length && Number(rows[i]!.at) < end) {
      const r = rows[i++]!;
      level.set(Number(r.project_id), { critical: Number(r.critical), high: Number(r.high), medium: Number(r.medium), low: Number(r.low), info: Number(r.info) });
    }
    const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
    for (const l of level.values()) for (const s of SEVERITIES) counts[s] += l[s];
    out.push({ day: new Date(start + d * DAY).toISOString().slice(0, 10), counts });
  }
  return out;
}

/** Mean time to fix per week over the last `weeks` weeks. */
export async function meanTimeToFix(db: Db, now: number, weeks: number, projectId?: number, only?: number[]): Promise<MttfPoint[]> {
  const week = 7 * DAY;
  const start = Math.floor(now / week) * week - (weeks - 1) * week;
  const terms = projectTerms(projectId, only);
  const where = ["state = 'fixed'", 'fixed_at >= ?', ...terms.where];
  const params: number[] = [start, ...terms.params];
  // Grouped by the subquery's column: PostgreSQL does not take `(fixed_at - $5) / $6` in GROUP BY for the same
  // expression written with `$1` and `$2` in the select list.
  const rows = await db.all<{ bucket: number; n: number; total: number }>(
    `SELECT bucket, count(*) AS n, sum(took) AS total FROM (SELECT (fixed_at - ?) / ? AS bucket, fixed_at - opened_at AS took FROM findings WHERE ${where.join(' AND ')}) fixed GROUP BY bucket`,
    [start, week, ...params],
  );
  const by = new Map(rows.map((r) => [Math.floor(Number(r.bucket)), r]));
  return Array.from({ length: weeks }, (_, w) => {
    const r = by.get(w);
    const n = r ? Number(r.n) : 0;
    return { week: new Date(start + w * week).toISOString().slice(0, 10), fixed: n, meanDays: n ? Number(r!.total) / n / DAY : 0 };
  });
}
