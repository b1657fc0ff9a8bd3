/**
 * A masker for texts that are not files: snippets, evidence and messages other scanners copied from the scanned
 * content. The built-in rules run on the text and every secret they find is replaced by its redacted form
 * (`ghp_********(40)`).
 *
 * Only the rules the texts wake are compiled (issue 24: a report of IaC findings names `docker`, `curl` and `token`
 * in nearly every text, and compiling all ~530 rules with their keyword automaton cost more than masking them). A rule
 * runs on a text only where one of its keywords occurs in it (the engine's gate, matched without regard to ASCII
 * case; no built-in rule runs without one), so a set compiled from the rules whose keywords occur in a text finds in
 * it exactly what the whole set finds: the rules left out are never woken there. When the secrets scanner has
 * compiled the whole set in this thread already, that one is used.
 */
import { redact } from './analyze.js';
import { compileRules, detect, type RuleSet } from './engine.js';
import type { SecretRuleSpec } from './rule.js';
import { BUILTIN_RULES } from './rules/index.js';
import { buildRuleSet, builtinRuleSet, defaultRuleSetInput } from './ruleset.js';
import { isAscii, LiteralTable } from './screen.js';

/** How many partial sets are compiled before the masker compiles the whole one instead (each compile starts over). */
const PARTIAL_COMPILES = 3;

/** The rules the masker has compiled so far, by index in BUILTIN_RULES, and the set over them. */
const woken = new Set<number>();
let partial: RuleSet | undefined;
let compiles = 0;

/** The whole built-in set, compiled once per thread and shared with the secrets scanner (ruleset.ts). */
function wholeSet(): RuleSet {
  return buildRuleSet(defaultRuleSetInput());
}

/**
 * Prepares the masker for these texts at once: one compile of the rules any of them wakes, instead of one each
 * time a text wakes a rule not compiled yet. Optional: {@link maskSecrets} compiles what it lacks.
 */
export function prepareMasker(texts: ReadonlySet<string>): void {
  if (builtinRuleSet()) return;
  const need = new Set<number>();
  const index = keywordIndex();
  if (!index) return;
  const quiet = new Set<string>();
  for (const t of texts) if (t.length >= 8 && !index.wake(t, need)) quiet.add(t);
  grow(need);
  prepared = { texts, quiet };
}

/** The texts of the last {@link prepareMasker} (the rules they wake are compiled), and those that wake none. */
let prepared: { texts: ReadonlySet<string>; quiet: ReadonlySet<string> } | undefined;

/** `text` with every secret the built-in rules find in it masked. */
export function maskSecrets(text: string): string {
  if (text.length < 8) return text;
  const rules = rulesFor(text);
  if (!rules) return text;
  const found = detect(text, rules).sort((a, b) => a.start - b.start);
  if (found.length === 0) return text;
  let out = '';
  let at = 0;
  for (const d of found) {
    if (d.start < at) continue;
    out += text.slice(at, d.start) + redact(d.secret);
    at = d.end;
  }
  return out + text.slice(at);
}

/**
 * The indices (in BUILTIN_RULES) of the rules one of whose keywords occurs in `text`: the only rules the engine
 * runs on it. Null when the masker compiles the whole set instead (a rule without keywords, or one outside ASCII).
 */
export function wokenRules(text: string): Set<number> | null {
  const index = keywordIndex();
  if (!index) return null;
  const need = new Set<number>();
  index.wake(text, need);
  return need;
}

/** A rule set that finds in `text` what the whole built-in set finds; undefined when no rule wakes in it. */
function rulesFor(text: string): RuleSet | undefined {
  const all = builtinRuleSet();
  if (all) return all;
  if (partial && prepared?.texts.has(text)) return prepared.quiet.has(text) ? undefined : partial;
  const need = wokenRules(text);
  if (!need) return wholeSet();
  if (need.size === 0) return undefined;
  grow(need);
  return builtinRuleSet() ?? partial;
}

/** Adds these rules to the compiled ones (or compiles the whole set, past {@link PARTIAL_COMPILES}). */
function grow(need: ReadonlySet<number>): void {
  let added = false;
  for (const r of need) {
    if (woken.has(r)) continue;
    woken.add(r);
    added = true;
  }
  if (!added) return;
  if (++compiles > PARTIAL_COMPILES) {
    wholeSet();
    partial = undefined;
    return;
  }
  // In the order of the whole set, with its options (buildRuleSet's for a default config).
  const specs: SecretRuleSpec[] = [];
  for (let r = 0; r < BUILTIN_RULES.length; r++) if (woken.has(r)) specs.push(BUILTIN_RULES[r]!);
  partial = compileRules(specs, { allowRegexes: [], stopwords: [], custom: new Set() });
}

/** Finds which built-in rules a text wakes, by their keywords. */
interface KeywordIndex {
  /** Adds to `into` the index of every rule one of whose keywords occurs in `text`; false when none does. */
  wake(text: string, into: Set<number>): boolean;
}

let index: KeywordIndex | null | undefined;

/**
 * The rules' keywords in a {@link LiteralTable} (ASCII, without regard to case, as the keyword automaton folds
 * them). Null when some rule has no keyword (it runs on every text) or a keyword outside ASCII: the whole set is
 * compiled then.
 */
function keywordIndex(): KeywordIndex | null {
  if (index !== undefined) return index;
  const rulesOf = new Map<string, number[]>();
  let plain = true;
  BUILTIN_RULES.forEach((r, i) => {
    if (r.keywords.length === 0) plain = false;
    for (const raw of r.keywords) {
      if (!isAscii(raw) || raw === '') plain = false;
      const k = raw.toLowerCase();
      const list = rulesOf.get(k);
      if (!list) rulesOf.set(k, [i]);
      else if (!list.includes(i)) list.push(i);
    }
  });
  if (!plain) return (index = null);
  const table = new LiteralTable([...rulesOf]);
  return (index = {
    wake(text, into) {
      let any = false;
      table.scan(text, (rules) => {
        for (const r of rules) into.add(r);
        any = true;
      });
      return any;
    },
  });
}

