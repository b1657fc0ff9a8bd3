/**
 * The JSON report: the machine-readable record of a run. `pipeguard scan --baseline previous.json` reads it
 * back, taking `findings[].fingerprint` and `suppressed[].fingerprint`, so those two places are a contract.
 */
import type { Decision, Report } from '../core/types.js';
import { buildView, stripSecrets } from './view.js';
import type { Entry } from './view.js';

/** Version of the JSON report layout; bump on an incompatible change. */
export const JSON_REPORT_VERSION = 1;

/** Renders the report as pretty-printed JSON (2 spaces, trailing newline). */
export function renderJson(report: Report, decision: Decision): string {
  const view = buildView(report, decision);
  const summary: Record<string, unknown> = {
    outcome: decision.outcome,
    failOn: decision.failOn,
    counts: view.counts,
    violations: view.active.filter((e) => e.gate === 'violation').length,
    suppressed: decision.suppressed.length,
  };
  if (view.newCount !== undefined) summary.new = view.newCount;
  if (decision.absent) summary.absent = decision.absent.length;
  const doc = {
    version: JSON_REPORT_VERSION,
    tool: report.tool,
    target: report.target,
    startedAt: report.startedAt,
    finishedAt: report.finishedAt,
    summary,
    findings: view.active.map(findingJson),
    suppressed: decision.suppressed.map((s) => ({
      fingerprint: s.finding.fingerprint,
      ruleId: s.finding.ruleId,
      scanner: s.finding.scanner,
      severity: s.finding.severity,
      location: s.finding.location,
      kind: s.kind,
      reason: s.reason,
    })),
    statuses: report.statuses,
    notes: decision.notes,
  };
  return JSON.stringify(doc, null, 2) + '\n';
}

function findingJson(e: Entry): Record<string, unknown> {
  const f = e.finding;
  return {
    fingerprint: f.fingerprint,
    severity: f.severity,
    confidence: f.confidence,
    ruleId: f.ruleId,
    scanner: f.scanner,
    message: f.message,
    location: f.location,
    origin: f.origin,
    fix: f.fix,
    cwe: f.cwe,
    tags: f.tags,
    evidence: f.evidence,
    flow: f.flow,
    data: f.data === undefined ? undefined : stripSecrets(f.data),
    gate: e.gate,
    baselineState: e.baselineState,
  };
}
