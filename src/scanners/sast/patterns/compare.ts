/*
 * `metavariable-comparison`: a small parser and evaluator for the subset of Semgrep's comparison language (a
 * Python-like expression) real rules use: numbers, strings, metavariables, `+ - * / // % **`, `== != < <= > >=`
 * (chained as in Python), `in`/`not in` on strings and lists, `and`/`or`/`not`, `True`/`False`/`None`, and the
 * functions `int()`, `float()`, `str()`, `len()`, `re.match()`. Nothing is evaluated with `eval`; a name outside
 * this set is a parse error (the rule is skipped with a warning).
 */

import { userRegExp } from '../../../core/linear-regex.js';

/** A value of the comparison language. */
export type CValue = number | string | boolean | null | CValue[];

/** A parsed comparison expression. */
export type CExpr =
  | { k: 'lit'; v: CValue }
  | { k: 'mv'; name: string }
  | { k: 'list'; items: CExpr[] }
  | { k: 'not'; e: CExpr }
  | { k: 'neg'; e: CExpr }
  | { k: 'bool'; op: 'and' | 'or'; l: CExpr; r: CExpr }
  | { k: 'bin'; op: string; l: CExpr; r: CExpr }
  | { k: 'cmp'; first: CExpr; rest: { op: string; e: CExpr }[] }
  | { k: 'call'; fn: string; args: CExpr[] };

const FUNCS = new Set(['int', 'float', 'str', 'len', 're.match', 're.search']);

interface Tok {
  t: 'num' | 'str' | 'mv' | 'name' | 'op' | 'end';
  v: string;
}

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const rest = src.slice(i);
    let m: RegExpExecArray | null;
    if ((m = /^(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|\d[\d_]*(\.\d+)?([eE][-+]?\d+)?|\.\d+)/.exec(rest))) out.push({ t: 'num', v: m[0] });
    else if ((m = /^[rRbBuU]?("([^"\\]|\\.)*"|'([^'\\]|\\.)*')/.exec(rest))) out.push({ t: 'str', v: m[0] });
    else if ((m = /^\$[A-Z_][A-Z0-9_]*/.exec(rest))) out.push({ t: 'mv', v: m[0] });
    else if ((m = /^[A-Za-z_][\w]*(\.[A-Za-z_]\w*)*/.exec(rest))) out.push({ t: 'name', v: m[0] });
    else if ((m = /^(\*\*|\/\/|==|!=|<=|>=|[-+*/%<>(),[\]])/.exec(rest))) out.push({ t: 'op', v: m[0] });
    else throw new Error(`unexpected \`${c}\` at ${i + 1}`);
    i += m[0].length;
  }
  out.push({ t: 'end', v: '' });
  return out;
}

function unquote(s: string): string {
  const raw = /^[rR]/.test(s);
  const body = s.replace(/^[rRbBuU]?/, '').slice(1, -1);
  if (raw) return body;
  return body.replace(/\\(.)/g, (_m, c: string) => ({ n: '\n', t: '\t', r: '\r', '0': '\0' })[c] ?? c);
}

function parseNumber(s: string): number {
  const t = s.replace(/_/g, '');
  if (/^0[xX]/.test(t)) return parseInt(t.slice(2), 16);
  if (/^0[oO]/.test(t)) return parseInt(t.slice(2), 8);
  if (/^0[bB]/.test(t)) return parseInt(t.slice(2), 2);
  return Number(t);
}

