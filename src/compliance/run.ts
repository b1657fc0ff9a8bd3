/** The compliance report as a library call: evidence in, a report for one framework (and the required controls) out. */
import type { RuleMeta } from '../core/types.js';
import type { CiFacts } from './ci.js';
import { evaluateFramework, type FrameworkResult } from './evaluate.js';
import type { Evidence } from './evidence.js';
import { controlRef } from './frameworks/index.js';
import type { FrameworkId } from './mapping.js';
import type { ComplianceReport } from './render.js';

/** What {@link complianceReport} weighs. */
export interface ComplianceInput {
  framework: FrameworkId;
  subject: string;
  /** Every registered rule (scanners with their config, and the posture checks). */
  rules: RuleMeta[];
  evidence: Evidence;
  ci: CiFacts;
  /** Controls that must be met (`compliance.require` and `--require`), from any framework. */
  require: string[];
  configPath?: string;
  tool: { name: string; version: string };
  now: Date;
}

/** Evaluates the framework and the required controls. The outcome fails when a required control is not met. */
export function complianceReport(i: ComplianceInput): ComplianceReport {
  const results = new Map<string, FrameworkResult>();
  const of = (fw: FrameworkId) => {
    let r = results.get(fw);
    if (!r) {
      r = evaluateFramework(fw, { rules: i.rules, evidence: i.evidence, ci: i.ci });
      results.set(fw, r);
    }
    return r;
  };
  const result = of(i.framework);
  const required = [...new Set(i.require)].map((ref) => {
    const found = controlRef(ref)!;
    const c = of(found.framework.id as FrameworkId).controls.find((x) => x.control.id === found.control.id)!;
    return { ref: `${found.framework.id}:${found.control.id}`, status: c.status, title: found.control.title };
  });
  return {
    tool: i.tool,
    generatedAt: i.now.toISOString(),
    subject: i.subject,
    result,
    required,
    sources: { ...(i.configPath ? { config: i.configPath } : {}), ciFiles: i.ci.files, reports: i.evidence.sources },
    outcome: required.every((q) => q.status === 'met') ? 'pass' : 'fail',
  };
}
