import { compileRules, type RuleSet } from './engine.js';
import type { SecretRuleSpec } from './rule.js';
import type { RuleSetInput } from './rule-meta.js';
import { BUILTIN_RULES } from './rules/index.js';

export { ruleSetInput, secretRuleMeta, type RuleSetInput } from './rule-meta.js';

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
