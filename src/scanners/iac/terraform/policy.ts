import type { Expr, Range } from './hcl.js';

/** A JSON-like value with source offsets, built from HCL (`jsonencode({...})`) or from JSON text. */
export type PVal =
  | { t: 'scalar'; v: string | number | boolean | null; range: Range }
  | { t: 'arr'; items: PVal[]; range: Range }
  | { t: 'obj'; entries: { key: string; keyRange: Range; value: PVal }[]; range: Range }
  | { t: 'unknown'; range: Range };

/** Converts an HCL expression to a {@link PVal}. */
export function fromHcl(e: Expr): PVal {
  switch (e.kind) {
    case 'string':
    case 'heredoc':
      return { t: 'scalar', v: e.value, range: e.range };
    case 'number':
    case 'bool':
      return { t: 'scalar', v: e.value, range: e.range };
    case 'null':
      return { t: 'scalar', v: null, range: e.range };
    case 'tuple':
      return { t: 'arr', items: e.items.map(fromHcl), range: e.range };
    case 'object':
      return { t: 'obj', entries: e.items.map((i) => ({ key: i.key, keyRange: i.keyRange, value: fromHcl(i.value) })), range: e.range };
    default:
      return { t: 'unknown', range: e.range };
  }
}

/** Parses JSON text, giving offsets relative to `base`. Returns undefined when it is not JSON. */
export function parseJsonPos(text: string, base: number): PVal | undefined {
  let i = 0;
  // Whitespace, and (leniently) `//` line comments, which some templated policies carry.
  const ws = () => {
    for (;;) {
      while (i < text.length && /\s/.test(text[i]!)) i++;
      if (text[i] === '/' && text[i + 1] === '/') while (i < text.length && text[i] !== '\n') i++;
      else return;
    }
  };
  const fail = (): never => {
    throw new Error('bad json');
  };
  const value = (): PVal => {
    ws();
    const c = text[i];
    const start = i;
    if (c === '{') {
      i++;
      const entries: { key: string; keyRange: Range; value: PVal }[] = [];
      ws();
      if (text[i] === '}') {
        i++;
        return { t: 'obj', entries, range: [base + start, base + i] };
      }
      for (;;) {
        ws();
        const ks = i;
        const k = value();
        if (k.t !== 'scalar' || typeof k.v !== 'string') fail();
        ws();
        if (text[i] !== ':') fail();
        i++;
        const v = value();
        entries.push({ key: String((k as { v: string }).v), keyRange: [base + ks, base + i], value: v });
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          break;
        }
        fail();
      }
      return { t: 'obj', entries, range: [base + start, base + i] };
    }
    if (c === '[') {
      i++;
      const itemsOut: PVal[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return { t: 'arr', items: itemsOut, range: [base + start, base + i] };
      }
      for (;;) {
        itemsOut.push(value());
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          break;
        }
        fail();
      }
      return { t: 'arr', items: itemsOut, range: [base + start, base + i] };
    }
    if (c === '"') {
      i++;
      let s = '';
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\') {
          s += text[i + 1] ?? '';
          i += 2;
        } else s += text[i++];
      }
      if (text[i] !== '"') fail();
      i++;
      return { t: 'scalar', v: s, range: [base + start, base + i] };
    }
    const m = /^(?:-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 40));
    if (!m) fail();
    i += m![0].length;
    const raw = m![0];
    return { t: 'scalar', v: raw === 'true' ? true : raw === 'false' ? false : raw === 'null' ? null : Number(raw), range: [base + start, base + i] };
  };
  try {
    const v = value();
    ws();
    return i === text.length ? v : undefined;
  } catch {
    return undefined;
  }
}

/** The value of a key of an object value. */
export function pget(v: PVal | undefined, key: string): PVal | undefined {
  if (v?.t !== 'obj') return undefined;
  return v.entries.find((e) => e.key.toLowerCase() === key.toLowerCase())?.value;
}

/** A value as a list (a scalar becomes one element). */
export function plist(v: PVal | undefined): PVal[] {
  if (!v) return [];
  return v.t === 'arr' ? v.items : [v];
}

/** A scalar as a string. */
export function pstr(v: PVal | undefined): string | undefined {
  return v?.t === 'scalar' && v.v !== null ? String(v.v) : undefined;
}

/** One IAM statement, normalised from JSON or from an `aws_iam_policy_document` statement block. */
export interface Statement {
  effect: string;
  actions: PVal[];
  notActions: PVal[];
  resources: PVal[];
  /** Principal values (`"*"`, or identifiers under AWS/Service/Federated). */
  principals: PVal[];
  hasCondition: boolean;
  range: Range;
  sid?: string;
}

/** Statements of a JSON policy document value. */
export function statementsOf(doc: PVal): Statement[] {
  return plist(pget(doc, 'Statement')).map((s) => {
    const pr = pget(s, 'Principal');
    const principals: PVal[] = pr?.t === 'obj' ? pr.entries.flatMap((e) => plist(e.value)) : plist(pr);
    const sid = pstr(pget(s, 'Sid'));
    return {
      effect: pstr(pget(s, 'Effect')) ?? 'Allow',
      actions: plist(pget(s, 'Action')),
      notActions: plist(pget(s, 'NotAction')),
      resources: plist(pget(s, 'Resource')),
      principals,
      hasCondition: pget(s, 'Condition') !== undefined,
      range: s.range,
      ...(sid ? { sid } : {}),
    };
  });
}
