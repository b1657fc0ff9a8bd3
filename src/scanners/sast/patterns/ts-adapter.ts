import type * as TS from 'typescript';
import { loadTypeScript } from '../js/ts-load.js';
import type { GNode } from './gnode.js';

/**
 * Converts a TypeScript AST to the matcher's tree (type annotations, decorators and modifiers dropped). The compiler
 * is loaded on first use, not with this module: rules for Python, Go or Java load the matcher without it.
 */
export function fromTs(root: TS.Node, sf: TS.SourceFile): GNode {
  const ts = loadTypeScript();
  const eof = ts.SyntaxKind.EndOfFileToken;
  const conv = (n: TS.Node): GNode => {
    const start = n.getStart(sf);
    const end = n.getEnd();
    const s = sf.getLineAndCharacterOfPosition(start);
    const e = sf.getLineAndCharacterOfPosition(end);
    const text = sf.text.slice(start, end);
    const str = ts.isStringLiteralLike(n);
    const leaf = str || ts.isIdentifier(n) || ts.isPrivateIdentifier(n) || ts.isLiteralExpression(n) || ts.isToken(n);
    const children: GNode[] = [];
    if (!leaf) {
      ts.forEachChild(n, (c) => {
        if (c.kind === eof || ts.isTypeNode(c) || ts.isDecorator(c) || ts.isModifier(c) || ts.isTypeParameterDeclaration(c)) return;
        if (ts.isParenthesizedExpression(c) || ts.isAsExpression(c) || ts.isNonNullExpression(c) || ts.isSatisfiesExpression(c)) {
          children.push(conv(c.expression));
          return;
        }
        children.push(conv(c));
      });
    }
    return {
      kind: ts.SyntaxKind[n.kind] ?? String(n.kind), children, text, leaf, str, value: str ? (n as TS.StringLiteral).text : text,
      startIndex: start, endIndex: end, startLine: s.line + 1, startColumn: s.character + 1, endLine: e.line + 1, endColumn: e.character + 1,
    };
  };
  return conv(root);
}

/** Parses a JS/TS pattern (already rewritten) into its top-level statements' trees, unwrapping expression statements. */
export function tsPattern(src: string): GNode[] {
  const ts = loadTypeScript();
  const sf = ts.createSourceFile('pattern.ts', src, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const diags = (sf as unknown as { parseDiagnostics?: TS.Diagnostic[] }).parseDiagnostics ?? [];
  if (diags.length) throw new Error(`pattern does not parse: ${ts.flattenDiagnosticMessageText(diags[0]!.messageText, ' ')}`);
  return sf.statements.map((s) => fromTs(ts.isExpressionStatement(s) ? s.expression : s, sf));
}
