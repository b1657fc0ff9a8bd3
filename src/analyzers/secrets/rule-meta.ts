/**
 * What the secrets scanner needs of its rules before it reads a file: the rule-set input a config gives, and a
 * rule's metadata for reports. Apart from ruleset.ts so that these load without the rules and the engine.
 */
import { rule, toRuleMeta } from '../../core/rules.js';
import type { RuleMeta } from '../../core/types.js';
import type { SecretsConfig } from './config.js';
import type { SecretRuleSpec } from './rule.js';

/** What a worker needs to rebuild the rule set: plain data, structured-clone safe. */
export interface RuleSetInput {
  custom: SecretRuleSpec[];
  disable: string[];
  allowRegexes: string[];
  stopwords: string[];
}

/** The rule-set input of a default config: the built-in rules, nothing disabled, added or allowed. */
export function defaultRuleSetInput(): RuleSetInput {
  return { custom: [], disable: [], allowRegexes: [], stopwords: [] };
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
