import { compileRules, type RuleSet } from './engine.js';
import type { SecretRuleSpec } from './rule.js';
import type { RuleSetInput } from './rule-meta.js';
import { BUILTIN_RULES } from './rules/index.js';

export { defaultRuleSetInput, ruleSetInput, secretRuleMeta, type RuleSetInput } from './rule-meta.js';

/** Built-in rules minus disabled ones, plus custom rules (a custom rule with a built-in id replaces it). */
export function activeSpecs(input: RuleSetInput): SecretRuleSpec[] {
  const custom = new Set(input.custom.map((r) => r.id));
  const off = new Set(input.disable);
  return [...BUILTIN_RULES.filter((r) => !off.has(r.id) && !custom.has(r.id)), ...input.custom];
}

/** The built-in rules compiled with nothing disabled, added or allowed: shared by every caller in this thread. */
let builtinOnly: RuleSet | undefined;

/** The built-in set {@link buildRuleSet} compiled for a default config in this thread, if it has. */
export function builtinRuleSet(): RuleSet | undefined {
  return builtinOnly;
}

/**
 * Compiles the active rules. The built-in set with a default config is compiled once per thread and shared (the
 * secrets scanner and the report masker both need it, ~70 ms each); a rule set holds no state between `detect`
 * calls, which are synchronous.
 */
export function buildRuleSet(input: RuleSetInput): RuleSet {
  const plain = !input.custom.length && !input.disable.length && !input.allowRegexes.length && !input.stopwords.length;
  if (plain && builtinOnly) return builtinOnly;
  const set = compileRules(activeSpecs(input), {
    allowRegexes: input.allowRegexes,
    stopwords: input.stopwords,
    custom: new Set(input.custom.map((r) => r.id)),
    lazy: true,
  });
  if (plain) builtinOnly = set;
  return set;
}
