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
  const sf = ts.createSourceFile(path, text, { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseNone }, true, scriptKind(path));
  const diags = (sf as unknown as { parseDiagnostics?: TS.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
  const d = diags[0];
  if (!d) return { sf };
  const line = sf.getLineAndCharacterOfPosition(d.start).line + 1;
  return { sf, error: `line ${line}: parse error: ${ts.flattenDiagnosticMessageText(d.messageText, ' ').slice(0, 200)}` };
}
