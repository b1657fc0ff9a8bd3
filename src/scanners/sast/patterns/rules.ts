import { globMatch } from '../../../core/glob.js';
import { userRegExp } from '../../../core/linear-regex.js';
import { LineCounter, parseDocument, isMap, isSeq, type Node as YNode } from 'yaml';
import { InputError } from '../../../core/errors.js';
import { rule, toRuleMeta } from '../../../core/rules.js';
import type { Confidence, RuleMeta, Severity } from '../../../core/types.js';
import type { Analyzer } from './analysis.js';
import type { GenericPattern } from './generic.js';
import { parseComparison, type CExpr } from './compare.js';
import { hasLookahead, LookaheadRegExp } from './lookahead.js';
import { hasTypedMetavar, type CompiledPattern, type Env } from './gnode.js';
import type { TsLang } from './tree-sitter.js';

/** Languages YAML rules can target. */
export type RuleLang = 'js' | TsLang | 'generic';

/** A condition on a metavariable of a `patterns` match, applied in the order written. */
export type MvCond =
  | { k: 'regex'; name: string; re: RegExp }
  /** `metavariable-pattern`: the formula must match inside the bound node (or its text, or the string parsed as `lang`). */
  | { k: 'pattern'; name: string; f: Formula; lang: RuleLang | undefined }
  | { k: 'compare'; name: string | undefined; expr: CExpr; base: number | undefined; strip: boolean }
  /** `metavariable-analysis`: Semgrep's `entropy` or `redos` analyzer on the bound string (analysis.ts). */
  | { k: 'analysis'; name: string; analyzer: Analyzer };

/** A formula of the Semgrep-compatible subset. */
export type Formula =
  /** `symbolic`: the rule's `options: symbolic_propagation: true` (a variable read also matches as its single value). */
  | { op: 'pattern'; src: string; compiled: Map<RuleLang, CompiledPattern>; generic?: GenericPattern; symbolic?: boolean }
  | { op: 'regex'; re: RegExp }
  | { op: 'either'; items: Formula[] }
  /** The whole text a formula is evaluated on (the implicit positive term of `metavariable-pattern`). */
  | { op: 'whole' }
  /** `pattern-inside` as an item of `pattern-either`: its matches are regions the other terms must lie in. */
  | { op: 'inside'; f: Formula }
  | {
      op: 'all';
      pos: Formula[];
      inside: Formula[];
      not: Formula[];
      notInside: Formula[];
      conds: MvCond[];
      /** `focus-metavariable` operators: each a list of names (the union of their places); several intersect. */
      focus: string[][];
    };

/** A rule's `fix:` (a template with metavariables) or `fix-regex:` (a replacement on the matched text). */
export type RuleFix = { kind: 'template'; text: string } | { kind: 'regex'; re: RegExp; replacement: string; count: number | undefined };

/** One user-written (or built-in pack) rule. */
export interface YamlRule {
  id: string;
  message: string;
  severity: Severity;
  confidence: Confidence;
  languages: RuleLang[];
  cwe: string[];
  mode: 'search' | 'taint';
  formula?: Formula;
  sources: TaintSpec[];
  sinks: TaintSpec[];
  sanitizers: TaintSpec[];
  /** Where the rule was loaded from, for errors. */
  origin: string;
  /** Line of the rule in its file. */
  line?: number;
  /** `fix:`/`fix-regex:`, applied by `pipeguard fix` (search-mode rules). */
  fix?: RuleFix;
  /** Taint mode: `pattern-propagators` (data flows from `from` to `to` when both match). */
  propagators: { f: Formula; from: string; to: string }[];
  /** `paths.include`/`paths.exclude` globs (core/glob.ts, matched against the target-relative path and its base name). */
  paths?: { include: string[]; exclude: string[] };
  help: string;
}

