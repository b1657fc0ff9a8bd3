import { InputError } from '../../../core/errors.js';
import { findMatches, rewritePattern, type CompiledPattern, type Env, type GNode, type Match, type TreeIndex } from './gnode.js';
import type { Formula, RuleLang, YamlRule } from './rules.js';
import { tsPattern } from './ts-adapter.js';
import { treeSitterPattern } from './tree-sitter.js';

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
}

function compile(f: Extract<Formula, { op: 'pattern' }>, lang: RuleLang): CompiledPattern {
  const have = f.compiled.get(lang);
  if (have) return have;
  const src = rewritePattern(f.src.trim());
  let nodes: GNode[];
  try {
    nodes = lang === 'js' ? tsPattern(src) : lang === 'generic' ? [] : treeSitterPattern(lang, src);
  } catch (e) {
    throw new Error(`pattern \`${f.src.trim().slice(0, 80)}\`: ${(e as Error).message}`);
  }
  if (nodes.length === 0) throw new Error(`pattern \`${f.src.trim().slice(0, 80)}\` is empty`);
  const c: CompiledPattern = nodes.length === 1 ? { kind: 'node', node: nodes[0]! } : { kind: 'seq', nodes };
  f.compiled.set(lang, c);
  return c;
}

/** Compiles every pattern of a rule for its languages, so broken patterns fail at load time. */
export function precompile(rule: YamlRule): void {
  const visit = (f: Formula): void => {
    if (f.op === 'pattern') for (const l of rule.languages) if (l !== 'generic') compile(f, l);
    if (f.op === 'either') f.items.forEach(visit);
    if (f.op === 'all') [...f.pos, ...f.inside, ...f.not, ...f.notInside].forEach(visit);
  };
  try {
    if (rule.formula) visit(rule.formula);
    [...rule.sources, ...rule.sinks, ...rule.sanitizers].forEach(visit);
  } catch (e) {
    throw new InputError(`rule ${rule.id}: ${(e as Error).message}`, rule.origin);
  }
}

function consistent(a: Env, b: Env): Env | null {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const have = out[k];
    if (have && have.text.replace(/\s+/g, '') !== v.text.replace(/\s+/g, '')) return null;
    out[k] = v;
  }
  return out;
}

/** Evaluates a formula on a file. */
export function evalFormula(f: Formula, file: EvalFile): Match[] {
  if (f.op === 'pattern') return file.idx ? findMatches(compile(f, file.lang), file.idx) : [];
  if (f.op === 'regex') {
    const out: Match[] = [];
    f.re.lastIndex = 0;
    for (const m of file.text.matchAll(f.re)) {
      if (m[0].length === 0) continue;
      out.push({ startIndex: m.index, endIndex: m.index + m[0].length, node: undefined, env: {} });
    }
    return out;
  }
  if (f.op === 'either') return f.items.flatMap((x) => evalFormula(x, file));
  let cands: Match[];
  if (f.pos.length) {
    cands = evalFormula(f.pos[0]!, file);
    for (const p of f.pos.slice(1)) {
      const other = evalFormula(p, file);
      cands = cands.flatMap((c) => {
        // positive terms intersect: one match must lie within the other (a regex inside a call, or the same node)
        const o = other.find((x) => ((x.startIndex >= c.startIndex && x.endIndex <= c.endIndex) || (c.startIndex >= x.startIndex && c.endIndex <= x.endIndex)) && consistent(c.env, x.env));
        return o ? [{ ...c, env: consistent(c.env, o.env)! }] : [];
      });
    }
  } else cands = evalFormula(f.inside[0]!, file);
  for (const ins of f.pos.length ? f.inside : f.inside.slice(1)) {
    const outer = evalFormula(ins, file);
    cands = cands.flatMap((c) => {
      for (const o of outer) {
        if (o.startIndex <= c.startIndex && c.endIndex <= o.endIndex) {
          const env = consistent(c.env, o.env);
          if (env) return [{ ...c, env }];
        }
      }
      return [];
    });
  }
  for (const n of f.not) {
    const bad = evalFormula(n, file);
    cands = cands.filter((c) => !bad.some((b) => b.startIndex === c.startIndex && b.endIndex === c.endIndex && consistent(c.env, b.env)));
  }
  for (const n of f.notInside) {
    const bad = evalFormula(n, file);
    cands = cands.filter((c) => !bad.some((b) => b.startIndex <= c.startIndex && c.endIndex <= b.endIndex && consistent(c.env, b.env)));
  }
  for (const { name, re } of f.mvRegex) {
    cands = cands.filter((c) => {
      const b = c.env[name];
      re.lastIndex = 0;
      return !!b && re.test(b.text);
    });
  }
  if (f.focus) {
    const name = f.focus;
    cands = cands.flatMap((c) => {
      const b = c.env[name];
      return b ? [{ startIndex: b.startIndex, endIndex: b.endIndex, node: b, env: c.env }] : [];
    });
  }
  return cands;
}

