import { InputError } from '../../../core/errors.js';
import { analyze } from './analysis.js';
import { evalComparison, type CValue } from './compare.js';
import { constantOf } from './constants.js';
import { compileGeneric, genericMatches } from './generic.js';
import { ELLIPSIS, findMatches, rewritePattern, TreeIndex, withSeed, withSymbolic, type CompiledPattern, type Env, type GNode, type Match } from './gnode.js';
import { UnsupportedConstruct, type Formula, type MvCond, type RuleLang, type YamlRule } from './rules.js';
import { parseJs, tsPattern } from './ts-adapter.js';
import { parseWith, treeSitterPattern } from './tree-sitter.js';
import { precompiledPattern } from './precompiled.js';

/*
 * Matching rule formulas: patterns compiled with the parser of each language (TypeScript for JS/TS, tree-sitter for
 * Python, Go, Java) and evaluated on a file's tree. Apart from rules.ts (which only reads rule files), so that
 * reading rules for their metadata loads no parser.
 */

/** What evaluation needs about one file. */
export interface EvalFile {
  lang: RuleLang;
  idx: TreeIndex | undefined;
  text: string;
  /** Regexes search only this part of `text` (a metavariable's text for `metavariable-pattern`). */
  range?: [number, number];
}

function compile(f: Extract<Formula, { op: 'pattern' }>, lang: RuleLang): CompiledPattern {
  const have = f.compiled.get(lang);
  if (have) return have;
  const shown = f.src.trim().replace(/\s+/g, ' ').slice(0, 80);
  const src = rewritePattern(f.src.trim(), lang);
  let nodes: GNode[];
  try {
    nodes = lang === 'js' ? jsPatternNodes(src) : lang === 'generic' ? [] : (precompiledPattern(lang, src) ?? treeSitterPattern(lang, src));
  } catch (e) {
    // Semgrep's pattern language is wider than what each grammar parses: the rule is skipped, not the scan
    throw new UnsupportedConstruct(`pattern \`${shown}\` does not parse as ${lang === 'js' ? 'javascript/typescript' : lang}: ${(e as Error).message}`);
  }
  if (nodes.length === 0) throw new UnsupportedConstruct(`pattern \`${shown}\` is empty`);
  const c: CompiledPattern = nodes.length === 1 ? { kind: 'node', node: nodes[0]! } : { kind: 'seq', nodes };
  f.compiled.set(lang, c);
  return c;
}

/** A JS/TS pattern's nodes; a pattern that is not a statement is retried as an expression (`{ a: 1, ... }`). */
function jsPatternNodes(src: string): GNode[] {
  // `... if (x) {}` on one line: the ellipsis is a statement of its own
  const stmts = src.replace(new RegExp(`${ELLIPSIS}(?=[ \\t]+[A-Za-z_$])`, 'g'), `${ELLIPSIS};`);
  // `{ a: 1, ... }` is an object, not a block: try it as an expression first
  const obj = /^\s*\{/.test(src);
  const tries = obj ? [`(${src}\n)`, src] : [src, `(${src}\n)`];
  if (stmts !== src) tries.push(stmts, `(${stmts}\n)`);
  // a JSX attribute whose value is `...` (`<a rel=... />`): any value, written as an expression container
  const jsx = src.replace(new RegExp(`(<[^<>]*?[\\w-]=)${ELLIPSIS}(?=[\\s/>])`, 'g'), `$1{${ELLIPSIS}}`);
  if (jsx !== src) tries.push(jsx, `(${jsx}\n)`);
  let first: unknown;
  for (const t of tries) {
    try {
      return tsPattern(t);
    } catch (e) {
      first ??= e;
    }
  }
  // a class member on its own (`@Get() $M(...) { ... }`, `$M(..., @Body() $P, ...) { ... }`): parsed inside a class
  try {
    const [cls] = tsPattern(`class __PG_CLASS__ {\n${src}\n}`);
    const members = cls?.kind === 'ClassDeclaration' ? cls.children.filter((c) => c.text !== '__PG_CLASS__') : [];
    if (members.length) return members;
  } catch {
    // the first error is the one worth showing
  }
  throw first;
}

/**
 * Compiles every pattern of a rule for its languages, so broken patterns fail at load time. A pattern this engine
 * cannot parse throws {@link UnsupportedConstruct} (the caller skips the rule with a warning); other errors are
 * input errors naming the rule's file.
 */
export function precompile(rule: YamlRule): void {
  const visit = (f: Formula, langs: readonly RuleLang[]): void => {
    if (f.op === 'pattern') {
      for (const l of langs) {
        if (l !== 'generic') compile(f, l);
        else {
          try {
            f.generic ??= compileGeneric(f.src);
          } catch (e) {
            throw new UnsupportedConstruct(`generic pattern \`${f.src.trim().slice(0, 60)}\`: ${(e as Error).message}`);
          }
        }
      }
    }
    if (f.op === 'either') f.items.forEach((x) => visit(x, langs));
    if (f.op === 'inside') visit(f.f, langs);
    if (f.op === 'all') {
      [...f.pos, ...f.inside, ...f.not, ...f.notInside].forEach((x) => visit(x, langs));
      for (const c of f.conds) if (c.k === 'pattern') visit(c.f, c.lang ? [c.lang] : langs);
    }
  };
  try {
    if (rule.formula) visit(rule.formula, rule.languages);
    [...rule.sources, ...rule.sinks, ...rule.sanitizers].forEach((s) => visit(s.f, rule.languages));
    rule.propagators.forEach((p) => visit(p.f, rule.languages));
  } catch (e) {
    if (e instanceof UnsupportedConstruct) throw e;
    throw new InputError(`rule ${rule.id}: ${(e as Error).message}`, rule.origin, rule.line);
  }
}

/** `a`'s bindings extended with `b`'s, or null when they disagree; a name both bind keeps `a`'s node (the match's own place, not a region's). */
function consistent(a: Env, b: Env): Env | null {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const have = out[k];
    if (have) {
      if (have.text.replace(/\s+/g, '') !== v.text.replace(/\s+/g, '')) return null;
      continue;
    }
    out[k] = v;
  }
  return out;
}

