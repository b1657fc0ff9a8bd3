/**
 * Stores one parsed report as a run of a project, in one transaction: nothing of it is visible until all of
 * it is, and a crash at any point leaves the database as it was. Idempotent per (project, run id): the same
 * run uploaded again returns the stored run; another report under the same run id is a conflict. Ingests of
 * one project are serialised (the project row is locked on PostgreSQL; SQLite has one writer), so concurrent
 * uploads end in the state of some sequential order.
 */
import type { Db, SqlValue } from '../db/types.js';
import type { IncomingFinding, ParsedReport } from '../ingest/model.js';
import { writeAudit } from './audit.js';
import { classify, type Change, type Known } from './classify.js';
import { ensureProject } from './projects.js';
import { dueAt, sevRank, type SlaDays } from './severity.js';
import { loadSla } from './sla.js';
import { expireAcceptances } from './triage.js';

/** A run id used twice for different reports. */
export class RunConflictError extends Error {
  constructor(runKey: string) {
    super(`run ${JSON.stringify(runKey)} was already uploaded with a different report`);
    this.name = 'RunConflictError';
  }
}

/** What the upload said about itself besides the report. */
export interface IngestMeta {
  project: string;
  runKey: string;
  bodyHash: string;
  commit?: string;
  branch?: string;
  uploadedBy: string;
  /** Create the project when it does not exist (tokens not bound to one project). */
  createProject: boolean;
  now: number;
}

/** The stored run. */
export interface IngestResult {
  runId: number;
  projectId: number;
  /** False when the same run had been stored before (nothing changed). */
  created: boolean;
  total: number;
  new: number;
  unchanged: number;
  reintroduced: number;
  fixed: number;
}

const FINDING_COLUMNS = [
  { name: 'project_id', type: 'int' },
  { name: 'fingerprint', type: 'text' },
  { name: 'scanner', type: 'text' },
  { name: 'rule_id', type: 'text' },
  { name: 'severity', type: 'text' },
  { name: 'sev', type: 'int' },
  { name: 'message', type: 'text' },
  { name: 'kind', type: 'text' },
  { name: 'path', type: 'text' },
  { name: 'line', type: 'int' },
  { name: 'location', type: 'text' },
  { name: 'detail', type: 'text' },
  { name: 'package', type: 'text' },
  { name: 'version', type: 'text' },
  { name: 'purl', type: 'text' },
  { name: 'state', type: 'text' },
  { name: 'triage', type: 'text' },
  { name: 'suppressed', type: 'text' },
  { name: 'first_seen_at', type: 'int' },
  { name: 'first_run_id', type: 'int' },
  { name: 'last_seen_at', type: 'int' },
  { name: 'last_run_id', type: 'int' },
  { name: 'opened_at', type: 'int' },
  { name: 'due_at', type: 'int' },
  { name: 'reopened', type: 'int' },
] as const;

/** Columns a later run rewrites on a finding it holds (fields follow the latest report). */
const SEEN_COLUMNS = [
  { name: 'scanner', type: 'text' },
  { name: 'rule_id', type: 'text' },
  { name: 'severity', type: 'text' },
  { name: 'sev', type: 'int' },
  { name: 'message', type: 'text' },
  { name: 'kind', type: 'text' },
  { name: 'path', type: 'text' },
  { name: 'line', type: 'int' },
  { name: 'location', type: 'text' },
  { name: 'detail', type: 'text' },
  { name: 'package', type: 'text' },
  { name: 'version', type: 'text' },
  { name: 'purl', type: 'text' },
  { name: 'suppressed', type: 'text' },
  { name: 'state', type: 'text' },
  { name: 'last_seen_at', type: 'int' },
  { name: 'last_run_id', type: 'int' },
  { name: 'opened_at', type: 'int' },
  { name: 'fixed_at', type: 'int' },
  { name: 'due_at', type: 'int' },
  { name: 'reopened', type: 'int' },
] as const;

