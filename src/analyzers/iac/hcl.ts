/**
 * A tokenizer and parser for the HCL subset Terraform files use: blocks, attributes, literals, templates,
 * heredocs, tuples, objects, function calls; anything else (references, operators, `for` expressions) is kept
 * as raw text. Every node keeps its source offsets.
 */
import type { FileAnalyzer } from '../../core/types.js';

/** Source offsets `[start, end)`. */
export type Range = [number, number];

/** An HCL expression. */
export type Expr =
  | { kind: 'string'; value: string; template: boolean; range: Range; /** Offset of the first content character. */ contentStart: number }
  | { kind: 'heredoc'; value: string; range: Range; contentStart: number; /** The body as in the source (indentation kept). */ raw: string }
  | { kind: 'number'; value: number; range: Range }
  | { kind: 'bool'; value: boolean; range: Range }
  | { kind: 'null'; range: Range }
  | { kind: 'tuple'; items: Expr[]; range: Range }
  | { kind: 'object'; items: ObjectItem[]; range: Range }
  | { kind: 'call'; name: string; args: Expr[]; range: Range }
  | { kind: 'raw'; text: string; range: Range };

/** One `key = value` of an object expression. */
export interface ObjectItem {
  key: string;
  keyRange: Range;
  value: Expr;
}

/** `name = value` in a body. */
export interface Attribute {
  name: string;
  nameRange: Range;
  value: Expr;
  range: Range;
}

/** `type "label" { ... }`. */
export interface Block {
  type: string;
  labels: string[];
  body: Body;
  /** From the type to the last label. */
  headerRange: Range;
  range: Range;
}

/** A body: attributes and nested blocks, in source order. */
export interface Body {
  attributes: Attribute[];
  blocks: Block[];
}

/** A syntax error with its offset. */
export class HclError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

type TokKind = 'ident' | 'number' | 'string' | 'heredoc' | 'punct' | 'nl' | 'eof';
interface Tok {
  kind: TokKind;
  text: string;
  start: number;
  end: number;
  /** For strings/heredocs: the decoded-ish content and where it starts. */
  value?: string;
  contentStart?: number;
  raw?: string;
}

const PUNCT3 = ['...'];
const PUNCT2 = ['==', '!=', '<=', '>=', '&&', '||', '=>', '::'];