const LANGS: Record<string, RuleLang> = {
  js: 'js', javascript: 'js', ts: 'js', typescript: 'js', jsx: 'js', tsx: 'js',
  python: 'python', py: 'python', python3: 'python', go: 'go', golang: 'go', java: 'java', generic: 'generic', regex: 'generic', none: 'generic',
};

const SEVERITY: Record<string, Severity> = {
  ERROR: 'high', WARNING: 'medium', INFO: 'low', INVENTORY: 'info', EXPERIMENT: 'info',
  CRITICAL: 'critical', HIGH: 'high', MEDIUM: 'medium', LOW: 'low',
  critical: 'critical', high: 'high', medium: 'medium', low: 'low', info: 'info',
};

type Raw = Record<string, unknown>;

/** A rule uses a Semgrep construct this engine does not implement: the rule is skipped, not the file or the scan. */
export class UnsupportedConstruct extends Error {}

/** A rule left out because of an unsupported construct. */
export interface SkippedRule {
  id: string;
  line: number | undefined;
  construct: string;
}

/**
 * Parses a rule file (`rules:` list). Throws {@link InputError} naming the file and line for a malformed file or rule,
 * so a rule never silently matches nothing. A rule that uses a Semgrep construct this engine does not implement is
 * passed to `onUnsupported` and left out when that callback is given (the scanner warns and goes on), else it throws too.
 */
export function parseRuleFile(text: string, origin: string, onUnsupported?: (skip: SkippedRule) => void): YamlRule[] {
  return parseRuleItems(ruleItems(text, origin), origin, onUnsupported);
}

/** One entry of a rule file's `rules:` list, as plain data, with its line. */
export interface RuleItem {
  raw: unknown;
  line: number | undefined;
}

/**
 * The languages a rule entry names, as {@link parseRuleItems} reads them; undefined when it names none or one this
 * reader does not know (parsing the entry then says why). Lets a caller parse only the entries it needs.
 */
export function itemLanguages(item: RuleItem): RuleLang[] | undefined {
  const langs = (item.raw as Raw | undefined)?.languages;
  if (!Array.isArray(langs) || langs.length === 0) return undefined;
  const out = langs.map((l) => LANGS[String(l).toLowerCase()]);
  return out.every((l) => l !== undefined) ? (out as RuleLang[]) : undefined;
}

/** The entries of a rule file's `rules:` list (the YAML half of {@link parseRuleFile}; plain data, JSON-safe). */
export function ruleItems(text: string, origin: string): RuleItem[] {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc });
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    throw new InputError(`invalid YAML: ${e.message.split('\n')[0]}`, origin, e.linePos?.[0]?.line);
  }
  const root = doc.contents;
  const lineOf = (n: YNode | null | undefined): number | undefined => (n && n.range ? lc.linePos(n.range[0]).line : undefined);
  if (!isMap(root)) throw new InputError('a rule file is a mapping with a `rules:` list', origin, 1);
  const rules = root.get('rules', true);
  if (!isSeq(rules)) throw new InputError('a rule file needs a `rules:` list', origin, lineOf(root));
  return rules.items.map((item) => ({ raw: (item as { toJSON(): unknown }).toJSON(), line: lineOf(item as YNode) }));
}

/** Set while {@link parseRuleItems} parses entries whose regexes are compiled on first use. */
let lazyRegexes = false;

/**
 * The rules of {@link ruleItems}' entries (the second half of {@link parseRuleFile}). With `lazyRegexes`, each
 * regex is compiled when first used instead (for entries whose regexes are known to compile: the built-in packs,
 * which the tests parse eagerly), so that a scan compiles only the regexes its files reach.
 */
