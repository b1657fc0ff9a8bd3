import type { CompiledPattern, GNode } from './gnode.js';
import { eachFormula, type RuleLang, type YamlRule } from './rules.js';
import type { TsLang } from './tree-sitter.js';

/*
 * Compiled tree-sitter patterns (Python, Go, Java) as plain JSON data, so the CLI bundle carries the built-in packs'
 * patterns compiled (scripts/bundle.mjs) and a scan reads them instead of parsing each one with tree-sitter at every
 * start. A pattern node is an array: [kind, text, flags (1 leaf, 2 string), value (null: the text), startIndex,
 * endIndex, startLine, startColumn, endLine, endColumn, ty (null: none), qual (null: none), children].
 */

/** One encoded pattern node. */
export type EncodedNode = [string, string, number, string | null, number, number, number, number, number, number, string | null, string | null, EncodedNode[]];

/** A language's compiled patterns: the rewritten pattern text (match.ts, `rewritePattern`) → its top-level nodes. */
export type EncodedPatterns = Record<string, EncodedNode[]>;

export function encodeNode(n: GNode): EncodedNode {
  if (n.cast !== undefined || n.decos !== undefined) throw new Error(`a ${n.kind} pattern node with a cast or decorators (JS/TS only) cannot be encoded`);
  return [
    n.kind, n.text, (n.leaf ? 1 : 0) | (n.str ? 2 : 0), n.value === n.text ? null : n.value, n.startIndex, n.endIndex, n.startLine, n.startColumn,
    n.endLine, n.endColumn, n.ty ?? null, n.qual ?? null, n.children.map(encodeNode),
  ];
}

/** The node {@link encodeNode} wrote: a new object with the fields in the order tree-sitter.ts makes them. */
export function decodeNode(e: EncodedNode): GNode {
  const [kind, text, flags, value, startIndex, endIndex, startLine, startColumn, endLine, endColumn, ty, qual, children] = e;
  return {
    kind, children: children.map(decodeNode), text, leaf: (flags & 1) !== 0, str: (flags & 2) !== 0, value: value ?? text, startIndex, endIndex,
    startLine, startColumn, endLine, endColumn, ty: ty ?? undefined, cast: undefined, decos: undefined, qual: qual ?? undefined,
  };
}

/** The top-level nodes of a compiled pattern. */
export function patternNodes(c: CompiledPattern): GNode[] {
  return c.kind === 'node' ? [c.node] : c.nodes;
}

/**
 * The tree-sitter patterns compiled for rules (after `precompile`), by language, keyed as match.ts looks them up:
 * `rewrite(src, lang)` is the text match.ts parses.
 */
export function encodePatterns(rules: readonly YamlRule[], rewrite: (src: string, lang: RuleLang) => string): Record<TsLang, EncodedPatterns> {
  const out: Record<TsLang, EncodedPatterns> = { python: {}, go: {}, java: {} };
  for (const r of rules) {
    eachFormula(r, (f) => {
      if (f.op !== 'pattern') return;
      for (const [lang, c] of f.compiled) {
        if (lang === 'js' || lang === 'generic') continue;
        out[lang][rewrite(f.src.trim(), lang)] = patternNodes(c).map(encodeNode);
      }
    });
  }
  return out;
}
