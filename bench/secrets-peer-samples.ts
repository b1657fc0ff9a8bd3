// The peers' own test samples (bench/peers/samples.jsonl, transcribed from the `tps` / `fps` arrays of gitleaks'
// and betterleaks' rule generators, MIT: see bench/peers/LICENSE-peers): recall on their true positives and the
// share of their false-positive samples we flag.
//
// A true positive counts as found when any finding of ours lies in the sample; a false-positive sample counts as
// flagged when any finding (of any rule, any confidence) lies in it; the figure at medium confidence and above,
// which is what a default gate sees, is printed beside it. `gen` entries expand to gitleaks' sample forms
// (GenerateSampleSecrets: INI, JSON, escaped JSON, XML, YAML with block scalars, C#, Go, Java, Kotlin, PHP,
// Python, CSV, logstash and Makefile operators), with the identifier as the peer writes it.
//
// `genRe` and `tpl` entries draw two secrets each from the peer's regex (bench/regex-sample.ts, seeded).
//
// Run: node --import tsx bench/secrets-peer-samples.ts [--misses] [--by-rule] [--samples=FILE (default bench/peers/samples.jsonl)]
import { readFileSync } from 'node:fs';
import { compileRules, detect } from '../src/analyzers/secrets/engine.js';
import { BUILTIN_RULES } from '../src/analyzers/secrets/rules/index.js';
import { sample } from './regex-sample.js';

interface Sample {
  rule: string;
  kind: 'tp' | 'fp';
  text?: string;
  gen?: [string, string];
  /** `GenerateSampleSecrets(id, secrets.NewSecret(regex))`: secrets drawn from the regex, written in every form. */
  genRe?: [string, string];
  /** A sample built around one drawn secret: `tpl` with `{{s}}` where a secret drawn from `re` goes. */
  tpl?: string;
  re?: string;
  path?: string;
}

/** gitleaks' GenerateSampleSecrets forms: `{i}` the identifier as given, `{s}` the secret. */
const GITLEAKS_FORMS = [
  '{i}Token="{s}"', '{i}Token = "{s}"', '{i}Token={s}', '{i}Token = {s}',
  '{\n    "{i}_token": "{s}"\n}', '\\{\n    \\"{i}_token\\": \\"{s}\\"\n\\}',
  '<{i}Token>{s}</{i}Token>', '<{i}Token>\n    {s}\n</{i}Token>',
  '{i}_token: {s}', "{i}_token: '{s}'", '{i}_token: "{s}"', '{i}_token: |\n  {s}', '{i}_token: >\n  {s}',
  'string {i}Token = "{s}";', 'var {i}Token string = "{s}"', '{i}Token := "{s}"', '{i}Token := `{s}`',
  'String {i}Token = "{s}";', 'var {i}Token = "{s}"', '${i}Token .= "{s}"', "{i}Token = '{s}'", '{i}Token = "{s}"',
  '{i}Token,{s},', '  "{i}Token" => "{s}"',
  '{i}_TOKEN = "{s}"', '{i}_TOKEN := "{s}"', '{i}_TOKEN ::= "{s}"', '{i}_TOKEN :::= "{s}"', '{i}_TOKEN ?= "{s}"', '{i}_TOKEN += "{s}"',
];

const showMisses = process.argv.includes('--misses');
const byRule = process.argv.includes('--by-rule');
const samplesArg = process.argv.find((a) => a.startsWith('--samples='))?.slice('--samples='.length);
const samples: Sample[] = readFileSync(samplesArg ?? new URL('./peers/samples.jsonl', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as Sample);
const set = compileRules(BUILTIN_RULES);
const confidenceOf = new Map(BUILTIN_RULES.map((r) => [r.id, r.confidence ?? 'high']));
/** The first characters of a sample, enough to find it in the file, never a whole secret. */
const label = (s: string) => `${s.slice(0, 24).replace(/\n/g, '⏎')}…(${s.length})`;

let tp = 0;
let tpFound = 0;
let fp = 0;
let fpFlagged = 0;
let fpFlaggedMedium = 0;
/** Per peer rule: true positives found, and drawn. */
const ruleTp: Record<string, [number, number]> = {};
const misses: string[] = [];
/** Secrets drawn from a peer's regex, seeded by the sample's line, so every run draws the same ones. */
const DRAWS = 2;
const forms = (id: string, secret: string) => GITLEAKS_FORMS.map((f) => f.replaceAll('{i}', id).replaceAll('{s}', secret));
for (const [n, s] of samples.entries()) {
  let texts: string[];
  if (s.gen) texts = forms(s.gen[0], s.gen[1]);
  else if (s.genRe) texts = Array.from({ length: DRAWS }, (_, k) => forms(s.genRe![0], sample(s.genRe![1], 7919 * n + k))).flat();
  else if (s.tpl) texts = Array.from({ length: DRAWS }, (_, k) => s.tpl!.replaceAll('{{s}}', sample(s.re!, 7919 * n + k)));
  else texts = [s.text!];
  for (const text of texts) {
    const dets = detect(text, set, { path: s.path ?? 'sample.txt' });
    if (s.kind === 'tp') {
      tp++;
      const r = (ruleTp[s.rule] ??= [0, 0]);
      r[1]++;
      if (dets.length) r[0]++;
      if (dets.length) tpFound++;
      else misses.push(`tp ${s.rule}: ${label(text)}`);
    } else {
      fp++;
      if (dets.length) {
        fpFlagged++;
        const strong = dets.filter((d) => !d.checksumFailed && confidenceOf.get(d.ruleId) !== 'low');
        if (strong.length) fpFlaggedMedium++;
        misses.push(`fp ${s.rule}: ${label(text)} flagged by ${[...new Set(dets.map((d) => d.ruleId))].join(', ')}`);
      }
    }
  }
}
const pct = (a: number, b: number) => ((100 * a) / Math.max(1, b)).toFixed(1);
console.log(`peer true positives: ${tpFound}/${tp} found (${pct(tpFound, tp)}%)`);
console.log(`peer false-positive samples flagged: ${fpFlagged}/${fp} (${pct(fpFlagged, fp)}%); at medium confidence or above: ${fpFlaggedMedium}/${fp} (${pct(fpFlaggedMedium, fp)}%)`);
if (showMisses) for (const m of misses) console.log(`  ${m}`);
if (byRule) {
  for (const [rule, [found, all]] of Object.entries(ruleTp).sort((a, b) => a[1][0] / a[1][1] - b[1][0] / b[1][1])) {
    if (found < all) console.log(`  ${rule}: ${found}/${all} (${pct(found, all)}%)`);
  }
}