export function parseRuleItems(items: readonly RuleItem[], origin: string, onUnsupported?: (skip: SkippedRule) => void, opts: { lazyRegexes?: boolean } = {}): YamlRule[] {
  const out: YamlRule[] = [];
  const before = lazyRegexes;
  lazyRegexes = opts.lazyRegexes === true;
  try {
    items.forEach(each);
  } finally {
    lazyRegexes = before;
  }
  return out;

  function each({ raw: item, line }: RuleItem): void {
    const raw = item as Raw;
    try {
      const r = parseRule(raw, origin);
      if (line !== undefined) r.line = line;
      out.push(r);
    } catch (e) {
      if (e instanceof InputError) throw e;
      const id = typeof raw?.id === 'string' ? raw.id : '#' + (out.length + 1);
      if (e instanceof UnsupportedConstruct && onUnsupported) return onUnsupported({ id, line, construct: e.message });
      throw new InputError(`rule ${id}: ${(e as Error).message}`, origin, line);
    }
  }
}

/** `o` with `re`, the regex of `v` ({@link compileRegex}): compiled now, or on first use while {@link lazyRegexes}. */
function withRegex<T extends object>(o: T, v: unknown): T & { re: RegExp } {
  if (!lazyRegexes) return Object.assign(o, { re: compileRegex(v) });
  let re: RegExp | undefined;
  return Object.defineProperty(o, 're', { get: () => (re ??= compileRegex(v)), enumerable: true, configurable: true }) as T & { re: RegExp };
}

/** Keys of a rule this reader understands or may ignore (`metadata`, versions, `options`). */
const RULE_KEYS = new Set([
  'id', 'message', 'severity', 'languages', 'metadata', 'mode', 'pattern', 'patterns', 'pattern-either', 'pattern-regex',
  'pattern-sources', 'pattern-sinks', 'pattern-sanitizers', 'pattern-propagators', 'fix', 'fix-regex', 'options', 'paths',
  'min-version', 'max-version', 'focus-metavariable',
]);

