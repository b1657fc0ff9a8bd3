import { userRegExp } from '../../../core/linear-regex.js';
import { constantOf, symbolOf } from './constants.js';
import type { GNode } from './gnode-type.js';

export type { GNode } from './gnode-type.js';

/** Metavariable bindings of one match. */
export type Env = Record<string, GNode>;

/** Placeholders the pattern text is rewritten to before parsing (`$X` and `...` are not valid in every language). */
export const ELLIPSIS = '__ELLIPSIS__';
/** Prefix of a rewritten metavariable. */
export const MV_PREFIX = '__MV_';
/** Prefix of a rewritten ellipsis metavariable (`$...ARGS`): an ellipsis that binds the span it skips. */
const MVE_PREFIX = '__MVE_';
/** Prefix of a rewritten typed metavariable (`($X : string)` → `__MVT_X__<type in hex>`). */
const MVT_PREFIX = '__MVT_';
/** The callee a deep expression `<... P ...>` is rewritten to: `__DEEP__(P)`. */
export const DEEP = '__DEEP__';

/** True when a pattern uses a typed metavariable (`($X : T)`). */
export function hasTypedMetavar(src: string): boolean {
  return /\(\s*\$[A-Z_][A-Z0-9_]*\s*:\s*[^()]+?\s*\)/.test(src) || /(?<![\w$]\s*)\(\s*[A-Za-z_][\w.<>, ?[\]]*\s+\$[A-Z_][A-Z0-9_]*\s*\)/.test(src);
}

/**
 * Rewrites Semgrep syntax to parseable identifiers: `<... P ...>` → `__DEEP__(P)`, `($X : T)` → a typed
 * placeholder, `$...X` → an ellipsis that binds, `$X` → `__MV_X`, `...` (not a spread) → `__ELLIPSIS__`.
 */
export function rewritePattern(src: string, lang?: string): string {
  const typed = (n: string, t: string) => `${MVT_PREFIX}${n}__${Buffer.from(t.replace(/\s+/g, ' ')).toString('hex')}`;
  // Java writes a typed metavariable like a declaration, `(HttpServletRequest $REQ)`; after a name it is a parameter list
  const src2 = lang === 'java' ? src.replace(/(?<![\w$]\s*)\(\s*([A-Za-z_][\w.]*(?:<[\w.<>, ?]*>)?(?:\[\])*)\s+\$([A-Z_][A-Z0-9_]*)\s*\)/g, (_m, t: string, n: string) => typed(n, t)) : src;
  return src2
    .replace(/<\.\.\./g, `${DEEP}(`)
    .replace(/\.\.\.>/g, ')')
    .replace(/\(\s*\$([A-Z_][A-Z0-9_]*)\s*:\s*([^()]+?)\s*\)/g, (_m, n: string, t: string) => typed(n, t))
    .replace(/\$\.\.\.([A-Z_][A-Z0-9_]*)/g, `${MVE_PREFIX}$1`)
    .replace(/\$([A-Z_][A-Z0-9_]*)/g, `${MV_PREFIX}$1`)
    .replace(/\.\.\.(?![\w$])/g, ELLIPSIS);
}

/** Literals whose only element is `...` (`{...}`, `[...]`): any object or array, not any node. */
const CONTAINER = new Set(['ObjectLiteralExpression', 'ArrayLiteralExpression', 'dictionary', 'list', 'set', 'tuple', 'array_initializer', 'composite_literal', 'literal_value']);

function isEllipsis(p: GNode): boolean {
  if (p.leaf) return !p.str && (p.text === ELLIPSIS || p.text.startsWith(MVE_PREFIX));
  return p.children.length === 1 && !CONTAINER.has(p.kind) && isEllipsis(p.children[0]!);
}

/** The metavariable an ellipsis binds (`$...ARGS`), if any. */
function ellipsisVar(p: GNode): string | undefined {
  if (p.leaf) return p.text.startsWith(MVE_PREFIX) ? '$' + p.text.slice(MVE_PREFIX.length) : undefined;
  return p.children.length === 1 ? ellipsisVar(p.children[0]!) : undefined;
}

function metavar(p: GNode): string | undefined {
  if (p.leaf && !p.str && p.text.startsWith(MV_PREFIX)) return '$' + p.text.slice(MV_PREFIX.length);
  if (!p.leaf && p.children.length === 1 && /statement|Statement/.test(p.kind)) return metavar(p.children[0]!);
  return undefined;
}

