import type * as TS from 'typescript';
import { loadTypeScript } from '../js/ts-load.js';
import { markConstants } from './constants.js';
import type { GNode } from './gnode.js';

/**
 * Converts a TypeScript AST to the matcher's tree (type annotations and modifiers dropped; type assertions and
 * decorators kept beside the node, in `cast` and `decos`). The compiler
 * is loaded on first use, not with this module: rules for Python, Go or Java load the matcher without it.
 */
export function fromTs(root: TS.Node, sf: TS.SourceFile): GNode {
  const ts = loadTypeScript();
  const eof = ts.SyntaxKind.EndOfFileToken;
  const types = ts.isSourceFile(root) ? declaredTypes(root, sf) : new Map<string, string>();
  const typeOf = (n: TS.Node): string | undefined => {
    if (ts.isStringLiteralLike(n) || ts.isTemplateExpression(n)) return 'string';
    if (ts.isNumericLiteral(n)) return 'number';
    if (n.kind === ts.SyntaxKind.TrueKeyword || n.kind === ts.SyntaxKind.FalseKeyword) return 'boolean';
    if (ts.isIdentifier(n)) return types.get(n.text);
    if (ts.isPropertyAccessExpression(n) && n.expression.kind === ts.SyntaxKind.ThisKeyword) return types.get(n.name.text);
    if (ts.isNewExpression(n)) return n.expression.getText(sf);
    if (ts.isAsExpression(n) || ts.isSatisfiesExpression(n)) return n.type.getText(sf);
    return undefined;
  };
  /** Type assertions and parentheses around an expression, dropped from the tree: the expression and the outermost assertion. */
  const unwrap = (n: TS.Node): { n: TS.Node; cast: string | undefined; ty: string | undefined } => {
    let cast: string | undefined;
    let ty: string | undefined;
    for (;;) {
      if (ts.isParenthesizedExpression(n)) n = n.expression;
      else if (ts.isAsExpression(n) || ts.isSatisfiesExpression(n) || ts.isTypeAssertionExpression(n)) {
        const t = n.type.getText(sf).replace(/\s+/g, ' ');
        cast ??= `${ts.isSatisfiesExpression(n) ? 'satisfies' : 'as'} ${t}`;
        ty ??= t;
        n = n.expression;
      } else if (ts.isNonNullExpression(n)) {
        cast ??= '!';
        n = n.expression;
      } else return { n, cast, ty };
    }
  };
  const conv = (outer: TS.Node): GNode => {
    const { n, cast, ty } = unwrap(outer);
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
        children.push(conv(c));
      });
    }
    // every node gets `ty` (maybe undefined), so the trees keep one object shape
    return {
      kind: ts.SyntaxKind[n.kind] ?? String(n.kind), children, text, leaf, str, value: str ? (n as TS.StringLiteral).text : text,
      startIndex: start, endIndex: end, startLine: s.line + 1, startColumn: s.character + 1, endLine: e.line + 1, endColumn: e.character + 1,
      ty: ty ?? typeOf(n), cast, decos: ts.canHaveDecorators(n) ? ts.getDecorators(n)?.map(conv) : undefined, qual: undefined,
    };
  };
  const tree = conv(root);
  if (ts.isSourceFile(root)) markConstants(tree);
  return tree;
}

/**
 * Names declared in a file with a type the file states: an annotation (`x: string`, parameters, fields), a literal
 * initialiser (`const x = 'a'`) or `new C()`. Keyed by name, not scope: good enough for typed metavariables.
 */
function declaredTypes(root: TS.SourceFile, sf: TS.SourceFile): Map<string, string> {
  const ts = loadTypeScript();
  const out = new Map<string, string>();
  const visit = (n: TS.Node): void => {
    if ((ts.isVariableDeclaration(n) || ts.isParameter(n) || ts.isPropertyDeclaration(n) || ts.isPropertySignature(n)) && ts.isIdentifier(n.name)) {
      const init = 'initializer' in n ? n.initializer : undefined;
      let ty: string | undefined = n.type?.getText(sf);
      if (!ty && init) {
        if (ts.isStringLiteralLike(init) || ts.isTemplateExpression(init)) ty = 'string';
        else if (ts.isNumericLiteral(init)) ty = 'number';
        else if (init.kind === ts.SyntaxKind.TrueKeyword || init.kind === ts.SyntaxKind.FalseKeyword) ty = 'boolean';
        else if (ts.isNewExpression(init)) ty = init.expression.getText(sf);
      }
      if (ty && !out.has(n.name.text)) out.set(n.name.text, ty);
    }
    ts.forEachChild(n, visit);
  };
  visit(root);
  return out;
}

/** Parses a JS/TS pattern (already rewritten) into its top-level statements' trees, unwrapping expression statements. */
export function tsPattern(src: string): GNode[] {
  const ts = loadTypeScript();
  const sf = ts.createSourceFile('pattern.ts', src, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const diags = (sf as unknown as { parseDiagnostics?: TS.Diagnostic[] }).parseDiagnostics ?? [];
  if (diags.length) throw new Error(`pattern does not parse: ${ts.flattenDiagnosticMessageText(diags[0]!.messageText, ' ')}`);
  return sf.statements.map((s) => fromTs(ts.isExpressionStatement(s) ? s.expression : s, sf));
}

/** Parses JS/TS source text (a string's content, for `metavariable-pattern` with `language: js`) into the matcher's tree. */
export function parseJs(text: string): GNode | undefined {
  const ts = loadTypeScript();
  const sf = ts.createSourceFile('snippet.tsx', text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  return fromTs(sf, sf);
}