function parseRule(raw: Raw, origin: string): YamlRule {
  if (!raw || typeof raw !== 'object') throw new Error('a rule is a mapping');
  const id = raw.id;
  if (typeof id !== 'string' || !/^[A-Za-z0-9][\w.-]*$/.test(id)) throw new Error('`id` must be a word (letters, digits, `-`, `_`, `.`)');
  if (typeof raw.message !== 'string') throw new Error('`message` is required');
  const sev = SEVERITY[String(raw.severity ?? 'WARNING')];
  if (!sev) throw new Error(`unknown severity ${String(raw.severity)}`);
  const langsRaw = raw.languages;
  if (!Array.isArray(langsRaw) || langsRaw.length === 0) throw new Error('`languages` must be a non-empty list');
  const languages = [...new Set(langsRaw.map((l) => {
    const v = LANGS[String(l).toLowerCase()];
    if (!v) throw new UnsupportedConstruct(`unsupported language ${String(l)} (supported: javascript, typescript, python, go, java, generic)`);
    return v;
  }))];
  const meta = (raw.metadata ?? {}) as Raw;
  const cweRaw = meta.cwe;
  const cwe = (Array.isArray(cweRaw) ? cweRaw : cweRaw ? [cweRaw] : []).flatMap((c) => {
    const m = /CWE-\d+/i.exec(String(c));
    return m ? [m[0].toUpperCase()] : [];
  });
  const conf = String(meta.confidence ?? 'MEDIUM').toLowerCase();
  const confidence: Confidence = conf === 'high' ? 'high' : conf === 'low' ? 'low' : 'medium';
  const mode = raw.mode === 'taint' ? 'taint' : raw.mode === undefined || raw.mode === 'search' ? 'search' : undefined;
  if (!mode) throw new UnsupportedConstruct(`unsupported mode ${String(raw.mode)}`);
  for (const k of Object.keys(raw)) if (!RULE_KEYS.has(k)) throw new UnsupportedConstruct(`unsupported key \`${k}\``);
  const rule: YamlRule = {
    id, message: raw.message, severity: sev, confidence, languages, cwe, mode, sources: [], sinks: [], sanitizers: [], propagators: [], origin,
    help: typeof meta.help === 'string' ? meta.help : `${raw.message} (custom rule from ${origin})`,
  };
  if (raw.paths !== undefined) {
    const p = raw.paths as Raw;
    const list = (v: unknown, k: string): string[] => {
      if (v === undefined) return [];
      if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new Error(`paths.${k} must be a list of globs`);
      return v as string[];
    };
    if (typeof p !== 'object' || p === null) throw new Error('paths must be a mapping with include/exclude');
    rule.paths = { include: list(p.include, 'include'), exclude: list(p.exclude, 'exclude') };
  }
  const fix = parseFix(raw);
  if (fix) rule.fix = fix;
  if (mode === 'search') {
    rule.formula = parseFormula(raw, 'top');
  } else {
    const list = (k: string): Raw[] => {
      const v = raw[k];
      if (v === undefined) return [];
      if (!Array.isArray(v)) throw new Error(`\`${k}\` must be a list`);
      return v as Raw[];
    };
    rule.sources = list('pattern-sources').map((x) => taintSpec(x, 'source'));
    rule.sinks = list('pattern-sinks').map((x) => taintSpec(x, 'sink'));
    rule.sanitizers = list('pattern-sanitizers').map((x) => taintSpec(x, 'sanitizer'));
    rule.propagators = list('pattern-propagators').map((x) => {
      if (typeof x?.from !== 'string' || typeof x?.to !== 'string') throw new Error('a propagator needs `from` and `to` metavariables');
      return { f: parseFormula(x, 'taint'), from: x.from, to: x.to };
    });
    if (!rule.sources.length || !rule.sinks.length) throw new Error('taint rules need pattern-sources and pattern-sinks');
    if (languages.includes('generic')) throw new UnsupportedConstruct('mode: taint in language generic');
    if (languages.includes('js') && rule.sources.some((x) => x.sideEffectOnly)) throw new UnsupportedConstruct('unsupported taint option `by-side-effect: only` (javascript/typescript)');
  }
  const opts = raw.options as Raw | undefined;
  if (opts && typeof opts === 'object' && opts.symbolic_propagation === true) {
    eachFormula(rule, (f) => {
      if (f.op === 'pattern') f.symbolic = true;
    });
  }
  return rule;
}

function parseFix(raw: Raw): RuleFix | undefined {
  if (raw.fix !== undefined) {
    if (typeof raw.fix !== 'string') throw new Error('`fix` must be a string');
    return { kind: 'template', text: raw.fix };
  }
  const fr = raw['fix-regex'] as Raw | undefined;
  if (fr === undefined) return undefined;
  if (typeof fr !== 'object' || fr === null || typeof fr.regex !== 'string' || typeof fr.replacement !== 'string') {
    throw new Error('`fix-regex` needs `regex` and `replacement`');
  }
  const count = fr.count === undefined ? undefined : Number(fr.count);
  if (count !== undefined && !(Number.isInteger(count) && count > 0)) throw new Error('`fix-regex.count` must be a positive integer');
  return Object.assign(withRegex({ kind: 'regex' as const }, fr.regex), { replacement: fr.replacement, count });
}

/** A source, sink or sanitizer of a taint rule with its options. */
export interface TaintSpec {
  f: Formula;
  /** Sources: the label the taint carries (default `__SOURCE__`). */
  label?: string;
  /** Sources and sinks: which labels the value must carry. */
  requires?: LabelExpr;
  /** Sanitizers and sources: the matched variable is clean (tainted) from here on, not only the matched expression's value. */
  bySideEffect?: boolean;
  /** Sources: `by-side-effect: only` (Python, Go, Java): the variable is tainted from here on, the matched occurrence is not. */
  sideEffectOnly?: boolean;
  /** Sinks: `exact: true`, the matched expression's value is the sink (not the arguments of a matched call). */
  exact?: boolean;
}

