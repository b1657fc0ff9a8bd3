/**
 * The generated parts of docs/posture.md: the list of posture checks with the framework controls each serves (from
 * the rule definitions and the compliance mapping), and the token permissions per fact. A test keeps the document in
 * step with them (regenerate with `node --import tsx scripts/gen-posture-docs.ts`).
 */
import { rulesByControl } from '../compliance/evaluate.js';
import { FRAMEWORKS } from '../compliance/frameworks/index.js';
import type { FrameworkId } from '../compliance/mapping.js';
import type { RuleMeta } from '../core/types.js';
import { FORGE_RULES, forgeRuleMeta } from './rules.js';
import { SCOPE_NEEDS } from './scopes.js';

const SHORT: Record<string, string> = { ssdf: 'SSDF', 'cis-supply-chain': 'CIS', slsa: 'SLSA', samm: 'SAMM' };

/** Controls served by each rule id, as `SSDF PS.1.1, CIS 1.1.16`. */
export function controlsByRule(rules: RuleMeta[]): Map<string, string> {
  const out = new Map<string, string[]>();
  for (const fw of FRAMEWORKS) {
    for (const [control, rs] of rulesByControl(fw.id as FrameworkId, rules)) for (const r of rs) out.set(r.id, [...(out.get(r.id) ?? []), `${SHORT[fw.id]} ${control}`]);
  }
  const order = (x: string) => Object.values(SHORT).indexOf(x.split(' ')[0]!);
  const sorted = (v: string[]) => [...v].sort((a, b) => order(a) - order(b) || a.localeCompare(b, 'en', { numeric: true }));
  return new Map([...out].map(([k, v]) => [k, sorted(v).join(', ')]));
}

/** The table of live-settings checks. `postureRules` are the offline file checks, listed after them. */
export function checksMarkdown(postureRules: RuleMeta[]): string {
  const forge = forgeRuleMeta();
  const controls = controlsByRule([...forge, ...postureRules]);
  const rows = FORGE_RULES.map((r) => `| <a id="${r.id}"></a>\`${r.id}\` | ${r.severity} | ${r.forges.join(', ')} | ${r.title} | ${controls.get(r.id) ?? ''} |`);
  const files = postureRules.map((r) => `| \`${r.id}\` | ${r.severity} | file | ${r.title} | ${controls.get(r.id) ?? ''} |`);
  return ['| check | severity | forge | what it finds | framework controls |', '|---|---|---|---|---|', ...rows, ...files].join('\n');
}

/** The table of token permissions per fact. */
export function scopesMarkdown(): string {
  const rows = SCOPE_NEEDS.map((s) => `| ${s.what} | ${s.githubFineGrained ?? '-'} | ${s.githubClassic ?? '-'} | ${s.gitlab ?? '-'} |`);
  return ['| what is read | GitHub fine-grained token (read-only) | GitHub classic token | GitLab token |', '|---|---|---|---|', ...rows].join('\n');
}

/** Replaces the text between `<!-- NAME:start -->` and `<!-- NAME:end -->` in `doc`. */
export function replaceSection(doc: string, name: string, body: string): string {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const i = doc.indexOf(start);
  const j = doc.indexOf(end);
  if (i < 0 || j < i) throw new Error(`docs/posture.md has no ${start} ... ${end} section`);
  return `${doc.slice(0, i + start.length)}\n${body}\n${doc.slice(j)}`;
}
