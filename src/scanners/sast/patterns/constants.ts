import type { GNode } from './gnode-type.js';

/*
 * Constant propagation, as Semgrep does by default (intrafile): a variable that must hold a constant string or number
 * where it is read matches a literal pattern (`"..."`, `"abc"`, `"=~/re/"`, `1024`) and gives its value to
 * `metavariable-comparison`. A variable is constant where it is read when it is written exactly once in its scope
 * (a declaration or an assignment whose value is a literal, a concatenation of constants, or another constant), and
 * the read comes after that write. Any other write (a second assignment, `+=`, `++`, a loop or destructuring target,
 * a parameter of the same name) makes it unknown. Scopes are functions and the file; a JS/Go/Java assignment writes
 * the variable of the scope that declares it, a Python assignment declares a local. Works on the matcher's trees of
 * every language (TypeScript's kinds and tree-sitter's).
 */

/** The constant value each read of a constant variable carries (keyed by the identifier node of the read). */
const CONSTANTS = new WeakMap<GNode, string | number>();

/** The expression each read of a variable written exactly once (before the read) holds: symbolic propagation. */
const SYMBOLS = new WeakMap<GNode, GNode>();

/** The expression a variable read stands for (its single assignment's value, written before the read), or undefined. */
export function symbolOf(n: GNode): GNode | undefined {
  return SYMBOLS.get(n);
}

/** The constant a node stands for where it is read (a constant variable), or undefined. */
export function constantOf(n: GNode): string | number | undefined {
  return CONSTANTS.get(n);
}

const SCOPES = new Set([
  'FunctionDeclaration', 'FunctionExpression', 'ArrowFunction', 'MethodDeclaration', 'Constructor', 'GetAccessor', 'SetAccessor',
  'function_definition', 'lambda', 'function_declaration', 'method_declaration', 'func_literal', 'constructor_declaration', 'lambda_expression',
]);
const IDENT = new Set(['Identifier', 'identifier']);
const ASSIGN_OPS = /^(=|:=|[-+*/%|&^]=|<<=|>>=|>>>=|\*\*=|\/\/=|@=|&&=|\|\|=|\?\?=|&\^=)$/;
const NUMBER = new Set(['NumericLiteral', 'integer', 'float', 'int_literal', 'float_literal', 'decimal_integer_literal', 'decimal_floating_point_literal', 'hex_integer_literal']);
const PLUS = new Set(['BinaryExpression', 'binary_operator', 'binary_expression']);

interface Scope {
  node: GNode;
  parent: Scope | undefined;
  /** Writes of each name that belong to this scope. */
  writes: Map<string, Write[]>;
  /** Names this scope declares (a JS/Go/Java assignment elsewhere writes the nearest scope that declares its name). */
  declares: Set<string>;
}

interface Write {
  at: number;
  /** The value written when it is a plain assignment (`=`, `:=`, a declaration); undefined for any other write. */
  value: GNode | undefined;
}

interface Read {
  node: GNode;
  scope: Scope;
}

function numberOf(text: string): number | undefined {
  const t = text.replace(/_/g, '').replace(/[lLfFdDn]$/, '');
  const v = /^0[xX]/.test(t) ? parseInt(t.slice(2), 16) : /^0[oO]/.test(t) ? parseInt(t.slice(2), 8) : /^0[bB]/.test(t) ? parseInt(t.slice(2), 2) : Number(t);
  return Number.isFinite(v) ? v : undefined;
}

/** Identifiers a binding target declares or writes (a name, or the names of a destructuring or tuple target). */
function targetNames(n: GNode, out: GNode[]): GNode[] {
  if (IDENT.has(n.kind)) out.push(n);
  else if (!/^(PropertyAccessExpression|ElementAccessExpression|attribute|subscript|selector_expression|index_expression|field_access|array_access|call|CallExpression)$/.test(n.kind)) {
    // in `{ a: b } = x` the written name is the value side; a property name alone (`{ a }`) is both
    n.children.forEach((c, i) => {
      if ((n.kind === 'PropertyAssignment' || n.kind === 'BindingElement') && i === 0 && n.children.length > 1) return;
      targetNames(c, out);
    });
  }
  return out;
}

/** Identifiers in positions that are not reads of a variable (property names, keyword argument names). */
function notARead(parent: GNode, i: number): boolean {
  switch (parent.kind) {
    case 'PropertyAccessExpression':
    case 'attribute':
    case 'field_access':
      return i > 0;
    case 'PropertyAssignment':
    case 'keyword_argument':
    case 'JsxAttribute':
      return i === 0;
    case 'method_invocation':
      return parent.children[i + 1]?.kind === 'argument_list';
    default:
      return false;
  }
}

