/**
 * Positioned YAML, the one module every scanner that reads YAML uses (pipeline, iac, posture, exposure): a file is
 * parsed once (all its documents, with a line counter and the concrete syntax tree kept for its comments), shared
 * through the scan's analyses ({@link yamlAnalyzer}), and read with the helpers below, which resolve aliases and
 * merge keys (`<<: *anchor`, the map's own keys win) the same way for everyone.
 */
import { Composer, LineCounter, Parser, Scalar, isAlias, isMap, isPair, isScalar, isSeq, parseDocument, visit } from 'yaml';
import type { Document, Node, Pair, YAMLMap, YAMLSeq } from 'yaml';
import type { FileAnalyzer } from '../core/types.js';
import type { Span } from '../core/lines.js';

/** A YAML syntax problem with its 1-based line. */
export interface YamlProblem {
  line: number;
  message: string;
}

/** A real YAML comment: its 1-based line, whether it stands alone on its line, and its text. */
export interface YamlComment {
  line: number;
  alone: boolean;
  text: string;
}

/** Parsed YAML documents of one file, with a line counter for positions. */
export interface YamlFile {
  text: string;
  docs: Document.Parsed[];
  lc: LineCounter;
  /** First error, as `line N: message`, when the file is not valid YAML. */
  error?: string;
  /** Every error of every document (duplicate keys included). */
  problems: YamlProblem[];
  /** The concrete syntax tree, kept only when the text has a `#` (for {@link comments}). */
  cst?: unknown[];
  /** Memo of {@link comments}. */
  comments?: YamlComment[];
}

const OPTIONS = { uniqueKeys: true, strict: false, prettyErrors: false } as const;

/** Parses every document of a YAML stream, keeping positions. */
export function parseYaml(text: string): YamlFile {
  const lc = new LineCounter();
  const cst = Array.from(new Parser(lc.addNewLine).parse(text));
  const docs = Array.from(new Composer(OPTIONS).compose(cst)) as Document.Parsed[];
  const problems: YamlProblem[] = [];
  let error: string | undefined;
  for (const d of docs) {
    for (const e of d.errors) {
      const p = { line: lc.linePos(e.pos[0]).line, message: e.message.split('\n')[0]! };
      problems.push(p);
      error ??= `line ${p.line}: ${p.message}`;
    }
    // Without an `&` there is no anchor, so no alias to resolve.
    if (!error && text.includes('&')) {
      visit(d, {
        Alias(_, a) {
          ALIASES.set(a, a.resolve(d));
        },
      });
    }
  }
  return { text, docs, lc, problems, ...(error ? { error } : {}), ...(text.includes('#') ? { cst } : {}) };
}

/** The shared per-scan parse of a YAML file: `ctx.analyses.parse(yamlAnalyzer, file, text)`. */
export const yamlAnalyzer: FileAnalyzer<YamlFile> = { id: 'yaml', analyze: (_path, text) => parseYaml(text) };

/** One document of a positioned file: what the pipeline scanner audits. */
export interface YamlSource {
  path: string;
  text: string;
  doc: Document.Parsed;
  lines: LineCounter;
  file: YamlFile;
}

/**
 * The document to audit in a parsed file, or the problems when it does not parse. `multi`: GitLab CI components put
 * a `spec:` header document before the pipeline, so the last document is audited; otherwise a second document is a
 * problem, as for a file read as one document.
 */
export function yamlDocument(path: string, file: YamlFile, opts: { multi?: boolean } = {}): { source?: YamlSource; problems: YamlProblem[] } {
  const { docs, lc } = file;
  let problems: YamlProblem[];
  let doc: Document.Parsed | undefined;
  if (opts.multi) {
    problems = file.problems;
    doc = docs[docs.length - 1];
  } else {
    doc = docs[0];
    problems = (doc?.errors ?? []).map((e) => ({ line: lc.linePos(e.pos[0]).line, message: e.message.split('\n')[0]! }));
    const second = docs[1];
    if (second) problems.push({ line: lc.linePos(second.range[0]).line, message: 'Source contains multiple documents; please use YAML.parseAllDocuments()' });
  }
  if (problems.length) return { problems };
  // An empty stream (or one of comments only) is one empty document.
  doc ??= parseDocument('', OPTIONS);
  return { source: { path, text: file.text, doc, lines: lc, file }, problems };
}

