/**
 * YAML with positions: parses a file once with a `LineCounter`, resolves aliases, and turns node ranges
 * into 1-based lines and columns. Also reads the real YAML comments (from the CST) for inline ignores.
 */
import { Alias, isAlias, isMap, isScalar, isSeq, LineCounter, Parser, parseAllDocuments, parseDocument, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import type { Document, Node, Pair } from 'yaml';

/** A parsed YAML file with its text and line index. */
export interface YamlSource {
  path: string;
  text: string;
  doc: Document.Parsed;
  lines: LineCounter;
  /** Every document of a multi-document file (parsed with `multi`), the audited one last. */
  docs?: Document.Parsed[];
}

/** A 1-based region. Columns are 1-based; `endColumn` is exclusive (SARIF style). */
export interface Region {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

/** A YAML syntax problem with its 1-based line. */
export interface YamlProblem {
  line: number;
  message: string;
}

/** Parses `text`; returns the problems instead when the YAML is malformed (duplicate keys are problems too). */
export function parseYaml(path: string, text: string, opts: { multi?: boolean } = {}): { source?: YamlSource; problems: YamlProblem[] } {
  const lines = new LineCounter();
  const options = { lineCounter: lines, uniqueKeys: true, prettyErrors: false, strict: false } as const;
  let doc: Document.Parsed;
  let errors: { pos: [number, number]; message: string }[];
  if (opts.multi) {
    // GitLab CI components put a `spec:` header document before the pipeline: audit the last document.
    const all = parseAllDocuments(text, options);
    const docs = Array.isArray(all) ? all : [];
    errors = docs.flatMap((d) => d.errors);
    if (!docs.length) return { source: { path, text, doc: parseDocument('', options), lines }, problems: [] };
    doc = docs[docs.length - 1]!;
    if (errors.length === 0) return { source: { path, text, doc, lines, docs }, problems: [] };
  } else {
    doc = parseDocument(text, options);
    errors = doc.errors;
  }
  if (errors.length) {
    return {
      problems: errors.map((e) => ({ line: lines.linePos(e.pos[0]).line, message: e.message.split('\n')[0]! })),
    };
  }
  return { source: { path, text, doc, lines }, problems: [] };
}

/** Region of source offsets `[start, end)`. */
export function region(src: YamlSource, start: number, end: number): Region {
  const a = src.lines.linePos(start);
  const b = src.lines.linePos(Math.max(start, end));
  return { startLine: a.line, startColumn: a.col, endLine: b.line, endColumn: b.col };
}

/** Region of a node (its value, without trailing comments). */
export function nodeRegion(src: YamlSource, node: Node | null | undefined): Region {
  const r = node?.range ?? [0, 0, 0];
  return region(src, r[0], r[1]);
}

/** Follows an alias to its anchor's node. */
export function deref(src: YamlSource, node: unknown): Node | null {
  if (node === null || node === undefined) return null;
  if (isAlias(node)) return ((node as Alias).resolve(src.doc) as Node | undefined) ?? null;
  return node as Node;
}

/** The entries of a map as `[keyString, pair]`, resolving a merge key's aliased map too. */
export function entries(src: YamlSource, node: unknown): [string, Pair<Scalar, Node | null>][] {
  const n = deref(src, node);
  if (!isMap(n)) return [];
  const out: [string, Pair<Scalar, Node | null>][] = [];
  for (const p of (n as YAMLMap).items as Pair<Node, Node | null>[]) {
    if (!isScalar(p.key)) continue;
    const k = String(p.key.value);
    if (k === '<<') {
      const target = deref(src, p.value);
      if (isMap(target)) out.push(...entries(src, target));
      continue;
    }
    out.push([k, p as unknown as Pair<Scalar, Node | null>]);
  }
  return out;
}

/** The pair for `key` in a map, or undefined. */
export function pair(src: YamlSource, node: unknown, key: string): Pair<Scalar, Node | null> | undefined {
  for (const [k, p] of entries(src, node)) if (k === key) return p;
  return undefined;
}

/** The value node for `key` in a map (aliases resolved), or null. */
export function get(src: YamlSource, node: unknown, key: string): Node | null {
  const p = pair(src, node, key);
  return p ? deref(src, p.value) : null;
}

/** The items of a sequence (aliases resolved); a non-sequence gives []. */
export function items(src: YamlSource, node: unknown): Node[] {
  const n = deref(src, node);
  if (!isSeq(n)) return [];
  return ((n as YAMLSeq).items as unknown[]).map((i) => deref(src, i)).filter((i): i is Node => i !== null);
}

/** The string value of a scalar node, or undefined. Numbers and booleans are turned into strings. */
export function str(node: unknown): string | undefined {
  if (!isScalar(node)) return undefined;
  const v = (node as Scalar).value;
  if (v === null || v === undefined) return undefined;
  return typeof v === 'object' ? undefined : String(v);
}

/** True for a scalar node. */
export function scalar(node: unknown): node is Scalar {
  return isScalar(node);
}

/** True for a map node. */
export function isMapNode(node: unknown): node is YAMLMap {
  return isMap(node);
}

/** True for a sequence node. */
export function isSeqNode(node: unknown): node is YAMLSeq {
  return isSeq(node);
}

/**
 * Where the text of a scalar lies in the source: `[start, end)` of its raw source (quotes and block
 * header excluded). `${{ }}` and script text are searched in this slice, so offsets are source offsets.
 */
export function scalarBody(src: YamlSource, node: Scalar): [number, number] {
  const [s, e] = node.range ?? [0, 0, 0];
  const t = node.type;
  if (t === Scalar.QUOTE_DOUBLE || t === Scalar.QUOTE_SINGLE) return [s + 1, Math.max(s + 1, e - 1)];
  if (t === Scalar.BLOCK_LITERAL || t === Scalar.BLOCK_FOLDED) {
    const nl = src.text.indexOf('\n', s);
    return nl === -1 || nl >= e ? [e, e] : [nl + 1, e];
  }
  return [s, e];
}

/** A real YAML comment: its 1-based line, whether it stands alone on its line, and its text. */
export interface YamlComment {
  line: number;
  alone: boolean;
  text: string;
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

/** Every real YAML comment of the file (text inside block scalars is not a comment). */
export function comments(src: YamlSource): YamlComment[] {
  const raw: { offset: number; source: string }[] = [];
  for (const tok of new Parser().parse(src.text)) collectComments(tok, raw, 0);
  return raw.map((c) => {
    const pos = src.lines.linePos(c.offset);
    const lineStart = c.offset - (pos.col - 1);
    return { line: pos.line, alone: src.text.slice(lineStart, c.offset).trim() === '', text: c.source };
  });
}
