import { lastAtOrBefore, lineStarts } from '../../../core/lines.js';
import type { FileLocation, FlowStep } from '../../../core/types.js';
import { TreeIndex, type Env, type GNode } from './gnode.js';
import { evalFormula, type EvalFile } from './match.js';
import { appliesTo, interpolate, labelsSatisfy, type LabelExpr, type YamlRule } from './rules.js';
import { fixText, type PatternHit } from './run.js';
import type { TsLang } from './tree-sitter.js';

/*
 * `mode: taint` for Python, Go and Java: an intraprocedural analysis on the tree-sitter trees. Each function (and
 * the file's top level) is walked in source order with a map from variables (and member paths such as `self.x`) to
 * their taint. What is tainted: a source match, a variable assigned a tainted value, and any expression with a
 * tainted part (operators, string formatting, calls and their receivers: a call returns taint from its arguments,
 * as in Semgrep). A sanitizer match is clean. Assignments replace a variable's taint, except inside a branch or a
 * loop, where they add to it (either path may run); loop bodies are walked twice for loop-carried flows. Nested
 * functions and lambdas are walked where they are written with the enclosing function's variables (closures).
 * Sinks: a call matched by a sink reports when an argument is tainted; an expression a sink focuses on
 * (`focus-metavariable`), any other expression matched, and with `exact: true` a call too, when its value is. No summaries across
 * functions or files (that is the JS/TS engine's job).
 */

/** One taint a value carries: its label, where it came from and the steps it took. */
interface Fact {
  label: string;
  source: string;
  steps: { node: GNode; message: string }[];
}

type Taint = Fact[];

interface SourceSpec {
  label: string;
  requires: LabelExpr | undefined;
  bySideEffect: boolean;
  /** `by-side-effect: only`: the matched occurrence itself is not tainted (with `true` it is, as in Semgrep). */
  only: boolean;
}

interface SinkSpec {
  requires: LabelExpr | undefined;
  /** Judge the matched expression's value (`exact: true`, or a `focus-metavariable`), not a matched call's arguments. */
  exact: boolean;
  env: Env;
}

/** Node kinds per role, across the three grammars. */
const CALL = new Set(['call', 'call_expression', 'method_invocation', 'object_creation_expression']);
const FUNCTION = new Set(['function_definition', 'lambda', 'function_declaration', 'method_declaration', 'func_literal', 'constructor_declaration', 'lambda_expression']);
const PARAMS = new Set(['parameters', 'parameter_list', 'formal_parameters', 'lambda_parameters', 'inferred_parameters']);
const BRANCH = new Set([
  'if_statement', 'elif_clause', 'else_clause', 'try_statement', 'except_clause', 'finally_clause', 'with_statement', 'match_statement', 'case_clause',
  'conditional_expression', 'ternary_expression', 'expression_switch_statement', 'type_switch_statement', 'select_statement', 'expression_case', 'default_case',
  'switch_expression', 'switch_block', 'switch_block_statement_group', 'catch_clause', 'communication_case', 'type_case',
]);
const LOOP = new Set(['for_statement', 'while_statement', 'enhanced_for_statement', 'do_statement']);

const key = (n: { startIndex: number; endIndex: number }) => `${n.startIndex}:${n.endIndex}`;
const norm = (s: string) => s.replace(/\s+/g, '');

function union(a: Taint, b: Taint): Taint {
  if (!a.length) return b;
  if (!b.length) return a;
  const out = [...a];
  for (const f of b) if (!out.some((o) => o.label === f.label)) out.push(f);
  return out;
}

/** The identifiers a node reads as variables (not field or method names, keyword argument names). */
function isFieldName(parent: GNode, i: number): boolean {
  const c = parent.children[i]!;
  if (parent.kind === 'attribute' || parent.kind === 'field_access') return i === parent.children.length - 1 && i > 0;
  if (parent.kind === 'method_invocation') return parent.children[i + 1]?.kind === 'argument_list' && c.kind === 'identifier';
  if (parent.kind === 'keyword_argument') return i === 0;
  return false;
}

