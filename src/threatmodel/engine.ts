/**
 * The STRIDE engine: every rule on every element and flow it applies to, in model order. Pure: a model and a rule
 * set in, threats out. A condition that fails on the model (a field of the wrong type in a user's rule) is an
 * InputError naming the rule's file and line.
 */
import type { Severity } from '../core/types.js';
import { InputError } from '../core/errors.js';
import { buildBindings, DEFAULT_LEVEL } from './context.js';
import { impactOfData, severityOf, type Level } from './levels.js';
import type { Model } from './model.js';
import type { ThreatRule } from './rules/load.js';

/** What a threat is about. */
export interface ThreatTarget {
  kind: 'process' | 'datastore' | 'external' | 'flow';
  id: string;
  title: string;
  /** Line of the element or flow in the model file. */
  line: number;
}

/** One threat: a rule that holds for an element or flow. */
export interface Threat {
  /** `<rule>@<element or flow>`: what acceptances name. */
  id: string;
  rule: ThreatRule;
  target: ThreatTarget;
  likelihood: Level;
  impact: Level;
  severity: Severity;
}

/** Runs every rule on the model. */
export function findThreats(model: Model, rules: readonly ThreatRule[]): Threat[] {
  const b = buildBindings(model);
  const out: Threat[] = [];
  const apply = (target: ThreatTarget, bindings: Record<string, unknown>, level: number) => {
    for (const rule of rules) {
      if (!rule.appliesTo.includes(target.kind)) continue;
      const r = rule.conditionFn(bindings);
      if (typeof r !== 'boolean') {
        throw new InputError(`rule ${rule.id}: the condition fails on ${target.kind} ${target.id}: ${r.error}`, rule.source.file, rule.source.line);
      }
      if (!r) continue;
      const impact: Level = rule.impact === 'data' ? impactOfData(level) : rule.impact;
      out.push({ id: `${rule.id}@${target.id}`, rule, target, likelihood: rule.likelihood, impact, severity: severityOf(rule.likelihood, impact) });
    }
  };
  for (const e of model.elements.values()) {
    const element = b.elements.get(e.id)!;
    apply({ kind: e.kind, id: e.id, title: e.title, line: e.line }, { element }, (element['maxLevel'] as number | undefined) ?? DEFAULT_LEVEL);
  }
  for (const f of model.flows) {
    const flow = b.flows.get(f.id)!;
    apply({ kind: 'flow', id: f.id, title: f.title, line: f.line }, { flow }, (flow['maxLevel'] as number | undefined) ?? DEFAULT_LEVEL);
  }
  return out;
}
