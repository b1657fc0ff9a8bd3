import { rule, toRuleMeta } from '../../core/rules.js';
import type { RuleMeta } from '../../core/types.js';
import { APP_AUDITS } from './js/app-audits.js';
import { AST_RULES } from './js/ast-rules.js';
import { TAINT_RULES } from './js/classes.js';
import { TEMPLATE_RULE } from './js/templates.js';
import { BUILTIN_PACKS } from './packs/index.js';
import { parseRuleFile, ruleMeta } from './patterns/rules.js';

/*
 * The built-in rules' metadata. The CLI bundle (scripts/bundle.mjs) replaces this module with the same two lists
 * computed at build time: the structural rules name TypeScript node kinds, so reading them here loads the compiler
 * (~0.25 s), and the packs' YAML takes ~0.2 s to parse on a cold start; `rules()` runs at every scan, with or
 * without JavaScript to analyse. Both functions return fresh objects on every call.
 */

/** Every built-in JS/TS rule's metadata (taint classes, structural rules, templates). */
export function jsRuleMetas(): RuleMeta[] {
  const js = ['javascript', 'typescript'];
  return toRuleMeta('sast', [
    ...Object.values(TAINT_RULES).map((r) => rule(r.ruleId, r.title, r.severity, r.help, { cwe: r.cwe, confidence: r.confidence, tags: ['security', 'taint', ...js] })),
    ...AST_RULES.map((r) => rule(r.id, r.title, r.severity, r.help, { cwe: r.cwe, confidence: r.confidence, tags: ['security', ...js] })),
    ...APP_AUDITS.map((r) => rule(r.id, r.title, r.severity, r.help, { cwe: r.cwe, confidence: r.confidence, tags: ['security', ...js] })),
    rule(TEMPLATE_RULE.id, TEMPLATE_RULE.title, TEMPLATE_RULE.severity, TEMPLATE_RULE.help, { cwe: TEMPLATE_RULE.cwe, confidence: TEMPLATE_RULE.confidence, tags: ['security', 'templates'] }),
  ]);
}

/** Metadata of the built-in Python/Go/Java pack rules (parsed without loading grammars). */
export function packRuleMetas(): RuleMeta[] {
  return BUILTIN_PACKS.flatMap((p) => parseRuleFile(p.yaml, `builtin:${p.name}`)).map(ruleMeta);
}
