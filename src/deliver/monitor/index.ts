/**
 * `pipeguard monitor` as a library: read the audit log and any JSON-lines event sources (once, or following them
 * until stopped), run the detection rules of `monitor:` over every event, and hand back the alerts (as findings
 * for the reporters and the gate) while appending each to the hash-chained alerts log the SIEM exporters deliver.
 */
import { resolve } from 'node:path';
import type { Config } from '../../config/schema.js';
import { VERSION } from '../../core/version.js';
import type { Decision, RawFinding, Report, Severity } from '../../core/types.js';
import { compareFindings, fingerprintAll } from '../../engine/fingerprint.js';
import { evaluate } from '../../gate/evaluate.js';
import type { AuditLog } from '../audit/log.js';
import { followAuditLog, readAuditEntries } from '../audit/read.js';
import { durationMs } from '../config.js';
import type { MonitorConfig } from './config.js';
import { MonitorEngine, type Alert, type MonitorEvent } from './engine.js';
import { commitEvidence } from './git.js';
import { loadRules, MONITOR_SCANNER, monitorRuleMeta, type CompiledRule } from './rules.js';
import { auditEvent, sourceEvents, type Mapping } from './source.js';
import { loadState, saveState, type MonitorState } from './state.js';

export { BUILTIN_RULES, loadRules, MONITOR_SCANNER, RATE_LIMITED, type CompiledRule } from './rules.js';
export { MonitorEngine, clockOf, type Alert, type EngineOptions, type MonitorEvent } from './engine.js';
export { commitEvidence, type CommitEvidence } from './git.js';
export { loadMapping, mapLine, mappingSchema, type Mapping } from './source.js';
export { emptyState, loadState, saveState, type MonitorState } from './state.js';
export { monitorSchema, type MonitorConfig, type MonitorRuleConfig } from './config.js';

/** An input of the monitor. */
export type MonitorInput = { kind: 'audit'; path: string; display: string } | { kind: 'source'; path: string; display: string; mapping: Mapping };

/** Options of {@link runMonitor}. */
export interface RunMonitorOptions {
  config: MonitorConfig;
  /** Folder `monitor.git` is relative to. */
  root: string;
  inputs: MonitorInput[];
  statePath: string;
  stateDisplay?: string;
  /** Read from the start of every input, not from where the last run stopped. */
  fromStart?: boolean;
  /** Follow the inputs for new lines until this aborts. */
  follow?: AbortSignal;
  /** Where alerts are appended as `monitor.alert` events. */
  alertsLog?: AuditLog;
  /** Told about each alert as it is raised (follow mode) or closed. */
  onAlert?: (a: Alert, phase: 'raised' | 'closed') => void;
}

/** What a monitor run found. */
export interface MonitorResult {
  alerts: Alert[];
  events: number;
  rules: CompiledRule[];
  /** Evaluation errors per rule: a rule reading a field some events lack. */
  errors: Map<string, { count: number; first: string }>;
  /** Warnings about missing evidence (a commit not in the repository, a shallow clone). */
  notes: string[];
}