/** Parses a comparison; throws with a short reason when it is outside the subset. */
export function parseComparison(src: string): CExpr {
  const toks = tokenize(src);
  let p = 0;
  const peek = () => toks[p]!;
  const eat = (v: string): boolean => {
    const t = toks[p]!;
    if ((t.t === 'op' || t.t === 'name') && t.v === v) {
      p++;
      return true;
    }
    return false;
  };
  const expect = (v: string) => {
    if (!eat(v)) throw new Error(`expected \`${v}\` near \`${peek().v || 'end'}\``);
  };
  const orE = (): CExpr => {
    let l = andE();
    while (eat('or')) l = { k: 'bool', op: 'or', l, r: andE() };
    return l;
  };
  const andE = (): CExpr => {
    let l = notE();
    while (eat('and')) l = { k: 'bool', op: 'and', l, r: notE() };
    return l;
  };
  const notE = (): CExpr => (eat('not') ? { k: 'not', e: notE() } : cmpE());
  const cmpOp = (): string | undefined => {
    const t = peek();
    if (t.t === 'op' && ['==', '!=', '<', '<=', '>', '>='].includes(t.v)) {
      p++;
      return t.v;
    }
    if (t.t === 'name' && t.v === 'in') {
      p++;
      return 'in';
    }
    if (t.t === 'name' && t.v === 'not' && toks[p + 1]?.t === 'name' && toks[p + 1]!.v === 'in') {
      p += 2;
      return 'not in';
    }
    return undefined;
  };
  const cmpE = (): CExpr => {
    const first = addE();
    const rest: { op: string; e: CExpr }[] = [];
    for (let op = cmpOp(); op; op = cmpOp()) rest.push({ op, e: addE() });
    return rest.length ? { k: 'cmp', first, rest } : first;
  };
  const addE = (): CExpr => {
    let l = mulE();
    for (;;) {
      const t = peek();
      if (t.t === 'op' && (t.v === '+' || t.v === '-')) {
        p++;
        l = { k: 'bin', op: t.v, l, r: mulE() };
      } else return l;
    }
  };
  const mulE = (): CExpr => {
    let l = unary();
    for (;;) {
      const t = peek();
      if (t.t === 'op' && ['*', '/', '//', '%'].includes(t.v)) {
        p++;
        l = { k: 'bin', op: t.v, l, r: unary() };
      } else return l;
    }
  };
  const unary = (): CExpr => {
    if (eat('-')) return { k: 'neg', e: unary() };
    if (eat('+')) return unary();
    const b = primary();
    if (eat('**')) return { k: 'bin', op: '**', l: b, r: unary() };
    return b;
  };
  const args = (close: string): CExpr[] => {
    const out: CExpr[] = [];
    if (eat(close)) return out;
    do out.push(orE());
    while (eat(','));
    expect(close);
    return out;
  };
  const primary = (): CExpr => {
    const t = peek();
    p++;
    if (t.t === 'num') return { k: 'lit', v: parseNumber(t.v) };
    if (t.t === 'str') return { k: 'lit', v: unquote(t.v) };
    if (t.t === 'mv') return { k: 'mv', name: t.v };
    if (t.t === 'op' && t.v === '(') {
      const e = orE();
      expect(')');
      return e;
    }
    if (t.t === 'op' && t.v === '[') return { k: 'list', items: args(']') };
    if (t.t === 'name') {
      if (t.v === 'True') return { k: 'lit', v: true };
      if (t.v === 'False') return { k: 'lit', v: false };
      if (t.v === 'None') return { k: 'lit', v: null };
      if (FUNCS.has(t.v) && eat('(')) return { k: 'call', fn: t.v, args: args(')') };
      throw new Error(`unsupported name \`${t.v}\``);
    }
    throw new Error(`unexpected \`${t.v || 'end'}\``);
  };
  const e = orE();
  if (peek().t !== 'end') throw new Error(`unexpected \`${peek().v}\``);
  return e;
}

/** Thrown when an operation does not apply to its operands: the comparison is then false. */
class TypeMismatch extends Error {}

function num(v: CValue): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  throw new TypeMismatch();
}

function truthy(v: CValue): boolean {
  if (Array.isArray(v)) return v.length > 0;
  return !!v;
}

function eq(a: CValue, b: CValue): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => eq(x, b[i]!));
  return a === b;
}

function toInt(v: CValue, base = 10): number {
  if (typeof v === 'number') return Math.trunc(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const s = v.trim().replace(/_/g, '');
    const m = base === 10 ? /^[-+]?\d+$/.exec(s) : /^[-+]?[0-9a-zA-Z]+$/.exec(s);
    if (!m) throw new TypeMismatch();
    const n = parseInt(s, base);
    if (Number.isNaN(n)) throw new TypeMismatch();
    return n;
  }
  throw new TypeMismatch();
}