/** Pattern syntax whose metavariables can bind more than one way (the matcher keeps the first). */
const AMBIGUOUS = /<\.\.\.|\.\s*\.\.\.\s*\.|\$\.\.\.|\.\.\.\s*,\s*\$[A-Z_]|\$[A-Z_][A-Z0-9_]*\s*,\s*\.\.\./;

function ambiguous(f: Formula): boolean {
  if (f.op === 'pattern') return AMBIGUOUS.test(f.src);
  if (f.op === 'either') return f.items.some(ambiguous);
  if (f.op === 'all') return f.pos.some(ambiguous);
  return false;
}

/** Bindings and a region a formula is matched with (the region of a `pattern-inside`). */
interface Seed {
  env: Env;
  range: [number, number];
}

/** Evaluates a formula on a file. */
export function evalFormula(f: Formula, file: EvalFile, seed?: Seed): Match[] {
  if (f.op === 'pattern') {
    if (file.lang === 'generic') return genericMatches((f.generic ??= compileGeneric(f.src)), file.text, seed?.range ?? file.range, seed?.env);
    if (!file.idx) return [];
    const c = compile(f, file.lang);
    return f.symbolic ? withSymbolic(true, () => findMatches(c, file.idx!, seed?.env, seed?.range)) : findMatches(c, file.idx, seed?.env, seed?.range);
  }
  if (f.op === 'regex') {
    const out: Match[] = [];
    const [lo, hi] = file.range ?? [0, file.text.length];
    const text = file.range ? file.text.slice(lo, hi) : file.text;
    f.re.lastIndex = 0;
    for (const m of text.matchAll(f.re)) {
      if (m[0].length === 0) continue;
      out.push({ startIndex: lo + m.index, endIndex: lo + m.index + m[0].length, node: undefined, env: {} });
    }
    return out;
  }
  if (f.op === 'either') return f.items.flatMap((x) => evalFormula(x, file, seed));
  if (f.op === 'inside') return evalFormula(f.f, file, seed).map((m) => (m.inside ? m : { ...m, inside: true }));
  if (f.op === 'whole') {
    const [lo, hi] = file.range ?? [0, file.text.length];
    return [{ startIndex: lo, endIndex: hi, node: file.idx?.root, env: {} }];
  }
  let cands: Match[];
  const first = f.pos[0];
  if (first && f.inside.length && file.idx && ambiguous(first)) {
    // deep expressions, member chains and `$...X` bind the first node they meet: match within each region of each
    // pattern-inside, with that region's bindings (the other regions are checked below as usual)
    const seen = new Set<string>();
    cands = f.inside.flatMap((ins) => evalFormula(ins, file, seed)).flatMap((o) => {
      const env = { ...seed?.env, ...o.env };
      return withSeed(env, () => evalFormula(first, file, { env, range: [o.startIndex, o.endIndex] }));
    }).filter((m) => {
      const k = `${m.startIndex}:${m.endIndex}:${Object.entries(m.env).map(([n, v]) => `${n}=${v.startIndex}`).join(',')}`;
      return !seen.has(k) && !!seen.add(k);
    });
  } else if (first) cands = evalFormula(first, file, seed);
  else cands = [];
  // (no candidate left: the terms below could only filter, so they are not evaluated, nor their regexes compiled)
  if (f.pos.length) {
    for (const p of f.pos.slice(1)) if (cands.length) cands = intersect(cands, evalFormula(p, file));
  } else {
    // only regions (`patterns` of pattern-inside items): the parts where they overlap, one lying within another
    cands = evalFormula(f.inside[0]!, file).map((m) => (m.inside ? m : { ...m, inside: true }));
    for (const ins of f.inside.slice(1)) {
      const other = evalFormula(ins, file);
      cands = cands.flatMap((c) => other.flatMap((o) => {
        const inner = within(o, c) ? o : within(c, o) ? c : undefined;
        const env = inner && consistent(inner.env, inner === o ? c.env : o.env);
        return env ? [{ ...inner!, env, inside: true }] : [];
      }));
    }
  }
  if (!cands.length) return cands;
  for (const ins of f.pos.length ? f.inside : []) {
    // a region whose metavariables can bind more than one way (`function ... (..., $RES, ...)`) is matched again
    // with each candidate's bindings, so it binds the way the candidate needs
    const regions = ambiguous(ins) && file.idx !== undefined ? regionsFor(ins, file) : undefined;
    const outerAll = regions ? [] : evalFormula(ins, file);
    cands = cands.flatMap((c) => {
      const outer = regions ? regions(c) : outerAll;
      for (const o of outer) {
        if (within(c, o)) {
          const env = consistent(c.env, o.env);
          if (env) return [{ ...c, env }];
        }
      }
      return [];
    });
  }
  for (const n of f.not) {
    if (!cands.length) return cands;
    const bad = evalFormula(n, file);
    // pattern-not removes a match of the same range; pattern-not-regex one that holds or lies within a regex match
    const hit = n.op === 'regex' ? (c: Match, b: Match) => within(c, b) || within(b, c) : (c: Match, b: Match) => b.startIndex === c.startIndex && b.endIndex === c.endIndex;
    cands = cands.filter((c) => !bad.some((b) => hit(c, b) && consistent(c.env, b.env)));
  }
  for (const n of f.notInside) {
    if (!cands.length) return cands;
    const regions = ambiguous(n) && file.idx !== undefined ? regionsFor(n, file) : undefined;
    const badAll = regions ? [] : evalFormula(n, file);
    cands = cands.filter((c) => !(regions ? regions(c) : badAll).some((b) => within(c, b) && consistent(c.env, b.env)));
  }
  for (const cond of f.conds) cands = cands.flatMap((c) => checkCond(cond, c, file));
  if (f.focus.length) cands = cands.flatMap((c) => focusOn(f.focus, c));
  return cands;
}

