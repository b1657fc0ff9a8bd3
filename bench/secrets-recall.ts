// Recall of the built-in secret rules on samples generated from a peer's published rule set (gitleaks or
// betterleaks `config/*.toml`, or the same rules as a TSV of `id<TAB>keywords<TAB>regex[<TAB>path]`).
//
// For each peer rule, it draws secrets from the rule's secret group (a small generator over the regex subset
// those configs use), writes each into the ways code assigns a value (env files, YAML, JSON, XML, Go, Java, PHP,
// Makefile operators, function-call arguments...) with the rule's own identifier, and counts a sample as found when
// one of our findings covers the drawn secret. Synthetic values only: nothing here is a real credential, and no
// secret is printed whole (misses show the rule, the template and a masked value).
//
// Run: node --import tsx bench/secrets-recall.ts <peer.toml|peer.tsv> [samples per rule, default 24] [--misses]
import { readFileSync } from 'node:fs';
import { parse as parseToml } from 'smol-toml';
import { compileRules, detect } from '../src/analyzers/secrets/engine.js';
import { BUILTIN_RULES } from '../src/analyzers/secrets/rules/index.js';
import { generate, parseRegex, rng, type Node } from './regex-sample.js';

interface PeerRule {
  id: string;
  keywords: string[];
  regex: string;
  path?: string;
}

/** The prefix the peers' "semi-generic" rules put between the identifier and the secret group. */
const GENERIC_OP = String.raw`(?:=|>|:{1,3}=|\|\||:|=>|\?=|,)[\x60'"\s=]{0,5}(`;
const GENERIC_PREFIX = String.raw`(?i)[\w.-]{0,50}?(?:`;
const GENERIC_MID = String.raw`)(?:[ \t\w.-]{0,20})[\s'"]{0,3}`;
const END = String.raw`)(?:\\?['"\x60]|[\s;]|\\[nr]|$)`;

function loadRules(file: string): PeerRule[] {
  const text = readFileSync(file, 'utf8');
  if (file.endsWith('.toml')) {
    const doc = parseToml(text) as { rules?: { id: string; regex?: string; keywords?: string[]; path?: string; skipReport?: boolean }[] };
    return (doc.rules ?? [])
      .filter((r) => r.regex && !r.skipReport)
      .map((r) => ({ id: r.id, keywords: r.keywords ?? [], regex: r.regex!, ...(r.path ? { path: r.path } : {}) }));
  }
  return text
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => {
      const [id, kw, regex, path] = l.split('\t');
      const expanded = regex!
        .replace(/\{\{G:(.*?)\}\}\(/g, (_m, words: string) => `${GENERIC_PREFIX}${words}${GENERIC_MID}${GENERIC_OP}`)
        .replace(/\{\{E\}\}/g, END.slice(1));
      return { id: id!, keywords: kw!.split(','), regex: expanded, ...(path ? { path } : {}) };
    });
}

/** The peer rule's identifier word (its first plain keyword alternative), or `service` for prefix tokens. */
function identifier(rule: PeerRule): { word: string; secretRegex: string; generic: boolean } {
  const i = rule.regex.indexOf(GENERIC_OP);
  if (i < 0) return { word: 'service', secretRegex: rule.regex, generic: false };
  const head = rule.regex.slice(0, i);
  const words = /\(\?:([^()]*?)\)\(\?:\[ \\t\\w\.-\]\{0,20\}\)/.exec(head)?.[1] ?? rule.keywords[0] ?? 'service';
  const word = words.split('|').find((w) => /^[A-Za-z][A-Za-z0-9_]*$/.test(w)) ?? rule.keywords.find((k) => /^[a-z]+$/.test(k)) ?? 'service';
  const rest = rule.regex.slice(i + GENERIC_OP.length - 1);
  const close = rest.lastIndexOf(END);
  return { word, secretRegex: close > 0 ? rest.slice(0, close + 1) : rest, generic: true };
}

