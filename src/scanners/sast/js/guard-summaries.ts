import ts from './tslib.js';
import type * as TS from 'typescript';
import { NUMERIC_CLEARS, type SinkClass } from './classes.js';
import { ALL_BITS, bit, bits } from './values.js';

/*
 * Guard summaries: a function of the program whose every truthy return is a guard on one of its parameters
 * (`vCode: function (val) { if (val) return validator.isWhitelisted(val + '', 'abc...') }`,
 * `const isAllowed = (url) => { let ok = false; for (const a of ALLOWED) ok = ok || url === a; return ok }`)
 * acts as that guard where it is called, in any file (`if (vh.vCode(req.body.login)) exec(...)`). Like function
 * summaries, computed once per declaration; read from the syntax alone, one call level deep (a guard function the
 * summary itself calls counts through its name and the validator rules of `guards.ts`).
 */

/** What a call's truthy (`pos`) and falsy (`neg`) results say about each parameter: the classes cleared. */
export interface ParamGuard {
  pos: number;
  neg: number;
}

/** The facts of one condition, by key, as `guards.ts` computes them (passed in: no import cycle). */
export type FactsOf = (e: TS.Expression) => { pos: { key: string; mask: number }[]; neg: { key: string; mask: number }[] };

/**
 * What a validator-style check clears when it passes: validator.js's `isWhitelisted(x, chars)` by the characters it
 * lets through, `isIP`/`isPort`/`isDate`-like formats everything but SSRF (an address is a target), `isEmail` as
 * express-validator's rule. Undefined for other names.
 */
export function validatorMask(method: string, args: readonly TS.Expression[]): number | undefined {
  if (method === 'isWhitelisted' || method === 'isAllowlisted') {
    const chars = args[1];
    if (!chars) return undefined;
    if (ts.isStringLiteralLike(chars)) return charsetMask(chars.text);
    if (ts.isArrayLiteralExpression(chars) && chars.elements.every(ts.isStringLiteralLike)) return charsetMask(chars.elements.map((x) => (x as TS.StringLiteral).text).join(''));
    return undefined;
  }
  if (/^(isIP|isIPRange|isPort|isMACAddress|isISO8601|isRFC3339|isDate|isTime|isLatLong|isPostalCode|isMobilePhone|isCreditCard|isISBN|isIBAN)$/.test(method)) return ALL_BITS & ~bit('ssrf') & ~bit('resource');
  if (method === 'isEmail') return bits(['xss', 'nosql', 'proto', 'log', 'header']);
  return undefined;
}

/** The classes a string made only of `chars` cannot attack. */
export function charsetMask(chars: string): number {
  const has = (s: string): boolean => [...s].some((c) => chars.includes(c));
  const out: SinkClass[] = ['nosql', 'proto'];
  if (!has('\'"\\`;')) out.push('sql', 'ldap', 'xpath');
  if (!has(';&|$`<>(){}\'"\\\n\r\t *?[]!#~')) out.push('command');
  if (!has('()\'"`;+[]{}=<>\\')) out.push('code');
  if (!has('<>"\'`')) out.push('xss');
  if (!has('/\\') && !(has('.') && has('%'))) out.push('path');
  if (!has(':/\\@')) out.push('ssrf', 'redirect');
  if (!has('\r\n')) out.push('log', 'header');
  if (!has('()[]{}*+?|\\^$.')) out.push('regex');
  if (!has('.[]_')) out.push('reflection');
  return bits(out) & bits(NUMERIC_CLEARS);
}

const cache = new WeakMap<TS.Node, ParamGuard[] | null>();

/**
 * The guard summary of a function: for each parameter, what its truthy and falsy results clear. Undefined when no
 * parameter is guarded. Every return counts: one that returns a value the summary cannot read (`return true`, a
 * call it does not know) leaves the parameter unguarded; falsy literals (`return false`, `return`, a fall-through)
 * cannot be the truthy result and are skipped for `pos`.
 */
