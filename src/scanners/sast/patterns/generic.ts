import { LineIndex } from '../../../core/lines.js';
import type { Env, GNode, Match } from './gnode.js';

/*
 * Semgrep's generic matcher (spacegrep), for `languages: [generic]`: the pattern and the text are read as tokens
 * (words of letters, digits and `_`; every other visible character alone), so spacing and line breaks do not
 * matter and a word never matches part of a longer word. `...` skips any tokens, lazily, but never past a closing
 * bracket it did not open and never more than 10 lines; `$X` matches one word (the same word wherever `$X` recurs);
 * `$...X` skips like `...` and binds what it skipped. Everything else must appear in order.
 */

interface Tok {
  t: string;
  start: number;
  end: number;
  line: number;
}

/** A pattern element. */
type PTok = { k: 'lit'; t: string } | { k: 'ell'; name: string | undefined } | { k: 'mv'; name: string };

/** A compiled generic pattern. */
export interface GenericPattern {
  toks: PTok[];
}

const WORD = /[A-Za-z0-9_]/;
/** How many lines an ellipsis may span (Semgrep's default for generic patterns). */
const ELLIPSIS_LINES = 10;
/** Steps one match attempt may take before it gives up (a pattern with many ellipses on a long line). */
const BUDGET = 20_000;

function tokenize(text: string, lo = 0, hi = text.length): Tok[] {
  const out: Tok[] = [];
  let line = 1;
  for (let i = 0; i < lo; i++) if (text.charCodeAt(i) === 10) line++;
  let i = lo;
  while (i < hi) {
    const c = text[i]!;
    if (c === '\n') {
      line++;
      i++;
    } else if (/\s/.test(c)) i++;
    else if (WORD.test(c)) {
      let j = i + 1;
      while (j < hi && WORD.test(text[j]!)) j++;
      out.push({ t: text.slice(i, j), start: i, end: j, line });
      i = j;
    } else {
      out.push({ t: c, start: i, end: i + 1, line });
      i++;
    }
  }
  return out;
}

/** Reads a generic pattern. */
export function compileGeneric(src: string): GenericPattern {
  const toks: PTok[] = [];
  const re = /\$\.\.\.([A-Z_][A-Z0-9_]*)|\.\.\.|\$([A-Z_][A-Z0-9_]*)|[A-Za-z0-9_]+|\S/g;
  for (const m of src.matchAll(re)) {
    if (m[1]) toks.push({ k: 'ell', name: '$' + m[1] });
    else if (m[0] === '...') toks.push({ k: 'ell', name: undefined });
    else if (m[2]) toks.push({ k: 'mv', name: '$' + m[2] });
    else toks.push({ k: 'lit', t: m[0] });
  }
  // leading and trailing anonymous ellipses change only where a match starts or ends: matches are kept tight
  while (toks[0]?.k === 'ell' && !toks[0].name) toks.shift();
  while (toks[toks.length - 1]?.k === 'ell' && !(toks[toks.length - 1] as { name?: string }).name) toks.pop();
  if (!toks.some((t) => t.k !== 'ell')) throw new Error('a generic pattern needs at least one word, symbol or metavariable');
  return { toks };
}

const OPEN: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
const CLOSE = new Set([')', ']', '}']);

function tokNode(text: string, a: Tok, b: Tok | undefined, starts: (i: number) => { line: number; col: number }): GNode {
  const start = a.start;
  const end = b ? b.end : a.end;
  const s = starts(start);
  const e = starts(end);
  const t = text.slice(start, end);
  return {
    kind: 'generic', children: [], text: t, leaf: true, str: false, value: t, startIndex: start, endIndex: end,
    startLine: s.line, startColumn: s.col, endLine: e.line, endColumn: e.col, ty: undefined, cast: undefined, decos: undefined, qual: undefined,
  };
}

function emptyAt(at: number, starts: (i: number) => { line: number; col: number }): GNode {
  const s = starts(at);
  return {
    kind: 'generic', children: [], text: '', leaf: true, str: false, value: '', startIndex: at, endIndex: at,
    startLine: s.line, startColumn: s.col, endLine: s.line, endColumn: s.col, ty: undefined, cast: undefined, decos: undefined, qual: undefined,
  };
}

/** Every match of a generic pattern in `text` (or in `[lo, hi)` of it); a match that starts inside an earlier one is dropped. */
export function genericMatches(p: GenericPattern, text: string, range?: [number, number], seed: Env = {}): Match[] {
  const [lo, hi] = range ?? [0, text.length];
  const toks = tokenize(text, lo, hi);
  const lines = new LineIndex(text);
  const pos = (i: number) => {
    const { line, column } = lines.at(i);
    return { line, col: column };
  };
  const pt = p.toks;
  let steps = 0;
  /** Matches pattern elements from `i` at token `j`: the index after the last token consumed, and the bindings. */
  const go = (i: number, j: number, env: Env): { end: number; env: Env } | null => {
    if (++steps > BUDGET) return null;
    if (i === pt.length) return { end: j, env };
    const e = pt[i]!;
    if (e.k === 'lit') return j < toks.length && toks[j]!.t === e.t ? go(i + 1, j + 1, env) : null;
    if (e.k === 'mv') {
      const t = toks[j];
      if (!t || !WORD.test(t.t[0]!)) return null;
      const bound = env[e.name];
      if (bound) return bound.text === t.t ? go(i + 1, j + 1, env) : null;
      return go(i + 1, j + 1, { ...env, [e.name]: tokNode(text, t, undefined, pos) });
    }
    // an ellipsis: as few tokens as will do, within brackets it opened and a few lines
    const firstLine = j > 0 ? toks[j - 1]!.line : (toks[j]?.line ?? 0);
    const stack: string[] = [];
    for (let k = j; k <= toks.length; k++) {
      let env2: Env | null = env;
      if (e.name) {
        const span = k > j ? tokNode(text, toks[j]!, toks[k - 1]!, pos) : emptyAt(toks[j]?.start ?? hi, pos);
        const bound = env[e.name];
        env2 = bound ? (bound.text.replace(/\s+/g, '') === span.text.replace(/\s+/g, '') ? env : null) : { ...env, [e.name]: span };
      }
      if (env2) {
        const r = go(i + 1, k, env2);
        if (r) return r;
      }
      if (k === toks.length) break;
      const t = toks[k]!;
      if (t.line - firstLine > ELLIPSIS_LINES) break;
      if (OPEN[t.t]) stack.push(OPEN[t.t]!);
      else if (CLOSE.has(t.t) && stack.pop() !== t.t) break;
    }
    return null;
  };
  const out: Match[] = [];
  let after = -1;
  for (let j = 0; j < toks.length; j++) {
    if (toks[j]!.start < after) continue;
    steps = 0;
    const r = go(0, j, seed);
    if (!r) continue;
    if (r.end === j) continue;
    const first = toks[j]!;
    const last = toks[r.end - 1]!;
    out.push({ startIndex: first.start, endIndex: last.end, node: undefined, env: r.env });
    after = last.end;
  }
  return out;
}
