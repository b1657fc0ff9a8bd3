/**
 * Finding lists and pages. Lists are ordered by severity then id (newest first) and paged by key, not offset:
 * a page is `WHERE (sev, id) < (last page's last)`, an index range scan, so page 5,000 of 100k findings costs
 * what page 1 costs.
 */
import { SEVERITIES } from '../../core/types.js';
import type { Db, SqlValue } from '../db/types.js';
import { listAudit, type AuditRow } from './audit.js';
import { InvalidError, NotFoundError } from './errors.js';
import { sevRank } from './severity.js';
import { TRIAGE_STATES } from './triage.js';

/** Filters of a finding list (all optional; `state` defaults to open). */
export interface FindingFilter {
  project?: string;
  severity?: string[];
  scanner?: string;
  rule?: string;
  /** A path prefix, or a pattern with `*` (any characters). */
  path?: string;
  state?: 'open' | 'fixed' | 'all';
  /** Triage states, or `untriaged` (none and in progress) / `triaged` (the rest). */
  triage?: string[];
  /** `>N` opened more than N days ago; `<N` opened within the last N days. */
  age?: string;
  overdue?: boolean;
  /** `yes` only findings the report's gate suppressed, `no` only the others. */
  suppressed?: 'yes' | 'no';
  package?: string;
  version?: string;
  advisory?: string;
  /** Restricts to these project ids (a token bound to one project). */
  only?: number[];
}

/** A page request: after (next) or before (previous) a cursor from an earlier page. */
export interface PageRequest {
  after?: string;
  before?: string;
  limit?: number;
}

/** One row of a finding list. */
export interface FindingRow {
  id: number;
  project: string;
  fingerprint: string;
  scanner: string;
  ruleId: string;
  severity: string;
  message: string;
  kind: string;
  path: string;
  line: number | null;
  state: string;
  triage: string;
  triageExpires: number | null;
  suppressed: string | null;
  firstSeenAt: number;
  openedAt: number;
  dueAt: number | null;
  lastSeenAt: number;
  package: string | null;
  version: string | null;
}

/** A page of findings and the cursors around it. */
export interface FindingPage {
  items: FindingRow[];
  /** Cursor of the next page, when there is one. */
  next?: string;
  /** Cursor of the previous page, when there is one. */
  prev?: string;
  /** How many findings match, when asked for. */
  total?: number;
}

const DAY = 86_400_000;

function cursorOf(r: { sev: number; id: number }): string {
  return `${r.sev}.${r.id}`;
}

function parseCursor(c: string): [number, number] {
  const m = /^([0-4])\.(\d{1,15})$/.exec(c);
  if (!m) throw new InvalidError(`bad page cursor ${JSON.stringify(c.slice(0, 30))}`);
  return [Number(m[1]), Number(m[2])];
}

function likePattern(p: string): string {
  const escaped = p.replace(/[\\%_]/g, (c) => `\\${c}`);
  return escaped.includes('*') ? escaped.replace(/\*/g, '%') : `${escaped}%`;
}