/** Splits HCL source into tokens. Throws {@link HclError}. */
export function tokenize(src: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  const n = src.length;
  while (i < n) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\r' || c === '\uFEFF') {
      i++;
      continue;
    }
    if (c === '\n') {
      toks.push({ kind: 'nl', text: '\n', start: i, end: i + 1 });
      i++;
      continue;
    }
    if (c === '#' || (c === '/' && src[i + 1] === '/')) {
      while (i < n && src[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && src[i + 1] === '*') {
      const e = src.indexOf('*/', i + 2);
      if (e < 0) throw new HclError('unterminated comment', i);
      // Keep line structure: a block comment spanning lines acts as a newline.
      if (src.slice(i, e).includes('\n')) toks.push({ kind: 'nl', text: '\n', start: i, end: e + 2 });
      i = e + 2;
      continue;
    }
    if (c === '<' && src[i + 1] === '<' && /[-A-Za-z_]/.test(src[i + 2] ?? '')) {
      const m = /^<<(-?)([A-Za-z_][A-Za-z0-9_-]*)[ \t]*\r?\n/.exec(src.slice(i, i + 200));
      if (m) {
        const bodyStart = i + m[0].length;
        let p = bodyStart;
        let end = -1;
        while (p <= n) {
          const le = src.indexOf('\n', p);
          const line = src.slice(p, le < 0 ? n : le).replace(/\r$/, '');
          if (line.trim() === m[2]) {
            end = p;
            break;
          }
          if (le < 0) break;
          p = le + 1;
        }
        if (end < 0) throw new HclError(`heredoc ${m[2]} is not terminated`, i);
        const closeEnd = src.indexOf(m[2]!, end) + m[2]!.length;
        let body = src.slice(bodyStart, end);
        if (m[1] === '-') {
          const ls = body.split('\n');
          const ind = Math.min(...ls.filter((l) => l.trim()).map((l) => /^[ \t]*/.exec(l)![0].length));
          if (Number.isFinite(ind)) body = ls.map((l) => l.slice(ind)).join('\n');
        }
        toks.push({ kind: 'heredoc', text: src.slice(i, closeEnd), start: i, end: closeEnd, value: body, contentStart: bodyStart, raw: src.slice(bodyStart, end) });
        i = closeEnd;
        continue;
      }
    }
    if (c === '"') {
      const start = i;
      i++;
      let depth = 0;
      let value = '';
      for (;;) {
        if (i >= n) throw new HclError('unterminated string', start);
        const ch = src[i]!;
        if (depth === 0 && ch === '\n') throw new HclError('newline in string', start);
        if (ch === '\\') {
          const nx = src[i + 1] ?? '';
          value += nx === 'n' ? '\n' : nx === 't' ? '\t' : nx;
          i += 2;
          continue;
        }
        if ((ch === '$' || ch === '%') && src[i + 1] === '{' && depth === 0) {
          if (src[i - 1] === ch && src[i - 2] !== ch) {
            // $${ escape
            value += '{';
            i += 2;
            continue;
          }
          depth = 1;
          value += ch + '{';
          i += 2;
          continue;
        }
        if (depth > 0) {
          if (ch === '{') depth++;
          else if (ch === '}') depth--;
          else if (ch === '"') {
            // nested string inside interpolation
            const close = skipNestedString(src, i);
            value += src.slice(i, close);
            i = close;
            continue;
          }
          value += ch;
          i++;
          continue;
        }
        if (ch === '"') {
          i++;
          break;
        }
        value += ch;
        i++;
      }
      toks.push({ kind: 'string', text: src.slice(start, i), start, end: i, value, contentStart: start + 1 });
      continue;
    }
    if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/.exec(src.slice(i, i + 64))!;
      toks.push({ kind: 'number', text: m[0], start: i, end: i + m[0].length });
      i += m[0].length;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(src.slice(i, i + 256))!;
      toks.push({ kind: 'ident', text: m[0], start: i, end: i + m[0].length });
      i += m[0].length;
      continue;
    }
    const three = src.slice(i, i + 3);
    const two = src.slice(i, i + 2);
    const p = PUNCT3.includes(three) ? three : PUNCT2.includes(two) ? two : c;
    if (!/^[{}[\]()=,:?.*+\-/%<>!&|]+$/.test(p)) throw new HclError(`unexpected character ${JSON.stringify(c)}`, i);
    toks.push({ kind: 'punct', text: p, start: i, end: i + p.length });
    i += p.length;
  }
  toks.push({ kind: 'eof', text: '', start: n, end: n });
  return toks;
}

function skipNestedString(src: string, i: number): number {
  let j = i + 1;
  let depth = 0;
  while (j < src.length) {
    const ch = src[j]!;
    if (ch === '\\') {
      j += 2;
      continue;
    }
    if (ch === '$' && src[j + 1] === '{') {
      depth++;
      j += 2;
      continue;
    }
    if (depth > 0 && ch === '}') depth--;
    else if (depth === 0 && ch === '"') return j + 1;
    j++;
  }
  return j;
}

/** The shared per-scan parse of a Terraform file (iac, exposure); a syntax error is thrown again to each asker. */
export const hclAnalyzer: FileAnalyzer<Body> = { id: 'hcl', analyze: (_path, text) => parseHcl(text) };

