/**
 * A small parser for GitHub Actions `${{ }}` expressions that keeps source offsets, so every finding
 * about an expression points at its exact line and column. The grammar: literals, context access with
 * `.name`, `[expr]` and `.*`, `!`, comparisons, `&&`, `||`, parentheses and function calls.
 */

/** One segment of a context access: `.name`, `['name']`, `[expr]` or `.*`. */
export interface Segment {
  /** Lower-cased name; `*` for a wildcard; `?` for a computed index. */
  name: string;
  /** Written with brackets and a string literal (`github['event']`). */
  bracket: boolean;
  /** The index expression when it is not a string literal. */
  index?: Expr;
}

/** An expression node; `start`/`end` are offsets in the source text given to {@link parseExpression}. */
export type Expr =
  | { kind: 'literal'; value: string | number | boolean | null; start: number; end: number }
  | { kind: 'access'; root: string; base?: Expr; segments: Segment[]; start: number; end: number }
  | { kind: 'call'; name: string; args: Expr[]; start: number; end: number }
  | { kind: 'unary'; op: '!'; arg: Expr; start: number; end: number }
  | { kind: 'binary'; op: string; left: Expr; right: Expr; start: number; end: number };

interface Token {
  type: 'ident' | 'string' | 'number' | 'op' | 'punct' | 'end';
  text: string;
  value?: string | number;
  start: number;
  end: number;
}

/** A syntax error in an expression, with the offset where it was found. */
export class ExprSyntaxError extends Error {
  /** Offset in the source text. */
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(message);
    this.offset = offset;
  }
}