/** The WHERE clause and parameters of a filter. */
export function whereOf(f: FindingFilter, now: number): { sql: string; params: SqlValue[] } {
  const w: string[] = [];
  const p: SqlValue[] = [];
  const state = f.state ?? 'open';
  if (state !== 'all') {
    if (state !== 'open' && state !== 'fixed') throw new InvalidError('state must be open, fixed or all');
    w.push('f.state = ?');
    p.push(state);
  }
  if (f.only) {
    w.push(`f.project_id IN (${f.only.map(() => '?').join(', ') || 'NULL'})`);
    p.push(...f.only);
  }
  if (f.project) {
    w.push('f.project_id = (SELECT id FROM projects WHERE name = ?)');
    p.push(f.project);
  }
  if (f.severity?.length) {
    for (const s of f.severity) if (!(SEVERITIES as readonly string[]).includes(s)) throw new InvalidError(`unknown severity ${JSON.stringify(s)}`);
    w.push(`f.sev IN (${f.severity.map(() => '?').join(', ')})`);
    p.push(...f.severity.map((s) => sevRank(s as (typeof SEVERITIES)[number])));
  }
  if (f.scanner) {
    w.push('f.scanner = ?');
    p.push(f.scanner);
  }
  if (f.rule) {
    w.push('f.rule_id = ?');
    p.push(f.rule);
  }
  if (f.path) {
    w.push("f.path LIKE ? ESCAPE '\\'");
    p.push(likePattern(f.path));
  }
  if (f.triage?.length) {
    const states = f.triage.flatMap((t) => (t === 'untriaged' ? ['none', 'in_progress'] : t === 'triaged' ? ['false_positive', 'accepted_risk', 'wont_fix'] : [t]));
    for (const s of states) if (!(TRIAGE_STATES as readonly string[]).includes(s)) throw new InvalidError(`unknown triage state ${JSON.stringify(s)}`);
    w.push(`f.triage IN (${states.map(() => '?').join(', ')})`);
    p.push(...states);
  }
  if (f.age) {
    const m = /^([<>])(\d{1,5})$/.exec(f.age);
    if (!m) throw new InvalidError('age must be >DAYS (older) or <DAYS (newer)');
    w.push(m[1] === '>' ? 'f.opened_at < ?' : 'f.opened_at >= ?');
    p.push(now - Number(m[2]) * DAY);
  }
  if (f.overdue) {
    w.push("f.state = 'open' AND f.triage IN ('none', 'in_progress') AND f.suppressed IS NULL AND f.due_at IS NOT NULL AND f.due_at < ?");
    p.push(now);
  }
  if (f.suppressed === 'yes') w.push('f.suppressed IS NOT NULL');
  if (f.suppressed === 'no') w.push('f.suppressed IS NULL');
  if (f.package) {
    w.push('f.package = ?');
    p.push(f.package);
  }
  if (f.version) {
    w.push('f.version = ?');
    p.push(f.version);
  }
  if (f.advisory) {
    w.push('f.id IN (SELECT finding_id FROM finding_aliases WHERE alias = ?)');
    p.push(f.advisory.toUpperCase());
  }
  return { sql: w.length ? `WHERE ${w.join(' AND ')}` : '', params: p };
}

const LIST_COLUMNS = `f.id, p.name AS project, f.fingerprint, f.scanner, f.rule_id, f.severity, f.sev, f.message, f.kind, f.path, f.line,
  f.state, f.triage, f.triage_expires, f.suppressed, f.first_seen_at, f.opened_at, f.due_at, f.last_seen_at, f.package, f.version`;

function rowOf(r: Record<string, unknown>): FindingRow {
  const n = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
  return {
    id: Number(r['id']),
    project: String(r['project']),
    fingerprint: String(r['fingerprint']),
    scanner: String(r['scanner']),
    ruleId: String(r['rule_id']),
    severity: String(r['severity']),
    message: String(r['message']),
    kind: String(r['kind']),
    path: String(r['path']),
    line: n(r['line']),
    state: String(r['state']),
    triage: String(r['triage']),
    triageExpires: n(r['triage_expires']),
    suppressed: (r['suppressed'] as string | null) ?? null,
    firstSeenAt: Number(r['first_seen_at']),
    openedAt: Number(r['opened_at']),
    dueAt: n(r['due_at']),
    lastSeenAt: Number(r['last_seen_at']),
    package: (r['package'] as string | null) ?? null,
    version: (r['version'] as string | null) ?? null,
  };
}