/**
 * `focus-metavariable` as Semgrep applies it: the names of one operator give one match each (their union); with
 * several operators a match is the region where one place of each overlaps (their intersection), or none.
 */
function focusOn(groups: string[][], c: Match): Match[] {
  let cur: Match[] | undefined;
  for (const g of groups) {
    const places = g.flatMap((name) => {
      const b = c.env[name];
      return b ? [{ startIndex: b.startIndex, endIndex: b.endIndex, node: b, env: c.env }] : [];
    });
    cur = !cur ? places : cur.flatMap((a) => places.flatMap((b) => {
      const lo = Math.max(a.startIndex, b.startIndex);
      const hi = Math.min(a.endIndex, b.endIndex);
      if (lo >= hi) return [];
      const node = b.startIndex === lo && b.endIndex === hi ? b.node : a.startIndex === lo && a.endIndex === hi ? a.node : undefined;
      return [{ startIndex: lo, endIndex: hi, node, env: c.env }];
    }));
  }
  return cur ?? [];
}

/** The metavariable names a formula's patterns mention. */
function namesOf(f: Formula, out = new Set<string>()): Set<string> {
  if (f.op === 'pattern') for (const m of f.src.matchAll(/\$(?:\.\.\.)?([A-Z_][A-Z0-9_]*)/g)) out.add('$' + m[1]);
  else if (f.op === 'either') f.items.forEach((x) => namesOf(x, out));
  else if (f.op === 'inside') namesOf(f.f, out);
  else if (f.op === 'all') [...f.pos, ...f.inside, ...f.not, ...f.notInside].forEach((x) => namesOf(x, out));
  return out;
}

/**
 * A region formula matched with candidates' bindings as the starting ones, once per distinct text of the bindings it
 * mentions; `regions(c)` gives the regions that hold candidate `c`.
 */
function regionsFor(ins: Formula, file: EvalFile): (c: Match) => Match[] {
  const names = [...namesOf(ins)];
  const range: [number, number] = file.range ?? [0, file.text.length];
  const cache = new Map<string, Match[]>();
  return (c) => {
    const key = names.map((n) => c.env[n]?.text ?? '\u0001').join('\u0000');
    let all = cache.get(key);
    if (!all) {
      // only the bindings the region mentions: the regions are shared by every candidate with the same texts
      const env: Env = {};
      for (const n of names) if (c.env[n]) env[n] = c.env[n];
      cache.set(key, (all = evalFormula(ins, file, { env, range })));
    }
    return all.filter((o) => within(c, o));
  };
}