/** The targets and value of an assignment-like node, or undefined. `add`: `x += v` keeps x's taint. */
function assignment(n: GNode): { targets: GNode[]; values: GNode[]; add: boolean } | undefined {
  const eq = n.children.findIndex((c) => c.leaf && /^(=|:=|[-+*/%|&^]=|<<=|>>=|\/\/=|\*\*=|@=|&\^=)$/.test(c.text));
  switch (n.kind) {
    case 'assignment':
    case 'augmented_assignment':
    case 'assignment_expression':
    case 'assignment_statement':
    case 'short_var_declaration':
    case 'variable_declarator':
    case 'var_spec':
    case 'const_spec':
    case 'named_expression': {
      if (n.kind === 'named_expression') return { targets: [n.children[0]!], values: [n.children[n.children.length - 1]!], add: false };
      if (eq < 1 || eq + 1 >= n.children.length) return undefined;
      const left = n.kind === 'var_spec' || n.kind === 'const_spec' ? n.children.slice(0, eq).filter((c) => c.kind === 'identifier') : flatten(n.children[0]!);
      const right = n.children[eq + 1]!;
      return { targets: left, values: flatten(right), add: n.children[eq]!.text !== '=' && n.children[eq]!.text !== ':=' };
    }
    default:
      return undefined;
  }
}

/** The items of a tuple or list of targets/values (`a, b = x, y`; Go's expression lists). */
function flatten(n: GNode): GNode[] {
  if (n.kind === 'expression_list' || n.kind === 'pattern_list' || n.kind === 'tuple_pattern' || n.kind === 'tuple' || n.kind === 'list_pattern') return n.children;
  return [n];
}

/** A for-each loop's variables and the collection it iterates over. */
function forEach(n: GNode): { targets: GNode[]; value: GNode } | undefined {
  if (n.kind === 'for_statement' || n.kind === 'for_in_clause') {
    const f = n.children.findIndex((c) => c.leaf && c.text === 'for');
    const i = n.children.findIndex((c) => c.leaf && c.text === 'in');
    if (f >= 0 && i > f + 1 && n.children[i + 1]) return { targets: flatten(n.children[f + 1]!), value: n.children[i + 1]! };
  }
  if (n.kind === 'range_clause') {
    const r = n.children.findIndex((c) => c.leaf && c.text === 'range');
    if (r > 0 && n.children[r + 1]) return { targets: flatten(n.children[0]!), value: n.children[r + 1]! };
  }
  if (n.kind === 'enhanced_for_statement') {
    const ids = n.children.filter((c) => c.kind === 'identifier');
    const name = ids[0];
    const value = name ? n.children[n.children.indexOf(name) + 1] : undefined;
    if (name && value) return { targets: [name], value };
  }
  return undefined;
}

/** A finding of a taint rule on a tree-sitter file. */
export interface TaintFlowHit extends PatternHit {
  flow: FlowStep[];
  source: string;
}

/** Runs `mode: taint` rules of `lang` on one file's tree. */
export function runTaintRules(rules: YamlRule[], path: string, lang: TsLang, root: GNode, text: string): TaintFlowHit[] {
  const mine = rules.filter((r) => r.mode === 'taint' && r.languages.includes(lang) && appliesTo(r, path));
  if (!mine.length) return [];
  const idx = new TreeIndex(root);
  const file: EvalFile = { lang, idx, text };
  const starts = lineStarts(text);
  const loc = (n: { startIndex: number; endIndex: number }): FileLocation => {
    const s = lastAtOrBefore(starts, n.startIndex);
    const e = lastAtOrBefore(starts, n.endIndex);
    const snippet = text.slice(starts[s]!, (starts[s + 1] ?? text.length + 1) - 1).trim().slice(0, 300);
    return { path, startLine: s + 1, startColumn: n.startIndex - starts[s]! + 1, endLine: e + 1, endColumn: n.endIndex - starts[e]! + 1, snippet };
  };
  const out: TaintFlowHit[] = [];
  for (const rule of mine) out.push(...runRule(rule, file, root, loc));
  return out;
}