/** One page of findings matching `filter`. */
export async function listFindings(db: Db, filter: FindingFilter, page: PageRequest, now: number, withTotal = false): Promise<FindingPage> {
  const limit = Math.max(1, Math.min(page.limit ?? 50, 500));
  const { sql, params } = whereOf(filter, now);
  const backwards = page.before !== undefined;
  const cursor = page.before ?? page.after;
  let keyed = sql;
  const keyParams = [...params];
  if (cursor !== undefined) {
    const [sev, id] = parseCursor(cursor);
    keyed = `${sql ? `${sql} AND` : 'WHERE'} (f.sev, f.id) ${backwards ? '>' : '<'} (?, ?)`;
    keyParams.push(sev, id);
  }
  const order = backwards ? 'f.sev ASC, f.id ASC' : 'f.sev DESC, f.id DESC';
  const rows = await db.all<Record<string, unknown>>(
    `SELECT ${LIST_COLUMNS} FROM findings f JOIN projects p ON p.id = f.project_id ${keyed} ORDER BY ${order} LIMIT ?`,
    [...keyParams, limit + 1],
  );
  const more = rows.length > limit;
  const pageRows = rows.slice(0, limit);
  if (backwards) pageRows.reverse();
  const items = pageRows.map(rowOf);
  const out: FindingPage = { items };
  const first = pageRows[0];
  const last = pageRows[pageRows.length - 1];
  const key = (r: Record<string, unknown>) => cursorOf({ sev: Number(r['sev']), id: Number(r['id']) });
  if (last && (backwards ? cursor !== undefined : more)) out.next = key(last);
  if (first && (backwards ? more : cursor !== undefined)) out.prev = key(first);
  if (withTotal) {
    const c = await db.get<{ n: number }>(`SELECT count(*) AS n FROM findings f ${sql}`, params);
    out.total = Number(c?.n ?? 0);
  }
  return out;
}

/** Everything the finding page shows. */
export interface FindingDetail extends FindingRow {
  projectId: number;
  location: Record<string, unknown>;
  detail: Record<string, unknown>;
  triageReason: string | null;
  triageBy: string | null;
  triageAt: number | null;
  fixedAt: number | null;
  reopened: number;
  purl: string | null;
  aliases: string[];
  rule: { title: string | null; help: string | null; helpUri: string | null } | null;
  history: { runId: number; runKey: string; receivedAt: number; change: string; commit: string | null }[];
  audit: AuditRow[];
}

/** One finding with its location, detail, rule text, run history and audit trail. */
export async function getFinding(db: Db, id: number, only?: number[]): Promise<FindingDetail> {
  const r = await db.get<Record<string, unknown>>(
    `SELECT ${LIST_COLUMNS}, f.project_id, f.location, f.detail, f.triage_reason, f.triage_by, f.triage_at, f.fixed_at, f.reopened, f.purl
     FROM findings f JOIN projects p ON p.id = f.project_id WHERE f.id = ?`,
    [id],
  );
  if (!r || (only && !only.includes(Number(r['project_id'])))) throw new NotFoundError(`no finding ${id}`);
  const rule = await db.get<{ title: string | null; help: string | null; help_uri: string | null }>('SELECT title, help, help_uri FROM rules WHERE scanner = ? AND rule_id = ?', [
    String(r['scanner']),
    String(r['rule_id']),
  ]);
  const aliases = await db.all<{ alias: string }>('SELECT alias FROM finding_aliases WHERE finding_id = ? ORDER BY alias', [id]);
  const history = await db.all<{ run_id: number; run_key: string; received_at: number; change: string; commit_sha: string | null }>(
    'SELECT rf.run_id, r.run_key, r.received_at, rf.change, r.commit_sha FROM run_findings rf JOIN runs r ON r.id = rf.run_id WHERE rf.finding_id = ? ORDER BY rf.run_id DESC LIMIT 50',
    [id],
  );
  return {
    ...rowOf(r),
    projectId: Number(r['project_id']),
    location: JSON.parse(String(r['location'])) as Record<string, unknown>,
    detail: JSON.parse(String(r['detail'])) as Record<string, unknown>,
    triageReason: (r['triage_reason'] as string | null) ?? null,
    triageBy: (r['triage_by'] as string | null) ?? null,
    triageAt: r['triage_at'] === null ? null : Number(r['triage_at']),
    fixedAt: r['fixed_at'] === null ? null : Number(r['fixed_at']),
    reopened: Number(r['reopened']),
    purl: (r['purl'] as string | null) ?? null,
    aliases: aliases.map((a) => a.alias),
    rule: rule ? { title: rule.title, help: rule.help, helpUri: rule.help_uri } : null,
    history: history.map((h) => ({ runId: Number(h.run_id), runKey: h.run_key, receivedAt: Number(h.received_at), change: h.change, commit: h.commit_sha })),
    audit: await listAudit(db, { findingId: id, limit: 100 }),
  };
}
