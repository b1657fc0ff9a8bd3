/**
 * Open and accepted threats and drift as pipeguard findings, in a Report the normal reporters print (table, JSON,
 * SARIF, JUnit, Markdown), and the gate's Decision over them. Accepted risks become suppressions of the threat's
 * fingerprint, so they show as suppressed (SARIF `suppressions`) with their reason and expiry.
 */
import type { Config, Suppression } from '../config/schema.js';
import { VERSION } from '../core/version.js';
import type { Decision, RawFinding, Report, RuleMeta, Severity } from '../core/types.js';
import { compareFindings, fingerprintAll } from '../engine/fingerprint.js';
import { evaluate } from '../gate/evaluate.js';
import { DRIFT_RULES, type Drift } from './drift.js';
import { severityOf } from './levels.js';
import type { Model } from './model.js';
import type { ThreatRule } from './rules/load.js';
import { ruleCategory } from './rules/schema.js';
import type { AssessedThreat, Assessment } from './status.js';

/** The scanner id threat-model findings carry. */
export const THREATMODEL_SCANNER = 'threatmodel';

/** Rule metadata for the report: every threat rule and every drift rule. */
export function threatRuleMeta(rules: readonly ThreatRule[]): RuleMeta[] {
  const threat = rules.map((r) => ({
    id: r.id,
    scanner: THREATMODEL_SCANNER,
    title: r.title,
    help: `${r.description}\n\n${r.advice}${r.capec.length ? `\n\nCAPEC: ${r.capec.join(', ')}` : ''}`,
    severity: severityOf(r.likelihood, r.impact === 'data' ? 'high' : r.impact),
    ...(r.cwe.length ? { cwe: r.cwe } : {}),
    tags: ['threat-model', ruleCategory(r).name, ...r.capec],
  }));
  const drift = Object.values(DRIFT_RULES).map((d) => ({ id: d.id, scanner: THREATMODEL_SCANNER, title: d.title, help: d.help, severity: 'high' as Severity, tags: ['threat-model', 'drift'] }));
  return [...threat, ...drift];
}

/** Why a threat is open, in a few words per mitigation. */
export function openReason(t: AssessedThreat): string {
  if (t.checks.length === 0 && t.controls.length === 0) return 'no pipeguard check covers it: add a control or accept the risk';
  const parts = [...t.checks.map((c) => `${c.scanner}${c.rules ? ` (${c.rules.length} rule${c.rules.length === 1 ? '' : 's'})` : ''}: ${c.detail}`), ...t.controls.map((c) => `control ${c.id}: ${c.detail}`)];
  return `no live mitigation: ${parts.join('; ')}`;
}

function threatFinding(model: Model, t: AssessedThreat): RawFinding {
  const where = t.target.kind === 'flow' ? `flow ${t.target.id}` : `${t.target.kind} ${t.target.id}`;
  return {
    scanner: THREATMODEL_SCANNER,
    ruleId: t.rule.id,
    severity: t.severity,
    confidence: 'medium',
    message: `${t.rule.title} (${ruleCategory(t.rule).label}) on ${where}: ${openReason(t)}`,
    location: { path: model.file, startLine: t.target.line, logical: t.id },
    identity: t.id,
    ...(t.rule.cwe.length ? { cwe: t.rule.cwe } : {}),
    tags: ['threat-model', ruleCategory(t.rule).name, ...t.rule.capec],
    data: {
      threat: t.id,
      state: t.state,
      ...(t.rule.stride ? { stride: t.rule.stride } : {}),
      ...(t.rule.linddun ? { linddun: t.rule.linddun } : {}),
      likelihood: t.likelihood,
      impact: t.impact,
      capec: t.rule.capec,
      target: t.target,
      mitigations: t.checks.map((c) => ({ scanner: c.scanner, ...(c.rules ? { rules: c.rules } : {}), state: c.state, detail: c.detail })),
    },
    fix: { description: t.rule.advice },
  };
}

function driftFinding(d: Drift): RawFinding {
  return {
    scanner: THREATMODEL_SCANNER,
    ruleId: d.ruleId,
    severity: d.severity,
    confidence: 'high',
    message: d.message,
    location: { path: d.path, startLine: d.line, logical: d.subject },
    identity: d.subject,
    tags: ['threat-model', 'drift', d.kind],
    data: { subject: d.subject, kind: d.kind },
  };
}

/** What building the report needs. */
export interface ReportInput {
  model: Model;
  rules: readonly ThreatRule[];
  assessment: Assessment;
  drift: Drift[];
  config: Config;
  /** `--fail-on` for this run; else `threatModel.failOn`, else `failOn`. */
  failOn?: Severity | 'none';
  target: string;
  startedAt: string;
  now: Date;
  fileErrors: { path: string; message: string }[];
  warnings: string[];
}

/** The report and the gate's decision. */
export function buildReport(o: ReportInput): { report: Report; decision: Decision } {
  const raw = [...o.assessment.threats.filter((t) => t.state !== 'mitigated').map((t) => threatFinding(o.model, t)), ...o.drift.map(driftFinding)];
  const findings = fingerprintAll(raw).sort(compareFindings);
  const report: Report = {
    tool: { name: 'pipeguard', version: VERSION },
    target: { id: o.target, kind: 'directory' },
    startedAt: o.startedAt,
    finishedAt: o.now.toISOString(),
    rules: threatRuleMeta(o.rules).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    findings,
    statuses: [{ scanner: THREATMODEL_SCANNER, status: o.fileErrors.length ? 'partial' : 'succeeded', fileErrors: o.fileErrors, stats: { threats: o.assessment.threats.length, open: o.assessment.threats.filter((t) => t.state === 'open').length, drift: o.drift.length } }],
    warnings: o.warnings,
  };
  const byThreat = new Map(findings.filter((f) => f.data?.['threat']).map((f) => [f.data!['threat'] as string, f.fingerprint]));
  const accepted: Suppression[] = [];
  for (const t of o.assessment.threats) {
    if (t.state !== 'accepted' || !t.acceptance) continue;
    const fp = byThreat.get(t.id);
    if (!fp) continue;
    const a = t.acceptance;
    accepted.push({ fingerprint: fp, reason: `accepted risk${a.owner ? ` (${a.owner})` : ''}: ${a.reason}`, ...(a.expires ? { expires: a.expires } : {}) });
  }
  // Config suppressions of threat-model rules apply too; others are about scans and would only be noted as unused.
  const own = o.config.suppressions.filter((s) => s.rule?.startsWith('tm-'));
  const failOn = o.config.threatModel.failOn ?? o.config.failOn;
  const decision = evaluate(report, { policy: { failOn, thresholds: {}, suppressions: [...own, ...accepted] }, now: o.now, ...(o.failOn ? { failOn: o.failOn } : {}) });
  // Acceptances are the model's business: drop the gate's notes about their (generated) suppressions.
  decision.notes = decision.notes.filter((n) => !/fingerprint [0-9a-f]{32}\)/.test(n));
  decision.notes.push(...o.assessment.notes, ...o.warnings);
  return { report, decision };
}
