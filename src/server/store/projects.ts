/** Projects: the unit findings, runs, SLAs and tokens belong to (one repository, usually). */
import type { Db } from '../db/types.js';
import { InvalidError, NotFoundError } from './errors.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*(?:\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/;

/** Checks a project name: letters, digits, `.`, `_`, `-`, and `/` between parts (`org/repo`), up to 128. */
export function checkProjectName(name: string): string {
  if (name.length > 128 || !NAME.test(name)) throw new InvalidError(`project name ${JSON.stringify(name.slice(0, 40))} must be letters, digits, '.', '_', '-' and '/' between parts, up to 128 characters`);
  return name;
}

/**
 * The id of project `name`, created when missing and `create` is set (otherwise a NotFoundError). With `lock`
 * (inside a transaction) the project row is locked, which serialises ingests of one project on PostgreSQL.
 */
export async function ensureProject(t: Db, name: string, create: boolean, now: number, lock = false): Promise<number> {
  checkProjectName(name);
  const select = `SELECT id FROM projects WHERE name = ?${lock && t.dialect === 'postgres' ? ' FOR UPDATE' : ''}`;
  let row = await t.get<{ id: number }>(select, [name]);
  if (!row) {
    if (!create) throw new NotFoundError(`no project ${name}`);
    await t.run('INSERT INTO projects (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING', [name, now]);
    row = await t.get<{ id: number }>(select, [name]);
  }
  return Number(row!.id);
}

/** A project's id, or a NotFoundError. */
export async function projectId(db: Db, name: string): Promise<number> {
  const row = await db.get<{ id: number }>('SELECT id FROM projects WHERE name = ?', [name]);
  if (!row) throw new NotFoundError(`no project ${name}`);
  return Number(row.id);
}

/** One row of the projects overview. */
export interface ProjectSummary {
  id: number;
  name: string;
  createdAt: number;
  open: { critical: number; high: number; medium: number; low: number; info: number };
  overdue: number;
  triaged: number;
  lastRunAt: number | null;
  runs: number;
}

/** Every project (or those in `only`) with its open findings by severity, overdue count and last run. */
export async function listProjects(db: Db, now: number, only?: number[]): Promise<ProjectSummary[]> {
  const where = only ? `WHERE p.id IN (${only.map(() => '?').join(', ') || 'NULL'})` : '';
  const rows = await db.all<Record<string, number | string | null>>(
    `SELECT p.id, p.name, p.created_at,
       (SELECT count(*) FROM runs r WHERE r.project_id = p.id) AS runs,
       (SELECT max(received_at) FROM runs r WHERE r.project_id = p.id) AS last_run
     FROM projects p ${where} ORDER BY p.name`,
    only ?? [],
  );
  const counts = await db.all<{ project_id: number; severity: string; untriaged: number; triaged: number; overdue: number }>(
    `SELECT project_id, severity,
       sum(CASE WHEN triage IN ('none', 'in_progress') AND suppressed IS NULL THEN 1 ELSE 0 END) AS untriaged,
       sum(CASE WHEN triage IN ('none', 'in_progress') AND suppressed IS NULL THEN 0 ELSE 1 END) AS triaged,
       sum(CASE WHEN triage IN ('none', 'in_progress') AND suppressed IS NULL AND due_at IS NOT NULL AND due_at < ? THEN 1 ELSE 0 END) AS overdue
     FROM findings WHERE state = 'open' GROUP BY project_id, severity`,
    [now],
  );
  const by = new Map<number, ProjectSummary>();
  const out = rows.map((r) => {
    const s: ProjectSummary = {
      id: Number(r['id']),
      name: String(r['name']),
      createdAt: Number(r['created_at']),
      open: { critical: 0, high: 0, medium: 0, low: 0, info: 0 },
      overdue: 0,
      triaged: 0,
      lastRunAt: r['last_run'] === null ? null : Number(r['last_run']),
      runs: Number(r['runs']),
    };
    by.set(s.id, s);
    return s;
  });
  for (const c of counts) {
    const s = by.get(Number(c.project_id));
    if (!s) continue;
    s.open[c.severity as keyof ProjectSummary['open']] = Number(c.untriaged);
    s.triaged += Number(c.triaged);
    s.overdue += Number(c.overdue);
  }
  return out;
}
