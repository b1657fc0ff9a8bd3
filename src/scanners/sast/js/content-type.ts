import ts from './tslib.js';
import type * as TS from 'typescript';

/*
 * Whether a response write is HTML, from the content type the handler sets before it. The type may be a literal
 * (`res.type('json')`, `res.writeHead(200, { 'Content-Type': 'text/plain' })`), or a constant, a field of a constant
 * table, or a parameter of a helper (`send(res, status, body, type)`) whose every call site in the import group
 * passes such a value; a headers object may be one too (`res.writeHead(status, headers)`). A value that cannot be
 * resolved leaves the write HTML, as before.
 */

const NON_HTML_TYPE = /^(application\/(json|[\w.+-]*\+json|octet-stream|pdf|xml)|text\/(plain|csv|event-stream)|json|text|csv|txt|bin|pdf)\s*(;|$)/i;

/** How deep values are followed through parameters and constants. */
const MAX_DEPTH = 6;

/** Where to look for call sites of a helper: the files of the import group. */
export type GroupFiles = () => Iterable<TS.SourceFile>;

/**
 * Whether the function around a response write sets a content type that browsers do not render as HTML before
 * the write (see the top of this file), or the written value is a JSON text.
 */
export function servesNonHtml(arg: TS.Expression | undefined, sf: TS.SourceFile, group: GroupFiles): boolean {
  if (!arg) return false;
  let fn: TS.Node | undefined = arg;
  while (fn && !ts.isFunctionLike(fn) && !ts.isSourceFile(fn)) fn = fn.parent;
  if (!fn) return false;
  const start = fn.getStart(sf);
  const before = sf.text.slice(start, arg.getStart(sf));
  for (const m of before.matchAll(/content-type['"`]?\s*[:,]\s*(?:['"`]([^'"`]+)|([A-Za-z_$][\w$.]*))|\.(?:type|contentType)\(\s*(?:['"`]([^'"`]+)|([A-Za-z_$][\w$.]*))/gi)) {
    const literal = m[1] ?? m[3];
    if (literal !== undefined) {
      if (NON_HTML_TYPE.test(literal.trim())) return true;
      continue;
    }
    const name = m[2] ?? m[4]!;
    const node = nodeAt(fn, start + m.index! + m[0].length - name.length, sf);
    if (node && allNonHtml(valuesOf(node, sf, group, 0))) return true;
  }
  // `res.writeHead(status, headers)` with a headers object held in a constant or passed in
  for (const m of before.matchAll(/\.writeHead\(\s*[^,()]+,\s*([A-Za-z_$][\w$]*)\s*\)/g)) {
    const node = nodeAt(fn, start + m.index! + m[0].lastIndexOf(m[1]!), sf);
    if (node && allNonHtml(headerTypes(node, sf, group, 0))) return true;
  }
  return false;
}

function allNonHtml(vs: string[] | undefined): boolean {
  return !!vs && vs.length > 0 && vs.every((v) => NON_HTML_TYPE.test(v.trim()));
}

/** The smallest identifier or property access starting at `pos` below `root`. */
function nodeAt(root: TS.Node, pos: number, sf: TS.SourceFile): TS.Expression | undefined {
  let found: TS.Expression | undefined;
  const visit = (n: TS.Node): void => {
    if (n.getStart(sf) > pos || n.getEnd() <= pos) return;
    if ((ts.isIdentifier(n) || ts.isPropertyAccessExpression(n)) && n.getStart(sf) === pos) found = n;
    if (!found || ts.isPropertyAccessExpression(found)) ts.forEachChild(n, visit);
  };
  visit(root);
  // the whole `A.b`, not its `A`
  while (found && found.parent && ts.isPropertyAccessExpression(found.parent) && found.parent.expression === found) found = found.parent;
  return found;
}

/** The string values an expression can have, or undefined when one of them is not known. */
function valuesOf(e: TS.Expression, sf: TS.SourceFile, group: GroupFiles, depth: number): string[] | undefined {
  if (depth > MAX_DEPTH) return undefined;
  if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e)) return valuesOf(e.expression, sf, group, depth);
  if (ts.isStringLiteralLike(e)) return [e.text];
  if (ts.isConditionalExpression(e)) {
    const a = valuesOf(e.whenTrue, sf, group, depth);
    const b = valuesOf(e.whenFalse, sf, group, depth);
    return a && b ? [...a, ...b] : undefined;
  }
  if (ts.isBinaryExpression(e) && (e.operatorToken.kind === ts.SyntaxKind.BarBarToken || e.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken)) {
    const a = valuesOf(e.left, sf, group, depth);
    const b = valuesOf(e.right, sf, group, depth);
    return a && b ? [...a, ...b] : undefined;
  }
  if (ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.expression)) {
    const obj = constInit(e.expression, sf);
    const v = obj && ts.isObjectLiteralExpression(obj) ? propValue(obj, e.name.text, sf) : undefined;
    return v ? valuesOf(v, sf, group, depth + 1) : undefined;
  }
  if (ts.isIdentifier(e)) return throughName(e, sf, group, (x, xsf) => valuesOf(x, xsf, group, depth + 1));
  return undefined;
}

