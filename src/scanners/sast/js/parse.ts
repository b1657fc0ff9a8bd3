import ts from './tslib.js';
import type * as TS from 'typescript';

/** Which parser mode a path needs. */
export function scriptKind(path: string): TS.ScriptKind {
  if (/\.tsx$/.test(path)) return ts.ScriptKind.TSX;
  if (/\.(c|m)?ts$/.test(path)) return ts.ScriptKind.TS;
  if (/\.jsx$/.test(path)) return ts.ScriptKind.JSX;
  return ts.ScriptKind.JS;
}

/** A parsed file, or the first syntax error as `line N: parse error: ...`. */
export interface ParseResult {
  sf: TS.SourceFile;
  error?: string;
}

/**
 * Parses JS/TS/JSX/TSX with the TypeScript compiler's parser (chosen by measurement on Node 20: fastest with
 * error recovery, see README). The tree is always returned; `error` is set when the parser reported diagnostics.
 */
export function parseSource(path: string, text: string): ParseResult {
  const sf = ts.createSourceFile(path, text, { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseNone }, false, scriptKind(path));
  setParents(sf);
  const diags = (sf as unknown as { parseDiagnostics?: TS.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
  const d = diags[0];
  if (!d) return { sf };
  const line = sf.getLineAndCharacterOfPosition(d.start).line + 1;
  return { sf, error: `line ${line}: parse error: ${ts.flattenDiagnosticMessageText(d.messageText, ' ').slice(0, 200)}` };
}

/** A node whose `parent` this module sets. */
type Parented = { parent: TS.Node; jsDoc?: TS.Node[] };

/**
 * Sets every node's `parent`, as `createSourceFile(..., setParentNodes: true)` does, on a fresh tree. The compiler's
 * own pass (`setParentRecursive`) goes through a work queue with two callbacks per node and was ~5% of the SAST
 * scan's processor time; this walk is a plain recursion over the same children (`forEachChild`), JSDoc nodes
 * included (none with `JSDocParsingMode.ParseNone`, but kept exact). The recursion is two frames per level of
 * nesting, far fewer than the parser's own, so a tree the parser built does not overflow the stack here.
 */
function setParents(root: TS.Node): void {
  let parent = root;
  const bind = (child: TS.Node): undefined => {
    (child as unknown as Parented).parent = parent;
    const docs = (child as unknown as Parented).jsDoc;
    const up = parent;
    parent = child;
    if (docs) for (const d of docs) bind(d);
    ts.forEachChild(child, bind);
    parent = up;
    return undefined;
  };
  ts.forEachChild(root, bind);
}