/** A boolean expression over taint labels (`A and not B`). */
export type LabelExpr = { k: 'label'; name: string } | { k: 'not'; e: LabelExpr } | { k: 'and' | 'or'; l: LabelExpr; r: LabelExpr };

/** Parses a `requires:` expression. */
export function parseLabelExpr(src: string): LabelExpr {
  const toks = src.match(/\(|\)|[A-Za-z_$][\w$.-]*|\S/g) ?? [];
  let p = 0;
  const or = (): LabelExpr => {
    let l = and();
    while (toks[p] === 'or') {
      p++;
      l = { k: 'or', l, r: and() };
    }
    return l;
  };
  const and = (): LabelExpr => {
    let l = not();
    while (toks[p] === 'and') {
      p++;
      l = { k: 'and', l, r: not() };
    }
    return l;
  };
  const not = (): LabelExpr => {
    if (toks[p] === 'not') {
      p++;
      return { k: 'not', e: not() };
    }
    const t = toks[p++];
    if (t === '(') {
      const e = or();
      if (toks[p++] !== ')') throw new Error(`requires: expected \`)\` in ${src}`);
      return e;
    }
    if (!t || !/^[A-Za-z_$]/.test(t)) throw new Error(`requires: unexpected \`${t ?? 'end'}\` in ${src}`);
    return { k: 'label', name: t };
  };
  const e = or();
  if (p !== toks.length) throw new Error(`requires: unexpected \`${toks[p]}\` in ${src}`);
  return e;
}

/** Evaluates a `requires:` expression on the labels a value carries. */
export function labelsSatisfy(e: LabelExpr, labels: ReadonlySet<string>): boolean {
  if (e.k === 'label') return labels.has(e.name);
  if (e.k === 'not') return !labelsSatisfy(e.e, labels);
  return e.k === 'and' ? labelsSatisfy(e.l, labels) && labelsSatisfy(e.r, labels) : labelsSatisfy(e.l, labels) || labelsSatisfy(e.r, labels);
}

function taintSpec(raw: Raw, kind: 'source' | 'sink' | 'sanitizer'): TaintSpec {
  if (typeof raw !== 'object' || raw === null) throw new Error(`a ${kind} is a pattern operator mapping`);
  const spec: TaintSpec = { f: parseFormula(raw, 'taint') };
  for (const k of ['control', 'not-conflicting']) {
    if (raw[k] !== undefined && raw[k] !== false) throw new UnsupportedConstruct(`unsupported taint option \`${k}\``);
  }
  if (raw.exact !== undefined) {
    if (typeof raw.exact !== 'boolean') throw new Error('`exact` is true or false');
    // on a sink, `exact: true` judges the matched expression's value rather than the arguments of a matched call;
    // sources and sanitizers apply to the matched expression either way
    if (kind === 'sink') spec.exact = raw.exact;
  }
  if (raw.label !== undefined) {
    if (kind !== 'source' || typeof raw.label !== 'string') throw new Error('`label` is a string on a source');
    spec.label = raw.label;
  }
  if (raw.requires !== undefined) {
    if (kind === 'sanitizer' || typeof raw.requires !== 'string') throw new Error('`requires` is a label expression on a source or sink');
    spec.requires = parseLabelExpr(raw.requires);
  }
  if (raw['by-side-effect'] !== undefined) {
    if (kind === 'sink') throw new UnsupportedConstruct('unsupported taint option `by-side-effect` on a sink');
    if (raw['by-side-effect'] === 'only') {
      if (kind !== 'source') throw new UnsupportedConstruct('unsupported taint option `by-side-effect: only` on a sanitizer');
      spec.bySideEffect = true;
      spec.sideEffectOnly = true;
    } else spec.bySideEffect = raw['by-side-effect'] === true;
  }
  return spec;
}

