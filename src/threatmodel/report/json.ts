/** The threat model's own JSON: every threat with its state and checks, the drift, and the gate's verdict. */
import type { CheckResult } from '../index.js';

/** Renders the check result as JSON (trailing newline). Deterministic: model order, no clock beyond the report's. */
export function renderThreatJson(r: CheckResult): string {
  const out = {
    model: { file: r.model.file, title: r.model.title, elements: r.model.elements.size, flows: r.model.flows.length },
    outcome: r.decision.outcome,
    failOn: r.decision.failOn,
    threats: r.assessment.threats.map((t) => ({
      id: t.id,
      rule: t.rule.id,
      title: t.rule.title,
      ...(t.rule.stride ? { stride: t.rule.stride } : {}),
      ...(t.rule.linddun ? { linddun: t.rule.linddun } : {}),
      target: t.target,
      likelihood: t.likelihood,
      impact: t.impact,
      severity: t.severity,
      state: t.state,
      cwe: t.rule.cwe,
      capec: t.rule.capec,
      checks: t.checks,
      controls: t.controls.map((c) => ({ id: c.id, state: c.state, detail: c.detail })),
      ...(t.acceptance ? { acceptance: { reason: t.acceptance.reason, owner: t.acceptance.owner ?? null, expires: t.acceptance.expires ?? null, expired: t.acceptance.expired } } : {}),
    })),
    drift: r.drift,
    notes: r.decision.notes,
  };
  return JSON.stringify(out, null, 2) + '\n';
}
