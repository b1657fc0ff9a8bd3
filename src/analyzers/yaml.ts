import { LineCounter, parseAllDocuments, isAlias, isMap, isSeq, isScalar, isPair, visit } from 'yaml';
import type { Document, Node, Pair, YAMLMap, YAMLSeq } from 'yaml';
import type { Span } from '../core/lines.js';

/** Parsed YAML documents of one file, with a line counter for positions. */
export interface YamlFile {
  docs: Document.Parsed[];
  lc: LineCounter;
  /** First error, as `line N: message`, when the file is not valid YAML. */
  error?: string;
}

/** Parses every document of a YAML stream, keeping positions. */
export function parseYaml(text: string): YamlFile {
  const lc = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lc, uniqueKeys: true, strict: false, prettyErrors: false });
  if (!Array.isArray(docs)) return { docs: [], lc, error: 'line 1: not a YAML stream' };
  for (const d of docs) {
    const e = d.errors[0];
    if (e) {
      const line = e.linePos?.[0]?.line ?? lc.linePos(e.pos[0]).line;
      return { docs, lc, error: `line ${line}: ${e.message.split('\n')[0]}` };
    }
    visit(d, {
      Alias(_, a) {
        ALIASES.set(a, a.resolve(d));
      },
    });
  }
  return { docs, lc };
}

/** Alias node → the node its anchor names (filled by {@link parseYaml}; weak, so nothing outlives the documents). */
const ALIASES = new WeakMap<object, unknown>();

/** Follows aliases (`*name`) to the anchored node. */
export function deref(n: unknown): unknown {
  let c = n;
  for (let i = 0; i < 16 && isAlias(c); i++) c = ALIASES.get(c as object);
  return c;
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

/** Span of a node or pair. */
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
  // A block map/seq ends at the start of the next line; clamp to the previous line's end.
  if (b.col === 1 && b.line > a.line) {
    end = end - 1;
    const p = lc.linePos(end);
    return { startLine: a.line, startColumn: a.col, endLine: p.line, endColumn: p.col };
  }
  return { startLine: a.line, startColumn: a.col, endLine: b.line, endColumn: b.col };
}

/** The pair of a map key, when present. */
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
  const p = pairOf(m, key);
  return (deref(p?.value) ?? undefined) as Node | undefined;
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
  if (v === null || v === undefined) return undefined;
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

/** Items of a sequence (empty for anything else). */
export function items(node: unknown): Node[] {
  const n = deref(node);
  return isSeq(n) ? ((n as YAMLSeq<Node>).items as Node[]).map((x) => deref(x) as Node) : [];
}

/** Items of a sequence as written: aliases are kept, so positions point at the alias itself. */
export function rawItems(node: unknown): Node[] {
  const n = deref(node);
  return isSeq(n) ? ((n as YAMLSeq<Node>).items as Node[]) : [];
}

/** Entries of a map as [key, value node, pair]. */
export function entries(node: unknown, depth = 0): [string, Node | undefined, Pair<Node, Node>][] {
  const n = deref(node);
  if (!isMap(n)) return [];
  const own = (n as YAMLMap<Node, Node>).items
    .filter((p) => !(isScalar(p.key) && p.key.value === '<<'))
    .map((p): [string, Node | undefined, Pair<Node, Node>] => [String(isScalar(p.key) ? p.key.value : p.key), (deref(p.value) ?? undefined) as Node | undefined, p]);
  if (depth >= 8) return own;
  const seen = new Set(own.map((e) => e[0]));
  for (const sub of merged(n as YAMLMap<Node, Node>)) {
    for (const e of entries(sub, depth + 1)) {
      if (!seen.has(e[0])) {
        seen.add(e[0]);
        own.push(e);
      }
    }
  }
  return own;
}

export { isMap, isSeq, isScalar };
