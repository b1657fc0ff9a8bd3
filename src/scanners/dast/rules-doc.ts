/** The text of docs/rules/dast.md, made from the rule table (scripts/gen-dast-rules.ts writes it; a test compares). */
import { DAST_RULES } from './rules.js';

/** docs/rules/dast.md. */
export function dastRulesDoc(): string {
  const head = `# DAST rules

Generated from \`src/scanners/dast/rules.ts\` by \`node --import tsx scripts/gen-dast-rules.ts\`; do not edit by hand.

Every rule of \`pipeguard dast\`. *Passive* rules read the responses the scan gets anyway; *active* rules send probes.
A finding's location is the method, the URL and, for injections, the parameter (\`query\`, \`path\`, \`form\`, \`json\`,
\`xml\`, \`header\`, \`cookie\`); its fingerprint is the rule, the method, the path template (\`/users/{id}\`) and the
parameter, so the same hole on \`/users/7\` and \`/users/9\` is one finding across runs. Findings about the whole site
(a header missing on every page) have the path template \`/*\`. Turn a rule off or change its severity with
\`scanners.dast.rules: { rule-id: off | low | ... }\`; run a few with \`--only\`.

| Rule | Severity | Confidence | Kind | CWE | OWASP | Title |
|---|---|---|---|---|---|---|
`;
  const rows = DAST_RULES.map((r) => `| [\`${r.id}\`](#${r.id}) | ${r.severity} | ${r.confidence} | ${r.kind} | ${r.cwe.join(', ')} | ${r.owasp.join(', ')} | ${r.title} |`).join('\n');
  const details = DAST_RULES.map((r) => `## ${r.id}\n\n**${r.title}** — ${r.severity}, ${r.kind}, ${r.cwe.join(', ')}, ${r.owasp.join(', ')}.\n\n${r.help}\n`).join('\n');
  return `${head}${rows}\n\n${details}`;
}
