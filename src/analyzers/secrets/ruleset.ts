import { rule, toRuleMeta } from '../../core/rules.js';
import type { RuleMeta } from '../../core/types.js';
import type { SecretsConfig } from './config.js';
import { compileRules, type RuleSet } from './engine.js';
import type { SecretRuleSpec } from './rule.js';
import { BUILTIN_RULES } from './rules/index.js';

/** What a worker needs to rebuild the rule set: plain data, structured-clone safe. */
export interface RuleSetInput {
  custom: SecretRuleSpec[];
  disable: string[];
  allowRegexes: string[];
  stopwords: string[];
}

/** The rule-set input from a validated `scanners.secrets` config. */
export function ruleSetInput(cfg: SecretsConfig): RuleSetInput {
  return {
    custom: cfg.rules.map((r) => ({ ...r, examples: { positive: [], negative: [] } })),
    disable: cfg.disable,
    allowRegexes: cfg.allowlist.regexes,
    stopwords: cfg.allowlist.stopwords,
  };
}

/** Built-in rules minus disabled ones, plus custom rules (a custom rule with a built-in id replaces it). */
export function activeSpecs(input: RuleSetInput): SecretRuleSpec[] {
  const custom = new Set(input.custom.map((r) => r.id));
  const off = new Set(input.disable);
  return [...BUILTIN_RULES.filter((r) => !off.has(r.id) && !custom.has(r.id)), ...input.custom];
}

/** Compiles the active rules. */
export function buildRuleSet(input: RuleSetInput): RuleSet {
  return compileRules(activeSpecs(input), {
    allowRegexes: input.allowRegexes,
    stopwords: input.stopwords,
    custom: new Set(input.custom.map((r) => r.id)),
  });
}

/** Rule metadata for reports. */
export function secretRuleMeta(spec: SecretRuleSpec): RuleMeta {
  const help =
    (spec.help ?? `A ${spec.title} was found in the code.`) +
    ' Treat it as compromised: revoke or rotate it, remove it from the code and its history, and load it at run time from a secret store.';
  const info = rule(spec.id, spec.title, spec.severity, help, {
    cwe: 'CWE-798',
    owasp: ['A07:2021'],
    confidence: spec.confidence ?? (spec.generic ? 'medium' : 'high'),
    tags: ['secret', ...(spec.tags ?? [])],
    examples: { positive: spec.examples.positive, negative: spec.examples.negative },
  });
  return toRuleMeta('secrets', [info])[0]!;
}
