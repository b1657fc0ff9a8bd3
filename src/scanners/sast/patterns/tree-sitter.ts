import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import type { Language, Parser as TsParser, Node as TSNode } from 'web-tree-sitter';
import { markConstants } from './constants.js';
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
  const done = patientTiering();
  try {
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
  } finally {
    done();
  }
}

/**
 * V8's WebAssembly tiering budget (`--wasm-tiering-budget`, roughly the bytes of code a function runs before it is
 * recompiled with the optimising compiler) while tree-sitter's modules are instantiated, which keep the budget
 * they were instantiated with. At V8's default (1.8 M) the runtime's parse loop and the grammar's lexer are
 * recompiled within the first few hundred bytes parsed (~0.1 s of processor time on a background thread, for one
 * small Python file); at 100 M they are recompiled only in a scan that parses enough to repay it (a 1 or 5 MB
 * Python parse costs the same processor time either way: bench/README.md, start-up, 2026-12-07).
 */
const PATIENT_BUDGET = 100_000_000;
/** V8's default budget (Node 20-22), put back once the modules are instantiated (other WebAssembly keeps it). */
const DEFAULT_BUDGET = 1_800_000;
let raised = 0;

/** Raises the budget (unless the command line sets it) until the returned function is called. */
function patientTiering(): () => void {
  const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].some((a) => /^--wasm[-_]tiering[-_]budget/.test(a));
  if (given) return () => {};
  if (raised++ === 0) setFlagsFromString(`--wasm-tiering-budget=${PATIENT_BUDGET}`);
  return () => {
    if (--raised === 0) setFlagsFromString(`--wasm-tiering-budget=${DEFAULT_BUDGET}`);
  };
}

const PUNCT = /^[()[\]{},;:.]$|^$/;
const LEAF = /identifier$|string|^(integer|float|true|false|none|nil|null|null_literal|int_literal|float_literal|rune_literal|imaginary_literal|character_literal|comment|line_comment|block_comment)$|_integer_literal$|_floating_point_literal$/;

/** The type a literal has in each language, for typed metavariables (`($X : String)`). */
function literalType(kind: string): string | undefined {
  if (kind === 'string_literal' || kind === 'text_block') return 'String';
  if (kind === 'interpreted_string_literal' || kind === 'raw_string_literal') return 'string';
  if (kind === 'string' || kind === 'concatenated_string') return 'str';
  if (kind === 'int_literal' || kind === 'integer' || kind === 'decimal_integer_literal') return 'int';
  return undefined;
}

/** Where a name's declared type applies: the function (or file) that declares it. */
interface Declared {
  lo: number;
  hi: number;
  ty: string;
}
const SCOPES = new Set(['function_definition', 'lambda', 'function_declaration', 'method_declaration', 'func_literal', 'constructor_declaration', 'lambda_expression']);

/** Declared types by name, each for the function that declares it (the innermost one that holds the use wins). */
export class DeclaredTypes {
  constructor(private readonly byName: Map<string, Declared[]> = new Map()) {}
  add(name: string, d: Declared): void {
    const l = this.byName.get(name);
    if (l) l.push(d);
    else this.byName.set(name, [d]);
  }
  /** The type of `name` used at offset `at`. */
  at(name: string, at: number): string | undefined {
    let best: Declared | undefined;
    for (const d of this.byName.get(name) ?? []) if (d.lo <= at && at <= d.hi && (!best || d.hi - d.lo < best.hi - best.lo)) best = d;
    return best?.ty;
  }
}

/**
 * Names declared with a type the file states, for typed metavariables: Java parameters, locals and fields
 * (`HttpServletRequest req`, `String s`; `var x = new C()` takes `C`), Go parameters and `var` specs (`s string`)
 * and `x := "lit"` / `x := T{...}`, Python annotated parameters and assignments (`x: str`). Each applies within
 * the function that declares it (fields and globals: the whole file).
 */
