/**
 * SPDX license expressions (SPDX spec annex D): `MIT`, `Apache-2.0+`, `LicenseRef-x`,
 * `A OR B`, `A AND B`, `A WITH exception`, parentheses; AND binds tighter than OR.
 */

/** A parsed expression. */
export type SpdxNode =
  | { license: string; plus?: boolean; exception?: string }
  | { conjunction: 'and' | 'or'; left: SpdxNode; right: SpdxNode };

/** Parses an SPDX expression; throws an Error naming the problem. Operators are case-insensitive. */
export function parseSpdx(expr: string): SpdxNode {
  const tokens = expr.match(/\(|\)|[A-Za-z0-9.+:-]+/g) ?? [];
  if (tokens.join('').replace(/\s/g, '') !== expr.replace(/\s/g, '')) throw new Error(`invalid characters in license expression ${JSON.stringify(expr)}`);
  let i = 0;
  const peek = (): string | undefined => tokens[i];
  const isOp = (t: string | undefined, op: string): boolean => t !== undefined && t.toUpperCase() === op;
  const primary = (): SpdxNode => {
    const t = tokens[i++];
    if (t === undefined) throw new Error(`license expression ends too early: ${JSON.stringify(expr)}`);
    if (t === '(') {
      const n = orExpr();
      if (tokens[i++] !== ')') throw new Error(`missing ")" in ${JSON.stringify(expr)}`);
      return n;
    }
    if (t === ')' || isOp(t, 'AND') || isOp(t, 'OR') || isOp(t, 'WITH')) throw new Error(`unexpected "${t}" in ${JSON.stringify(expr)}`);
    const plus = t.endsWith('+');
    const node: { license: string; plus?: boolean; exception?: string } = { license: plus ? t.slice(0, -1) : t, ...(plus ? { plus } : {}) };
    if (isOp(peek(), 'WITH')) {
      i++;
      const ex = tokens[i++];
      if (!ex || ex === '(' || ex === ')') throw new Error(`WITH needs an exception id in ${JSON.stringify(expr)}`);
      node.exception = ex;
    }
    return node;
  };
  const andExpr = (): SpdxNode => {
    let left = primary();
    while (isOp(peek(), 'AND')) {
      i++;
      left = { conjunction: 'and', left, right: primary() };
    }
    return left;
  };
  const orExpr = (): SpdxNode => {
    let left = andExpr();
    while (isOp(peek(), 'OR')) {
      i++;
      left = { conjunction: 'or', left, right: andExpr() };
    }
    return left;
  };
  const n = orExpr();
  if (i !== tokens.length) throw new Error(`unexpected "${tokens[i]}" in ${JSON.stringify(expr)}`);
  return n;
}

/** Every license id in an expression. */
export function licenseIds(n: SpdxNode): string[] {
  return 'license' in n ? [n.license] : [...licenseIds(n.left), ...licenseIds(n.right)];
}

/** The expression as text, normalised (upper-case operators, minimal parentheses). */
export function formatSpdx(n: SpdxNode, parent?: 'and' | 'or'): string {
  if ('license' in n) return `${n.license}${n.plus ? '+' : ''}${n.exception ? ` WITH ${n.exception}` : ''}`;
  const s = `${formatSpdx(n.left, n.conjunction)} ${n.conjunction.toUpperCase()} ${formatSpdx(n.right, n.conjunction)}`;
  return parent === 'and' && n.conjunction === 'or' ? `(${s})` : s;
}
