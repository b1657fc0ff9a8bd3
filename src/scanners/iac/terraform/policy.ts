import { JsonSyntaxError, parseJsonNodes, type JsonNode } from '../../../core/json.js';
import type { Expr, Range } from '../../../analyzers/iac/hcl.js';

/** A JSON-like value with source offsets, built from HCL (`jsonencode({...})`) or from JSON text. */
export type PVal = JsonNode<Unknown> | Unknown;
/** An HCL expression that is not a constant (a reference, a call). */
type Unknown = { t: 'unknown'; range: Range };

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

/**
 * Parses JSON text leniently (`//` comments, which some templated policies carry), giving offsets relative to
 * `base`. Returns undefined when it is not JSON.
 */
export function parseJsonPos(text: string, base: number): PVal | undefined {
  try {
    return parseJsonNodes(text, { base, lenient: true });
  } catch (e) {
    if (e instanceof JsonSyntaxError) return undefined;
    throw e;
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
