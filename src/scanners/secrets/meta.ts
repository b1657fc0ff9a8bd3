/**
 * The built-in secret rules' report metadata, by rule id. From the sources it is computed from the rules; the
 * bundle (scripts/bundle.mjs) replaces this module with the computed list, so that a scan's `rules()` does not
 * load the rules and the engine (~1.5 MB of code) before a file needs them.
 */
import { BUILTIN_RULES } from '../../analyzers/secrets/rules/index.js';
import { secretRuleMeta } from '../../analyzers/secrets/rule-meta.js';
import type { RuleMeta } from '../../core/types.js';

/** Each built-in rule's id and metadata, in rule order (fresh objects on every call). */
export function builtinSecretMetas(): { id: string; meta: RuleMeta }[] {
  return BUILTIN_RULES.map((r) => ({ id: r.id, meta: secretRuleMeta(r) }));
}