function tokenize(src: string, from: number, to: number): Token[] {
  const out: Token[] = [];
  let i = from;
  while (i < to) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (c === "'") {
      let j = i + 1;
      let val = '';
      for (;;) {
        if (j >= to) throw new ExprSyntaxError('unterminated string', i);
        if (src[j] === "'") {
          if (src[j + 1] === "'") {
            val += "'";
            j += 2;
            continue;
          }
          break;
        }
        val += src[j];
        j++;
      }
      out.push({ type: 'string', text: src.slice(i, j + 1), value: val, start: i, end: j + 1 });
      i = j + 1;
      continue;
    }
    if (/[0-9]/.test(c) || (c === '-' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const m = /^-?(0x[0-9a-fA-F]+|[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?)/.exec(src.slice(i, to));
      const text = m ? m[0] : c;
      out.push({ type: 'number', text, value: Number(text), start: i, end: i + text.length });
      i += text.length;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < to && /[A-Za-z0-9_-]/.test(src[j]!)) j++;
      out.push({ type: 'ident', text: src.slice(i, j), start: i, end: j });
      i = j;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (['==', '!=', '<=', '>=', '&&', '||'].includes(two)) {
      out.push({ type: 'op', text: two, start: i, end: i + 2 });
      i += 2;
      continue;
    }
    if ('<>!'.includes(c)) {
      out.push({ type: 'op', text: c, start: i, end: i + 1 });
      i++;
      continue;
    }
    if ('.[](),*'.includes(c)) {
      out.push({ type: 'punct', text: c, start: i, end: i + 1 });
      i++;
      continue;
    }
    throw new ExprSyntaxError(`unexpected character '${c}'`, i);
  }
  out.push({ type: 'end', text: '', start: to, end: to });
  return out;
}

const PRECEDENCE: Record<string, number> = { '||': 1, '&&': 2, '==': 3, '!=': 3, '<': 4, '<=': 4, '>': 4, '>=': 4 };

/** Parses the expression in `src[from, to)`. Offsets in the result are offsets in `src`. */
export function parseExpression(src: string, from = 0, to = src.length): Expr {
  const toks = tokenize(src, from, to);
  let p = 0;
  const peek = (): Token => toks[p]!;
  const next = (): Token => toks[p++]!;
  const expect = (text: string): Token => {
    const t = next();
    if (t.text !== text) throw new ExprSyntaxError(`expected '${text}'`, t.start);
    return t;
  };

  function postfix(base: Expr): Expr {
    let node = base;
    for (;;) {
      const t = peek();
      if (t.text === '.' && t.type === 'punct') {
        next();
        const n = next();
        let seg: Segment;
        if (n.text === '*') seg = { name: '*', bracket: false };
        else if (n.type === 'ident') seg = { name: n.text.toLowerCase(), bracket: false };
        else throw new ExprSyntaxError('expected a property name', n.start);
        node = extend(node, seg, n.end);
      } else if (t.text === '[') {
        next();
        const inner = parseBinary(0);
        const close = expect(']');
        const seg: Segment =
          inner.kind === 'literal' && typeof inner.value === 'string'
            ? { name: inner.value.toLowerCase(), bracket: true }
            : inner.kind === 'literal' && typeof inner.value === 'number'
              ? { name: String(inner.value), bracket: true }
              : { name: '?', bracket: true, index: inner };
        node = extend(node, seg, close.end);
      } else return node;
    }
  }

  function extend(node: Expr, seg: Segment, end: number): Expr {
    if (node.kind === 'access') return { ...node, segments: [...node.segments, seg], end };
    return { kind: 'access', root: '', base: node, segments: [seg], start: node.start, end };
  }

  function primary(): Expr {
    const t = next();
    if (t.type === 'string') return { kind: 'literal', value: t.value as string, start: t.start, end: t.end };
    if (t.type === 'number') return { kind: 'literal', value: t.value as number, start: t.start, end: t.end };
    if (t.text === '(') {
      const e = parseBinary(0);
      expect(')');
      return postfix(e);
    }
    if (t.text === '!') {
      const arg = unary();
      return { kind: 'unary', op: '!', arg, start: t.start, end: arg.end };
    }
    if (t.type === 'ident') {
      const lower = t.text.toLowerCase();
      if (lower === 'true' || lower === 'false') return { kind: 'literal', value: lower === 'true', start: t.start, end: t.end };
      if (lower === 'null') return { kind: 'literal', value: null, start: t.start, end: t.end };
      if (peek().text === '(') {
        next();
        const args: Expr[] = [];
        if (peek().text !== ')') {
          for (;;) {
            args.push(parseBinary(0));
            if (peek().text === ',') {
              next();
              continue;
            }
            break;
          }
        }
        const close = expect(')');
        return postfix({ kind: 'call', name: lower, args, start: t.start, end: close.end });
      }
      return postfix({ kind: 'access', root: lower, segments: [], start: t.start, end: t.end });
    }
    throw new ExprSyntaxError(t.type === 'end' ? 'unexpected end of expression' : `unexpected '${t.text}'`, t.start);
  }

  function unary(): Expr {
    return primary();
  }

  function parseBinary(minPrec: number): Expr {
    let left = unary();
    for (;;) {
      const t = peek();
      const prec = t.type === 'op' ? PRECEDENCE[t.text] : undefined;
      if (prec === undefined || prec <= minPrec - 1 || prec < minPrec) return left;
      next();
      const right = parseBinary(prec + 1);
      left = { kind: 'binary', op: t.text, left, right, start: left.start, end: right.end };
    }
  }

  const e = parseBinary(0);
  const rest = peek();
  if (rest.type !== 'end') throw new ExprSyntaxError(`unexpected '${rest.text}'`, rest.start);
  return e;
}

/** One `${{ ... }}` occurrence found in a text. */
export interface Occurrence {
  /** Offset of `${{`. */
  start: number;
  /** Offset just after `}}`. */
  end: number;
  /** Offsets of the body between the braces. */
  bodyStart: number;
  bodyEnd: number;
  /** The raw body text, trimmed. */
  text: string;
  /** The parsed body, or undefined when it does not parse. */
  expr?: Expr;
  error?: ExprSyntaxError;
}

/** Finds every `${{ }}` in `src[from, to)`, honouring `'...'` strings inside the braces. */
export function findExpressions(src: string, from = 0, to = src.length): Occurrence[] {
  const out: Occurrence[] = [];
  let i = src.indexOf('${{', from);
  while (i !== -1 && i < to) {
    const bodyStart = i + 3;
    let j = bodyStart;
    let inStr = false;
    let close = -1;
    while (j < to) {
      const c = src[j];
      if (inStr) {
        if (c === "'") inStr = false;
      } else if (c === "'") inStr = true;
      else if (c === '}' && src[j + 1] === '}') {
        close = j;
        break;
      }
      j++;
    }
    if (close === -1) break;
    const occ: Occurrence = { start: i, end: close + 2, bodyStart, bodyEnd: close, text: src.slice(bodyStart, close).trim() };
    try {
      occ.expr = parseExpression(src, bodyStart, close);
    } catch (err) {
      if (err instanceof ExprSyntaxError) occ.error = err;
      else throw err;
    }
    out.push(occ);
    i = src.indexOf('${{', close + 2);
  }
  return out;
}

/** Calls `fn` for every node of `e`, parents first. */
export function walk(e: Expr, fn: (n: Expr) => void): void {
  fn(e);
  switch (e.kind) {
    case 'access':
      if (e.base) walk(e.base, fn);
      for (const s of e.segments) if (s.index) walk(s.index, fn);
      break;
    case 'call':
      for (const a of e.args) walk(a, fn);
      break;
    case 'unary':
      walk(e.arg, fn);
      break;
    case 'binary':
      walk(e.left, fn);
      walk(e.right, fn);
      break;
    default:
  }
}

/** The dotted, lower-cased path of a context access (`github.event.issue.title`), or undefined for a computed base. */
export function accessPath(e: Expr): string[] | undefined {
  if (e.kind !== 'access' || e.base) return undefined;
  return [e.root, ...e.segments.map((s) => s.name)];
}

/** Every context access in `e` whose root is a context name (not a function result). */
export function contextAccesses(e: Expr): { path: string[]; node: Expr & { kind: 'access' } }[] {
  const out: { path: string[]; node: Expr & { kind: 'access' } }[] = [];
  walk(e, (n) => {
    if (n.kind === 'access' && !n.base) out.push({ path: [n.root, ...n.segments.map((s) => s.name)], node: n });
  });
  return out;
}