/** Runs the monitor over its inputs; in follow mode until `follow` aborts. Saves the state file at the end. */
export async function runMonitor(o: RunMonitorOptions): Promise<MonitorResult> {
  const rules = loadRules(o.config);
  const state: MonitorState = loadState(o.statePath, o.stateDisplay);
  const follow = o.follow !== undefined;
  const raisedCount = new Map<Alert, number>();
  const pending: Alert[] = [];
  const engine = new MonitorEngine({
    rules,
    state,
    dedupWindowMs: durationMs(o.config.dedupWindow),
    rateLimit: { count: o.config.rateLimit.count, windowMs: durationMs(o.config.rateLimit.window) },
    ...(o.config.deployWindow ? { deployWindow: o.config.deployWindow } : {}),
    commit: (sha) => commitEvidence(resolve(o.root, o.config.git), sha, o.config),
    onAlert: async (a, phase) => {
      // follow mode: an alert goes out when raised, and again when it closes if more events were counted into it;
      // a one-shot run writes each alert once, with its final count, and only when every input was read (bad
      // input is exit 2 with nothing written and the read positions unchanged)
      if (phase === 'raised') {
        raisedCount.set(a, a.count);
        if (follow) await o.alertsLog?.append('monitor.alert', alertData(a), a.run ? { run: a.run } : {});
      } else if (!follow) pending.push(a);
      else if (a.count > (raisedCount.get(a) ?? 0)) await o.alertsLog?.append('monitor.alert', { ...alertData(a), update: true }, a.run ? { run: a.run } : {});
      o.onAlert?.(a, phase);
    },
  });
  // one queue: events from every input go through the engine one at a time
  let chain: Promise<void> = Promise.resolve();
  // following, the state is saved at most once a second, so a monitor killed outright goes on near where it was
  let saved = Date.now();
  const feed = (ev: MonitorEvent) =>
    (chain = chain.then(async () => {
      await engine.process(ev);
      if (follow && Date.now() - saved >= 1000) {
        saveState(o.statePath, state);
        saved = Date.now();
      }
    }));
  const readers = o.inputs.map(async (input) => {
    const from = o.fromStart ? undefined : state.cursors[input.path];
    const setPos = (p: { offset: number; line: number }) => (state.cursors[input.path] = p);
    if (input.kind === 'audit') {
      const opts = { display: input.display, ...(from ? { offset: from.offset, line: from.line } : {}) };
      const entries = follow ? followAuditLog(input.path, { ...opts, signal: o.follow! }) : readAuditEntries(input.path, opts);
      for await (const r of entries) {
        if (r.entry.type === 'checkpoint') {
          setPos({ offset: r.end, line: r.line + 1 });
          continue;
        }
        await feed(auditEvent(r.entry, input.display, r.line));
        setPos({ offset: r.end, line: r.line + 1 });
      }
    } else {
      for await (const ev of sourceEvents(input.path, input.mapping, { display: input.display, ...(from ? { from } : {}), ...(follow ? { signal: o.follow! } : {}), onPosition: setPos })) {
        await feed(ev);
      }
    }
  });
  // following, time moves on while nothing comes: alerts whose window passed are closed (and their counts sent)
  const ticker = follow ? setInterval(() => void (chain = chain.then(() => engine.tick()).catch(() => undefined)), Math.min(1000, Math.max(100, durationMs(o.config.dedupWindow) / 4))) : undefined;
  try {
    await Promise.all(readers);
    await chain;
  } catch (e) {
    // following, what was raised is out already: keep the positions so a restart does not raise it again
    if (follow) saveState(o.statePath, state);
    throw e;
  } finally {
    if (ticker) clearInterval(ticker);
  }
  await chain;
  await engine.close();
  for (const a of pending) await o.alertsLog?.append('monitor.alert', alertData(a), a.run ? { run: a.run } : {});
  saveState(o.statePath, state);
  return { alerts: engine.alerts(), events: engine.events, rules, errors: engine.errors, notes: [...engine.notes] };
}

/** The `data` of a `monitor.alert` event. */
export function alertData(a: Alert): Record<string, unknown> {
  return {
    rule: a.rule,
    severity: a.severity,
    message: a.message,
    count: a.count,
    first: a.first,
    last: a.last,
    source: a.source,
    line: a.line,
    ...(a.seq !== undefined ? { seq: a.seq } : {}),
    events: a.events,
    ...(a.heldBack ? { heldBack: a.heldBack } : {}),
  };
}

/** Alerts as findings in a Report, and the gate's decision over them. */
export function monitorReport(o: { alerts: Alert[]; rules: CompiledRule[]; config: Config; target: string; startedAt: string; now: Date; failOn?: Severity | 'none'; warnings?: string[] }): { report: Report; decision: Decision } {
  const raw: RawFinding[] = o.alerts.map((a) => ({
    scanner: MONITOR_SCANNER,
    ruleId: a.rule,
    severity: a.severity,
    confidence: 'high',
    message: a.count > 1 ? `${a.message} (${a.count} events, ${a.first} to ${a.last})` : a.message,
    location: { path: a.source, startLine: a.line },
    identity: a.key,
    tags: ['monitor'],
    data: alertData(a),
  }));
  const report: Report = {
    tool: { name: 'pipeguard', version: VERSION },
    target: { id: o.target, kind: 'file' },
    startedAt: o.startedAt,
    finishedAt: o.now.toISOString(),
    rules: monitorRuleMeta(o.rules),
    findings: fingerprintAll(raw).sort(compareFindings),
    statuses: [{ scanner: MONITOR_SCANNER, status: 'succeeded', fileErrors: [] }],
    ...(o.warnings?.length ? { warnings: o.warnings } : {}),
  };
  const decision = evaluate(report, { policy: o.config, ...(o.failOn ? { failOn: o.failOn } : {}), now: o.now });
  return { report, decision };
}
