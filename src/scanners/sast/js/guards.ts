import ts from './tslib.js';
import type * as TS from 'typescript';
import { ALL_BITS, STRINGIFIED, bit } from './values.js';
import { isConstantMember, validatorMask, type ParamGuard } from './guard-summaries.js';

/** Resolves a call to the guard summary of the function it calls (`guard-summaries.ts`), when the program has one. */
export type CallGuards = (c: TS.CallExpression) => ParamGuard[] | undefined;

/** What a numeric check clears: a number is safe everywhere but as a size (resource exhaustion). */
const NUMERIC = ALL_BITS & ~bit('resource');

/**
 * Guards: conditions under which a value is safe inside the guarded branch (and after it, when the other branch
 * leaves the block). A condition gives facts for the branch where it holds (`pos`) and where it fails (`neg`); each
 * fact names an access path (`req.query.id`) and the classes it is clean for. The interpreter applies them
 * (`applyFacts`); this module only reads the syntax.
 *
 * Recognised: allow-list `includes`/`has`/`indexOf`, equality with literals and CONSTANTS, `typeof`, anchored regex
 * `.test`, `startsWith` (paths; plus SSRF and redirects for a full `https://host/` prefix), `includes('..')`,
 * `hasOwnProperty`, validator-style `isInt/isUUID/...`, and functions named `isValid*`/`isSafe*`/`validate*`.
 */

/** One guard fact: the access path, its node, and the classes it clears. */
export interface Fact {
  key: string;
  node: TS.Expression;
  mask: number;
}

/** Facts that hold where a condition is true (`pos`) and where it is false (`neg`). */
export interface GuardFacts {
  pos: Fact[];
  neg: Fact[];
}

/** The facts a condition establishes. */
export function guardFacts(e: TS.Expression, sf: TS.SourceFile, resolve?: CallGuards): GuardFacts {
  const none = { pos: [] as Fact[], neg: [] as Fact[] };
  if (ts.isParenthesizedExpression(e)) return guardFacts(e.expression, sf, resolve);
  if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.ExclamationToken) {
    const f = guardFacts(e.operand, sf, resolve);
    return { pos: f.neg, neg: f.pos };
  }
  if (ts.isBinaryExpression(e)) {
    const op = e.operatorToken.kind;
    if (op === ts.SyntaxKind.AmpersandAmpersandToken) {
      const a = guardFacts(e.left, sf, resolve);
      const b = guardFacts(e.right, sf, resolve);
      return { pos: [...a.pos, ...b.pos], neg: [] };
    }
    if (op === ts.SyntaxKind.BarBarToken) {
      const a = guardFacts(e.left, sf, resolve);
      const b = guardFacts(e.right, sf, resolve);
      const pos: Fact[] = [];
      for (const x of a.pos) {
        const y = b.pos.find((z) => z.key === x.key);
        if (y && (x.mask & y.mask)) pos.push({ ...x, mask: x.mask & y.mask });
      }
      return { pos, neg: [...a.neg, ...b.neg] };
    }
    const eq = op === ts.SyntaxKind.EqualsEqualsEqualsToken || op === ts.SyntaxKind.EqualsEqualsToken;
    const ne = op === ts.SyntaxKind.ExclamationEqualsEqualsToken || op === ts.SyntaxKind.ExclamationEqualsToken;
    if (eq || ne) {
      const r = equalityFacts(e.left, e.right, sf) ?? equalityFacts(e.right, e.left, sf);
      if (!r) return none;
      return eq ? r : { pos: r.neg, neg: r.pos };
    }
    // `key in TABLE`: an allow-list lookup (inherited names such as `constructor` pass it, so not for keys)
    if (op === ts.SyntaxKind.InKeyword) {
      const k = guardKey(e.left);
      return k ? { pos: [{ ...k, mask: ALL_BITS & ~bit('proto') & ~bit('reflection') }], neg: [] } : none;
    }
    // `n > MAX`, `n <= 100`: the code bounds the number (whichever branch goes on, the other typically rejects)
    if ([ts.SyntaxKind.GreaterThanToken, ts.SyntaxKind.GreaterThanEqualsToken, ts.SyntaxKind.LessThanToken, ts.SyntaxKind.LessThanEqualsToken].includes(op)) {
      const bound = (x: TS.Expression): boolean => ts.isNumericLiteral(x) || (ts.isIdentifier(x) && /^[A-Z][A-Z0-9_]+$/.test(x.text)) || (ts.isPropertyAccessExpression(x) && /^[A-Z][A-Z0-9_]+$/.test(x.name.text));
      const k = bound(e.right) ? guardKey(e.left) : bound(e.left) ? guardKey(e.right) : undefined;
      if (k && !(ts.isPrefixUnaryExpression(e.right) && e.right.operator === ts.SyntaxKind.MinusToken)) {
        const f = { ...k, mask: bit('resource') };
        const idx = ts.isCallExpression(e.left) && ts.isPropertyAccessExpression(e.left.expression) && e.left.expression.name.text === 'indexOf';
        if (!idx) return { pos: [f], neg: [f] };
      }
    }
    // x.indexOf(v) !== -1, > -1, >= 0
    if ([ts.SyntaxKind.GreaterThanToken, ts.SyntaxKind.GreaterThanEqualsToken].includes(op) && ts.isCallExpression(e.left)) {
      const c = e.left;
      if (ts.isPropertyAccessExpression(c.expression) && c.expression.name.text === 'indexOf' && c.arguments[0]) {
        const k = guardKey(c.arguments[0]);
        return k ? { pos: [{ ...k, mask: ALL_BITS }], neg: [] } : none;
      }
    }
    return none;
  }
  if (ts.isCallExpression(e)) return callFacts(e, sf, resolve);
  return none;
}

