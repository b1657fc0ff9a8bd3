/**
 * SARIF rules for findings about published advisories (a vulnerable dependency, a vulnerable package in an
 * image). Every such finding carries `data.advisoryId`; GitHub code scanning takes an alert's severity from its
 * rule's `security-severity`, so one rule for every advisory would show one fixed severity for all of them. Each
 * advisory gets a rule of its own instead, with the advisory's CVSS score (or its severity's band when it has
 * none), its summary, and its page on osv.dev.
 */
import type { Finding, RuleMeta, Severity } from '../core/types.js';
import { atLeast } from '../core/types.js';

/** The advisory a finding is about, when it is about one (`GHSA-…`, `CVE-…`, `PYSEC-…`). */
export function advisoryRuleId(f: Finding): string | undefined {
  const id = f.data?.['advisoryId'];
  return typeof id === 'string' && /^[A-Za-z][\w.:-]*$/.test(id) ? id : undefined;
}

/** What a per-advisory rule is made of: the scanner's own rule, and every finding of that advisory. */
export interface AdvisoryRule {
  meta: RuleMeta;
  /** GitHub's `security-severity`: the highest CVSS base score among the findings, or the band of the severity. */
  securitySeverity: string;
  /** Other ids of the advisory (CVE, GHSA, ...). */
  aliases: string[];
  /** The scanner's rule the findings were reported under (`vulnerable-dependency`). */
  baseRule: string;
}

/**
 * The rule of one advisory from its findings (at least one) and the scanner's rule they were reported under
 * (`base`, absent when the scanner declared none). `band` gives the score of a severity without CVSS data.
 */
export function advisoryRule(id: string, findings: Finding[], base: RuleMeta | undefined, band: (s: Severity) => string): AdvisoryRule {
  const f0 = findings[0]!;
  let severity: Severity = f0.severity;
  let score: number | undefined;
  const aliases = new Set<string>();
  let summary: string | undefined;
  const cwe = new Set<string>();
  for (const f of findings) {
    if (atLeast(f.severity, severity)) severity = f.severity;
    const s = f.data?.['cvssScore'];
    if (typeof s === 'number' && Number.isFinite(s) && s >= 0 && s <= 10) score = Math.max(score ?? 0, s);
    const al = f.data?.['aliases'];
    if (Array.isArray(al)) for (const a of al) if (typeof a === 'string' && a !== id) aliases.add(a);
    const sum = f.data?.['summary'];
    if (summary === undefined && typeof sum === 'string' && sum.trim()) summary = sum.trim();
    for (const c of f.cwe ?? []) cwe.add(c);
  }
  const pkgs = [...new Set(findings.map((f) => f.data?.['package']).filter((p): p is string => typeof p === 'string'))].sort();
  const title = summary ?? `${base?.title ?? 'Known vulnerability'}: ${id}`;
  const aliasList = [...aliases].sort();
  const helpLines = [
    `${id}${aliasList.length ? ` (${aliasList.join(', ')})` : ''}${summary ? `: ${summary}` : ''}`,
    pkgs.length ? `Affected package${pkgs.length === 1 ? '' : 's'} found: ${pkgs.join(', ')}.` : undefined,
    score !== undefined ? `CVSS base score ${score.toFixed(1)}.` : undefined,
    base?.help,
  ].filter((x): x is string => x !== undefined && x !== '');
  const meta: RuleMeta = {
    id,
    scanner: f0.scanner,
    title,
    help: helpLines.join('\n\n'),
    severity,
    confidence: base?.confidence ?? 'high',
    tags: [base?.id ?? f0.ruleId, ...(base?.tags ?? [])],
    helpUri: `https://osv.dev/vulnerability/${encodeURIComponent(id)}`,
  };
  if (cwe.size) meta.cwe = [...cwe].sort();
  return {
    meta,
    securitySeverity: score !== undefined ? score.toFixed(1) : band(severity),
    aliases: aliasList,
    baseRule: base?.id ?? f0.ruleId,
  };
}