function declaredTypes(root: TSNode): DeclaredTypes {
  const out = new DeclaredTypes();
  const stack: { n: TSNode; scope: TSNode }[] = [{ n: root, scope: root }];
  let scope = root;
  const set = (name: TSNode | null | undefined, ty: string | undefined) => {
    if (name && ty) out.add(name.text, { lo: scope.startIndex, hi: scope.endIndex, ty: ty.replace(/\s+/g, ' ') });
  };
  const valueType = (v: TSNode | null | undefined): string | undefined => {
    if (!v) return undefined;
    if (v.type === 'object_creation_expression' || v.type === 'composite_literal') return v.childForFieldName('type')?.text;
    if (v.type === 'expression_list' && v.namedChildCount === 1) return valueType(v.namedChildren[0]);
    return literalType(v.type);
  };
  while (stack.length) {
    const top = stack.pop()!;
    const n = top.n;
    scope = top.scope;
    const t = n.type;
    if (t === 'formal_parameter' || t === 'catch_formal_parameter' || t === 'spread_parameter') {
      set(n.childForFieldName('name') ?? n.namedChildren.find((c) => c?.type === 'identifier'), n.childForFieldName('type')?.text ?? n.namedChildren[0]?.text);
    } else if (t === 'local_variable_declaration' || t === 'field_declaration') {
      const ty = n.childForFieldName('type')?.text;
      for (const d of n.childrenForFieldName('declarator')) {
        if (!d) continue;
        set(d.childForFieldName('name'), ty === 'var' ? valueType(d.childForFieldName('value')) : ty);
      }
    } else if (t === 'parameter_declaration' || t === 'var_spec' || t === 'const_spec') {
      const ty = n.childForFieldName('type')?.text ?? valueType(n.childForFieldName('value'));
      for (const name of n.childrenForFieldName('name')) set(name, ty);
    } else if (t === 'short_var_declaration') {
      const l = n.childForFieldName('left');
      const r = n.childForFieldName('right');
      if (l && r && l.namedChildCount === r.namedChildCount) l.namedChildren.forEach((c, i) => set(c, valueType(r.namedChildren[i])));
    } else if (t === 'typed_parameter') {
      set(n.namedChildren.find((c) => c?.type === 'identifier'), n.childForFieldName('type')?.text);
    } else if (t === 'typed_default_parameter') {
      set(n.childForFieldName('name'), n.childForFieldName('type')?.text);
    } else if (t === 'assignment' && n.childForFieldName('type')) {
      set(n.childForFieldName('left'), n.childForFieldName('type')?.text);
    }
    const inner = SCOPES.has(t) ? n : scope;
    for (const c of n.namedChildren) if (c) stack.push({ n: c, scope: inner });
  }
  return out;
}

