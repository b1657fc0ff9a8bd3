// Writes docs/rules/<scanner>.md for every registered scanner from its rule definitions: the hand-written text
// above the marker line is kept, everything below it is generated. Run: npm run docs
// test/rules/docs.test.ts fails when a file is not current.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { configSchema } from '../src/config/schema.js';
import type { RuleMeta, Scanner } from '../src/core/types.js';
import { loadScanners } from '../src/scanners/index.js';

/** The line that separates the hand-written part of a rule doc from the generated list. */
export const MARKER = '<!-- Generated from the rule definitions below this line: run `npm run docs`, do not edit. -->';

/** docs/rules/<id>.md of a scanner. */
export function docPath(scannerId: string): URL {
  return new URL(`../docs/rules/${scannerId}.md`, import.meta.url);
}

/** The generated part: a summary table, then one section per rule (its id is the anchor `helpUri` points at). */
export function renderRules(rules: RuleMeta[]): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const out = [`${rules.length} rule${rules.length === 1 ? '' : 's'}.`, '', '| id | severity | confidence | title |', '|---|---|---|---|'];
  for (const r of rules) out.push(`| [\`${r.id}\`](#${r.id}) | ${r.severity} | ${r.confidence ?? 'high'} | ${cell(r.title)} |`);
  for (const r of rules) {
    out.push('', `### ${r.id}`, '', `**${cell(r.title)}** · severity ${r.severity} · confidence ${r.confidence ?? 'high'}`);
    const refs = [...(r.cwe ?? []).map((c) => `[${c}](https://cwe.mitre.org/data/definitions/${c.replace(/^CWE-/i, '')}.html)`), ...(r.owasp ?? []).map((o) => `OWASP ${o}`)];
    if (refs.length) out.push(`· ${refs.join(', ')}`);
    out.push('', r.help.trim());
  }
  return out.join('\n') + '\n';
}

/** The whole file for a scanner: the kept hand-written part (or a heading for a new file), the marker, the list. */
export function renderDoc(scanner: Scanner, rules: RuleMeta[], existing: string | undefined): string {
  const head = existing?.includes(MARKER) ? existing.slice(0, existing.indexOf(MARKER)).trimEnd() : `# ${scanner.title} (scanner \`${scanner.id}\`)`;
  return `${head}\n\n${MARKER}\n\n## Rules\n\n${renderRules(rules)}`;
}

/** Every scanner's rules with the default config, and the doc each should have. */
export async function expectedDocs(): Promise<{ scanner: Scanner; path: URL; text: string }[]> {
  const config = configSchema.parse({});
  const sections = config.scanners as Record<string, unknown>;
  const out = [];
  for (const scanner of await loadScanners()) {
    const path = docPath(scanner.id);
    const existing = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    out.push({ scanner, path, text: renderDoc(scanner, scanner.rules(sections[scanner.id]), existing) });
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const d of await expectedDocs()) {
    writeFileSync(d.path, d.text);
    console.log(`wrote docs/rules/${d.scanner.id}.md`);
  }
}
