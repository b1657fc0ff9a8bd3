/**
 * All built-in secret rules, one file per category, concatenated and sorted by id.
 */
import type { SecretRuleSpec } from '../rule.js';
import { AI_RULES } from './ai.js';
import { CLOUD_RULES } from './cloud.js';
import { COMMS_RULES } from './comms.js';
import { DATABASE_RULES } from './databases.js';
import { GENERIC_RULES } from './generic.js';
import { KEY_RULES } from './keys.js';
import { KEYED_RULES } from './keyed.js';
import { PAYMENT_RULES } from './payments.js';
import { PREFIXED_RULES } from './prefixed.js';
import { SAAS_RULES } from './saas.js';
import { VCS_CI_RULES } from './vcs-ci.js';

const SPECIFIC_RULES: SecretRuleSpec[] = [
  ...AI_RULES,
  ...CLOUD_RULES,
  ...COMMS_RULES,
  ...DATABASE_RULES,
  ...KEY_RULES,
  ...KEYED_RULES,
  ...PAYMENT_RULES,
  ...PREFIXED_RULES,
  ...SAAS_RULES,
  ...VCS_CI_RULES,
];

/** Stems of prefixes that are plain words a value may start with, not a vendor's mark (`api-`, `secret_`, `live_`). */
const WORD_STEMS = /^(?:api|key|token|secret|live|test|sandbox|production|pat|sat|sdk|mob|ansible)$/;

/**
 * The marks vendors put at the start of their credentials (`xoxp-`, `glpat-`, `sm_pat_`, `sk_live_`), read from the
 * specific rules' keywords: a keyword of at least four characters ending in a separator. A value a generic rule
 * reads that starts with one is in a vendor's format, which the vendor's rule judges: where that rule found it, the
 * generic hit yields anyway; where it did not (`xoxp-1234-1234-1234-…`, `sm_pat_` with 10 characters instead of 16),
 * the value is a look-alike of the format, not a credential.
 */
export function vendorMarks(rules: readonly SecretRuleSpec[]): string[] {
  const marks = new Set<string>();
  for (const rule of rules) {
    if (rule.generic || rule.fallback || rule.tags?.includes('keyed')) continue;
    for (const k of rule.keywords) if (/^[a-z0-9][a-z0-9_.\-]{2,}[_.\-]$/.test(k) && !WORD_STEMS.test(k.slice(0, -1))) marks.add(k);
  }
  return [...marks].sort();
}

const escape = (s: string) => s.replace(/[.\-]/g, (c) => `\\${c}`);
/** The keyword-assignment rules (generic, low confidence) leave values in a vendor's format to the vendor's rule. */
const MARKED = `^(?:${vendorMarks(SPECIFIC_RULES).map(escape).join('|')})`;
const GENERIC = GENERIC_RULES.map((rule) =>
  rule.generic && rule.confidence === 'low' ? { ...rule, allowlist: { ...rule.allowlist, regexes: [...(rule.allowlist?.regexes ?? []), MARKED] } } : rule,
);

/** Every built-in secret rule, sorted by id. */
export const BUILTIN_RULES: SecretRuleSpec[] = [...SPECIFIC_RULES, ...GENERIC].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
