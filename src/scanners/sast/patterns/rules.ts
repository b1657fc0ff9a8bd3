import { globMatch } from '../../../core/glob.js';
import { userRegExp } from '../../../core/linear-regex.js';
import { LineCounter, parseDocument, isMap, isSeq, type Node as YNode } from 'yaml';
import { InputError } from '../../../core/errors.js';
import { rule, toRuleMeta } from '../../../core/rules.js';
import type { Confidence, RuleMeta, Severity } from '../../../core/types.js';
import type { CompiledPattern, Env } from './gnode.js';
import type { TsLang } from './tree-sitter.js';

/** Languages YAML rules can target. */
export type RuleLang = 'js' | TsLang | 'generic';

/** A formula of the Semgrep-compatible subset. */
export type Formula =
  | { op: 'pattern'; src: string; compiled: Map<RuleLang, CompiledPattern> }
  | { op: 'regex'; re: RegExp }
  | { op: 'either'; items: Formula[] }
  | {
      op: 'all';
      pos: Formula[];
      inside: Formula[];
      not: Formula[];
      notInside: Formula[];
      mvRegex: { name: string; re: RegExp }[];
      focus: string | undefined;
    };

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
  sources: Formula[];
  sinks: Formula[];
  sanitizers: Formula[];
  /** Where the rule was loaded from, for errors. */
  origin: string;
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

/** The rules of {@link ruleItems}' entries (the second half of {@link parseRuleFile}). */
export function parseRuleItems(items: readonly RuleItem[], origin: string, onUnsupported?: (skip: SkippedRule) => void): YamlRule[] {
  const out: YamlRule[] = [];
  items.forEach(({ raw: item, line }) => {
    const raw = item as Raw;
    try {
      out.push(parseRule(raw, origin));
    } catch (e) {
      if (e instanceof InputError) throw e;
      const id = typeof raw?.id === 'string' ? raw.id : '#' + (out.length + 1);
      if (e instanceof UnsupportedConstruct && onUnsupported) return onUnsupported({ id, line, construct: e.message });
      throw new InputError(`rule ${id}: ${(e as Error).message}`, origin, line);
    }
  });
  return out;
}