/** A typed metavariable's name and type. */
function typedVar(p: GNode): { name: string; type: string } | undefined {
  if (p.leaf && !p.str && p.text.startsWith(MVT_PREFIX)) {
    const m = /^__MVT_([A-Z_][A-Z0-9_]*?)__([0-9a-f]+)$/.exec(p.text);
    if (m) return { name: '$' + m[1], type: Buffer.from(m[2]!, 'hex').toString() };
  }
  if (!p.leaf && p.children.length === 1 && /statement|Statement/.test(p.kind)) return typedVar(p.children[0]!);
  return undefined;
}

/** The pattern inside a deep expression `<... P ...>` (rewritten as a call to `__DEEP__`). */
function deepInner(p: GNode): GNode | undefined {
  if (p.leaf || !/call|invocation/i.test(p.kind) || p.children.length < 2) return undefined;
  const callee = p.children[0]!;
  if (!callee.leaf || callee.text !== DEEP) return undefined;
  let arg = p.children[1]!;
  if (p.children.length === 2 && /argument/i.test(arg.kind) && arg.children.length === 1) arg = arg.children[0]!;
  return p.children.length === 2 ? arg : undefined;
}

/** True when a type the file declares fits the type a pattern asks for (text equality; literal types fit their base type). */
function typeFits(have: string | undefined, want: string): boolean {
  if (!have) return false;
  const h = have.replace(/\s+/g, '');
  const w = want.replace(/\s+/g, '');
  if (h === w) return true;
  const parts = h.split('|');
  if (w === 'string') return parts.every((x) => /^(['"`]).*\1$/.test(x) || x === 'string');
  if (w === 'number') return parts.every((x) => /^-?\d/.test(x) || x === 'number');
  if (w === 'boolean') return parts.every((x) => x === 'true' || x === 'false' || x === 'boolean');
  return false;
}

/** `$X = E` in a JS pattern: also matches a declaration `const x = e` (Semgrep's equivalence). */
function isAssign(p: GNode): boolean {
  return p.kind === 'BinaryExpression' && p.children.length === 3 && p.children[1]!.text === '=';
}

/** The single declarator `x = e` of `const x = e;` (or of the declarator itself), for the assignment equivalence. */
function declOf(t: GNode): GNode | undefined {
  let n = t;
  if ((n.kind === 'FirstStatement' || n.kind === 'VariableStatement') && n.children.length === 1) n = n.children[0]!;
  if (n.kind === 'VariableDeclarationList' && n.children.length === 1) n = n.children[0]!;
  return n.kind === 'VariableDeclaration' && n.children.length === 2 ? n : undefined;
}

const reCache = new Map<string, RegExp | null>();
/** A string pattern `"=~/re/"`: a regex the literal's value must match. */
function stringRegex(v: string): RegExp | null | undefined {
  if (!v.startsWith('=~/')) return undefined;
  const m = /^=~\/(.*)\/([ims]*)$/s.exec(v);
  if (!m) return undefined;
  let re = reCache.get(v);
  if (re === undefined) {
    try {
      re = userRegExp(m[1]!, m[2]);
    } catch {
      re = null;
    }
    reCache.set(v, re);
  }
  return re;
}

/** `debugger` and `debugger;`: childless statements compared without their semicolon. */
function sameStatement(a: string, b: string): boolean {
  return (a.endsWith(';') ? a.slice(0, -1) : a) === (b.endsWith(';') ? b.slice(0, -1) : b);
}

/** A node standing for the span of nodes an ellipsis metavariable (`$...ARGS`) skipped. */
function spanNode(ts: GNode[]): GNode {
  const first = ts[0];
  const last = ts[ts.length - 1];
  const text = ts.map((n) => n.text).join(', ');
  return {
    kind: '__span', children: ts, text, leaf: false, str: false, value: text,
    startIndex: first?.startIndex ?? 0, endIndex: last?.endIndex ?? 0, startLine: first?.startLine ?? 0, startColumn: first?.startColumn ?? 0,
    endLine: last?.endLine ?? 0, endColumn: last?.endColumn ?? 0, ty: undefined, cast: undefined, decos: undefined, qual: undefined,
  };
}

/** Whether a pattern node can only match nodes of its own kind (else every node is a candidate). */
export function anyKind(p: GNode): boolean {
  return !!(metavar(p) || isEllipsis(p) || typedVar(p) || deepInner(p));
}

function norm(s: string): string {
  return s.replace(/\s+/g, '');
}

/**
 * A pattern node with a type assertion or decorators (JS/TS): `$X as any` and `$M.get($K)!` need the target to carry
 * the same assertion (a pattern without one ignores them); each decorator of the pattern must match one of the
 * target's, in any order. Then the node itself is matched as usual.
 */
function matchMarked(p: GNode, t: GNode, env: Env): Env | null {
  if (p.cast !== undefined && norm(p.cast) !== norm(t.cast ?? '')) return null;
  let e: Env | null = env;
  for (const d of p.decos ?? []) {
    let found: Env | null = null;
    for (const td of t.decos ?? []) if ((found = matchNode(d, td, e!))) break;
    if (!found) return null;
    e = found;
  }
  return matchNode({ ...p, cast: undefined, decos: undefined }, t, e!);
}

let seedEnv: Env | undefined;
let symbolic = false;

/**
 * Runs `fn` with symbolic propagation on (a rule's `options: symbolic_propagation: true`): a pattern that is not a
 * name also matches a variable read whose single assignment, written before it, holds a matching expression.
 */
export function withSymbolic<T>(on: boolean, fn: () => T): T {
  const before = symbolic;
  symbolic = on;
  try {
    return fn();
  } finally {
    symbolic = before;
  }
}

/**
 * Runs `fn` with the bindings of a region (`pattern-inside`) the pattern is matched with: where the pattern meets a
 * metavariable that only the region bound, the binding moves to that node (same text), so a focus lands in the match.
 */
export function withSeed<T>(env: Env | undefined, fn: () => T): T {
  const before = seedEnv;
  seedEnv = env;
  try {
    return fn();
  } finally {
    seedEnv = before;
  }
}

/** Matches pattern node `p` against target `t`, extending `env`; null when they do not match. */
export function matchNode(p: GNode, t: GNode, env: Env): Env | null {
  if (isEllipsis(p)) return env;
  if (p.cast !== undefined || p.decos !== undefined) return matchMarked(p, t, env);
  const mv = metavar(p);
  if (mv) {
    const bound = env[mv];
    // a binding a region gave (the seed) is moved to the place the pattern meets it, as focus-metavariable reports
    if (bound) return norm(bound.text) !== norm(t.text) ? null : seedEnv?.[mv] === bound ? { ...env, [mv]: t } : env;
    return { ...env, [mv]: t };
  }
  // typed metavariables and deep expressions are recognised by their text's prefix first (cheap on other nodes)
  const typed = p.text.startsWith(MVT_PREFIX) ? typedVar(p) : undefined;
  if (typed) {
    if (!typeFits(t.ty, typed.type)) return null;
    const bound = env[typed.name];
    if (bound) return norm(bound.text) === norm(t.text) ? env : null;
    return { ...env, [typed.name]: t };
  }
  const deep = p.text.startsWith(DEEP) ? deepInner(p) : undefined;
  if (deep) {
    // `<... P ...>`: P matches the node itself or any node below it
    const stack = [t];
    while (stack.length) {
      const n = stack.pop()!;
      const e = matchNode(deep, n, env);
      if (e) return e;
      for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]!);
    }
    return null;
  }
  // a literal pattern also matches a variable that must hold that constant where it is read (constant propagation)
  const k = p.leaf && !t.str && t.leaf ? constantOf(t) : undefined;
  if (k !== undefined) {
    if (p.str && typeof k === 'string') {
      if (p.value === ELLIPSIS) return env;
      const sre = stringRegex(p.value);
      if (sre !== undefined) return sre && sre.test(k) ? env : null;
      return /^__MV_[A-Z0-9_]+$/.test(p.value) ? null : p.value === k ? env : null;
    }
    if (!p.str && typeof k === 'number' && /^[-+]?(\d|\.\d)/.test(p.text) && !p.text.includes(MV_PREFIX)) return Number(p.text.replace(/_/g, '').replace(/[lLfFdDn]$/, '')) === k ? env : null;
  }
  if (p.str && t.str) {
    // `"..."` is any string constant: not a Python f-string with interpolations, which only `f"..."` matches
    if (p.value === ELLIPSIS) return t.children.length === 0 || /^[rRbBuU]*[fF]/.test(p.text) ? env : null;
    const sre = stringRegex(p.value);
    if (sre !== undefined) return sre && sre.test(t.value) ? env : null;
    const m = /^__MV_([A-Z0-9_]+)$/.exec(p.value);
    if (m) {
      // `"$X"` binds the string's content, as Semgrep does
      const name = '$' + m[1];
      const inner: GNode = {
        kind: 'StringContent', children: [], text: t.value, leaf: true, str: false, value: t.value, startIndex: t.startIndex + 1, endIndex: Math.max(t.startIndex + 1, t.endIndex - 1),
        startLine: t.startLine, startColumn: t.startColumn + 1, endLine: t.endLine, endColumn: Math.max(t.startColumn + 1, t.endColumn - 1), ty: undefined, cast: undefined, decos: undefined, qual: undefined,
      };
      const bound = env[name];
      if (bound) return bound.text === inner.text ? env : null;
      return { ...env, [name]: inner };
    }
    return p.value === t.value ? env : null;
  }
  if (symbolic && !p.leaf && t.leaf && !t.str && (t.kind === 'Identifier' || t.kind === 'identifier')) {
    const v = symbolOf(t);
    const e = v && matchNode(p, v, env);
    if (e) return e;
  }
  if (p.kind === 'TemplateExpression' && t.kind === 'TemplateExpression') return matchTemplate(p, t, env);
  // `$X. ... .$Y`: any chain of member accesses (and calls) between the two ends
  if (p.kind === 'PropertyAccessExpression' && p.children.length === 2 && p.children[0]!.kind === 'PropertyAccessExpression' && isEllipsis(p.children[0]!.children[1] ?? p)) {
    if (t.kind !== 'PropertyAccessExpression' || t.children.length !== 2) return null;
    const e = matchNode(p.children[1]!, t.children[1]!, env);
    if (!e) return null;
    const head = p.children[0]!.children[0]!;
    for (let n: GNode | undefined = t.children[0]; n; n = /^(PropertyAccessExpression|ElementAccessExpression|CallExpression)$/.test(n.kind) ? n.children[0] : undefined) {
      const r = matchNode(head, n, e);
      if (r) return r;
    }
    return null;
  }
  if (p.kind !== t.kind) {
    // `function ... (A) {B}` (a declaration in the pattern) also matches function expressions, named or not
    if (p.kind === 'FunctionDeclaration' && t.kind === 'FunctionExpression' && p.children[0]?.leaf) {
      const named = t.children[0]?.kind === 'Identifier';
      if (!named && !isEllipsis(p.children[0]!)) return null;
      return matchList(isEllipsis(p.children[0]!) && !named ? p.children.slice(1) : p.children, 0, t.children, 0, env);
    }
    // `function (A) {B}` and `(A) => {B}` are the same function value (an arrow function has no name of its own)
    if (FN_VALUE.has(p.kind) && FN_VALUE.has(t.kind)) return matchFunctionValue(p, t, env);
    // Python: `import flask` also matches `from flask import Flask` and `import flask.json` (an import of the module)
    if (p.kind === 'import_statement' && t.kind === 'import_from_statement') {
      const e = matchImport(p, t, env);
      if (e !== undefined) return e;
    }
    // `flask.request` also matches `request` imported from flask (`from flask import request`, `import os.path as p`)
    if (t.qual !== undefined && (p.kind === 'attribute' || p.kind === 'identifier') && !p.text.includes(MV_PREFIX) && norm(p.text) === t.qual) return env;
    // an expression pattern matches the expression of an expression statement (statement sequences)
    if ((t.kind === 'ExpressionStatement' || t.kind === 'expression_statement') && t.children.length === 1) return matchNode(p, t.children[0]!, env) ?? exprStmtDeep(p, t, env);
    // in a statement sequence, an expression also matches the value a return statement gives back (`... foo()`
    // matches `return foo()`, as Semgrep goes into the expression of a statement)
    if ((t.kind === 'ReturnStatement' || t.kind === 'return_statement') && !/Statement$|_statement$/.test(p.kind)) {
      const v = t.children.filter((c) => !(c.leaf && c.text === 'return'));
      if (v.length === 1) return matchNode(p, v[0]!, env);
    }
    if (isAssign(p)) {
      const d = declOf(t);
      if (d) {
        const e = matchNode(p.children[0]!, d.children[0]!, env);
        return e && matchNode(p.children[2]!, d.children[1]!, e);
      }
    }
    return exprStmtDeep(p, t, env);
  }
  if ((p.kind === 'import_declaration' || p.kind === 'import_statement') && !p.text.includes(MV_PREFIX)) {
    const e = matchImport(p, t, env);
    if (e !== undefined) return e;
  }
  // object literal fields, destructured names, JSX attributes and class members match in any order, and the target
  // may have more (`const { $C } = require('pg')` matches `const { Pool, Client } = require('pg')`)
  if (p.kind === 'ObjectLiteralExpression' || p.kind === 'JsxAttributes' || p.kind === 'ObjectBindingPattern') return matchBag(p.children, t.children, env);
  if (p.kind === 'ClassDeclaration' || p.kind === 'ClassExpression') {
    const head = (n: GNode) => n.children.filter((c, i) => (i === 0 && c.kind === 'Identifier') || c.kind === 'HeritageClause');
    const ph = head(p);
    const th = head(t);
    const e = ph.some((c) => c.kind === 'HeritageClause') ? matchList(ph, 0, th, 0, env) : ph.length ? (th[0]?.kind === 'Identifier' ? matchNode(ph[0]!, th[0], env) : null) : env;
    return e && matchBag(p.children.filter((c) => !ph.includes(c)), t.children.filter((c) => !th.includes(c)), e);
  }
  if (p.leaf || p.children.length === 0) return p.text === t.text || (!p.leaf && sameStatement(p.text, t.text)) ? env : null;
  // `"..." + $X`: the left operand also matches a concatenation that starts with a string ("a" + x + "b" nests left)
  const l = p.children[0]!;
  if (/binary|Binary/.test(p.kind) && p.children.length === 3 && t.children.length === 3 && l.str && l.value === ELLIPSIS) {
    const tl = t.children[0]!;
    if (!tl.str && !(/binary|Binary/.test(tl.kind) && /^[fFrRbBuU]*["'`]/.test(tl.text))) return null;
    return matchList(p.children.slice(1), 0, t.children.slice(1), 0, env);
  }
  return matchList(p.children, 0, t.children, 0, env) ?? exprStmtDeep(p, t, env);
}

/** Statements whose expressions an expression statement of a pattern sequence may match within. */
const DEEP_STMT = new Set(['ExpressionStatement', 'VariableStatement', 'FirstStatement', 'ReturnStatement']);
const NO_DEEPER = new Set(['FunctionExpression', 'ArrowFunction', 'FunctionDeclaration', 'ClassExpression', 'ClassDeclaration']);

/**
 * An expression statement of a pattern (`require('puppeteer');` in `A; ...`, `$PAGE.goto($U);`) also matches a
 * statement whose expression holds it: an initializer (`const p = require('puppeteer')`), an awaited call or a
 * returned value, as Semgrep matches an expression statement deeply. Function bodies inside are not entered.
 */
function exprStmtDeep(p: GNode, t: GNode, env: Env): Env | null {
  if (!DEEP_STMT.has(t.kind)) return null;
  const pe = p.kind === 'ExpressionStatement' ? (p.children.length === 1 ? p.children[0]! : undefined) : /Statement$|Declaration$|^Block$|Clause$/.test(p.kind) ? undefined : p;
  if (!pe || isEllipsis(pe) || metavar(pe) || isAssign(pe) || pe.kind === 'VariableDeclarationList') return null;
  // cheap first: the statement's text must hold the pattern's longest fixed word
  let word = deepWord.get(pe);
  if (word === undefined) {
    word = '';
    const stack = [pe];
    while (stack.length) {
      const n = stack.pop()!;
      if (n.leaf && !n.str && /^[A-Za-z_]\w*$/.test(n.text) && !n.text.startsWith('__') && n.text.length > word.length) word = n.text;
      stack.push(...n.children);
    }
    deepWord.set(pe, word);
  }
  if (word && !t.text.includes(word)) return null;
  const stack = [...t.children].reverse();
  while (stack.length) {
    const n = stack.pop()!;
    if (NO_DEEPER.has(n.kind)) continue;
    const e = n.leaf ? null : matchNode(pe, n, env);
    if (e) return e;
    for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]!);
  }
  return null;
}

const deepWord = new WeakMap<GNode, string>();

/**
 * Imports: a Go `import "p"` matches an import declaration that imports `p` among others (grouped or not, aliased or
 * not, unless the pattern names an alias); a Python `import m` matches `import m`, `import m.sub` and
 * `from m[.sub] import ...`; a Java import matches the same import. Undefined: not an import this compares.
 */
function matchImport(p: GNode, t: GNode, env: Env): Env | null | undefined {
  if (p.kind === 'import_declaration' && t.kind === 'import_declaration' && p.children.some((c) => c.kind === 'import_spec' || c.kind === 'import_spec_list')) {
    const specs = (n: GNode): GNode[] => n.children.flatMap((c) => (c.kind === 'import_spec' ? [c] : c.kind === 'import_spec_list' ? specs(c) : []));
    const ts = specs(t);
    for (const ps of specs(p)) {
      const path = ps.children[ps.children.length - 1]!;
      const alias = ps.children.length > 1 ? ps.children[0]!.text : undefined;
      if (!ts.some((x) => x.children[x.children.length - 1]!.value === path.value && (alias === undefined || (x.children.length > 1 && x.children[0]!.text === alias)))) return null;
    }
    return env;
  }
  if (p.kind === 'import_declaration' && t.kind === 'import_declaration') return norm(p.text.replace(/;$/, '')) === norm(t.text.replace(/;$/, '')) ? env : null;
  if (p.kind === 'import_statement' && p.children.length >= 2 && p.children.slice(1).every((c) => c.kind === 'dotted_name')) {
    const mods = p.children.slice(1).map((c) => norm(c.text));
    let have: string[];
    if (t.kind === 'import_statement') have = t.children.slice(1).map((c) => norm((c.kind === 'aliased_import' ? c.children[0]! : c).text));
    else if (t.kind === 'import_from_statement') have = [norm(t.children.find((c) => c.kind === 'dotted_name' || c.kind === 'relative_import')?.text ?? '')];
    else return undefined;
    return mods.every((m) => have.some((h) => h === m || h.startsWith(m + '.'))) ? env : null;
  }
  return undefined;
}

const FN_VALUE = new Set(['FunctionExpression', 'ArrowFunction', 'FunctionDeclaration']);

/** A function's name (when it has one), parameters and body. */
function fnParts(n: GNode): { name: GNode | undefined; params: GNode[]; body: GNode | undefined } {
  const name = n.kind !== 'ArrowFunction' && n.children[0]?.kind === 'Identifier' ? n.children[0] : undefined;
  const rest = n.children.filter((c) => c !== name && c.kind !== 'EqualsGreaterThanToken');
  const body = rest[rest.length - 1];
  return { name, params: rest.filter((c) => c.kind === 'Parameter'), body: body?.kind === 'Parameter' ? undefined : body };
}

/**
 * A function expression pattern against an arrow function, or the other way round (Semgrep's lambda equivalence):
 * the pattern may name no function (or name it `...`), the parameters match as a list, and a block body matches the
 * target's block; a body of only `...` also matches an arrow's expression body.
 */
function matchFunctionValue(p: GNode, t: GNode, env: Env): Env | null {
  const pp = fnParts(p);
  const tp = fnParts(t);
  if (p.kind === 'FunctionDeclaration' && t.kind !== 'FunctionExpression' && !(pp.name && isEllipsis(pp.name))) return null;
  // a metavariable name (`function $NAME(...)`) also matches an anonymous function, binding nothing (as in Semgrep)
  if (pp.name && !isEllipsis(pp.name) && !tp.name && !metavar(pp.name)) return null;
  let e: Env | null = pp.name && tp.name && !isEllipsis(pp.name) ? matchNode(pp.name, tp.name, env) : env;
  if (!e) return null;
  e = matchList(pp.params, 0, tp.params, 0, e);
  if (!e || !pp.body || !tp.body) return e && !pp.body && !tp.body ? e : null;
  if (pp.body.kind === 'Block' && tp.body.kind !== 'Block') return pp.body.children.length === 1 && isEllipsis(pp.body.children[0]!) ? e : null;
  return matchNode(pp.body, tp.body, e);
}

/** The text of a template literal's fragment (head, middle or tail) without its delimiters (`` ` ``, `${`, `}`). */
function fragmentText(n: GNode): string {
  const x = n.text;
  return x.slice(1, x.endsWith('${') ? -2 : -1);
}

const SENTINEL = '\u0000';
/** `...` in a template's text (rewritten, or left as is before `${`). */
const ELLIPSIS_TEXT = new RegExp(`${ELLIPSIS}|\\.\\.\\.`);

/**
 * A template literal pattern (`` `...${$X}...` ``, `` `$HTTP${$REQ.$V}...` ``) as Semgrep matches it: the pattern's
 * text fragments and interpolations must line up with the target's in order. `...` in the text is a gap that may
 * span text and interpolations; a fragment that is exactly a metavariable binds the target's whole fragment at that
 * place (its text, as `"$X"` binds a string's content); each interpolation of the pattern matches the interpolation at
 * the same place (so `` `${$X}...` `` looks at the first interpolation only, not at any later one).
 */
function matchTemplate(p: GNode, t: GNode, env: Env): Env | null {
  const spans = (n: GNode) => n.children.filter((c) => c.kind === 'TemplateSpan' && c.children.length >= 1);
  const pSpans = spans(p);
  const tSpans = spans(t);
  const pFrags = [p.children[0]!, ...pSpans.map((sp) => sp.children[sp.children.length - 1]!)];
  const tFrags = [t.children[0]!, ...tSpans.map((sp) => sp.children[sp.children.length - 1]!)];
  const flat = tFrags.map(fragmentText).join(SENTINEL);
  const esc = (x: string) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const names: string[] = [];
  let src = '^';
  pFrags.forEach((f, i) => {
    const text = fragmentText(f);
    const mv = /^__MV_([A-Z0-9_]+)$/.exec(text);
    if (mv) {
      names.push('$' + mv[1]);
      src += `(?<f${names.length - 1}>[^${SENTINEL}]*)(?=${SENTINEL}|$)`;
    } else {
      src += text.split(ELLIPSIS_TEXT).map((part) => esc(part.replace(/__MV_([A-Z0-9_]+)/g, '$$$1'))).join('[\\s\\S]*?');
    }
    if (i < pSpans.length) src += `(?<i${i}>${SENTINEL})`;
  });
  const m = new RegExp(src + '$', 'd').exec(flat);
  if (!m?.indices?.groups) return null;
  let e: Env | null = env;
  const before = (at: number) => flat.slice(0, at).split(SENTINEL).length - 1;
  for (let k = 0; k < names.length && e; k++) {
    const at = m.indices.groups[`f${k}`]![0];
    const frag = tFrags[before(at)]!;
    const text = m.groups![`f${k}`]!;
    const node: GNode = {
      kind: 'StringContent', children: [], text, leaf: true, str: false, value: text, startIndex: frag.startIndex + 1, endIndex: frag.startIndex + 1 + text.length,
      startLine: frag.startLine, startColumn: frag.startColumn + 1, endLine: frag.startLine, endColumn: frag.startColumn + 1 + text.length, ty: undefined, cast: undefined, decos: undefined, qual: undefined,
    };
    const bound: GNode | undefined = e[names[k]!];
    e = bound ? (bound.text === text ? e : null) : { ...e, [names[k]!]: node };
  }
  for (let i = 0; i < pSpans.length && e; i++) {
    const at = m.indices.groups[`i${i}`]![0];
    e = matchNode(pSpans[i]!.children[0]!, tSpans[before(at)]!.children[0]!, e);
  }
  return e;
}

/**
 * Matches pattern items against target items in any order, each against a different one, with more target items
 * allowed (`...` items of the pattern say nothing more). Backtracks over the choices, so bindings stay consistent.
 */
function matchBag(ps: GNode[], ts: GNode[], env: Env): Env | null {
  const items = ps.filter((x) => !isEllipsis(x));
  const used = new Array<boolean>(ts.length).fill(false);
  const go = (i: number, e: Env): Env | null => {
    if (i === items.length) return e;
    for (let j = 0; j < ts.length; j++) {
      if (used[j]) continue;
      const r = matchNode(items[i]!, ts[j]!, e);
      if (!r) continue;
      used[j] = true;
      const done = go(i + 1, r);
      used[j] = false;
      if (done) return done;
    }
    return null;
  };
  return go(0, env);
}

/** Matches a list of pattern nodes (with `...` gaps) against a whole list of target nodes. */
export function matchList(ps: GNode[], i: number, ts: GNode[], j: number, env: Env, prefix = false, reach?: { j: number }): Env | null {
  if (i === ps.length) {
    if (reach) reach.j = j;
    return j === ts.length || prefix ? env : null;
  }
  const p = ps[i]!;
  if (isEllipsis(p)) {
    const name = ellipsisVar(p);
    // `... B` at the end of a whole list: B can only be the last item (each item of a pattern takes exactly one)
    const onlyLast = !prefix && i + 2 === ps.length && !isEllipsis(ps[i + 1]!);
    for (let k = onlyLast ? Math.max(j, ts.length - 1) : j; k <= ts.length; k++) {
      let e: Env | null = env;
      if (name) {
        const span = spanNode(ts.slice(j, k));
        const bound = env[name];
        e = bound ? (norm(bound.text) === norm(span.text) ? env : null) : { ...env, [name]: span };
        if (!e) continue;
      }
      const r = matchList(ps, i + 1, ts, k, e, prefix, reach);
      if (r) return r;
    }
    return null;
  }
  if (j >= ts.length) return null;
  const e = matchNode(p, ts[j]!, env);
  if (!e) return null;
  return matchList(ps, i + 1, ts, j + 1, e, prefix, reach);
}

/** A match of a pattern in a file. */
export interface Match {
  startIndex: number;
  endIndex: number;
  node: GNode | undefined;
  env: Env;
  /** A region of a `pattern-inside` (Semgrep's Inside ranges: one never survives an intersection with a plain match). */
  inside?: boolean;
}

/** All nodes of a tree, pre-order, with an index by kind for fast candidate lookup. */
export class TreeIndex {
  readonly all: GNode[] = [];
  readonly byKind = new Map<string, GNode[]>();
  constructor(readonly root: GNode) {
    const stack = [root];
    while (stack.length) {
      const n = stack.pop()!;
      this.all.push(n);
      const list = this.byKind.get(n.kind);
      if (list) list.push(n);
      else this.byKind.set(n.kind, [n]);
      for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]!);
    }
  }
}