/** Alias node → the node its anchor names (filled by {@link parseYaml}; weak, so nothing outlives the documents). */
const ALIASES = new WeakMap<object, unknown>();

/** Follows aliases (`*name`) to the anchored node. */
export function deref(n: unknown): Node | undefined {
  let c = n;
  for (let i = 0; i < 16 && isAlias(c); i++) c = ALIASES.get(c as object);
  return (c ?? undefined) as Node | undefined;
}

/** Maps merged into `m` with `<<: *anchor` (or `<<: [*a, *b]`). */
function merged(m: YAMLMap<Node, Node>): unknown[] {
  const out: unknown[] = [];
  for (const it of m.items) {
    if (isScalar(it.key) && it.key.value === '<<') {
      const v = deref(it.value);
      if (isSeq(v)) for (const x of (v as YAMLSeq).items) out.push(deref(x));
      else out.push(v);
    }
  }
  return out;
}

/** Region of source offsets `[start, end)` (1-based lines and columns, end column exclusive). */
export function region(src: { lines: LineCounter }, start: number, end: number): Span {
  const a = src.lines.linePos(start);
  const b = src.lines.linePos(Math.max(start, end));
  return { startLine: a.line, startColumn: a.col, endLine: b.line, endColumn: b.col };
}

/** Span of a node or pair; a block collection's span ends on its last line, not at the start of the next. */
export function spanOf(lc: LineCounter, n: Node | Pair | null | undefined, fallback?: Span): Span {
  let range: [number, number] | undefined;
  if (n && isPair(n)) {
    const k = n.key as Node | null;
    const v = n.value as Node | null;
    const a = k?.range?.[0] ?? v?.range?.[0];
    const b = v?.range?.[1] ?? k?.range?.[1];
    if (a !== undefined && b !== undefined) range = [a, b];
  } else if (n?.range) range = [n.range[0], n.range[1]];
  if (!range) return fallback ?? { startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 };
  const a = lc.linePos(range[0]);
  let end = range[1];
  const b = lc.linePos(end);
  if (b.col === 1 && b.line > a.line) {
    end = end - 1;
    const p = lc.linePos(end);
    return { startLine: a.line, startColumn: a.col, endLine: p.line, endColumn: p.col };
  }
  return { startLine: a.line, startColumn: a.col, endLine: b.line, endColumn: b.col };
}

/** The pair of a map key, when present (own keys first, then merged maps). */
export function pairOf(m: unknown, key: string, depth = 0): Pair<Node, Node> | undefined {
  const map = deref(m);
  if (!isMap(map)) return undefined;
  for (const it of (map as YAMLMap<Node, Node>).items) {
    const k = it.key;
    if (isScalar(k) && String(k.value) === key) return it;
  }
  if (depth < 8) {
    for (const sub of merged(map as YAMLMap<Node, Node>)) {
      const p = pairOf(sub, key, depth + 1);
      if (p) return p;
    }
  }
  return undefined;
}

/** The value node of a map key. */
export function get(m: unknown, key: string): Node | undefined {
  return deref(pairOf(m, key)?.value);
}

/** The value at a path of keys. */
export function getPath(m: unknown, ...keys: string[]): Node | undefined {
  let cur: unknown = m;
  for (const k of keys) {
    cur = get(cur, k);
    if (cur === undefined) return undefined;
  }
  return cur as Node;
}

/** A scalar's value as a string (numbers and booleans converted), else undefined. */
export function str(node: unknown): string | undefined {
  const n = deref(node);
  if (!isScalar(n)) return undefined;
  const v = n.value;
  if (v === null || v === undefined || typeof v === 'object') return undefined;
  return String(v);
}