function pattern(src: unknown, where = 'pattern'): Formula {
  if (typeof src !== 'string' || !src.trim()) throw new Error(`${where} must be a non-empty string`);
  return { op: 'pattern', src, compiled: new Map() };
}

const OPS = ['pattern', 'patterns', 'pattern-either', 'pattern-regex'];
/** Keys allowed beside the operator on a taint source, sink, sanitizer or propagator. */
const TAINT_KEYS = /^(label|requires|by-side-effect|exact|control|not-conflicting|from|to|replace-labels)$/;

function parseFormula(raw: Raw, where: 'top' | 'taint' | 'nested'): Formula {
  if (typeof raw !== 'object' || raw === null) throw new Error('expected a pattern operator mapping');
  const keys = Object.keys(raw).filter((k) => where !== 'top' || k.startsWith('pattern') || k === 'focus-metavariable');
  const ops = keys.filter((k) => OPS.includes(k));
  if (where === 'taint') {
    const other = keys.find((k) => !OPS.includes(k) && k !== 'focus-metavariable' && !TAINT_KEYS.test(k));
    if (other) throw new UnsupportedConstruct(`unsupported key \`${other}\` in a taint source, sink or sanitizer`);
    if (raw['replace-labels'] !== undefined) throw new UnsupportedConstruct('unsupported taint option `replace-labels`');
  }
  if (where === 'nested' && ops.length === 0 && keys.length === 1) {
    const k = keys[0]!;
    // pattern-either items may be pattern-inside (a region); other filters make no sense alone
    if (k === 'pattern-inside') return { op: 'inside', f: insideFormula(raw[k]) };
    throw new UnsupportedConstruct(`unsupported operator \`${k}\` inside pattern-either`);
  }
  if (ops.length !== 1) throw new Error(`expected exactly one of pattern, patterns, pattern-either, pattern-regex (got ${ops.join(', ') || 'none'})`);
  const op = ops[0]!;
  let f: Formula;
  if (op === 'pattern') f = pattern(raw.pattern);
  else if (op === 'pattern-regex') f = withRegex({ op: 'regex' as const }, raw['pattern-regex']);
  else if (op === 'pattern-either') {
    const items = raw['pattern-either'];
    if (!Array.isArray(items)) throw new Error('pattern-either must be a list');
    f = { op: 'either', items: items.map((x) => parseFormula(x as Raw, 'nested')) };
  } else f = parsePatterns(raw.patterns);
  const focus = raw['focus-metavariable'];
  if (focus !== undefined && f.op !== 'all') {
    f = { op: 'all', pos: [f], inside: [], not: [], notInside: [], conds: [], focus: [focusList(focus)] };
  }
  return f;
}

function focusList(v: unknown): string[] {
  const l = typeof v === 'string' ? [v] : Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;
  if (!l || !l.length) throw new Error('focus-metavariable takes a metavariable name or a list of them');
  return l;
}

/** The value of `pattern-inside`/`pattern-not-inside`: a pattern string, or (newer syntax) a formula mapping. */
function insideFormula(v: unknown): Formula {
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) return parseFormula(v as Raw, 'nested');
  return pattern(v, 'pattern-inside');
}

/** An inside-only formula (a `pattern-either` of `pattern-inside` items): a region, not a match. */
function isInside(f: Formula): boolean {
  return f.op === 'inside' || (f.op === 'either' && f.items.length > 0 && f.items.every(isInside));
}