function equalityFacts(a: TS.Expression, b: TS.Expression, sf: TS.SourceFile): GuardFacts | undefined {
  if (ts.isTypeOfExpression(a) && ts.isStringLiteralLike(b)) {
    const k = guardKey(a.expression);
    if (!k) return undefined;
    if (['number', 'boolean', 'bigint', 'undefined'].includes(b.text)) return { pos: [{ ...k, mask: b.text === 'number' || b.text === 'bigint' ? NUMERIC : ALL_BITS }], neg: [] };
    if (b.text === 'string') return { pos: [{ ...k, mask: STRINGIFIED }], neg: [] };
    if (b.text === 'object') return { pos: [], neg: [{ ...k, mask: bit('nosql') | bit('proto') }] };
    return undefined;
  }
  if (isIndexOfCall(a)) {
    const k = guardKey(a.arguments[0]!);
    const minusOne = ts.isPrefixUnaryExpression(b) && b.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(b.operand) && b.operand.text === '1';
    return k && minusOne ? { pos: [], neg: [{ ...k, mask: ALL_BITS }] } : undefined;
  }
  const k = guardKey(a);
  if (!k) return undefined;
  if (ts.isStringLiteralLike(b) || ts.isNumericLiteral(b)) {
    const proto = ts.isStringLiteralLike(b) && ['__proto__', 'constructor', 'prototype'].includes(b.text);
    return { pos: proto ? [] : [{ ...k, mask: ALL_BITS }], neg: proto ? [{ ...k, mask: bit('proto') }] : [] };
  }
  if ((ts.isIdentifier(b) && (/^[A-Z][A-Z0-9_]+$/.test(b.text) || isConstantMember(b, sf))) || (ts.isPropertyAccessExpression(b) && /^[A-Z][A-Z0-9_]+$/.test(b.name.text))) {
    return { pos: [{ ...k, mask: ALL_BITS }], neg: [] };
  }
  return undefined;
}