function runRule(rule: YamlRule, file: EvalFile, root: GNode, loc: (n: { startIndex: number; endIndex: number }) => FileLocation): TaintFlowHit[] {
  const sources = new Map<string, SourceSpec[]>();
  const sinks = new Map<string, SinkSpec[]>();
  const sanitized = new Set<string>();
  const cleanEffects = new Set<string>();
  const propagators = new Map<string, { from: string; to: GNode }[]>();
  const add = <T>(m: Map<string, T[]>, k: string, v: T) => {
    const l = m.get(k);
    if (l) l.push(v);
    else m.set(k, [v]);
  };
  for (const s of rule.sources) {
    for (const m of evalFormula(s.f, file)) add(sources, key(m), { label: s.label ?? '__SOURCE__', requires: s.requires, bySideEffect: !!s.bySideEffect, only: !!s.sideEffectOnly });
  }
  for (const s of rule.sinks) {
    const focused = s.f.op === 'all' && s.f.focus.length > 0;
    for (const m of evalFormula(s.f, file)) add(sinks, key(m), { requires: s.requires, exact: !!s.exact || focused, env: m.env });
  }
  for (const s of rule.sanitizers) for (const m of evalFormula(s.f, file)) (s.bySideEffect ? cleanEffects : sanitized).add(key(m));
  for (const p of rule.propagators) {
    for (const m of evalFormula(p.f, file)) {
      const from = m.env[p.from];
      const to = m.env[p.to];
      if (from && to) add(propagators, key(m), { from: key(from), to });
    }
  }
  if (!sources.size || !sinks.size) return [];

  const hits: TaintFlowHit[] = [];
  const reported = new Set<string>();
  const nodeAt = new Map<string, GNode>();
  const stack = [root];
  while (stack.length) {
    const n = stack.pop()!;
    if (!nodeAt.has(key(n))) nodeAt.set(key(n), n);
    for (const c of n.children) stack.push(c);
  }
  const sourceText = (n: GNode) => n.text.replace(/\s+/g, ' ').slice(0, 60);

  /** The taint of an expression's value under `vars`. */
  const taintOf = (n: GNode, vars: Map<string, Taint>): Taint => {
    const k = key(n);
    if (sanitized.has(k)) return [];
    let t: Taint = [];
    const direct = vars.get(norm(n.text));
    if (direct && (n.kind === 'identifier' || n.kind === 'attribute' || n.kind === 'field_access' || n.kind === 'selector_expression')) t = direct;
    if (!FUNCTION.has(n.kind)) {
      n.children.forEach((c, i) => {
        if (c.kind === 'identifier' && isFieldName(n, i)) return;
        t = union(t, taintOf(c, vars));
      });
    }
    for (const s of sources.get(k) ?? []) {
      if (s.only) continue;
      if (s.requires && !labelsSatisfy(s.requires, new Set(t.map((f) => f.label)))) continue;
      t = union([{ label: s.label, source: sourceText(n), steps: [{ node: n, message: `source: ${sourceText(n)}` }] }], t);
    }
    return t;
  };

  const report = (sink: GNode, spec: SinkSpec, t: Taint): void => {
    const labels = new Set(t.map((f) => f.label));
    if (spec.requires ? !labelsSatisfy(spec.requires, labels) : !t.length) return;
    const fact = (spec.requires ? t.find((f) => labelsSatisfy(spec.requires!, new Set([f.label]))) : undefined) ?? t[0]!;
    const k = key(sink);
    if (reported.has(k)) return;
    reported.add(k);
    const location = loc(sink);
    const flow: FlowStep[] = [...fact.steps.map((s) => ({ location: loc(s.node), message: s.message })), { location, message: `reaches the sink ${sourceText(sink)}` }];
    const matched = file.text.slice(sink.startIndex, sink.endIndex);
    const hit: TaintFlowHit = {
      rule, message: interpolate(rule.message, spec.env), location, text: matched.replace(/\s+/g, ' ').slice(0, 240), flow, source: fact.source,
    };
    const ft = rule.fix && fixText(rule.fix, matched, spec.env, file.text);
    if (ft !== undefined) hit.fix = { start: sink.startIndex, end: sink.endIndex, text: ft, startLine: location.startLine!, startColumn: location.startColumn!, endLine: location.endLine!, endColumn: location.endColumn! };
    hits.push(hit);
  };

  const assign = (targets: GNode[], values: Taint[], vars: Map<string, Taint>, join: boolean, addTo: boolean, at: GNode) => {
    targets.forEach((tg, i) => {
      const v = values.length === targets.length ? values[i]! : values.reduce(union, []);
      const name = norm(tg.text);
      const moved = v.map((f) => ({ ...f, steps: [...f.steps, { node: at, message: `flows into ${tg.text.slice(0, 40)}` }] }));
      const before = vars.get(name) ?? [];
      const now = join || addTo ? union(before, moved) : moved;
      if (now.length) vars.set(name, now);
      else vars.delete(name);
    });
  };

  /** Walks a node in evaluation order; `cond`: inside a branch or loop of the function being walked. */
  const walk = (n: GNode, vars: Map<string, Taint>, cond: boolean): void => {
    const k = key(n);
    for (const spec of sinks.get(k) ?? []) {
      if (CALL.has(n.kind) && !spec.exact) {
        const args = n.children.find((c) => c.kind === 'argument_list' || c.kind === 'arguments');
        report(n, spec, args ? taintOf(args, vars) : []);
      } else report(n, spec, taintOf(n, vars));
    }
    if (FUNCTION.has(n.kind)) {
      // a nested function or lambda: walked with a copy of the enclosing variables (a closure); its parameters shadow them
      const inner = new Map(vars);
      const params = n.children.find((c) => PARAMS.has(c.kind));
      for (const p of params ? identifiers(params) : []) inner.delete(p.text);
      for (const p of params ? identifiers(params) : []) for (const s of sources.get(key(p)) ?? []) inner.set(p.text, [{ label: s.label, source: p.text, steps: [{ node: p, message: `source: parameter ${p.text}` }] }]);
      for (const c of n.children) if (c !== params) walk(c, inner, false);
      return;
    }
    const a = assignment(n);
    const fe = a ? undefined : forEach(n);
    if (a) {
      for (const v of a.values) walk(v, vars, cond);
      assign(a.targets, a.values.map((v) => taintOf(v, vars)), vars, cond, a.add, n);
      for (const t of a.targets) if (t.kind !== 'identifier') walk(t, vars, cond);
    } else if (fe) {
      walk(fe.value, vars, cond);
      const t = taintOf(fe.value, vars);
      const body = n.children.filter((c) => c !== fe.value && !fe.targets.includes(c));
      for (let pass = 0; pass < 2; pass++) {
        assign(fe.targets, [t], vars, true, false, n);
        for (const c of body) walk(c, vars, true);
      }
    } else {
      const inner = cond || BRANCH.has(n.kind);
      const passes = LOOP.has(n.kind) ? 2 : 1;
      for (let pass = 0; pass < passes; pass++) for (const c of n.children) walk(c, vars, inner || LOOP.has(n.kind));
    }
    // effects after the node's parts are evaluated: by-side-effect sources and sanitizers, propagators
    for (const s of sources.get(k) ?? []) {
      if (!s.bySideEffect) continue;
      for (const v of effectTargets(n)) vars.set(norm(v.text), [{ label: s.label, source: sourceText(n), steps: [{ node: n, message: `source: ${sourceText(n)}` }] }]);
    }
    if (cleanEffects.has(k)) for (const v of effectTargets(n)) vars.delete(norm(v.text));
    for (const p of propagators.get(k) ?? []) {
      const from = nodeAt.get(p.from);
      if (!from) continue;
      const t = taintOf(from, vars);
      if (t.length) vars.set(norm(p.to.text), union(vars.get(norm(p.to.text)) ?? [], t.map((f) => ({ ...f, steps: [...f.steps, { node: n, message: `flows into ${p.to.text.slice(0, 40)}` }] }))));
    }
  };

  // the file's top level, then each outermost function with its own variables (parameters matched by a source are tainted)
  const units: GNode[] = [];
  const find = (n: GNode): void => {
    for (const c of n.children) {
      if (FUNCTION.has(c.kind)) units.push(c);
      else find(c);
    }
  };
  find(root);
  const topVars = new Map<string, Taint>();
  for (const c of root.children) if (!FUNCTION.has(c.kind)) walkTop(c);
  function walkTop(n: GNode): void {
    if (FUNCTION.has(n.kind)) return;
    if (n.children.some((c) => FUNCTION.has(c.kind))) {
      // a class or block holding functions: its other parts are top-level code
      for (const c of n.children) walkTop(c);
      return;
    }
    walk(n, topVars, false);
  }
  for (const u of units) walk(u, new Map(), false);
  return hits;
}