/** Converts a tree-sitter node to the matcher's tree (punctuation and comments dropped). */
export function fromTreeSitter(n: TSNode, types?: DeclaredTypes): GNode {
  const kind = n.type;
  const str = /string/.test(kind) && !/content|fragment|start|end/.test(kind);
  const leaf = str || LEAF.test(kind) || n.childCount === 0;
  const children: GNode[] = [];
  if (!leaf) {
    for (const c of n.children) {
      if (!c || c.type === 'comment' || c.type === 'line_comment' || c.type === 'block_comment') continue;
      if (!c.isNamed && PUNCT.test(c.type)) continue;
      if (c.type === 'parenthesized_expression' && c.namedChildCount === 1) {
        children.push(fromTreeSitter(c.namedChildren[0]!, types));
        continue;
      }
      children.push(fromTreeSitter(c, types));
    }
  } else if (str) {
    // a Python f-string stays a leaf (compared by its text) but keeps its interpolated expressions as children, so
    // patterns find code inside them and taint flows out of them
    for (const c of n.namedChildren) {
      if (c?.type !== 'interpolation') continue;
      const e = c.namedChildren.find((x) => x && x.type !== 'format_specifier' && x.type !== 'type_conversion');
      if (e) children.push(fromTreeSitter(e, types));
    }
  }
  const text = n.text;
  const value = str ? text.replace(/^[rbuf]*("""|'''|"|'|`)/i, '').replace(/("""|'''|"|'|`)$/, '') : text;
  return {
    kind, children, text, leaf, str, value, startIndex: n.startIndex, endIndex: n.endIndex,
    startLine: n.startPosition.row + 1, startColumn: n.startPosition.column + 1, endLine: n.endPosition.row + 1, endColumn: n.endPosition.column + 1,
    ty: literalType(kind) ?? (/identifier$/.test(kind) ? types?.at(text, n.startIndex) : undefined), cast: undefined, decos: undefined, qual: undefined,
  };
}

/** A parsed file: its tree, or the first syntax error line. */
export interface TsParse {
  root: GNode | undefined;
  errorLine?: number;
}

/**
 * Parses source text with the grammar of `lang` (call {@link loadGrammars} first). With `types`, identifiers carry
 * the type their declaration states (for typed metavariables; a walk of the whole tree, so only when a rule needs it).
 */
export function parseWith(lang: TsLang, text: string, types = false, constants = false): TsParse {
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
      const root = fromTreeSitter(tree.rootNode, types ? declaredTypes(tree.rootNode) : undefined);
      if (lang === 'python') qualifyImports(root);
      if (constants) markConstants(root, lang === 'python');
      return { root, ...(errorLine !== undefined ? { errorLine } : {}) };
    } finally {
      tree.delete();
    }
  } finally {
    p.delete();
  }
}

/**
 * Python: marks each use of a name bound by an import (`from flask import request`, `from a import b as c`,
 * `import os.path as osp`) with the qualified name it stands for, so that a pattern `flask.request` matches it as in
 * Semgrep. Names are file-wide (a local that shadows an import keeps the mark).
 */
function qualifyImports(root: GNode): void {
  const names = new Map<string, string>();
  const dotted = (n: GNode | undefined) => (n ? n.text.replace(/\s+/g, '') : '');
  const imports: GNode[] = [];
  const stack = [root];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.kind === 'import_from_statement') {
      imports.push(n);
      const mod = dotted(n.children.find((c) => c.kind === 'dotted_name' || c.kind === 'relative_import'));
      const i = n.children.findIndex((c) => c.leaf && c.text === 'import');
      for (const c of n.children.slice(i + 1)) {
        if (c.kind === 'dotted_name') names.set(dotted(c), `${mod}.${dotted(c)}`);
        else if (c.kind === 'aliased_import') names.set(c.children[c.children.length - 1]!.text, `${mod}.${dotted(c.children[0])}`);
      }
    } else if (n.kind === 'import_statement') {
      imports.push(n);
      for (const c of n.children) if (c.kind === 'aliased_import') names.set(c.children[c.children.length - 1]!.text, dotted(c.children[0]));
    } else if (!n.leaf) for (const c of n.children) stack.push(c);
  }
  if (!names.size) return;
  const skip = new Set(imports);
  const mark = (n: GNode): void => {
    if (skip.has(n)) return;
    if (n.kind === 'identifier') n.qual = names.get(n.text);
    else if (n.kind === 'attribute') mark(n.children[0]!);
    else for (const c of n.children) mark(c);
  };
  mark(root);
}

/** Leading import declarations of a Go or Java pattern (they parse at file level, not in the function around the rest). */
const LEADING_IMPORT: Partial<Record<TsLang, RegExp>> = {
  go: /^\s*import\s+(?:\([^)]*\)|(?:[\w.]+\s+)?"[^"\n]*")[ \t]*;?/,
  java: /^\s*import\s+(?:static\s+)?[\w.]+(?:\.\*)?\s*;/,
};

/**
 * Parses a (rewritten) pattern in `lang` and returns its top-level statements, wrapped as the grammar needs. Go and
 * Java patterns may start with imports (`import "os/exec"` then `...`), and a Go pattern may be one field of a
 * composite literal (`InsecureSkipVerify: true`).
 */
export function treeSitterPattern(lang: TsLang, src: string): GNode[] {
  const lead = LEADING_IMPORT[lang];
  if (lead && lead.test(src)) {
    let rest = src;
    let imports = '';
    for (let m = lead.exec(rest); m; m = lead.exec(rest)) {
      imports += m[0] + '\n';
      rest = rest.slice(m[0].length);
    }
    const r = parseWith(lang, lang === 'go' ? `package p\n${imports}` : imports);
    if (!r.root || r.errorLine !== undefined) throw new Error(`pattern does not parse as ${lang}`);
    const decls = r.root.children.filter((c) => c.kind === 'import_declaration');
    return rest.trim() ? [...decls, ...treeSitterPattern(lang, rest)] : decls;
  }
  // `Key: value` is a field of a Go composite literal (as a statement it would be a label)
  if (lang === 'go' && /^\s*[\w.]+\s*:\s*\S/.test(src) && !/^\s*[\w.]+\s*:\s*\n/.test(src)) {
    try {
      const lit = findFirst(statementsOf(lang, `__T{${src}}`)[0]!, 'keyed_element');
      if (lit) return [lit];
    } catch {
      // not a field: parsed as statements below
    }
  }
  return statementsOf(lang, src);
}

function statementsOf(lang: TsLang, src: string): GNode[] {
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
