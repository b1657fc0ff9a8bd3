import { createRequire } from 'node:module';
import type { Language, Parser as TsParser, Node as TSNode } from 'web-tree-sitter';
import type { GNode } from './gnode.js';

/** Languages parsed with tree-sitter. */
export type TsLang = 'python' | 'go' | 'java';

const require = createRequire(import.meta.url);
const languages = new Map<TsLang, Language>();
/** web-tree-sitter's parser class, set by {@link loadGrammars}: the module loads with the grammars, not with this one. */
let Parser: typeof TsParser | undefined;
let runtime: Promise<typeof import('web-tree-sitter')> | undefined;
const grammars = new Map<TsLang, Promise<void>>();

/**
 * Loads web-tree-sitter and the grammars of `which` (all three by default) from @vscode/tree-sitter-wasm, each
 * once per process: a scan of Python files does not compile the Go and Java grammars.
 */
export async function loadGrammars(which: readonly TsLang[] = ['python', 'go', 'java']): Promise<void> {
  runtime ??= (async () => {
    const wts = await import('web-tree-sitter');
    await wts.Parser.init();
    Parser = wts.Parser;
    return wts;
  })();
  const wts = runtime;
  await Promise.all(
    which.map((l) => {
      let p = grammars.get(l);
      if (!p) {
        p = wts.then(async ({ Language }) => {
          languages.set(l, await Language.load(require.resolve(`@vscode/tree-sitter-wasm/wasm/tree-sitter-${l}.wasm`)));
        });
        grammars.set(l, p);
      }
      return p;
    }),
  );
}

const PUNCT = /^[()[\]{},;:.]$|^$/;
const LEAF = /identifier$|string|^(integer|float|true|false|none|nil|null|null_literal|int_literal|float_literal|rune_literal|imaginary_literal|character_literal|comment|line_comment|block_comment)$|_integer_literal$|_floating_point_literal$/;

/** Converts a tree-sitter node to the matcher's tree (punctuation and comments dropped). */
export function fromTreeSitter(n: TSNode): GNode {
  const kind = n.type;
  const str = /string/.test(kind) && !/content|fragment|start|end/.test(kind);
  const leaf = str || LEAF.test(kind) || n.childCount === 0;
  const children: GNode[] = [];
  if (!leaf) {
    for (const c of n.children) {
      if (!c || c.type === 'comment' || c.type === 'line_comment' || c.type === 'block_comment') continue;
      if (!c.isNamed && PUNCT.test(c.type)) continue;
      if (c.type === 'parenthesized_expression' && c.namedChildCount === 1) {
        children.push(fromTreeSitter(c.namedChildren[0]!));
        continue;
      }
      children.push(fromTreeSitter(c));
    }
  }
  const text = n.text;
  const value = str ? text.replace(/^[rbuf]*("""|'''|"|'|`)/i, '').replace(/("""|'''|"|'|`)$/, '') : text;
  return {
    kind, children, text, leaf, str, value, startIndex: n.startIndex, endIndex: n.endIndex,
    startLine: n.startPosition.row + 1, startColumn: n.startPosition.column + 1, endLine: n.endPosition.row + 1, endColumn: n.endPosition.column + 1, ty: undefined,
  };
}

/** A parsed file: its tree, or the first syntax error line. */
export interface TsParse {
  root: GNode | undefined;
  errorLine?: number;
}

/** Parses source text with the grammar of `lang` (call {@link loadGrammars} first). */
export function parseWith(lang: TsLang, text: string): TsParse {
  if (!Parser) throw new Error('tree-sitter is not loaded (call loadGrammars first)');
  const p = new Parser();
  try {
    p.setLanguage(languages.get(lang)!);
    const tree = p.parse(text);
    if (!tree) return { root: undefined, errorLine: 1 };
    try {
      let errorLine: number | undefined;
      if (tree.rootNode.hasError) {
        const stack = [tree.rootNode];
        while (stack.length && errorLine === undefined) {
          const n = stack.pop()!;
          if (n.isError || n.isMissing) errorLine = n.startPosition.row + 1;
          else for (const c of n.children) if (c && c.hasError) stack.push(c);
        }
        errorLine ??= 1;
      }
      return { root: fromTreeSitter(tree.rootNode), ...(errorLine !== undefined ? { errorLine } : {}) };
    } finally {
      tree.delete();
    }
  } finally {
    p.delete();
  }
}

/** Parses a (rewritten) pattern in `lang` and returns its top-level statements, wrapped as the grammar needs. */
export function treeSitterPattern(lang: TsLang, src: string): GNode[] {
  let code = src;
  if (lang === 'go') code = `package p\nfunc __f() {\n${src}\n}\n`;
  if (lang === 'java') code = `class __C { void __m() {\n${/[;}]\s*$/.test(src.trim()) ? src : src + ';'}\n} }\n`;
  const r = parseWith(lang, code);
  if (!r.root || r.errorLine !== undefined) throw new Error(`pattern does not parse as ${lang}`);
  let stmts: GNode[];
  if (lang === 'python') stmts = r.root.children;
  else {
    const block = findFirst(r.root, 'block');
    stmts = block ? (block.children.length === 1 && block.children[0]!.kind === 'statement_list' ? block.children[0]!.children : block.children) : [];
  }
  return stmts.map((s) => (s.kind === 'expression_statement' && s.children.length === 1 ? s.children[0]! : s));
}

function findFirst(n: GNode, kind: string): GNode | undefined {
  if (n.kind === kind) return n;
  for (const c of n.children) {
    const f = findFirst(c, kind);
    if (f) return f;
  }
  return undefined;
}