function parsePatterns(items: unknown, implicitWhole = false): Formula {
  if (!Array.isArray(items)) throw new Error('patterns must be a list');
  const all: Extract<Formula, { op: 'all' }> = { op: 'all', pos: [], inside: [], not: [], notInside: [], conds: [], focus: [] };
  for (const it of items as Raw[]) {
    const k = Object.keys(it ?? {});
    if (k.length !== 1) throw new Error('each entry of patterns has exactly one operator');
    const key = k[0]!;
    const v = it[key];
    if (key === 'pattern' || key === 'pattern-either' || key === 'patterns' || key === 'pattern-regex') {
      const f = parseFormula(it, 'nested');
      (isInside(f) ? all.inside : all.pos).push(f);
    } else if (key === 'pattern-inside') all.inside.push(insideFormula(v));
    else if (key === 'pattern-not') all.not.push(typeof v === 'object' && v !== null ? parseFormula(v as Raw, 'nested') : pattern(v, 'pattern-not'));
    else if (key === 'pattern-not-inside') all.notInside.push(insideFormula(v));
    else if (key === 'pattern-not-regex') all.not.push(withRegex({ op: 'regex' as const }, v));
    else if (key === 'metavariable-regex') {
      const m = v as Raw;
      if (typeof m?.metavariable !== 'string') throw new Error('metavariable-regex needs metavariable and regex');
      all.conds.push(withRegex({ k: 'regex' as const, name: m.metavariable }, m.regex));
    } else if (key === 'metavariable-pattern') {
      const m = v as Raw;
      if (typeof m?.metavariable !== 'string') throw new Error('metavariable-pattern needs metavariable and a pattern operator');
      let lang: RuleLang | undefined;
      if (m.language !== undefined) {
        lang = LANGS[String(m.language).toLowerCase()];
        if (!lang) throw new UnsupportedConstruct(`unsupported metavariable-pattern language ${String(m.language)}`);
      }
      const { metavariable: _mv, language: _l, ...rest } = m;
      // inside metavariable-pattern, `patterns` may hold only negative terms: the metavariable's value is the positive one
      const f = Array.isArray(rest.patterns) ? parsePatterns(rest.patterns, true) : parseFormula(rest, 'nested');
      all.conds.push({ k: 'pattern', name: m.metavariable, f, lang });
    } else if (key === 'metavariable-comparison') {
      const m = v as Raw;
      if (typeof m?.comparison !== 'string') throw new Error('metavariable-comparison needs a comparison');
      let expr: CExpr;
      try {
        expr = parseComparison(m.comparison);
      } catch (e) {
        throw new UnsupportedConstruct(`unsupported metavariable-comparison \`${m.comparison}\`: ${(e as Error).message}`);
      }
      const base = m.base === undefined ? undefined : Number(m.base);
      if (base !== undefined && !(Number.isInteger(base) && base >= 2 && base <= 36)) throw new Error('metavariable-comparison base must be 2..36');
      all.conds.push({ k: 'compare', name: typeof m.metavariable === 'string' ? m.metavariable : undefined, expr, base, strip: m.strip === true });
    } else if (key === 'metavariable-analysis') {
      const m = v as Raw;
      if (typeof m?.metavariable !== 'string' || typeof m.analyzer !== 'string') throw new Error('metavariable-analysis needs metavariable and analyzer');
      if (m.analyzer !== 'entropy' && m.analyzer !== 'redos') throw new UnsupportedConstruct(`unsupported metavariable-analysis analyzer \`${m.analyzer}\``);
      if (m.options !== undefined) throw new UnsupportedConstruct('unsupported `options` of metavariable-analysis');
      all.conds.push({ k: 'analysis', name: m.metavariable, analyzer: m.analyzer });
    } else if (key === 'metavariable-type' || key === 'metavariable-name') {
      throw new UnsupportedConstruct(`unsupported operator \`${key}\``);
    } else if (key === 'focus-metavariable') {
      all.focus.push(focusList(v));
    } else throw new UnsupportedConstruct(`unsupported operator \`${key}\` inside patterns`);
  }
  if (!all.pos.length && !all.inside.length) {
    if (!implicitWhole) throw new Error('patterns needs at least one positive pattern');
    all.pos.push({ op: 'whole' });
  }
  return all;
}

