import type { GNode } from './gnode.js';
import type { TsLang } from './tree-sitter.js';

/**
 * The top-level nodes of a pattern compiled ahead of time (`src` rewritten as match.ts parses it), or undefined
 * when it must be parsed. From the sources there are none: every pattern is parsed with tree-sitter when first
 * used. The CLI bundle (scripts/bundle.mjs) replaces this module with one that reads the built-in packs' patterns,
 * compiled when bundling (pattern-codec.ts), from a JSON file per language beside its chunks: a scan of one Python
 * file then parses none of the packs' patterns. Fresh objects on every call.
 */
export function precompiledPattern(_lang: TsLang, _src: string): GNode[] | undefined {
  return undefined;
}
