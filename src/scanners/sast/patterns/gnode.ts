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
}

/** Metavariable bindings of one match. */
export type Env = Record<string, GNode>;

/** Placeholders the pattern text is rewritten to before parsing (`$X` and `...` are not valid in every language). */
export const ELLIPSIS = '__ELLIPSIS__';
/** Prefix of a rewritten metavariable. */
export const MV_PREFIX = '__MV_';

/** Rewrites Semgrep syntax to parseable identifiers: `$X` → `__MV_X`, `...` (not a spread) → `__ELLIPSIS__`. */
export function rewritePattern(src: string): string {
  return src.replace(/\$([A-Z_][A-Z0-9_]*)/g, `${MV_PREFIX}$1`).replace(/\.\.\.(?![\w$])/g, ELLIPSIS);
}

function isEllipsis(p: GNode): boolean {
  if (p.leaf) return !p.str && p.text === ELLIPSIS;
  return p.children.length === 1 && isEllipsis(p.children[0]!);
}

function metavar(p: GNode): string | undefined {
  if (p.leaf && !p.str && p.text.startsWith(MV_PREFIX)) return '$' + p.text.slice(MV_PREFIX.length);
  if (!p.leaf && p.children.length === 1 && /statement|Statement/.test(p.kind)) return metavar(p.children[0]!);
  return undefined;
}

function norm(s: string): string {
  return s.replace(/\s+/g, '');
}

/** Matches pattern node `p` against target `t`, extending `env`; null when they do not match. */
export function matchNode(p: GNode, t: GNode, env: Env): Env | null {
  if (isEllipsis(p)) return env;
  const mv = metavar(p);
  if (mv) {
    const bound = env[mv];
    if (bound) return norm(bound.text) === norm(t.text) ? env : null;
    return { ...env, [mv]: t };
  }
  if (p.str && t.str) {
    if (p.value === ELLIPSIS) return env;
    const m = /^__MV_([A-Z0-9_]+)$/.exec(p.value);
    if (m) {
      const name = '$' + m[1];
      const bound = env[name];
      if (bound) return bound.text === t.text ? env : null;
      return { ...env, [name]: t };
    }
    return p.value === t.value ? env : null;
  }
  if (p.kind !== t.kind) return null;
  if (p.leaf || p.children.length === 0) return p.text === t.text ? env : null;
  // `"..." + $X`: the left operand also matches a concatenation that starts with a string ("a" + x + "b" nests left)
  const l = p.children[0]!;
  if (/binary|Binary/.test(p.kind) && p.children.length === 3 && t.children.length === 3 && l.str && l.value === ELLIPSIS) {
    const tl = t.children[0]!;
    if (!tl.str && !(/binary|Binary/.test(tl.kind) && /^[fFrRbBuU]*["'`]/.test(tl.text))) return null;
    return matchList(p.children.slice(1), 0, t.children.slice(1), 0, env);
  }
  return matchList(p.children, 0, t.children, 0, env);
}

/** Matches a list of pattern nodes (with `...` gaps) against a whole list of target nodes. */
export function matchList(ps: GNode[], i: number, ts: GNode[], j: number, env: Env, prefix = false): Env | null {
  if (i === ps.length) return j === ts.length || prefix ? env : null;
  const p = ps[i]!;
  if (isEllipsis(p)) {
    for (let k = j; k <= ts.length; k++) {
      const r = matchList(ps, i + 1, ts, k, env, prefix);
      if (r) return r;
    }
    return null;
  }
  if (j >= ts.length) return null;
  const e = matchNode(p, ts[j]!, env);
  if (!e) return null;
  return matchList(ps, i + 1, ts, j + 1, e, prefix);
}

/** A match of a pattern in a file. */
export interface Match {
  startIndex: number;
  endIndex: number;
  node: GNode | undefined;
  env: Env;
}

/** All nodes of a tree, pre-order, with an index by kind for fast candidate lookup. */
export class TreeIndex {
  readonly all: GNode[] = [];
  readonly byKind = new Map<string, GNode[]>();
  constructor(readonly root: GNode) {
    const stack = [root];
    while (stack.length) {
      const n = stack.pop()!;
      this.all.push(n);
      const list = this.byKind.get(n.kind);
      if (list) list.push(n);
      else this.byKind.set(n.kind, [n]);
      for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]!);
    }
  }
}

/** A parsed pattern: one node, or a sequence of statements. */
export type CompiledPattern = { kind: 'node'; node: GNode } | { kind: 'seq'; nodes: GNode[] };

/** Finds every match of a compiled pattern in an indexed tree. */
export function findMatches(pat: CompiledPattern, idx: TreeIndex): Match[] {
  const out: Match[] = [];
  if (pat.kind === 'node') {
    const p = pat.node;
    const mv = metavar(p);
    const cands = mv || isEllipsis(p) ? idx.all : (idx.byKind.get(p.kind) ?? []);
    for (const t of cands) {
      const env = matchNode(p, t, {});
      if (env) out.push({ startIndex: t.startIndex, endIndex: t.endIndex, node: t, env });
    }
    return out;
  }
  const ps = pat.nodes;
  for (const parent of idx.all) {
    const kids = parent.children;
    if (kids.length === 0 || parent.leaf) continue;
    for (let s = 0; s < kids.length; s++) {
      let bestEnd = -1;
      let env: Env | null = null;
      // the match's end is the last statement matched by a non-ellipsis pattern element
      for (let e = kids.length; e > s; e--) {
        const r = matchList(ps, 0, kids.slice(s, e), 0, {}, false);
        if (r) {
          env = r;
          bestEnd = e;
          break;
        }
      }
      if (env && bestEnd > s) {
        const trailing = isEllipsis(ps[ps.length - 1]!);
        const last = trailing ? kids[kids.length - 1]! : kids[bestEnd - 1]!;
        out.push({ startIndex: kids[s]!.startIndex, endIndex: trailing ? Math.max(last.endIndex, parent.endIndex) : last.endIndex, node: undefined, env });
      }
    }
  }
  return out;
}