function seenRow(id: number, f: IncomingFinding, openedAt: number, reopened: number, runId: number, now: number, sla: SlaDays): SqlValue[] {
  return [
    id,
    f.scanner,
    f.ruleId,
    f.severity,
    sevRank(f.severity),
    f.message,
    f.kind,
    f.path,
    f.line,
    JSON.stringify(f.location),
    JSON.stringify(f.detail),
    f.package ?? null,
    f.version ?? null,
    f.purl ?? null,
    f.suppressed ?? null,
    'open',
    now,
    runId,
    openedAt,
    null,
    dueAt(sla, f.severity, openedAt),
    reopened,
  ];
}

/** Stores `report` as run `meta.runKey` of `meta.project`. */
export async function ingestReport(db: Db, report: ParsedReport, meta: IngestMeta): Promise<IngestResult> {
  return db.tx(async (t) => {
    const projectId = await ensureProject(t, meta.project, meta.createProject, meta.now, true);
    const prior = await t.get<{ id: number; body_hash: string; total: number; new_count: number; unchanged_count: number; reintroduced_count: number; fixed_count: number }>(
      'SELECT id, body_hash, total, new_count, unchanged_count, reintroduced_count, fixed_count FROM runs WHERE project_id = ? AND run_key = ?',
      [projectId, meta.runKey],
    );
    if (prior) {
      if (prior.body_hash !== meta.bodyHash) throw new RunConflictError(meta.runKey);
      return { runId: prior.id, projectId, created: false, total: prior.total, new: prior.new_count, unchanged: prior.unchanged_count, reintroduced: prior.reintroduced_count, fixed: prior.fixed_count };
    }
    await expireAcceptances(t, meta.now, projectId);
    const sla = await loadSla(t, projectId);
    const now = meta.now;
    const run = await t.get<{ id: number }>(
      `INSERT INTO runs (project_id, run_key, body_hash, format, tool, target, commit_sha, branch, started_at, finished_at, received_at, scope, total, new_count, unchanged_count, reintroduced_count, fixed_count, uploaded_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0, 0, 0, ?) RETURNING id`,
      [projectId, meta.runKey, meta.bodyHash, report.format, report.tool, report.target ?? null, meta.commit ?? null, meta.branch ?? null, report.startedAt ?? null, report.finishedAt ?? null, now, JSON.stringify(report.scope), meta.uploadedBy],
    );
    const runId = Number(run!.id);

    const known = new Map<string, Known>();
    const rows = await t.all<{ id: number; fingerprint: string; state: 'open' | 'fixed'; scanner: string; opened_at: number; reopened: number }>(
      'SELECT id, fingerprint, state, scanner, opened_at, reopened FROM findings WHERE project_id = ?',
      [projectId],
    );
    const reopenedCount = new Map<number, number>();
    for (const r of rows) {
      known.set(r.fingerprint, { id: Number(r.id), state: r.state, scanner: r.scanner, openedAt: Number(r.opened_at) });
      reopenedCount.set(Number(r.id), Number(r.reopened));
    }
    const plan = classify(known, report.findings, report.scope);

    const ids = await t.insertMany(
      'findings',
      [...FINDING_COLUMNS],
      plan.created.map((f) => [
        projectId, f.fingerprint, f.scanner, f.ruleId, f.severity, sevRank(f.severity), f.message, f.kind, f.path, f.line,
        JSON.stringify(f.location), JSON.stringify(f.detail), f.package ?? null, f.version ?? null, f.purl ?? null,
        'open', 'none', f.suppressed ?? null, now, runId, now, runId, now, dueAt(sla, f.severity, now), 0,
      ]),
      'id',
    );
    const aliasRows: SqlValue[][] = [];
    plan.created.forEach((f, i) => {
      for (const a of f.aliases) aliasRows.push([ids[i]!, a]);
    });
    await t.insertMany('finding_aliases', [{ name: 'finding_id', type: 'int' }, { name: 'alias', type: 'text' }], aliasRows);
    await t.updateMany('findings', 'id', [...SEEN_COLUMNS], [
      ...plan.unchanged.map(({ known: k, finding: f }) => seenRow(k.id, f, k.openedAt, reopenedCount.get(k.id) ?? 0, runId, now, sla)),
      ...plan.reintroduced.map(({ known: k, finding: f }) => seenRow(k.id, f, now, (reopenedCount.get(k.id) ?? 0) + 1, runId, now, sla)),
    ]);
    await t.updateMany(
      'findings',
      'id',
      [{ name: 'state', type: 'text' }, { name: 'fixed_at', type: 'int' }, { name: 'due_at', type: 'int' }],
      plan.fixed.map((k) => [k.id, 'fixed', now, null]),
    );
    const changes: SqlValue[][] = [];
    const push = (id: number, c: Change): void => void changes.push([runId, id, c]);
    ids.forEach((id) => push(id, 'new'));
    plan.unchanged.forEach((u) => push(u.known.id, 'unchanged'));
    plan.reintroduced.forEach((u) => push(u.known.id, 'reintroduced'));
    plan.fixed.forEach((k) => push(k.id, 'fixed'));
    await t.insertMany('run_findings', [{ name: 'run_id', type: 'int' }, { name: 'finding_id', type: 'int' }, { name: 'change', type: 'text' }], changes);
    for (const r of report.rules) {
      await t.run(
        'INSERT INTO rules (scanner, rule_id, title, help, help_uri) VALUES (?, ?, ?, ?, ?) ON CONFLICT (scanner, rule_id) DO UPDATE SET title = excluded.title, help = excluded.help, help_uri = excluded.help_uri',
        [r.scanner, r.ruleId, r.title ?? null, r.help ?? null, r.helpUri ?? null],
      );
    }
    if (report.format === 'cyclonedx') {
      await t.run('DELETE FROM components WHERE project_id = ?', [projectId]);
      await t.insertMany(
        'components',
        [{ name: 'project_id', type: 'int' }, { name: 'run_id', type: 'int' }, { name: 'name', type: 'text' }, { name: 'version', type: 'text' }, { name: 'purl', type: 'text' }, { name: 'ecosystem', type: 'text' }],
        report.components.map((c) => [projectId, runId, c.name, c.version ?? null, c.purl ?? null, c.ecosystem ?? null]),
      );
    }
    const counts = { critical: 0, high: 0, medium: 0, low: 0, info: 0 } as Record<string, number>;
    for (const r of await t.all<{ severity: string; n: number }>("SELECT severity, count(*) AS n FROM findings WHERE project_id = ? AND state = 'open' GROUP BY severity", [projectId])) {
      counts[r.severity] = Number(r.n);
    }
    await t.run('INSERT INTO snapshots (project_id, run_id, at, critical, high, medium, low, info) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
      projectId, runId, now, counts['critical']!, counts['high']!, counts['medium']!, counts['low']!, counts['info']!,
    ]);
    const result: IngestResult = {
      runId,
      projectId,
      created: true,
      total: plan.created.length + plan.unchanged.length + plan.reintroduced.length,
      new: plan.created.length,
      unchanged: plan.unchanged.length,
      reintroduced: plan.reintroduced.length,
      fixed: plan.fixed.length,
    };
    await t.run('UPDATE runs SET total = ?, new_count = ?, unchanged_count = ?, reintroduced_count = ?, fixed_count = ? WHERE id = ?', [
      result.total, result.new, result.unchanged, result.reintroduced, result.fixed, runId,
    ]);
    await writeAudit(t, { at: now, actor: meta.uploadedBy, action: 'upload', projectId, detail: { run: meta.runKey, format: report.format, ...counts, new: result.new, fixed: result.fixed, reintroduced: result.reintroduced } });
    return result;
  });
}