export function guardSummary(fn: TS.SignatureDeclaration & { body?: TS.Node | undefined }, facts: FactsOf): ParamGuard[] | undefined {
  const hit = cache.get(fn);
  if (hit !== undefined) return hit ?? undefined;
  cache.set(fn, null);
  const body = fn.body;
  const names = fn.parameters.map((p) => (ts.isIdentifier(p.name) ? p.name.text : ''));
  if (!body || !names.some(Boolean)) return undefined;
  // each return with the conditions on its path (enclosing `if`s, earlier `if (c) return false` exits)
  const returns: { e: TS.Expression | undefined; conds: Cond[] }[] = [];
  let fallsThrough = false;
  if (ts.isBlock(body)) {
    const visit = (n: TS.Node): void => {
      if (ts.isReturnStatement(n)) returns.push({ e: n.expression, conds: pathConds(n, body) });
      if (ts.isFunctionLike(n)) return;
      ts.forEachChild(n, visit);
    };
    visit(body);
    const last = body.statements[body.statements.length - 1];
    fallsThrough = !last || !(ts.isReturnStatement(last) || ts.isThrowStatement(last));
  } else returns.push({ e: body as TS.Expression, conds: [] });
  if (!returns.length) return undefined;
  const pos = names.map(() => ALL_BITS);
  const neg = names.map(() => (fallsThrough ? 0 : ALL_BITS));
  let anyTruthy = false;
  let substring = false;
  let unconditional = false;
  for (const r of returns) {
    const alts = r.e ? accumulated(r.e, body) : [undefined];
    // what holds on the way to this return, by key
    const onPath = new Map<string, number>();
    for (const c of r.conds) for (const x of c.pos ? facts(c.cond).pos : facts(c.cond).neg) onPath.set(x.key, (onPath.get(x.key) ?? 0) | x.mask);
    for (const e of alts) {
      const weak = e && substringTest(e, names);
      if (weak) {
        substring = true;
        substringChecks.set(fn, weak);
      }
      if (!e || isFalsy(e)) {
        for (let i = 0; i < names.length; i++) neg[i] = 0;
        continue;
      }
      anyTruthy = true;
      if (!r.conds.length && isTruthyLiteral(e)) unconditional = true;
      const f = facts(e);
      names.forEach((n, i) => {
        pos[i]! &= f.pos.filter((x) => x.key === n).reduce((m, x) => m | x.mask, onPath.get(n) ?? 0);
        neg[i]! &= f.neg.filter((x) => x.key === n).reduce((m, x) => m | x.mask, 0);
      });
    }
  }
  if (!anyTruthy) return undefined;
  const out = names.map((n, i) => ({ pos: n ? pos[i]! : 0, neg: n ? neg[i]! : 0 }));
  if (!out.some((g) => g.pos || g.neg)) {
    // the function is an allow-list check written as a substring test (`url.includes(allowed)`: any URL that
    // holds the allowed one passes, `https://evil.example/?https://good.example`): known not to guard, whatever its name
    // or one that returns true whatever it was given (`return true` on every path)
    if (!substring && !unconditional) return undefined;
    cache.set(fn, out);
    return out;
  }
  cache.set(fn, out);
  return out;
}

/**
 * A returned variable that only accumulates checks (`let ok = false; ... ok = ok || check; return ok`) stands for
 * the checks it ORs (any of them may be the one that held); anything else stands for itself.
 */
function accumulated(r: TS.Expression, body: TS.Node): (TS.Expression | undefined)[] {
  while (ts.isParenthesizedExpression(r)) r = r.expression;
  if (!ts.isIdentifier(r)) return [r];
  const name = r.text;
  const alts: TS.Expression[] = [];
  let plain = true;
  const visit = (n: TS.Node): void => {
    if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.name.text === name) {
      if (n.initializer && !isFalsy(n.initializer)) alts.push(n.initializer);
    } else if (ts.isBinaryExpression(n) && ts.isIdentifier(n.left) && n.left.text === name) {
      const op = n.operatorToken.kind;
      if (op === ts.SyntaxKind.EqualsToken) {
        let rhs = n.right;
        while (ts.isParenthesizedExpression(rhs)) rhs = rhs.expression;
        // `ok = ok || check`: the check; `ok = ok && check` keeps an earlier value true only if the check holds too
        if (ts.isBinaryExpression(rhs) && rhs.operatorToken.kind === ts.SyntaxKind.BarBarToken && ts.isIdentifier(rhs.left) && rhs.left.text === name) alts.push(rhs.right);
        else if (ts.isBinaryExpression(rhs) && rhs.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken && ts.isIdentifier(rhs.left) && rhs.left.text === name) alts.push(rhs.right);
        else if (!isFalsy(rhs)) alts.push(rhs);
      } else if (op === ts.SyntaxKind.BarBarEqualsToken || op === ts.SyntaxKind.AmpersandAmpersandEqualsToken) alts.push(n.right);
      else if (op >= ts.SyntaxKind.FirstAssignment && op <= ts.SyntaxKind.LastAssignment) plain = false;
    }
    if (ts.isFunctionLike(n)) return;
    ts.forEachChild(n, visit);
  };
  visit(body);
  return plain && alts.length ? alts : plain ? [undefined] : [r];
}

const substringChecks = new WeakMap<TS.Node, TS.Node>();

/** The substring test that keeps a function from being a guard (for the flow path of what passes it), if any. */
export function substringCheck(fn: TS.Node): TS.Node | undefined {
  return substringChecks.get(fn);
}

