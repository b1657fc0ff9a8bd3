import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../core/errors.js';
import type { AuditEntry } from '../audit/entry.js';
import { readAuditEntries } from '../audit/read.js';
import type { DeployRecord } from '../deploy/record.js';
import { listRuns, loadRunRecord, type RunRecord } from '../runner/record.js';

/** What a postmortem is about: one pipeline run, one deploy, or everything in a time window. */
export type Subject = { kind: 'run'; id: string } | { kind: 'deploy'; id: string } | { kind: 'window'; since: string; until: string };

/** Where the records are. */
export interface Sources {
  auditLog: string;
  /** The alerts log of `pipeguard monitor` (optional). */
  alertsLog?: string;
  runsDir: string;
  deploysDir: string;
  display?: (path: string) => string;
}

/** Everything the postmortem draws on. */
export interface Evidence {
  subject: Subject;
  /** The window the report covers (ISO). */
  start: string;
  end: string;
  runs: RunRecord[];
  deploys: DeployRecord[];
  /** Audit entries that belong to the subject, in order. */
  entries: AuditEntry[];
  /** Monitor alerts raised in the window. */
  alerts: AuditEntry[];
}

/** The deploy records in `dir` (newest last); unreadable files are an InputError naming them. */
export function listDeploys(dir: string, display: (p: string) => string = (p) => p): DeployRecord[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json')).sort();
  } catch {
    return [];
  }
  return names.map((n) => loadDeployFile(join(dir, n), display));
}

function loadDeployFile(file: string, display: (p: string) => string): DeployRecord {
  let d: unknown;
  try {
    d = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new InputError((e as NodeJS.ErrnoException).code ? 'cannot read the deploy record' : 'not JSON: not a deploy record', display(file));
  }
  const r = d as Partial<DeployRecord>;
  if (typeof r !== 'object' || r === null || typeof r.id !== 'string' || typeof r.startedAt !== 'string' || !Array.isArray(r.samples) || !Array.isArray(r.decisions)) {
    throw new InputError('not a deploy record (id, startedAt, samples and decisions are needed)', display(file));
  }
  return r as DeployRecord;
}

/** Tells a run id from a deploy id: a deploy record of that id (or unique prefix), else a run. */
export function resolveSubject(id: string, s: Sources): Subject {
  const deploys = listDeploys(s.deploysDir, s.display).filter((d) => d.id === id || d.id.startsWith(id));
  const exact = deploys.find((d) => d.id === id);
  if (exact || deploys.length === 1) return { kind: 'deploy', id: (exact ?? deploys[0]!).id };
  const runs = listRuns(s.runsDir).filter((r) => r === id || r.startsWith(id) || r.endsWith(id));
  if (runs.length === 1) return { kind: 'run', id: runs[0]! };
  if (deploys.length + runs.length > 1) throw new InputError(`${id} names more than one run or deploy: give more of the id`);
  throw new InputError(`no pipeline run or deploy ${id} (looked in ${show(s, s.runsDir)} and ${show(s, s.deploysDir)})`);
}

function show(s: Sources, p: string): string {
  return s.display ? s.display(p) : p;
}

async function entriesOf(path: string | undefined, display: string | undefined): Promise<AuditEntry[]> {
  if (!path) return [];
  const out: AuditEntry[] = [];
  for await (const r of readAuditEntries(path, display ? { display } : {})) if (r.entry.type !== 'checkpoint') out.push(r.entry);
  return out;
}

function deployIdOf(e: AuditEntry): string | undefined {
  const d = e.data['deployId'];
  return typeof d === 'string' ? d : undefined;
}

/** Collects the records and entries of a subject. */
export async function collect(subject: Subject, s: Sources): Promise<Evidence> {
  const all = await entriesOf(s.auditLog, show(s, s.auditLog));
  const alerts = (await entriesOf(s.alertsLog, s.alertsLog ? show(s, s.alertsLog) : undefined)).filter((e) => e.type === 'monitor.alert');
  const deploysAll = listDeploys(s.deploysDir, s.display);
  let runs: RunRecord[] = [];
  let deploys: DeployRecord[] = [];
  let entries: AuditEntry[] = [];
  if (subject.kind === 'deploy') {
    const d = deploysAll.find((x) => x.id === subject.id);
    if (!d) throw new InputError(`no deploy ${subject.id}`, show(s, s.deploysDir));
    deploys = [d];
    if (d.run) {
      try {
        runs = [loadRunRecord(s.runsDir, d.run, show(s, s.runsDir))];
      } catch {
        runs = [];
      }
    }
    entries = all.filter((e) => deployIdOf(e) === d.id || (d.run !== undefined && e.run === d.run));
  } else if (subject.kind === 'run') {
    runs = [loadRunRecord(s.runsDir, subject.id, show(s, s.runsDir))];
    deploys = deploysAll.filter((d) => d.run === subject.id);
    const ids = new Set(deploys.map((d) => d.id));
    entries = all.filter((e) => e.run === subject.id || (deployIdOf(e) !== undefined && ids.has(deployIdOf(e)!)));
  } else {
    const inWindow = (t: string | undefined) => t !== undefined && t >= subject.since && t <= subject.until;
    runs = listRuns(s.runsDir)
      .map((id) => loadRunRecord(s.runsDir, id, show(s, s.runsDir)))
      .filter((r) => inWindow(r.startedAt))
      .reverse();
    deploys = deploysAll.filter((d) => inWindow(d.startedAt));
    entries = all.filter((e) => inWindow(e.time));
  }
  const times = [...entries.map((e) => e.time), ...runs.flatMap((r) => [r.startedAt, r.finishedAt]), ...deploys.flatMap((d) => [d.startedAt, d.finishedAt, ...d.samples.map((x) => x.t)])].filter(
    (t): t is string => typeof t === 'string' && !Number.isNaN(Date.parse(t)),
  );
  const iso = (t: string) => new Date(t).toISOString();
  const sorted = times.map(iso).sort();
  const start = subject.kind === 'window' ? iso(subject.since) : (sorted[0] ?? new Date(0).toISOString());
  const end = subject.kind === 'window' ? iso(subject.until) : (sorted[sorted.length - 1] ?? start);
  const inRange = alerts.filter((a) => {
    const first = typeof a.data['first'] === 'string' ? iso(a.data['first']) : iso(a.time);
    const related = (a.run !== undefined && runs.some((r) => r.id === a.run)) || deploys.some((d) => JSON.stringify(a.data).includes(d.id));
    return related || (first >= start && first <= end);
  });
  return { subject, start, end, runs, deploys, entries, alerts: inRange };
}
