/**
 * What every reporter needs from a (Report, Decision) pair, computed once: each finding with the gate's
 * verdict on it, counts by severity, rules sorted by id. Pure; reads nothing but its arguments.
 */
import { describeLocation } from '../core/location.js';
import { SEVERITIES } from '../core/types.js';
import type { Decision, Finding, Report, RuleMeta, Severity, Suppressed } from '../core/types.js';

/** How the gate treated one finding that was not suppressed. */
export type Gate = 'violation' | 'below-threshold' | 'baseline';

/** One finding with its verdict. */
export interface Entry {
  finding: Finding;
  /** `suppressed` for findings in `decision.suppressed`. */
  gate: Gate | 'suppressed';
  baselineState?: 'new' | 'unchanged';
  /** Set when `gate` is `suppressed`. */
  suppression?: Suppressed;
}

/** The shared, sorted view reporters render. */
export interface ReportView {
  /** Every finding (active and suppressed) in report order; findings only the decision knows come last. */
  all: Entry[];
  /** The findings that were not suppressed, in order. */
  active: Entry[];
  /** Active findings by severity. */
  counts: Record<Severity, number>;
  /** Count of active findings the baseline did not know, when a baseline was given. */
  newCount?: number;
  /** Rules sorted by id, one per id, including a stub for any rule id a finding uses but no scanner declared. */
  rules: RuleMeta[];
}

/** Builds the view. Never decides anything itself: the verdict of each finding comes from `decision`. */
export function buildView(report: Report, decision: Decision): ReportView {
  const violations = new Set(decision.violations.map((f) => f.fingerprint));
  const suppressed = new Map(decision.suppressed.map((s) => [s.finding.fingerprint, s]));
  const seen = new Set<string>();
  const all: Entry[] = [];
  const add = (f: Finding): void => {
    if (seen.has(f.fingerprint)) return;
    seen.add(f.fingerprint);
    all.push(entryFor(f, decision, violations, suppressed));
  };
  for (const f of report.findings) add(f);
  for (const f of decision.violations) add(f);
  for (const f of decision.findings) add(f);
  for (const s of decision.suppressed) add(s.finding);

  const active = all.filter((e) => e.gate !== 'suppressed');
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const e of active) counts[e.finding.severity]++;
  const view: ReportView = { all, active, counts, rules: sortedRules(report.rules, all) };
  if (decision.baselineState) view.newCount = active.filter((e) => e.baselineState === 'new').length;
  return view;
}

function entryFor(
  f: Finding,
  decision: Decision,
  violations: Set<string>,
  suppressed: Map<string, Suppressed>,
): Entry {
  const baselineState = decision.baselineState?.[f.fingerprint];
  const s = suppressed.get(f.fingerprint);
  const entry: Entry = { finding: f, gate: 'below-threshold' };
  if (s) {
    entry.gate = 'suppressed';
    entry.suppression = s;
  } else if (violations.has(f.fingerprint)) {
    entry.gate = 'violation';
  } else if (baselineState === 'unchanged') {
    // Known from the baseline. (Whether it would also be below its scanner's threshold is the gate's business:
    // per-scanner thresholds are not in the Decision, and a reporter does not re-decide.)
    entry.gate = 'baseline';
  }
  if (baselineState) entry.baselineState = baselineState;
  return entry;
}

function sortedRules(rules: RuleMeta[], entries: Entry[]): RuleMeta[] {
  const byId = new Map<string, RuleMeta>();
  for (const r of rules) if (!byId.has(r.id)) byId.set(r.id, r);
  for (const { finding: f } of entries) {
    if (!byId.has(f.ruleId)) {
      byId.set(f.ruleId, { id: f.ruleId, scanner: f.scanner, title: f.ruleId, help: '', severity: f.severity });
    }
  }
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Keys never printed from `finding.data`, in any format, at any depth (defence in depth: scanners redact). */
const SECRET_KEYS = new Set(['secret', 'raw']);

/** A deep copy of `value` without object keys named `secret` or `raw` (any case). */
export function stripSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripSecrets);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      // A `__proto__` key (possible in parsed JSON) must not become the copy's prototype.
      if (k === '__proto__' || k === 'constructor' || k === 'prototype') continue;
      if (!SECRET_KEYS.has(k.toLowerCase())) out[k] = stripSecrets(v);
    }
    return out;
  }
  return value;
}

/** `path:line`; `path (logical)` or `path` when the finding has no line; the URL, step or setting otherwise. */
export function shortLocation(f: Finding): string {
  return describeLocation(f.location);
}

/** Replaces control characters (which could drive a terminal or break a line) with a space or `\uFFFD`. */
export function oneLine(text: string): string {
  return text.replace(/\r\n|[\r\n\t]/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f]/g, '\uFFFD');
}

/** Seconds between two ISO times, or 0 when either does not parse or the end comes first. */
export function durationSeconds(startedAt: string, finishedAt: string): number {
  const ms = Date.parse(finishedAt) - Date.parse(startedAt);
  return Number.isFinite(ms) && ms > 0 ? ms / 1000 : 0;
}