/** A scalar's value as a boolean when it is one (`true`/`false`, also quoted). */
export function bool(node: unknown): boolean | undefined {
  const n = deref(node);
  if (!isScalar(n)) return undefined;
  const v = n.value;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && /^(?:true|false)$/i.test(v)) return v.toLowerCase() === 'true';
  return undefined;
}

/** Items of a sequence, aliases resolved (empty for anything else). */
export function items(node: unknown): Node[] {
  const n = deref(node);
  return isSeq(n) ? ((n as YAMLSeq<Node>).items as unknown[]).map((x) => deref(x)).filter((x): x is Node => x !== undefined) : [];
}

/** Items of a sequence as written: aliases are kept, so positions point at the alias itself. */
export function rawItems(node: unknown): Node[] {
  const n = deref(node);
  return isSeq(n) ? ((n as YAMLSeq<Node>).items as Node[]) : [];
}

/** Pairs of a map as [key, pair]: its own, then those merged in that it does not override. */
export function pairs(node: unknown, depth = 0): [string, Pair<Node, Node>][] {
  const n = deref(node);
  if (!isMap(n)) return [];
  const own = (n as YAMLMap<Node, Node>).items
    .filter((p) => !(isScalar(p.key) && p.key.value === '<<'))
    .map((p): [string, Pair<Node, Node>] => [String(isScalar(p.key) ? p.key.value : p.key), p]);
  if (depth >= 8) return own;
  const seen = new Set(own.map((e) => e[0]));
  for (const sub of merged(n as YAMLMap<Node, Node>)) {
    for (const e of pairs(sub, depth + 1)) {
      if (!seen.has(e[0])) {
        seen.add(e[0]);
        own.push(e);
      }
    }
  }
  return own;
}

/** Entries of a map as [key, value node, pair] (see {@link pairs}). */
export function entries(node: unknown): [string, Node | undefined, Pair<Node, Node>][] {
  return pairs(node).map(([k, p]) => [k, deref(p.value), p]);
}

/**
 * Where the text of a scalar lies in the source: `[start, end)` of its raw source (quotes and block header
 * excluded), so that what is searched in it has source offsets.
 */
export function scalarBody(src: { text: string }, node: Scalar): [number, number] {
  const [s, e] = node.range ?? [0, 0, 0];
  const t = node.type;
  if (t === Scalar.QUOTE_DOUBLE || t === Scalar.QUOTE_SINGLE) return [s + 1, Math.max(s + 1, e - 1)];
  if (t === Scalar.BLOCK_LITERAL || t === Scalar.BLOCK_FOLDED) {
    const nl = src.text.indexOf('\n', s);
    return nl === -1 || nl >= e ? [e, e] : [nl + 1, e];
  }
  return [s, e];
}

function collectComments(node: unknown, out: { offset: number; source: string }[], depth: number): void {
  if (depth > 200 || node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const n of node) collectComments(n, out, depth + 1);
    return;
  }
  const o = node as Record<string, unknown>;
  if (o.type === 'comment' && typeof o.offset === 'number' && typeof o.source === 'string') {
    out.push({ offset: o.offset, source: o.source });
    return;
  }
  for (const v of Object.values(o)) if (v && typeof v === 'object') collectComments(v, out, depth + 1);
}

/** Every real YAML comment of the file (text inside block scalars is not a comment), read from the kept syntax tree. */
export function comments(src: YamlFile | YamlSource): YamlComment[] {
  const file = 'file' in src ? src.file : src;
  if (file.comments) return file.comments;
  const raw: { offset: number; source: string }[] = [];
  collectComments(file.cst ?? [], raw, 0);
  file.comments = raw.map((c) => {
    const pos = file.lc.linePos(c.offset);
    const lineStart = c.offset - (pos.col - 1);
    return { line: pos.line, alone: file.text.slice(lineStart, c.offset).trim() === '', text: c.source };
  });
  return file.comments;
}

export { isMap, isSeq, isScalar };