/** True when any formula of a rule (search, sources, sinks, sanitizers, propagators) uses a typed metavariable. */
export function usesTypes(r: YamlRule): boolean {
  return [...(r.formula ? [r.formula] : []), ...[...r.sources, ...r.sinks, ...r.sanitizers].map((s) => s.f), ...r.propagators.map((p) => p.f)].some(usesTypedMetavar);
}

/** True when a rule's patterns use a typed metavariable. */
export function usesTypedMetavar(f: Formula): boolean {
  if (f.op === 'pattern') return hasTypedMetavar(f.src);
  if (f.op === 'either') return f.items.some(usesTypedMetavar);
  if (f.op === 'inside') return usesTypedMetavar(f.f);
  if (f.op === 'all') return [...f.pos, ...f.inside, ...f.not, ...f.notInside, ...f.conds.flatMap((c) => (c.k === 'pattern' ? [c.f] : []))].some(usesTypedMetavar);
  return false;
}

function compileRegex(v: unknown): RegExp {
  if (typeof v !== 'string') throw new Error('a regex must be a string');
  try {
    // Semgrep's regexes are PCRE; the common subset works, and leading inline flags such as (?i) or (?s) are mapped
    const m = /^\(\?([ims]+)\)/.exec(v);
    const src = m ? v.slice(m[0].length) : v;
    const flags = 'g' + (m ? [...new Set(m[1]!)].join('') : '');
    // lookaheads in the forms lookahead.ts rewrites run as a regex without them plus checks (still linear time)
    return hasLookahead(src) ? new LookaheadRegExp(src, flags) : userRegExp(src, flags);
  } catch (e) {
    // PCRE syntax JavaScript lacks, or what the linear engine refuses (lookahead, backreferences): the rule is skipped
    throw new UnsupportedConstruct(`unsupported regex \`${v.slice(0, 60)}\`: ${(e as Error).message.split('\n')[0]}`);
  }
}

/** Replaces `$X` in a message with the matched text of the metavariable. */
export function interpolate(message: string, env: Env): string {
  return message.replace(/\$([A-Z_][A-Z0-9_]*)/g, (m, n: string) => {
    const b = env['$' + n];
    return b ? b.text.replace(/\s+/g, ' ').slice(0, 60) : m;
  });
}

/** True when the rule applies to `path` under its `paths:` filter. */
export function appliesTo(rule: YamlRule, path: string): boolean {
  if (!rule.paths) return true;
  const base = path.split('/').pop() ?? path;
  const hit = (globs: string[]) => globs.some((g) => globMatch(path, g) || globMatch(base, g) || path.startsWith(g.replace(/\/\*\*$/, '') + '/'));
  if (rule.paths.include.length && !hit(rule.paths.include)) return false;
  return !hit(rule.paths.exclude);
}

/** A rule's metadata as the scanner declares it (`rules()`, SARIF `rules[]`). */
export function ruleMeta(r: YamlRule): RuleMeta {
  const title = r.message.replace(/\$[A-Z_]+/g, '…').slice(0, 80);
  return toRuleMeta('sast', [rule(r.id, title, r.severity, r.help, { cwe: r.cwe, confidence: r.confidence, tags: ['security', ...r.languages] })])[0]!;
}

/** Calls `visit` with every formula of a rule, nested ones included (search formula, taint specs, propagators). */
export function eachFormula(r: YamlRule, visit: (f: Formula) => void): void {
  const walk = (f: Formula): void => {
    visit(f);
    if (f.op === 'either') f.items.forEach(walk);
    else if (f.op === 'inside') walk(f.f);
    else if (f.op === 'all') {
      [...f.pos, ...f.inside, ...f.not, ...f.notInside].forEach(walk);
      for (const c of f.conds) if (c.k === 'pattern') walk(c.f);
    }
  };
  if (r.formula) walk(r.formula);
  [...r.sources, ...r.sinks, ...r.sanitizers].forEach((s) => walk(s.f));
  r.propagators.forEach((p) => walk(p.f));
}
