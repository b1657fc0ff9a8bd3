/** The audit trail: every triage action, upload, token, user and settings change, with who and when. */
import type { Db } from '../db/types.js';

/** One entry to record. */
export interface AuditEntry {
  at: number;
  actor: string;
  action: string;
  projectId?: number | null;
  findingId?: number | null;
  detail: Record<string, unknown>;
}

/** A recorded entry. */
export interface AuditRow {
  id: number;
  at: number;
  actor: string;
  action: string;
  project: string | null;
  findingId: number | null;
  detail: Record<string, unknown>;
}

/** Appends an entry (inside the caller's transaction, so the action and its record commit together). */
export async function writeAudit(db: Db, e: AuditEntry): Promise<void> {
  await db.run('INSERT INTO audit (at, actor, action, project_id, finding_id, detail) VALUES (?, ?, ?, ?, ?, ?)', [
    e.at, e.actor, e.action, e.projectId ?? null, e.findingId ?? null, JSON.stringify(e.detail),
  ]);
}

/** Newest first: of one finding, or of everything (optionally only projects in `only`), before id `before`. */
export async function listAudit(db: Db, opts: { findingId?: number; before?: number; limit?: number; only?: number[] } = {}): Promise<AuditRow[]> {
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (opts.findingId !== undefined) {
    where.push('a.finding_id = ?');
    params.push(opts.findingId);
  }
  if (opts.before !== undefined) {
    where.push('a.id < ?');
    params.push(opts.before);
  }
  if (opts.only) {
    where.push(`a.project_id IN (${opts.only.map(() => '?').join(', ') || 'NULL'})`);
    params.push(...opts.only);
  }
  const rows = await db.all<{ id: number; at: number; actor: string; action: string; name: string | null; finding_id: number | null; detail: string }>(
    `SELECT a.id, a.at, a.actor, a.action, p.name, a.finding_id, a.detail FROM audit a LEFT JOIN projects p ON p.id = a.project_id
     ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY a.id DESC LIMIT ?`,
    [...params, Math.min(opts.limit ?? 100, 1000)],
  );
  return rows.map((r) => ({
    id: Number(r.id),
    at: Number(r.at),
    actor: r.actor,
    action: r.action,
    project: r.name,
    findingId: r.finding_id === null ? null : Number(r.finding_id),
    detail: JSON.parse(r.detail) as Record<string, unknown>,
  }));
}