/**
 * Finds the constant variables of a tree and marks each read of one with its value (see {@link constantOf}). `python`:
 * an assignment declares a function-local name (elsewhere assignments write the declaring scope's variable).
 */
export function markConstants(root: GNode, python = false): void {
  const rootScope: Scope = { node: root, parent: undefined, writes: new Map(), declares: new Set() };
  const pending: { name: string; scope: Scope; write: Write; declares: boolean }[] = [];
  const reads: Read[] = [];
  const written = new Set<GNode>();
  const write = (id: GNode, scope: Scope, value: GNode | undefined, declares: boolean, at: number) => {
    written.add(id);
    pending.push({ name: id.text, scope, write: { at, value }, declares: declares || python });
  };
  const visit = (n: GNode, scope: Scope): void => {
    let inner = scope;
    if (SCOPES.has(n.kind)) {
      inner = { node: n, parent: scope, writes: new Map(), declares: new Set() };
      // parameters: every identifier of the parameter list (and an arrow function's single bare parameter)
      for (const c of n.children) {
        if (c.kind === 'Parameter' || /parameters|parameter_list|^formal_parameters$|^inferred_parameters$/.test(c.kind)) {
          for (const id of targetNames(c.kind === 'Parameter' ? c.children[0] ?? c : c, [])) write(id, inner, undefined, true, n.startIndex);
        }
      }
      if (n.kind === 'lambda_expression' && n.children[0]?.kind === 'identifier') write(n.children[0], inner, undefined, true, n.startIndex);
    }
    switch (n.kind) {
      case 'VariableDeclaration': {
        const [name, init] = n.children;
        if (name && IDENT.has(name.kind)) write(name, scope, init, true, n.endIndex);
        else if (name) for (const id of targetNames(name, [])) write(id, scope, undefined, true, n.endIndex);
        break;
      }
      case 'variable_declarator': {
        const name = n.children[0];
        const eq = n.children.findIndex((c) => c.leaf && c.text === '=');
        if (name && IDENT.has(name.kind)) write(name, scope, eq > 0 ? n.children[eq + 1] : undefined, true, n.endIndex);
        break;
      }
      case 'BinaryExpression':
      case 'assignment':
      case 'augmented_assignment':
      case 'assignment_expression':
      case 'assignment_statement':
      case 'short_var_declaration':
      case 'named_expression': {
        const eq = n.kind === 'named_expression' ? 0 : n.children.findIndex((c) => c.leaf && ASSIGN_OPS.test(c.text));
        if (eq < 0 || (n.kind === 'BinaryExpression' && eq !== 1)) break;
        const lhs = n.children[0]!;
        const rhs = n.children[n.children.length - 1];
        const plain = n.kind === 'named_expression' || n.children[eq]!.text === '=' || n.children[eq]!.text === ':=';
        const declares = n.kind === 'short_var_declaration';
        const lhsList = lhs.kind === 'expression_list' ? lhs.children : [lhs];
        const rhsList = rhs?.kind === 'expression_list' ? rhs.children : rhs ? [rhs] : [];
        if (lhsList.length === 1 && IDENT.has(lhs.kind)) write(lhs, scope, plain && rhsList.length === 1 ? rhsList[0] : undefined, declares, n.endIndex);
        else {
          lhsList.forEach((t, i) => {
            if (IDENT.has(t.kind)) write(t, scope, plain && lhsList.length === rhsList.length ? rhsList[i] : undefined, declares, n.endIndex);
            else for (const id of targetNames(t, [])) write(id, scope, undefined, declares, n.endIndex);
          });
        }
        break;
      }
      case 'var_spec':
      case 'const_spec': {
        const eq = n.children.findIndex((c) => c.leaf && c.text === '=');
        const names = n.children.slice(0, eq < 0 ? n.children.length : eq).filter((c) => IDENT.has(c.kind));
        const vals = eq < 0 ? [] : n.children[eq + 1]?.kind === 'expression_list' ? n.children[eq + 1]!.children : n.children.slice(eq + 1);
        names.forEach((id, i) => write(id, scope, names.length === vals.length ? vals[i] : undefined, true, n.endIndex));
        break;
      }
      case 'PrefixUnaryExpression':
      case 'PostfixUnaryExpression':
        if (/^(\+\+|--)|(\+\+|--)$/.test(n.text) && n.children[0] && IDENT.has(n.children[0].kind)) write(n.children[0], scope, undefined, false, n.endIndex);
        break;
      case 'inc_statement':
      case 'dec_statement':
      case 'update_expression':
        for (const c of n.children) if (IDENT.has(c.kind)) write(c, scope, undefined, false, n.endIndex);
        break;
      case 'ForOfStatement':
      case 'ForInStatement':
        if (n.children[0] && n.children[0].kind !== 'VariableDeclarationList') for (const id of targetNames(n.children[0], [])) write(id, scope, undefined, false, n.startIndex);
        break;
      case 'for_statement':
      case 'for_in_clause': {
        const f = n.children.findIndex((c) => c.leaf && c.text === 'for');
        if (f >= 0 && n.children[f + 1] && n.children.some((c) => c.leaf && c.text === 'in')) for (const id of targetNames(n.children[f + 1]!, [])) write(id, scope, undefined, true, n.startIndex);
        break;
      }
      case 'range_clause':
      case 'enhanced_for_statement':
      case 'catch_formal_parameter':
      case 'as_pattern_target':
      case 'global_statement':
      case 'nonlocal_statement':
        for (const c of n.children) if (IDENT.has(c.kind)) write(c, scope, undefined, true, n.startIndex);
        if (n.kind === 'range_clause' && n.children[0]) for (const id of targetNames(n.children[0], [])) write(id, scope, undefined, false, n.startIndex);
        break;
      default:
        break;
    }
    n.children.forEach((c, i) => {
      if (IDENT.has(c.kind) && c.leaf) {
        if (!notARead(n, i)) reads.push({ node: c, scope: inner });
      } else if (!c.leaf || c.children.length) visit(c, inner);
    });
  };
  visit(root, rootScope);
  // each write belongs to the scope that declares its name (the nearest one up the chain), else the file
  for (const p of pending) if (p.declares) p.scope.declares.add(p.name);
  const owner = (name: string, from: Scope): Scope => {
    for (let s: Scope | undefined = from; s; s = s.parent) if (s.declares.has(name)) return s;
    return rootScope;
  };
  for (const p of pending) {
    const s = p.declares ? p.scope : owner(p.name, p.scope);
    const l = s.writes.get(p.name);
    if (l) l.push(p.write);
    else s.writes.set(p.name, [p.write]);
  }
  // values in source order, so that a constant can be defined by an earlier one
  const facts = new Map<Scope, Map<string, { value: string | number; after: number } | null>>();
  const valueAt = (name: string, from: Scope, at: number): string | number | undefined => {
    const s = owner(name, from);
    const f = factOf(s, name);
    return f && at >= f.after ? f.value : undefined;
  };
  const scopeOf = new Map<GNode, Scope>();
  for (const r of reads) scopeOf.set(r.node, r.scope);
  const evalConst = (v: GNode | undefined, depth: number): string | number | undefined => {
    if (!v || depth > 20) return undefined;
    if (v.str) return v.children.length ? undefined : v.value;
    if (NUMBER.has(v.kind)) return numberOf(v.text);
    if (v.kind === 'concatenated_string') {
      const parts = v.children.map((c) => evalConst(c, depth + 1));
      return parts.every((x) => typeof x === 'string') ? parts.join('') : undefined;
    }
    if (PLUS.has(v.kind) && v.children.length === 3 && v.children[1]!.text === '+') {
      const a = evalConst(v.children[0], depth + 1);
      const b = evalConst(v.children[2], depth + 1);
      if (a === undefined || b === undefined) return undefined;
      return typeof a === 'number' && typeof b === 'number' ? a + b : String(a) + String(b);
    }
    if (IDENT.has(v.kind) && v.leaf) {
      const s = scopeOf.get(v);
      return s ? valueAt(v.text, s, v.startIndex) : undefined;
    }
    return undefined;
  };
  const computing = new Set<string>();
  function factOf(s: Scope, name: string): { value: string | number; after: number } | null {
    let m = facts.get(s);
    if (!m) facts.set(s, (m = new Map()));
    const have = m.get(name);
    if (have !== undefined) return have;
    const ws = s.writes.get(name);
    let out: { value: string | number; after: number } | null = null;
    const key = `${s.node.startIndex}:${name}`;
    if (ws && ws.length === 1 && ws[0]!.value && !computing.has(key)) {
      computing.add(key);
      const v = evalConst(ws[0]!.value, 0);
      computing.delete(key);
      if (v !== undefined) out = { value: v, after: ws[0]!.at };
    }
    m.set(name, out);
    return out;
  }
  for (const r of reads) {
    if (written.has(r.node)) continue;
    const v = valueAt(r.node.text, r.scope, r.node.startIndex);
    if (v !== undefined) CONSTANTS.set(r.node, v);
    else {
      const ws = owner(r.node.text, r.scope).writes.get(r.node.text);
      if (ws?.length === 1 && ws[0]!.value && r.node.startIndex >= ws[0]!.at) SYMBOLS.set(r.node, ws[0]!.value);
    }
  }
}