function callFacts(e: TS.CallExpression, sf: TS.SourceFile, resolve?: CallGuards): GuardFacts {
  const none = { pos: [] as Fact[], neg: [] as Fact[] };
  const callee = e.expression;
  const a0 = e.arguments[0];
  // a function of the program whose returns are guards on its parameters (`vh.vCode(x)`, `isRedirectAllowed(url)`)
  const summary = resolve?.(e);
  if (summary) {
    const out: GuardFacts = { pos: [], neg: [] };
    summary.forEach((g, i) => {
      const k = e.arguments[i] && guardKey(e.arguments[i]!);
      if (!k) return;
      if (g.pos) out.pos.push({ ...k, mask: g.pos });
      if (g.neg) out.neg.push({ ...k, mask: g.neg });
    });
    return out;
  }
  // validator.js formats and character allow-lists (`isWhitelisted(x, 'abc')`, `isIP(x)`), also imported alone
  const vmask = a0 ? validatorMask(ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : '', e.arguments) : undefined;
  if (vmask !== undefined) {
    const k = guardKey(a0!);
    return k ? { pos: [{ ...k, mask: vmask }], neg: [] } : none;
  }
  if (ts.isPropertyAccessExpression(callee)) {
    const m = callee.name.text;
    const recv = callee.expression;
    if ((m === 'includes' || m === 'has') && a0) {
      if (ts.isStringLiteralLike(a0) && ['..', '../', '..\\', '/', '\\'].includes(a0.text)) {
        const k = guardKey(recv);
        return k ? { pos: [], neg: [{ ...k, mask: bit('path') }] } : none;
      }
      const k = guardKey(a0);
      return k ? { pos: [{ ...k, mask: ALL_BITS }], neg: [] } : none;
    }
    if (m === 'test' && a0 && ts.isRegularExpressionLiteral(recv)) {
      const src = recv.text.slice(1, recv.text.lastIndexOf('/'));
      const k = guardKey(a0);
      if (k && src.startsWith('^') && src.endsWith('$') && !/(^|[^\\])\.[*+]/.test(src)) return { pos: [{ ...k, mask: ALL_BITS }], neg: [] };
      return none;
    }
    if (m === 'startsWith' && a0) {
      const k = guardKey(recv);
      if (!k) return none;
      let mask = bit('path');
      if (ts.isStringLiteralLike(a0) && /^https?:\/\/[^/]+\//.test(a0.text)) mask |= bit('ssrf') | bit('redirect');
      // a local path (`/`, `/app/`) keeps a redirect on this site (`//host` is checked apart, or accepted: low impact)
      else if (ts.isStringLiteralLike(a0) && /^\/(?!\/)/.test(a0.text)) mask |= bit('redirect');
      return { pos: [{ ...k, mask }], neg: [] };
    }
    // validator.isURL(x, { host_whitelist: [...] }) pins the host (SSRF, redirects)
    if (m === 'isURL' && a0 && e.arguments[1] && /host_(whitelist|allowlist)/.test(e.arguments[1].getText(sf))) {
      const k = guardKey(a0);
      return k ? { pos: [{ ...k, mask: bit('ssrf') | bit('redirect') }], neg: [] } : none;
    }
    if ((m === 'hasOwnProperty' || m === 'hasOwn' || (m === 'call' && /hasOwnProperty$/.test(recv.getText(sf)))) && e.arguments.length) {
      const k = guardKey(e.arguments[e.arguments.length - 1]!);
      return k ? { pos: [{ ...k, mask: bit('proto') | bit('reflection') }], neg: [] } : none;
    }
    if (/^(isInt|isNumeric|isUUID|isAlphanumeric|isAlpha|isHexadecimal|isMongoId|isBoolean|isInteger|isSafeInteger|isFinite|isFloat|isDecimal)$/.test(m) && a0) {
      const k = guardKey(a0);
      // validator's isInt(x, { max }) bounds the number
      const bounded = /^(isInt|isFloat)$/.test(m) && e.arguments[1] && /\bmax\b/.test(e.arguments[1].getText(sf));
      return k ? { pos: [{ ...k, mask: bounded || /^(isUUID|isAlphanumeric|isAlpha|isHexadecimal|isMongoId|isBoolean)$/.test(m) ? ALL_BITS : NUMERIC }], neg: [] } : none;
    }
  }
  const name = callee.getText(sf);
  // `if (isNaN(x)) return`: past the check x is a number
  if (a0 && /^(Number\.)?isNaN$/.test(name)) {
    const k = guardKey(a0);
    return k ? { pos: [], neg: [{ ...k, mask: NUMERIC }] } : none;
  }
  if (a0 && /^(isFinite|(is|has)?(Valid|Safe|Allowed|Whitelisted|Allowlisted|Permitted|Trusted)\w*|is(Valid|Safe|Allowed|Permitted|Trusted)\w*|validate\w*)$/i.test(name.split('.').pop() ?? '')) {
    const k = guardKey(a0);
    return k ? { pos: [{ ...k, mask: ALL_BITS }], neg: [] } : none;
  }
  return none;
}

/** The access path a guard constrains, seen through `String(x)`, `x.trim()`, `new URL(x).host` and the like. */
function guardKey(e: TS.Expression): Fact | undefined {
  let cur: TS.Expression = e;
  for (let i = 0; i < 6; i++) {
    if (ts.isParenthesizedExpression(cur) || ts.isAsExpression(cur) || ts.isNonNullExpression(cur)) cur = cur.expression;
    else if (ts.isCallExpression(cur) && ts.isPropertyAccessExpression(cur.expression) && /^(toLowerCase|toUpperCase|trim|toString)$/.test(cur.expression.name.text)) cur = cur.expression.expression;
    else if (ts.isPropertyAccessExpression(cur) && /^(hostname|host|origin|protocol)$/.test(cur.name.text)) cur = cur.expression;
    else if (ts.isNewExpression(cur) && cur.arguments?.[0] && cur.expression.getText() === 'URL') cur = cur.arguments[0];
    else if (ts.isCallExpression(cur) && ts.isIdentifier(cur.expression) && /^(String|Number)$/.test(cur.expression.text) && cur.arguments[0]) cur = cur.arguments[0];
    // `x + ''`, `'' + x`, `${x}`: the same text
    else if (ts.isBinaryExpression(cur) && cur.operatorToken.kind === ts.SyntaxKind.PlusToken && ts.isStringLiteralLike(cur.right) && cur.right.text === '') cur = cur.left;
    else if (ts.isBinaryExpression(cur) && cur.operatorToken.kind === ts.SyntaxKind.PlusToken && ts.isStringLiteralLike(cur.left) && cur.left.text === '') cur = cur.right;
    else if (ts.isTemplateExpression(cur) && cur.head.text === '' && cur.templateSpans.length === 1 && cur.templateSpans[0]!.literal.text === '') cur = cur.templateSpans[0]!.expression;
    else break;
  }
  const key = pathKey(cur);
  return key ? { key, node: cur, mask: 0 } : undefined;
}

/** `a.b.c` for identifier/`this` chains up to four deep, else undefined. */
export function pathKey(e: TS.Expression): string | undefined {
  if (ts.isIdentifier(e)) return e.text;
  if (e.kind === ts.SyntaxKind.ThisKeyword) return 'this';
  if (ts.isParenthesizedExpression(e) || ts.isNonNullExpression(e) || ts.isAsExpression(e)) return pathKey(e.expression);
  if (ts.isPropertyAccessExpression(e) || (ts.isElementAccessExpression(e) && ts.isStringLiteralLike(e.argumentExpression))) {
    const base = pathKey(e.expression);
    if (!base || base.split('.').length >= 4) return undefined;
    return `${base}.${ts.isPropertyAccessExpression(e) ? e.name.text : (e.argumentExpression as TS.StringLiteral).text}`;
  }
  return undefined;
}

function isIndexOfCall(e: TS.Expression): e is TS.CallExpression {
  return ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression) && e.expression.name.text === 'indexOf' && e.arguments.length > 0;
}