/** The content types a headers object can carry (its `Content-Type` field), or undefined when not known. */
function headerTypes(e: TS.Expression, sf: TS.SourceFile, group: GroupFiles, depth: number): string[] | undefined {
  if (depth > MAX_DEPTH) return undefined;
  if (ts.isObjectLiteralExpression(e)) {
    const v = propValue(e, 'content-type', sf);
    return v ? valuesOf(v, sf, group, depth + 1) : undefined;
  }
  if (ts.isIdentifier(e)) return throughName(e, sf, group, (x, xsf) => headerTypes(x, xsf, group, depth + 1));
  return undefined;
}

/**
 * What a name stands for, read by `of`: a parameter's arguments at every call site in the group (all must be
 * known), or a constant's initialiser; undefined otherwise.
 */
function throughName(id: TS.Identifier, sf: TS.SourceFile, group: GroupFiles, of: (e: TS.Expression, sf: TS.SourceFile) => string[] | undefined): string[] | undefined {
  const p = paramOf(id);
  if (p) return argsAt(p.fn, p.index, sf, group, of);
  const init = constInit(id, sf);
  return init ? of(init, sf) : undefined;
}

/** A property's value in an object literal, by name (case-insensitive). */
function propValue(o: TS.ObjectLiteralExpression, name: string, sf: TS.SourceFile): TS.Expression | undefined {
  for (const p of o.properties) {
    if (!ts.isPropertyAssignment(p)) continue;
    const k = ts.isIdentifier(p.name) || ts.isStringLiteralLike(p.name) ? p.name.text : p.name.getText(sf);
    if (k.toLowerCase() === name.toLowerCase()) return p.initializer;
  }
  return undefined;
}

/** The parameter an identifier names in an enclosing function: that function and the parameter's position. */
function paramOf(id: TS.Identifier): { fn: TS.FunctionLikeDeclaration; index: number } | undefined {
  for (let n: TS.Node | undefined = id.parent; n; n = n.parent) {
    if (ts.isFunctionDeclaration(n) || ts.isFunctionExpression(n) || ts.isArrowFunction(n) || ts.isMethodDeclaration(n)) {
      const index = n.parameters.findIndex((p) => ts.isIdentifier(p.name) && p.name.text === id.text);
      if (index >= 0) return { fn: n, index };
      // a local of this function shadows outer parameters
      if (declares(n, id.text)) return undefined;
    }
  }
  return undefined;
}

function declares(fn: TS.Node, name: string): boolean {
  let found = false;
  const visit = (n: TS.Node): void => {
    if (found) return;
    if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.name.text === name) found = true;
    else if (n === fn || !ts.isFunctionLike(n)) ts.forEachChild(n, visit);
  };
  visit(fn);
  return found;
}

/**
 * The initialiser of the `const` an identifier names, in an enclosing function or at the top of its file; undefined
 * when there is none or the name is declared with `let`/`var` (it may be reassigned).
 */
function constInit(id: TS.Identifier, sf: TS.SourceFile): TS.Expression | undefined {
  for (let n: TS.Node | undefined = id.parent; n; n = n.parent) {
    if (!ts.isBlock(n) && !ts.isSourceFile(n)) continue;
    for (const s of n.statements) {
      if (!ts.isVariableStatement(s)) continue;
      for (const d of s.declarationList.declarations) {
        if (ts.isIdentifier(d.name) && d.name.text === id.text) {
          return s.declarationList.flags & ts.NodeFlags.Const ? d.initializer : undefined;
        }
      }
    }
  }
  void sf;
  return undefined;
}

/** The name a function is called by (`function send`, `const send = (...) =>`, a method `send(...)`), or undefined. */
function calledName(fn: TS.FunctionLikeDeclaration): string | undefined {
  if ((ts.isFunctionDeclaration(fn) || ts.isFunctionExpression(fn)) && fn.name) return fn.name.text;
  if (ts.isMethodDeclaration(fn) && ts.isIdentifier(fn.name)) return fn.name.text;
  const p = fn.parent;
  if (p && ts.isVariableDeclaration(p) && ts.isIdentifier(p.name)) return p.name.text;
  if (p && ts.isPropertyAssignment(p) && ts.isIdentifier(p.name)) return p.name.text;
  return undefined;
}

/**
 * The values of a helper's argument at every call site in the import group, through `of`; undefined when the helper
 * has no call site or one of them passes a value `of` cannot tell.
 */
function argsAt(fn: TS.FunctionLikeDeclaration, index: number, _sf: TS.SourceFile, group: GroupFiles, of: (a: TS.Expression, sf: TS.SourceFile) => string[] | undefined): string[] | undefined {
  const name = calledName(fn);
  if (!name) return undefined;
  const out: string[] = [];
  let calls = 0;
  let unknown = false;
  for (const f of group()) {
    if (unknown) break;
    if (!f.text.includes(`${name}(`)) continue;
    const visit = (n: TS.Node): void => {
      if (unknown) return;
      if (ts.isCallExpression(n)) {
        const c = n.expression;
        const callee = ts.isIdentifier(c) ? c.text : ts.isPropertyAccessExpression(c) ? c.name.text : undefined;
        if (callee === name) {
          calls++;
          const a = n.arguments[index];
          const vs = a ? of(a, f) : undefined;
          if (!vs) unknown = true;
          else out.push(...vs);
        }
      }
      ts.forEachChild(n, visit);
    };
    visit(f);
  }
  return calls && !unknown ? out : undefined;
}