/** Whether `a` lies within `b`. */
function within(a: Match, b: Match): boolean {
  return b.startIndex <= a.startIndex && a.endIndex <= b.endIndex;
}

/**
 * Positive terms of `patterns` intersect as in Semgrep: a match of either side survives when it lies within a match
 * of the other side (a region of `pattern-inside` only within another region) with consistent bindings, which it
 * takes on; so the smaller range is the result (`$REQ.body` within a function that a `pattern-inside` gives).
 */
function intersect(xs: Match[], ys: Match[]): Match[] {
  const out: Match[] = [];
  const seen = new Set<string>();
  const add = (u: Match, v: Match) => {
    if (!within(u, v) || (u.inside && !v.inside)) return;
    const env = consistent(u.env, v.env);
    if (!env) return;
    const k = `${u.startIndex}:${u.endIndex}:${u.inside ? 1 : 0}:${Object.entries(env).map(([n, b]) => `${n}=${b.startIndex}-${b.endIndex}`).join(',')}`;
    if (seen.has(k)) return;
    seen.add(k);
    out.push({ ...u, env });
  };
  for (const u of xs) for (const v of ys) add(u, v);
  for (const v of ys) for (const u of xs) add(v, u);
  return out;
}

/** The value of a metavariable in `metavariable-comparison`: a number for numeric literals, else the literal's value or the code's text. */
function cvalue(n: GNode, base: number | undefined, strip: boolean): CValue {
  // a variable that must hold a constant there compares as that constant (constant propagation)
  const k = constantOf(n);
  if (typeof k === 'number' && base === undefined) return k;
  let t = n.str ? n.value : typeof k === 'string' ? k : n.text.trim();
  if (strip) t = t.replace(/^["'`]|["'`]$/g, '');
  if (base !== undefined) {
    const v = parseInt(t.replace(/^0[xob]/i, ''), base);
    return Number.isNaN(v) ? t : v;
  }
  if ((!n.str || strip) && /^[-+]?(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|\d[\d_]*(\.\d+)?([eE][-+]?\d+)?|\.\d+)[nLlDdFf]?$/.test(t)) {
    const s = t.replace(/[_nLlDdFf]$/g, '').replace(/_/g, '');
    const neg = s.startsWith('-');
    const u = s.replace(/^[-+]/, '');
    const v = /^0[xX]/.test(u) ? parseInt(u.slice(2), 16) : /^0[oO]/.test(u) ? parseInt(u.slice(2), 8) : /^0[bB]/.test(u) ? parseInt(u.slice(2), 2) : Number(u);
    return neg ? -v : v;
  }
  return t;
}

/** The tree of a metavariable's text parsed as another language (`metavariable-pattern` with `language:`). */
function subFile(content: string, lang: RuleLang): EvalFile {
  if (lang === 'generic') return { lang, idx: undefined, text: content };
  const root = lang === 'js' ? parseJs(content) : parseWith(lang, content).root;
  return { lang, idx: root ? new TreeIndex(root) : undefined, text: content };
}

/** Applies one metavariable condition to a match: the match (bindings extended) or nothing. */
function checkCond(cond: MvCond, c: Match, file: EvalFile): Match[] {
  if (cond.k === 'compare') {
    if (cond.name && !c.env[cond.name]) return [];
    return evalComparison(cond.expr, (name) => {
      const b = c.env[name];
      return b ? cvalue(b, cond.name === name || !cond.name ? cond.base : undefined, cond.strip) : undefined;
    }) ? [c] : [];
  }
  const b = c.env[cond.name];
  if (!b) return [];
  if (cond.k === 'analysis') return analyze(cond.analyzer, b, file.lang === 'js') ? [c] : [];
  if (cond.k === 'regex') {
    cond.re.lastIndex = 0;
    return cond.re.test(b.text) ? [c] : [];
  }
  let sub: EvalFile;
  if (cond.lang === undefined || (cond.lang === file.lang && !b.str)) {
    // the same language: match inside the bound node; regexes run on its text
    sub = { lang: file.lang, idx: file.idx && b.kind !== '__span' ? new TreeIndex(b) : file.idx, text: file.text, range: [b.startIndex, b.endIndex] };
  } else sub = subFile(b.str ? b.value : b.text, cond.lang);
  const inner = evalFormula(cond.f, sub).filter((m) => sub.text !== file.text || (m.startIndex >= b.startIndex && m.endIndex <= b.endIndex));
  for (const m of inner) {
    const env = consistent(c.env, m.env);
    if (env) return [{ ...c, env }];
  }
  return [];
}