function parseRule(raw: Raw, origin: string): YamlRule {
  if (!raw || typeof raw !== 'object') throw new Error('a rule is a mapping');
  const id = raw.id;
  if (typeof id !== 'string' || !/^[A-Za-z0-9][\w.-]*$/.test(id)) throw new Error('`id` must be a word (letters, digits, `-`, `_`, `.`)');
  if (typeof raw.message !== 'string') throw new Error('`message` is required');
  const sev = SEVERITY[String(raw.severity ?? 'WARNING')];
  if (!sev) throw new Error(`unknown severity ${String(raw.severity)}`);
  const langsRaw = raw.languages;
  if (!Array.isArray(langsRaw) || langsRaw.length === 0) throw new Error('`languages` must be a non-empty list');
  const languages = langsRaw.map((l) => {
    const v = LANGS[String(l).toLowerCase()];
    if (!v) throw new UnsupportedConstruct(`unsupported language ${String(l)} (supported: javascript, typescript, python, go, java, generic)`);
    return v;
  });
  const meta = (raw.metadata ?? {}) as Raw;
  const cweRaw = meta.cwe;
  const cwe = (Array.isArray(cweRaw) ? cweRaw : cweRaw ? [cweRaw] : []).map((c) => {
    const m = /CWE-\d+/i.exec(String(c));
    if (!m) throw new Error(`metadata.cwe entry ${String(c)} has no CWE-<n>`);
    return m[0].toUpperCase();
  });
  const conf = String(meta.confidence ?? 'MEDIUM').toLowerCase();
  const confidence: Confidence = conf === 'high' ? 'high' : conf === 'low' ? 'low' : 'medium';
  const mode = raw.mode === 'taint' ? 'taint' : raw.mode === undefined || raw.mode === 'search' ? 'search' : undefined;
  if (!mode) throw new UnsupportedConstruct(`unsupported mode ${String(raw.mode)}`);
  const known = new Set(['id', 'message', 'severity', 'languages', 'metadata', 'mode', 'pattern', 'patterns', 'pattern-either', 'pattern-regex', 'pattern-sources', 'pattern-sinks', 'pattern-sanitizers', 'fix', 'options', 'paths']);
  for (const k of Object.keys(raw)) if (!known.has(k)) throw new UnsupportedConstruct(`unsupported key \`${k}\``);
  const rule: YamlRule = {
    id, message: raw.message, severity: sev, confidence, languages, cwe, mode, sources: [], sinks: [], sanitizers: [], origin,
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
  if (mode === 'search') {
    rule.formula = parseFormula(raw, true);
  } else {
    const list = (k: string): Formula[] => {
      const v = raw[k];
      if (v === undefined) return [];
      if (!Array.isArray(v)) throw new Error(`\`${k}\` must be a list`);
      return v.map((x) => parseFormula(x as Raw, true));
    };
    rule.sources = list('pattern-sources');
    rule.sinks = list('pattern-sinks');
    rule.sanitizers = list('pattern-sanitizers');
    if (!rule.sources.length || !rule.sinks.length) throw new Error('taint rules need pattern-sources and pattern-sinks');
    if (languages.some((l) => l !== 'js')) throw new UnsupportedConstruct('mode: taint is supported for javascript/typescript only');
  }
  return rule;
}

function pattern(src: unknown): Formula {
  if (typeof src !== 'string' || !src.trim()) throw new Error('a pattern must be a non-empty string');
  if (/<\.\.\./.test(src)) throw new UnsupportedConstruct('unsupported deep expression operator `<... ...>`');
  if (/\(\s*\$[A-Z_][A-Z0-9_]*\s*:\s*[\w.]+\s*\)/.test(src)) throw new UnsupportedConstruct('unsupported typed metavariable `($X : T)`');
  return { op: 'pattern', src, compiled: new Map() };
}

function parseFormula(raw: Raw, top: boolean): Formula {
  if (typeof raw !== 'object' || raw === null) throw new Error('expected a pattern operator mapping');
  const taintOption = top ? Object.keys(raw).find((k) => ['label', 'requires', 'by-side-effect', 'exact', 'control', 'to', 'from'].includes(k)) : undefined;
  if (taintOption) throw new UnsupportedConstruct(`unsupported taint option \`${taintOption}\``);
  const keys = Object.keys(raw).filter((k) => !top || k.startsWith('pattern') || k === 'patterns' || k === 'focus-metavariable');
  const ops = keys.filter((k) => ['pattern', 'patterns', 'pattern-either', 'pattern-regex'].includes(k));
  if (ops.length !== 1) throw new Error(`expected exactly one of pattern, patterns, pattern-either, pattern-regex (got ${ops.join(', ') || 'none'})`);
  const op = ops[0]!;
  let f: Formula;
  if (op === 'pattern') f = pattern(raw.pattern);
  else if (op === 'pattern-regex') f = { op: 'regex', re: compileRegex(raw['pattern-regex']) };
  else if (op === 'pattern-either') {
    const items = raw['pattern-either'];
    if (!Array.isArray(items)) throw new Error('pattern-either must be a list');
    f = { op: 'either', items: items.map((x) => parseFormula(x as Raw, false)) };
  } else {
    const items = raw.patterns;
    if (!Array.isArray(items)) throw new Error('patterns must be a list');
    const all: Extract<Formula, { op: 'all' }> = { op: 'all', pos: [], inside: [], not: [], notInside: [], mvRegex: [], focus: undefined };
    for (const it of items as Raw[]) {
      const k = Object.keys(it ?? {});
      if (k.length !== 1) throw new Error('each entry of patterns has exactly one operator');
      const key = k[0]!;
      const v = it[key];
      if (key === 'pattern' || key === 'pattern-either' || key === 'patterns' || key === 'pattern-regex') all.pos.push(parseFormula(it, false));
      else if (key === 'pattern-inside') all.inside.push(pattern(v));
      else if (key === 'pattern-not') all.not.push(pattern(v));
      else if (key === 'pattern-not-inside') all.notInside.push(pattern(v));
      else if (key === 'pattern-not-regex') all.not.push({ op: 'regex', re: compileRegex(v) });
      else if (key === 'metavariable-regex') {
        const m = v as Raw;
        if (typeof m?.metavariable !== 'string') throw new Error('metavariable-regex needs metavariable and regex');
        all.mvRegex.push({ name: m.metavariable, re: compileRegex(m.regex) });
      } else if (key === 'focus-metavariable') {
        if (typeof v !== 'string') throw new Error('focus-metavariable takes one metavariable name');
        all.focus = v;
      } else throw new UnsupportedConstruct(`unsupported operator \`${key}\` inside patterns`);
    }
    if (!all.pos.length && !all.inside.length) throw new Error('patterns needs at least one positive pattern');
    f = all;
  }
  if (typeof raw['focus-metavariable'] === 'string' && f.op !== 'all') {
    f = { op: 'all', pos: [f], inside: [], not: [], notInside: [], mvRegex: [], focus: raw['focus-metavariable'] };
  }
  return f;
}

function compileRegex(v: unknown): RegExp {
  if (typeof v !== 'string') throw new Error('a regex must be a string');
  try {
    // Semgrep's regexes are PCRE; the common subset works, and leading inline flags such as (?i) or (?s) are mapped
    const m = /^\(\?([ims]+)\)/.exec(v);
    return userRegExp(m ? v.slice(m[0].length) : v, 'g' + (m ? [...new Set(m[1]!)].join('') : ''));
  } catch (e) {
    throw new Error(`bad regex ${v}: ${(e as Error).message}`);
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