/** The call in `e` that tests a parameter for containing something (`p.includes(x)`, `p.indexOf(x)`, `p.match(re)`). */
function substringTest(e: TS.Expression, names: string[]): TS.Node | undefined {
  let found: TS.Node | undefined;
  const visit = (n: TS.Node): void => {
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && /^(includes|indexOf|match|search)$/.test(n.expression.name.text)) {
      let recv: TS.Expression = n.expression.expression;
      while (ts.isCallExpression(recv) && ts.isPropertyAccessExpression(recv.expression) && /^(toLowerCase|toUpperCase|trim|toString)$/.test(recv.expression.name.text)) recv = recv.expression.expression;
      if (ts.isIdentifier(recv) && names.includes(recv.text) && n.arguments[0] && !ts.isStringLiteralLike(n.arguments[0])) found ??= n;
    }
    if (!ts.isFunctionLike(n)) ts.forEachChild(n, visit);
  };
  visit(e);
  return found;
}

interface Cond {
  cond: TS.Expression;
  /** True where the condition holds on the way (an enclosing `if`'s then branch), false where it failed. */
  pos: boolean;
}

/** The conditions a return statement is reached under, up to the function body. */
function pathConds(ret: TS.Node, body: TS.Node): Cond[] {
  const out: Cond[] = [];
  let child: TS.Node = ret;
  for (let p = ret.parent; p; child = p, p = p.parent) {
    if (ts.isIfStatement(p) && child !== p.expression) out.push({ cond: p.expression, pos: p.thenStatement === child });
    if (ts.isBlock(p)) {
      for (const s of p.statements) {
        if (s === child) break;
        if (ts.isIfStatement(s) && !s.elseStatement && exitsFalsy(s.thenStatement)) out.push({ cond: s.expression, pos: false });
      }
    }
    if (p === body || ts.isFunctionLike(p)) break;
  }
  return out;
}

/** A statement that leaves with a falsy value or an exception (`return false`, `{ log(); return }`, `throw e`). */
function exitsFalsy(s: TS.Statement): boolean {
  if (ts.isBlock(s)) {
    const last = s.statements[s.statements.length - 1];
    return !!last && exitsFalsy(last);
  }
  if (ts.isThrowStatement(s)) return true;
  return ts.isReturnStatement(s) && (!s.expression || isFalsy(s.expression));
}

function isTruthyLiteral(e: TS.Expression): boolean {
  while (ts.isParenthesizedExpression(e)) e = e.expression;
  return e.kind === ts.SyntaxKind.TrueKeyword || (ts.isNumericLiteral(e) && Number(e.text) !== 0) || (ts.isStringLiteralLike(e) && e.text !== '');
}

function isFalsy(e: TS.Expression): boolean {
  while (ts.isParenthesizedExpression(e)) e = e.expression;
  if (e.kind === ts.SyntaxKind.FalseKeyword || e.kind === ts.SyntaxKind.NullKeyword) return true;
  if (ts.isIdentifier(e) && e.text === 'undefined') return true;
  if (ts.isNumericLiteral(e) && Number(e.text) === 0) return true;
  if (ts.isStringLiteralLike(e) && e.text === '') return true;
  return ts.isVoidExpression(e);
}

/**
 * Whether `id` is a loop variable over a constant list of string or number literals (`for (const a of ALLOWED)`,
 * `ALLOWED` a `const` array or `new Set([...])` of literals at the top of the file, never written to): such a value
 * is as fixed as a literal in an equality check.
 */
export function isConstantMember(id: TS.Identifier, sf: TS.SourceFile): boolean {
  for (let p: TS.Node | undefined = id.parent; p; p = p.parent) {
    if (!ts.isForOfStatement(p) || !ts.isVariableDeclarationList(p.initializer)) continue;
    const d = p.initializer.declarations[0];
    if (!d || !ts.isIdentifier(d.name) || d.name.text !== id.text) continue;
    if (!(p.initializer.flags & ts.NodeFlags.Const)) return false;
    return isConstantList(p.expression, sf);
  }
  return false;
}

function isConstantList(e: TS.Expression, sf: TS.SourceFile): boolean {
  const lits = (a: TS.Expression | undefined): boolean => !!a && ts.isArrayLiteralExpression(a) && a.elements.every((x) => ts.isStringLiteralLike(x) || ts.isNumericLiteral(x));
  if (lits(e)) return true;
  if (!ts.isIdentifier(e)) return false;
  for (const s of sf.statements) {
    const list = ts.isVariableStatement(s) ? s.declarationList : undefined;
    if (!list || !(list.flags & ts.NodeFlags.Const)) continue;
    for (const d of list.declarations) {
      if (!ts.isIdentifier(d.name) || d.name.text !== e.text || !d.initializer) continue;
      const init = d.initializer;
      const set = ts.isNewExpression(init) && ts.isIdentifier(init.expression) && init.expression.text === 'Set' ? init.arguments?.[0] : undefined;
      if (!(lits(init) || lits(set))) return false;
      // written to anywhere (`ALLOWED.push(x)`, `ALLOWED.add(x)`): not constant
      return !new RegExp(`\\b${e.text}\\s*\\.\\s*(push|add|unshift|splice)\\s*\\(`).test(sf.text);
    }
  }
  return false;
}