const camel = (w: string) => w.charAt(0).toUpperCase() + w.slice(1);
/** Ways code writes `identifier = secret`: `{i}` identifier, `{I}` upper case, `{P}` PascalCase, `{s}` the secret. */
export const TEMPLATES: Record<string, string> = {
  'env quoted': '{i}Token="{s}"',
  'env spaced quoted': '{i}Token = "{s}"',
  'env bare': '{i}Token={s}',
  'env spaced bare': '{i}Token = {s}',
  'shell export': 'export {I}_TOKEN={s}',
  'json': '{\n    "{i}_token": "{s}"\n}',
  'json escaped newline': '{"config.ini": "{I}_TOKEN={s}\\nBACKUP_ENABLED=true"}',
  'xml element': '<{i}Token>{s}</{i}Token>',
  'xml element multiline': '<{i}Token>\n    {s}\n</{i}Token>',
  'xml attribute': '<entry name="{i}Token" value="{s}" />',
  'yaml bare': '{i}_token: {s}',
  'yaml single': "{i}_token: '{s}'",
  'yaml double': '{i}_token: "{s}"',
  'yaml kebab': '{i}-token: {s}',
  'toml': "{i}_token = '{s}'",
  'c#': 'string {i}Token = "{s}";',
  'go var': 'var {i}Token string = "{s}"',
  'go short': '{i}Token := "{s}"',
  'go backticks': '{i}Token := `{s}`',
  'go struct literal': '\t{P}Token: "{s}",',
  'java': 'String {i}Token = "{s}";',
  'kotlin': 'var {i}Token = "{s}"',
  'php concat': '${i}Token .= "{s}"',
  'python single': "{i}Token = '{s}'",
  'python double': '{i}Token = "{s}"',
  'pascal case': '{P}Token = "{s}"',
  'call argument': 'System.setProperty("{I}_TOKEN", "{s}")',
  'logstash': '  "{i}Token" => "{s}"',
  'make =': '{I}_TOKEN = "{s}"',
  'make :=': '{I}_TOKEN := "{s}"',
  'make ::=': '{I}_TOKEN ::= "{s}"',
  'make :::=': '{I}_TOKEN :::= "{s}"',
  'make ?=': '{I}_TOKEN ?= "{s}"',
  'make +=': '{I}_TOKEN += "{s}"',
};

function fill(t: string, word: string, secret: string): string {
  return t.replaceAll('{i}', word).replaceAll('{I}', word.toUpperCase()).replaceAll('{P}', camel(word)).replaceAll('{s}', secret);
}

const mask = (s: string) => (s.length <= 12 ? '*'.repeat(s.length) : `${s.slice(0, 6)}…(${s.length})`);

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--') && !/^\d+$/.test(a));
if (!file) {
  console.error('usage: node --import tsx bench/secrets-recall.ts <peer.toml|peer.tsv> [samples-per-rule] [--misses]');
  process.exit(2);
}
const perRule = Number(args.find((a) => /^\d+$/.test(a)) ?? 24);
const showMisses = args.includes('--misses');
const set = compileRules(BUILTIN_RULES);
const rules = loadRules(file);
const templates = Object.entries(TEMPLATES);
let total = 0;
let found = 0;
const perRuleMiss: { id: string; missed: number; of: number; example: string }[] = [];
const t0 = Date.now();
for (const rule of rules) {
  const { word, secretRegex, generic } = identifier(rule);
  let ast: Node;
  try {
    ast = parseRegex(generic ? secretRegex : secretRegex.endsWith(END.slice(1)) ? secretRegex.slice(0, -END.length + 1) : secretRegex);
  } catch {
    console.log(`skipped ${rule.id}: regex not understood`);
    continue;
  }
  const r = rng([...rule.id].reduce((h, c) => Math.imul(h, 31) + c.charCodeAt(0), 7));
  let missed = 0;
  let example = '';
  for (let k = 0; k < perRule; k++) {
    const groups = new Map<number, string>();
    const whole = generate(ast, r, groups);
    const secret = (generic ? (groups.get(1) ?? whole) : whole).trim();
    if (secret.length < 4) continue;
    // A structured value (a key block, a connection string, a command line) is written as it is; a token goes
    // through the assignment templates.
    const raw = !generic && /[\s"'<>;]/.test(whole.trim());
    const [tname, tpl] = raw ? ['as generated', '{s}'] : templates[k % templates.length]!;
    const value = raw ? whole.trim() : secret;
    const line = fill(tpl, word, value);
    const text = `# config\n${line}\n`;
    const from = text.indexOf(value);
    const to = from + value.length;
    const hits = detect(text, set);
    const ok = hits.some((h) => h.start < to && from < h.end);
    total++;
    if (ok) found++;
    else {
      missed++;
      if (!example) example = `${tname}: ${fill(tpl, word, mask(value))}`;
    }
  }
  if (missed) perRuleMiss.push({ id: rule.id, missed, of: perRule, example });
}
console.log(`peer rules: ${rules.length} from ${file}; samples: ${total}; found: ${found}; recall ${((100 * found) / total).toFixed(1)}%`);
console.log(`rules with every sample found: ${rules.length - perRuleMiss.length}/${rules.length}; time ${((Date.now() - t0) / 1000).toFixed(1)} s`);
if (showMisses) for (const m of perRuleMiss.sort((a, b) => b.missed - a.missed)) console.log(`  ${m.id}: missed ${m.missed}/${m.of}  e.g. ${m.example.replace(/\n/g, '⏎')}`);
