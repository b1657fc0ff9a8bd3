/**
 * One rule shape for every scanner: a scanner's rule table holds {@link RuleInfo} rows (its own detection data may
 * sit beside them), and {@link toRuleMeta} turns them into the {@link RuleMeta} that `pipeguard rules`, SARIF
 * `rules[]`, the rule docs and the gate read.
 */
import type { RuleMeta, Severity } from './types.js';

/** A rule as a scanner's table declares it: everything of {@link RuleMeta} but the scanner it belongs to. */
export type RuleInfo = Omit<RuleMeta, 'scanner'>;

/** Where the documentation of every rule is published; `helpUri` of each rule points into it. */
export const RULE_DOCS_URL = 'https://github.com/pipeguard/pipeguard/blob/main/docs/rules/';

/** The documentation address of one rule: its row in `docs/rules/<scanner>.md`. */
export function ruleHelpUri(scanner: string, id: string): string {
  return `${RULE_DOCS_URL}${scanner}.md#${id}`;
}

/** Optional fields of {@link rule}; `cwe` may be one id. */
export type RuleExtras = Partial<Omit<RuleInfo, 'id' | 'title' | 'severity' | 'help' | 'cwe'>> & { cwe?: string | string[] };

/** One row of a rule table; a string for `extras` is the rule's one CWE id. */
export function rule(id: string, title: string, severity: Severity, help: string, extras: RuleExtras | string = {}): RuleInfo {
  const { cwe, ...rest } = typeof extras === 'string' ? { cwe: extras } : extras;
  const out: RuleInfo = { id, title, severity, help, ...rest };
  if (cwe !== undefined) out.cwe = typeof cwe === 'string' ? [cwe] : cwe;
  return out;
}

/** What a scanner's config does to its table: rules turned off, severities overridden. */
export interface RuleOverrides {
  disabled?: ReadonlySet<string>;
  severity?: Readonly<Record<string, Severity>>;
}

/**
 * A scanner's rules as {@link RuleMeta}: rows turned off by config left out, severities overridden, and every
 * rule given its documentation address unless it has one. Only the {@link RuleInfo} fields are kept, so tables
 * whose rows also carry detection data (regexes, visitors) can be passed as they are.
 */
export function toRuleMeta(scanner: string, rows: readonly RuleInfo[], o: RuleOverrides = {}): RuleMeta[] {
  const out: RuleMeta[] = [];
  for (const r of rows) {
    if (o.disabled?.has(r.id)) continue;
    const m: RuleMeta = { id: r.id, scanner, title: r.title, help: r.help, severity: o.severity?.[r.id] ?? r.severity };
    if (r.confidence !== undefined) m.confidence = r.confidence;
    if (r.cwe?.length) m.cwe = r.cwe;
    if (r.owasp?.length) m.owasp = r.owasp;
    if (r.tags?.length) m.tags = r.tags;
    m.helpUri = r.helpUri ?? ruleHelpUri(scanner, r.id);
    if (r.examples) m.examples = r.examples;
    out.push(m);
  }
  return out;
}
