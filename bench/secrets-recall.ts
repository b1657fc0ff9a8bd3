// Recall of the built-in secret rules on samples generated from a peer's published rule set (gitleaks or
// betterleaks `config/*.toml`, or the same rules as a TSV of `id<TAB>keywords<TAB>regex[<TAB>path]`).
//
// For each peer rule, it draws secrets from the rule's secret group (a small generator over the regex subset
// those configs use), writes each into the ways code assigns a value (env files, YAML, JSON, XML, Go, Java, PHP,
// Makefile operators, function-call arguments...) with the rule's own identifier, and counts a sample as found when
// one of our findings covers the drawn secret. Synthetic values only: nothing here is a real credential, and no
// secret is printed whole (misses show the rule, the template and a masked value).
//
// Run: node --import tsx bench/secrets-recall.ts [peer.toml|peer.tsv, default bench/peers/betterleaks.tsv] [samples per rule, default 24] [--misses] [--show=<rule>]
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

/**
 * The peer's regex in JS: Go's inline flags become a whole-regex `i` (Node 20 has no `(?i:…)`), `(?-i:X)` becomes
 * X, `(?s:.)` any character, `\z` the end, `(?P<n>` a named group, `[[:alnum:]]` its class. Used only to check
 * that a drawn sample is one the peer itself reports (it is looser than the peer where case matters).
 */
export function peerRegex(src: string): RegExp | null {
  let flags = 'g';
  let s = src;
  if (/\(\?i\)|\(\?i:/.test(s)) flags += 'i';
  s = s.replace(/\(\?i\)/g, '').replace(/\(\?-i:/g, '(?:').replace(/\(\?i:/g, '(?:').replace(/\(\?s:\.\)/g, '[\\s\\S]');
  s = s.replace(/\(\?s:/g, '(?:').replace(/\\z/g, '$(?![\\s\\S])').replace(/\(\?P</g, '(?<').replace(/\[\[:alnum:\]\]/g, '[A-Za-z0-9]').replace(/\[:alnum:\]/g, 'A-Za-z0-9');
  try {
    return new RegExp(s, flags);
  } catch {
    return null;
  }
}

/** Whether the peer reports a secret covering [from, to) in `text`: a keyword occurs and its regex matches there. */
function peerFinds(rule: PeerRule, re: RegExp | null, text: string, from: number, to: number): boolean {
  const lower = text.toLowerCase();
  if (rule.keywords.length && !rule.keywords.some((k) => lower.includes(k.toLowerCase()))) return false;
  if (!re) return true;
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[0].length === 0) re.lastIndex++;
    if (m.index < to && from < m.index + m[0].length) return true;
  }
  return false;
}

/** The peer rule's identifier word (its first plain keyword alternative), or `service` for prefix tokens. */
function identifier(rule: PeerRule): { word: string; secretRegex: string; generic: boolean } {
  const i = rule.regex.indexOf(GENERIC_OP);
  if (i < 0) {
    // A prefix token whose keyword is not part of the token (Twilio's `SK…` and the keyword `twilio`) is written
    // with the keyword as its identifier, as the peers' own samples are (`twilio_key = "SK…"`).
    const plain = rule.keywords.find((k) => /^[a-z][a-z0-9_]*$/.test(k));
    return { word: plain ?? 'service', secretRegex: rule.regex, generic: false };
  }
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
  // The rest of gitleaks' sample forms (cmd/generate/config/utils/generate.go: GenerateSampleSecrets).
  'json escaped string': '\\{\n    \\"{i}_token\\": \\"{s}\\"\n\\}',
  'yaml literal block': '{i}_token: |\n  {s}',
  'yaml folded block': '{i}_token: >\n  {s}',
  'csv unquoted': '{i}Token,{s},',
  'make lower-case name': '{i}_TOKEN := "{s}"',
};

function fill(t: string, word: string, secret: string): string {
  return t.replaceAll('{i}', word).replaceAll('{I}', word.toUpperCase()).replaceAll('{P}', camel(word)).replaceAll('{s}', secret);
}

/** A file name a rule limited to `path` (a peer's path regex) accepts. */
function samplePath(path: string): string {
  if (/php/.test(path)) return 'src/config.php';
  if (/tf/.test(path)) return 'infra/main.tf';
  if (/nuget/i.test(path)) return 'nuget.config';
  if (/ya\?ml/.test(path)) return 'deploy/secret.yaml';
  return 'file';
}

const mask = (s: string) => (s.length <= 12 ? '*'.repeat(s.length) : `${s.slice(0, 6)}…(${s.length})`);

const args = process.argv.slice(2);
// Without a file: the betterleaks rule set vendored under bench/peers/ (which `npm run bench -- secrets` runs).
const file = args.find((a) => !a.startsWith('--') && !/^\d+$/.test(a)) ?? new URL('./peers/betterleaks.tsv', import.meta.url).pathname;
const perRule = Number(args.find((a) => /^\d+$/.test(a)) ?? 24);
const showMisses = args.includes('--misses');
/** `--show=<rule-id>`: print that rule's missed samples with the value's characters replaced by their class. */
const showRule = args.find((a) => a.startsWith('--show='))?.slice(7);
const shape = (v: string) => v.replace(/[a-z]/g, 'a').replace(/[A-Z]/g, 'A').replace(/[0-9]/g, '9');
const set = compileRules(BUILTIN_RULES);
const rules = loadRules(file);
const templates = Object.entries(TEMPLATES);
let total = 0;
let found = 0;
/** Drawn samples the peer's own regex and keywords do not report (the generator ignores `\b` and lookarounds). */
let notPeer = 0;
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
  const re = peerRegex(rule.regex);
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
    if (!peerFinds(rule, re, text, from, to)) {
      notPeer++;
      continue;
    }
    const hits = detect(text, set, rule.path ? { path: samplePath(rule.path) } : {});
    const ok = hits.some((h) => h.start < to && from < h.end);
    total++;
    if (ok) found++;
    else {
      missed++;
      if (!example) example = `${tname}: ${fill(tpl, word, mask(value))}`;
      if (showRule === rule.id) console.log(`miss (${tname}): ${text.slice(0, from)}${shape(value)}${text.slice(to)}`.replace(/\n/g, '⏎'));
    }
  }
  if (missed) perRuleMiss.push({ id: rule.id, missed, of: perRule, example });
}
console.log(`peer rules: ${rules.length} from ${file}; samples: ${total} (${notPeer} drawn samples the peer itself does not report left out); found: ${found}; recall ${((100 * found) / total).toFixed(1)}%`);
console.log(`rules with every sample found: ${rules.length - perRuleMiss.length}/${rules.length}; time ${((Date.now() - t0) / 1000).toFixed(1)} s`);
if (showMisses) for (const m of perRuleMiss.sort((a, b) => b.missed - a.missed)) console.log(`  ${m.id}: missed ${m.missed}/${m.of}  e.g. ${m.example.replace(/\n/g, '⏎')}`);
