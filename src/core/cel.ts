/**
 * Conditions in CEL (the Common Expression Language of Kubernetes, Kyverno and Envoy), through `@bufbuild/cel`:
 * side-effect free, no loops beyond comprehensions over the lists it is given, and never `eval`. Conditions are
 * parsed once, when the rules load, and planned into reusable functions.
 */
import { createRequire } from 'node:module';
import type { CelInput } from '@bufbuild/cel';

type Cel = typeof import('@bufbuild/cel');

/**
 * The CEL library, loaded when the first condition is compiled (through its CommonJS build, so that compiling
 * stays synchronous): it is a large library (with protobuf and RE2) that most runs, whose config has no
 * conditions, never need.
 */
let lib: { cel: Cel; env: ReturnType<Cel['celEnv']> } | undefined;
function cel(): { cel: Cel; env: ReturnType<Cel['celEnv']> } {
  if (!lib) {
    const load = createRequire(import.meta.url);
    const c = load('@bufbuild/cel') as Cel;
    const { strings } = load('@bufbuild/cel/ext') as typeof import('@bufbuild/cel/ext');
    // The standard library plus CEL's strings extension (`join`, `substring`, `split`, `lowerAscii`, ...).
    lib = { cel: c, env: c.celEnv({ funcs: strings }) };
  }
  return lib;
}

/** A compiled condition: true, false, or the evaluation error's message. */
export type Condition = (bindings: Record<string, unknown>) => boolean | { error: string };

/** Parses `expr`; throws an Error with the parser's message (the caller adds file and line). */
export function compileCondition(expr: string): Condition {
  const run = compileExpression(expr);
  return (bindings) => {
    const r = run(bindings);
    if ('error' in r) return r;
    if (typeof r.value !== 'boolean') return { error: `the condition gave ${typeof r.value === 'number' ? 'a number' : typeof r.value}, not true or false` };
    return r.value;
  };
}

/** A compiled expression giving any value (a string, number, list, map), or the evaluation error's message. */
export type Expression = (bindings: Record<string, unknown>) => { value: unknown } | { error: string };

/** Parses `expr` as a value expression (a message, a grouping key); throws an Error with the parser's message. */
export function compileExpression(expr: string): Expression {
  const { cel: c, env } = cel();
  const { isCelError } = c;
  let run: ReturnType<Cel['plan']>;
  try {
    run = c.plan(env, c.parse(expr));
  } catch (e) {
    throw new Error(`invalid CEL: ${firstLine(e)}`);
  }
  return (bindings) => {
    let r: unknown;
    try {
      r = run(bindings as Record<string, CelInput>);
    } catch (e) {
      return { error: firstLine(e) };
    }
    if (isCelError(r)) return { error: firstLine(r) };
    return { value: typeof r === 'bigint' ? Number(r) : r };
  };
}

function firstLine(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.split('\n')[0]!.replace(/^<input>:/, 'column ');
}

/** Whether `v`, a value a compiled expression gave, is a CEL list (of the same library instance that made it). */
export function isCelList(v: unknown): v is Iterable<unknown> {
  return cel().cel.isCelList(v);
}
