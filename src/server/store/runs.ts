/** Runs (uploads) of a project and what each changed. */
import type { Db } from '../db/types.js';
import { NotFoundError } from './errors.js';

/** One run. */
export interface RunRow {
  id: number;
  project: string;
  runKey: string;
  format: string;
  tool: string;
  target: string | null;
  commit: string | null;
  branch: string | null;
  receivedAt: number;
  total: number;
  new: number;
  unchanged: number;
  reintroduced: number;
  fixed: number;
  uploadedBy: string | null;
  scope: string[];
}

const COLUMNS = `r.id, p.name AS project, r.run_key, r.format, r.tool, r.target, r.commit_sha, r.branch, r.received_at, r.total,
  r.new_count, r.unchanged_count, r.reintroduced_count, r.fixed_count, r.uploaded_by, r.scope, r.project_id`;

function runOf(r: Record<string, unknown>): RunRow {
  return {
    id: Number(r['id']),
    project: String(r['project']),
    runKey: String(r['run_key']),
    format: String(r['format']),
    tool: String(r['tool']),
    target: (r['target'] as string | null) ?? null,
    commit: (r['commit_sha'] as string | null) ?? null,
    branch: (r['branch'] as string | null) ?? null,
    receivedAt: Number(r['received_at']),
    total: Number(r['total']),
    new: Number(r['new_count']),
    unchanged: Number(r['unchanged_count']),
    reintroduced: Number(r['reintroduced_count']),
    fixed: Number(r['fixed_count']),
    uploadedBy: (r['uploaded_by'] as string | null) ?? null,
    scope: JSON.parse(String(r['scope'])) as string[],
  };
}

/** The latest runs of a project, newest first. */
export async function listRuns(db: Db, projectId: number, limit = 50): Promise<RunRow[]> {
  const rows = await db.all<Record<string, unknown>>(
    `SELECT ${COLUMNS} FROM runs r JOIN projects p ON p.id = r.project_id WHERE r.project_id = ? ORDER BY r.id DESC LIMIT ?`,
    [projectId, Math.min(limit, 500)],
  );
  return rows.map(runOf);
}

/** One run with the findings it changed (new, reintroduced and fixed; unchanged ones are counted only). */
export async function getRun(db: Db, id: number, only?: number[]): Promise<RunRow & { changes: { findingId: number; change: string; severity: string; ruleId: string; path: string; message: string }[] }> {
  const r = await db.get<Record<string, unknown>>(`SELECT ${COLUMNS} FROM runs r JOIN projects p ON p.id = r.project_id WHERE r.id = ?`, [id]);
  if (!r || (only && !only.includes(Number(r['project_id'])))) throw new NotFoundError(`no run ${id}`);
  const changes = await db.all<{ finding_id: number; change: string; severity: string; rule_id: string; path: string; message: string }>(
    `SELECT rf.finding_id, rf.change, f.severity, f.rule_id, f.path, f.message FROM run_findings rf JOIN findings f ON f.id = rf.finding_id
     WHERE rf.run_id = ? AND rf.change <> 'unchanged' ORDER BY rf.change, f.sev DESC, f.id DESC LIMIT 1000`,
    [id],
  );
  return {
    ...runOf(r),
    changes: changes.map((c) => ({ findingId: Number(c.finding_id), change: c.change, severity: c.severity, ruleId: c.rule_id, path: c.path, message: c.message })),
  };
}