/** Parses an HCL file into its top-level body. Throws {@link HclError} with an offset. */
export function parseHcl(src: string): Body {
  const toks = tokenize(src);
  let p = 0;
  const peek = (k = 0) => toks[Math.min(p + k, toks.length - 1)]!;
  const next = () => toks[p++]!;
  const skipNl = () => {
    while (peek().kind === 'nl') p++;
  };
  const expect = (text: string) => {
    const t = next();
    if (t.text !== text || (t.kind !== 'punct' && text !== '')) throw new HclError(`expected ${JSON.stringify(text)}, found ${JSON.stringify(t.text || 'end of file')}`, t.start);
    return t;
  };

  function body(closing: boolean): Body {
    const out: Body = { attributes: [], blocks: [] };
    for (;;) {
      skipNl();
      const t = peek();
      if (t.kind === 'eof') {
        if (closing) throw new HclError('missing "}"', t.start);
        return out;
      }
      if (t.kind === 'punct' && t.text === '}') {
        if (!closing) throw new HclError('unexpected "}"', t.start);
        return out;
      }
      if (t.kind !== 'ident') throw new HclError(`expected an attribute or block name, found ${JSON.stringify(t.text)}`, t.start);
      next();
      if (peek().kind === 'punct' && peek().text === '=') {
        next();
        const value = expr(false);
        out.attributes.push({ name: t.text, nameRange: [t.start, t.end], value, range: [t.start, value.range[1]] });
        const after = peek();
        if (after.kind !== 'nl' && after.kind !== 'eof' && !(after.kind === 'punct' && after.text === '}')) throw new HclError(`unexpected ${JSON.stringify(after.text)} after attribute ${t.text}`, after.start);
        continue;
      }
      const labels: string[] = [];
      let headerEnd = t.end;
      while (peek().kind === 'string' || peek().kind === 'ident') {
        const l = next();
        labels.push(l.kind === 'string' ? l.value! : l.text);
        headerEnd = l.end;
      }
      expect('{');
      const b = body(true);
      const close = expect('}');
      out.blocks.push({ type: t.text, labels, body: b, headerRange: [t.start, headerEnd], range: [t.start, close.end] });
    }
  }

  const CLOSERS = new Set([')', ']', '}', ',']);
  const OPS = new Set(['.', '[', '?', ':', '==', '!=', '<', '>', '<=', '>=', '&&', '||', '+', '-', '*', '/', '%', '...', '=>']);
  /** Parses one expression; in `nested` mode newlines inside do not end it. */
  function expr(nested: boolean): Expr {
    const start = peek().start;
    const e = primary(nested);
    const t = peek();
    const stops = (x: Tok) => x.kind === 'eof' || (x.kind === 'nl' && !nested) || (x.kind === 'punct' && (CLOSERS.has(x.text) || (nested && (x.text === '=' || x.text === ':' || x.text === '=>'))));
    if (stops(t) || (t.kind === 'nl' && nested)) return e;
    // Anything more must start with an operator or a traversal; then it is consumed to the end as raw text.
    if (t.kind !== 'punct' || !OPS.has(t.text)) throw new HclError(`unexpected ${JSON.stringify(t.text)} after an expression`, t.start);
    let depth = 0;
    let end = e.range[1];
    for (;;) {
      const x = peek();
      if (x.kind === 'eof') break;
      if (depth === 0 && (x.kind === 'nl' ? !nested : x.kind === 'punct' && (CLOSERS.has(x.text) || (nested && (x.text === '=' || x.text === '=>'))))) break;
      if (depth === 0 && nested && x.kind === 'nl') break;
      if (x.kind === 'punct' && (x.text === '(' || x.text === '[' || x.text === '{')) depth++;
      if (x.kind === 'punct' && (x.text === ')' || x.text === ']' || x.text === '}')) depth--;
      end = x.end;
      next();
    }
    return { kind: 'raw', text: src.slice(start, end), range: [start, end] };
  }

  function balancedRaw(open: Tok, closeText: string): Expr {
    let depth = 1;
    for (;;) {
      const x = next();
      if (x.kind === 'eof') throw new HclError(`missing ${JSON.stringify(closeText)}`, open.start);
      if (x.kind === 'punct' && (x.text === '(' || x.text === '[' || x.text === '{')) depth++;
      if (x.kind === 'punct' && (x.text === ')' || x.text === ']' || x.text === '}')) {
        depth--;
        if (depth === 0) return { kind: 'raw', text: src.slice(open.start, x.end), range: [open.start, x.end] };
      }
    }
  }

  function primary(nested: boolean): Expr {
    const t = next();
    switch (t.kind) {
      case 'string':
        return { kind: 'string', value: t.value!, template: /[$%]\{/.test(t.value!), range: [t.start, t.end], contentStart: t.contentStart! };
      case 'heredoc':
        return { kind: 'heredoc', value: t.value!, range: [t.start, t.end], contentStart: t.contentStart!, raw: t.raw! };
      case 'number':
        return { kind: 'number', value: Number(t.text), range: [t.start, t.end] };
      case 'ident': {
        if (t.text === 'true' || t.text === 'false') return { kind: 'bool', value: t.text === 'true', range: [t.start, t.end] };
        if (t.text === 'null') return { kind: 'null', range: [t.start, t.end] };
        if (peek().kind === 'punct' && peek().text === '(') {
          next();
          const args: Expr[] = [];
          for (;;) {
            skipNl();
            if (peek().kind === 'punct' && peek().text === ')') break;
            args.push(expr(true));
            skipNl();
            if (peek().kind === 'punct' && peek().text === ',') next();
            else if (peek().kind === 'punct' && peek().text === '...') next();
            else if (!(peek().kind === 'punct' && peek().text === ')')) throw new HclError(`expected "," or ")" in call to ${t.text}`, peek().start);
          }
          const close = next();
          return { kind: 'call', name: t.text, args, range: [t.start, close.end] };
        }
        return { kind: 'raw', text: t.text, range: [t.start, t.end] };
      }
      case 'punct': {
        if (t.text === '[') {
          skipNl();
          if (peek().kind === 'ident' && peek().text === 'for') return balancedRaw(t, ']');
          const itemsOut: Expr[] = [];
          for (;;) {
            skipNl();
            if (peek().kind === 'punct' && peek().text === ']') break;
            itemsOut.push(expr(true));
            skipNl();
            if (peek().kind === 'punct' && peek().text === ',') next();
            else if (!(peek().kind === 'punct' && peek().text === ']')) throw new HclError('expected "," or "]" in list', peek().start);
          }
          const close = next();
          return { kind: 'tuple', items: itemsOut, range: [t.start, close.end] };
        }
        if (t.text === '{') {
          skipNl();
          if (peek().kind === 'ident' && peek().text === 'for') return balancedRaw(t, '}');
          const itemsOut: ObjectItem[] = [];
          for (;;) {
            skipNl();
            if (peek().kind === 'punct' && peek().text === '}') break;
            const k = expr(true);
            const key = k.kind === 'string' ? k.value : k.kind === 'raw' ? k.text.replace(/^\(|\)$/g, '') : k.kind === 'number' || k.kind === 'bool' ? String(k.value) : '';
            const sep = next();
            if (!(sep.kind === 'punct' && (sep.text === '=' || sep.text === ':'))) throw new HclError('expected "=" or ":" in object', sep.start);
            skipNl();
            const v = expr(true);
            itemsOut.push({ key, keyRange: k.range, value: v });
            if (peek().kind === 'punct' && peek().text === ',') next();
            else if (peek().kind !== 'nl' && !(peek().kind === 'punct' && peek().text === '}')) throw new HclError('expected "," or newline in object', peek().start);
          }
          const close = next();
          return { kind: 'object', items: itemsOut, range: [t.start, close.end] };
        }
        if (t.text === '(') return balancedRaw(t, ')');
        if (t.text === '-' || t.text === '!') {
          const inner = primary(nested);
          if (t.text === '-' && inner.kind === 'number') return { kind: 'number', value: -inner.value, range: [t.start, inner.range[1]] };
          return { kind: 'raw', text: src.slice(t.start, inner.range[1]), range: [t.start, inner.range[1]] };
        }
        if (t.text === '*') return { kind: 'raw', text: '*', range: [t.start, t.end] };
        throw new HclError(`unexpected ${JSON.stringify(t.text)}`, t.start);
      }
      default:
        throw new HclError(t.kind === 'eof' ? 'unexpected end of file' : `unexpected ${JSON.stringify(t.text)}`, t.start);
    }
  }

  return body(false);
}

/** The attribute `name` of a body. */
export function attr(b: Body | undefined, name: string): Attribute | undefined {
  return b?.attributes.find((a) => a.name === name);
}

/** Nested blocks of a type. */
export function blocksOf(b: Body | undefined, type: string): Block[] {
  return b ? b.blocks.filter((x) => x.type === type) : [];
}

/** A literal string, number or bool as a string; templates give their raw text. */
export function scalar(e: Expr | undefined): string | undefined {
  if (!e) return undefined;
  if (e.kind === 'string' || e.kind === 'heredoc') return e.value;
  if (e.kind === 'number' || e.kind === 'bool') return String(e.value);
  return undefined;
}

/** The elements of a tuple (or a single scalar as a one-element list). */
export function listOf(e: Expr | undefined): Expr[] {
  if (!e) return [];
  if (e.kind === 'tuple') return e.items;
  if (e.kind === 'call' && (e.name === 'concat' || e.name === 'tolist' || e.name === 'toset' || e.name === 'distinct' || e.name === 'flatten')) return e.args.flatMap(listOf);
  return [e];
}

/** Port range of a rule; `all` when every port. */
export interface PortRange {
  from: number;
  to: number;
}

/** Parses `22`, `"22"`, `"8000-8080"`, `"*"` into a range. */
export function portRange(s: string | undefined): PortRange | undefined {
  if (s === undefined) return undefined;
  const t = s.trim();
  if (t === '*' || t === '') return { from: 0, to: 65535 };
  const m = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(t);
  if (!m) return undefined;
  return { from: Number(m[1]), to: Number(m[2] ?? m[1]) };
}