/** Identifiers declared by a parameter list. */
function identifiers(params: GNode): GNode[] {
  const out: GNode[] = [];
  const visit = (n: GNode) => {
    if (n.kind === 'identifier') out.push(n);
    else if (!n.leaf && !/type/.test(n.kind)) for (const c of n.children) visit(c);
  };
  visit(params);
  // a typed parameter lists its type's identifiers too (Python `x: str`): keep the first of each parameter
  return out;
}

/** The variables a by-side-effect source or sanitizer changes: the matched variable, or a call's identifier arguments and receiver. */
function effectTargets(n: GNode): GNode[] {
  if (n.kind === 'identifier' || n.kind === 'attribute' || n.kind === 'field_access' || n.kind === 'selector_expression') return [n];
  if (!CALL.has(n.kind)) return [];
  const out: GNode[] = [];
  const args = n.children.find((c) => c.kind === 'argument_list' || c.kind === 'arguments');
  for (const a of args?.children ?? []) if (a.kind === 'identifier') out.push(a);
  const callee = n.children[0];
  if (callee && (callee.kind === 'attribute' || callee.kind === 'selector_expression') && callee.children[0]?.kind === 'identifier') out.push(callee.children[0]);
  if (n.kind === 'method_invocation' && n.children[0]?.kind === 'identifier' && n.children[1]?.kind === 'identifier') out.push(n.children[0]);
  return out;
}