/** Nodes that hold a list of statements. */
const STATEMENT_LISTS = new Set(['Block', 'SourceFile', 'CaseClause', 'DefaultClause', 'ModuleBlock', 'block', 'statement_list', 'module', 'class_body', 'program', 'source_file']);

/**
 * The statements of a list followed, each, by the statements nested in it (blocks of its branches, loops, functions
 * and classes), in source order; `at[i]` is where the list's i-th statement is.
 */
function flattenStatements(kids: GNode[]): { nodes: GNode[]; at: number[] } {
  const nodes: GNode[] = [];
  const at: number[] = [];
  const visit = (n: GNode): void => {
    for (const c of n.children) {
      if (c.leaf) continue;
      if (STATEMENT_LISTS.has(n.kind) || /Statement$|_statement$/.test(c.kind)) nodes.push(c);
      visit(c);
    }
  };
  for (const k of kids) {
    at.push(nodes.length);
    nodes.push(k);
    visit(k);
  }
  return { nodes, at };
}

/** A parsed pattern: one node, or a sequence of statements. */
export type CompiledPattern = { kind: 'node'; node: GNode } | { kind: 'seq'; nodes: GNode[] };

/** Finds every match of a compiled pattern in an indexed tree. */
export function findMatches(pat: CompiledPattern, idx: TreeIndex, seed: Env = {}, within?: [number, number]): Match[] {
  const out: Match[] = [];
  const inRange = (n: GNode) => !within || (n.startIndex >= within[0] && n.endIndex <= within[1]);
  if (pat.kind === 'node') {
    const p = pat.node;
    const also = isAssign(p) ? ['VariableDeclaration'] : FN_VALUE.has(p.kind) ? [...FN_VALUE].filter((k) => k !== p.kind) : [];
    const cands = anyKind(p) ? idx.all : also.length ? [...(idx.byKind.get(p.kind) ?? []), ...also.flatMap((k) => idx.byKind.get(k) ?? [])] : (idx.byKind.get(p.kind) ?? []);
    for (const t of cands) {
      if (!inRange(t)) continue;
      const env = matchNode(p, t, seed);
      if (env) out.push({ startIndex: t.startIndex, endIndex: t.endIndex, node: t, env });
    }
    return out;
  }
  const ps = pat.nodes;
  // `A ... B`: B may also lie in a block nested in the statements after A (Semgrep's deep statement matching)
  const deep = !isEllipsis(ps[0]!) && ps.some((x, i) => i < ps.length - 1 && isEllipsis(x));
  for (const parent of idx.all) {
    const kids = parent.children;
    if (kids.length === 0 || parent.leaf || (within && (parent.endIndex < within[0] || parent.startIndex > within[1]))) continue;
    let flat: { nodes: GNode[]; at: number[] } | undefined;
    const head = isEllipsis(ps[0]!) ? undefined : ps[0]!;
    // the statement a sequence ends with must match its last element (unless that is `...`): checked once each
    const tail = isEllipsis(ps[ps.length - 1]!) ? undefined : ps[ps.length - 1]!;
    let tailOk: (boolean | undefined)[] | undefined;
    for (let s = 0; s < kids.length; s++) {
      if (within && !inRange(kids[s]!)) continue;
      // a sequence that does not start with `...` starts with a statement its first element matches
      if (head && !matchNode(head, kids[s]!, seed)) continue;
      let bestEnd = -1;
      let env: Env | null = null;
      // the match's end is the last statement matched by a non-ellipsis pattern element
      for (let e = kids.length; e > s; e--) {
        if (tail) {
          tailOk ??= new Array<boolean | undefined>(kids.length);
          tailOk[e - 1] ??= !!matchNode(tail, kids[e - 1]!, seed);
          if (!tailOk[e - 1]) continue;
        }
        const r = matchList(ps, 0, kids.slice(s, e), 0, seed, false);
        if (r) {
          env = r;
          bestEnd = e;
          break;
        }
      }
      if (env && bestEnd > s) {
        const trailing = isEllipsis(ps[ps.length - 1]!);
        const last = trailing ? kids[kids.length - 1]! : kids[bestEnd - 1]!;
        out.push({ startIndex: kids[s]!.startIndex, endIndex: trailing ? Math.max(last.endIndex, parent.endIndex) : last.endIndex, node: undefined, env });
      } else if (deep) {
        flat ??= flattenStatements(kids);
        const reach = { j: 0 };
        const r = matchList(ps, 0, flat.nodes, flat.at[s]!, seed, true, reach);
        if (r && reach.j > flat.at[s]!) {
          const trailing = isEllipsis(ps[ps.length - 1]!);
          const end = trailing ? Math.max(kids[kids.length - 1]!.endIndex, parent.endIndex) : flat.nodes[reach.j - 1]!.endIndex;
          if (!within || end <= within[1]) out.push({ startIndex: kids[s]!.startIndex, endIndex: end, node: undefined, env: r });
        }
      }
    }
  }
  return out;
}