function str(v: CValue): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (Array.isArray(v)) return '[' + v.map(str).join(', ') + ']';
  return String(v);
}

function evalE(e: CExpr, mv: (name: string) => CValue | undefined): CValue {
  switch (e.k) {
    case 'lit':
      return e.v;
    case 'mv': {
      const v = mv(e.name);
      if (v === undefined) throw new TypeMismatch();
      return v;
    }
    case 'list':
      return e.items.map((x) => evalE(x, mv));
    case 'not':
      return !truthy(evalE(e.e, mv));
    case 'neg':
      return -num(evalE(e.e, mv));
    case 'bool': {
      const l = evalE(e.l, mv);
      if (e.op === 'and') return truthy(l) ? evalE(e.r, mv) : l;
      return truthy(l) ? l : evalE(e.r, mv);
    }
    case 'bin': {
      const l = evalE(e.l, mv);
      const r = evalE(e.r, mv);
      if (e.op === '+' && typeof l === 'string' && typeof r === 'string') return l + r;
      const a = num(l);
      const b = num(r);
      switch (e.op) {
        case '+': return a + b;
        case '-': return a - b;
        case '*': return a * b;
        case '/': if (b === 0) throw new TypeMismatch(); return a / b;
        case '//': if (b === 0) throw new TypeMismatch(); return Math.floor(a / b);
        case '%': if (b === 0) throw new TypeMismatch(); return ((a % b) + b) % b;
        default: return a ** b;
      }
    }
    case 'cmp': {
      let l = evalE(e.first, mv);
      for (const { op, e: re } of e.rest) {
        const r = evalE(re, mv);
        let ok: boolean;
        if (op === '==') ok = eq(l, r);
        else if (op === '!=') ok = !eq(l, r);
        else if (op === 'in' || op === 'not in') {
          let has: boolean;
          if (typeof r === 'string' && typeof l === 'string') has = r.includes(l);
          else if (Array.isArray(r)) has = r.some((x) => eq(x, l));
          else throw new TypeMismatch();
          ok = op === 'in' ? has : !has;
        } else {
          if (typeof l === 'string' && typeof r === 'string') ok = op === '<' ? l < r : op === '<=' ? l <= r : op === '>' ? l > r : l >= r;
          else {
            const a = num(l);
            const b = num(r);
            ok = op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b;
          }
        }
        if (!ok) return false;
        l = r;
      }
      return true;
    }
    case 'call': {
      const a = e.args.map((x) => evalE(x, mv));
      switch (e.fn) {
        case 'int': return toInt(a[0] ?? 0, a[1] === undefined ? 10 : num(a[1]));
        case 'float': {
          const n = typeof a[0] === 'string' ? Number(a[0]) : num(a[0] ?? 0);
          if (Number.isNaN(n)) throw new TypeMismatch();
          return n;
        }
        case 'str': return str(a[0] ?? '');
        case 'len': {
          const v = a[0];
          if (typeof v === 'string' || Array.isArray(v)) return v.length;
          throw new TypeMismatch();
        }
        default: {
          // re.match anchors at the start (Python); re.search anywhere. Patterns run on the linear engine.
          if (typeof a[0] !== 'string' || typeof a[1] !== 'string') throw new TypeMismatch();
          let re: RegExp;
          try {
            re = userRegExp(e.fn === 're.match' ? `^(?:${a[0]})` : a[0]);
          } catch {
            throw new TypeMismatch();
          }
          return re.test(a[1]);
        }
      }
    }
  }
}

/** Evaluates a comparison; a type mismatch or an unbound metavariable makes it false. */
export function evalComparison(e: CExpr, mv: (name: string) => CValue | undefined): boolean {
  try {
    return truthy(evalE(e, mv));
  } catch (err) {
    if (err instanceof TypeMismatch) return false;
    throw err;
  }
}
