import ts from './tslib.js';
import type * as TS from 'typescript';

/** The callee of a call or `new` as written, without white space (`crypto.createHash`). */
export function calleeText(c: TS.CallExpression | TS.NewExpression, sf: TS.SourceFile): string {
  return c.expression.getText(sf).replace(/\s+/g, '');
}

/** The value of an object literal's property written `name: value` or `'name': value`. */
export function prop(o: TS.ObjectLiteralExpression, name: string): TS.Expression | undefined {
  for (const p of o.properties) if (ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) && p.name.text === name) return p.initializer;
  return undefined;
}
