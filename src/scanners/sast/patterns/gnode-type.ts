/**
 * A language-neutral syntax tree the pattern matcher works on. Adapters build it from the TypeScript AST (JS/TS)
 * and from tree-sitter trees (Python, Go, Java). Punctuation and type annotations are dropped; literals and
 * identifiers are leaves compared by text.
 */
export interface GNode {
  kind: string;
  children: GNode[];
  /** Source text of the node. */
  text: string;
  /** Literal or identifier: compared by text, never descended into. */
  leaf: boolean;
  /** A string literal (its `value` is the text without quotes). */
  str: boolean;
  value: string;
  startIndex: number;
  endIndex: number;
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
  /** JS/TS only: the declared or literal type of an expression where the file says it (`x: string`, `'a'`, `new C()`). */
  ty?: string | undefined;
  /**
   * JS/TS only: the type assertion written around this expression (`as any`, `!`, `satisfies T`), which the tree
   * otherwise drops: a pattern that writes one matches only expressions with the same one.
   */
  cast?: string | undefined;
  /** JS/TS only: the decorators of a class, member or parameter (`@Query()`), kept beside the node's children. */
  decos?: GNode[] | undefined;
  /** Python only: the qualified name an imported identifier stands for (`request` after `from flask import request`). */
  qual?: string | undefined;
}
