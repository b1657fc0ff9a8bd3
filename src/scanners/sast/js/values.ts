import type * as TS from 'typescript';
import { locationPath, startLineOf } from '../../../core/location.js';
import type { FlowStep } from '../../../core/types.js';
import { ALL_CLASSES, type SinkClass } from './classes.js';

/** Bit of a class in a cleaned-set bitmask. */
export function bit(c: SinkClass): number {
  return 1 << ALL_CLASSES.indexOf(c);
}

/** Bitmask of several classes. */
export function bits(cs: readonly SinkClass[]): number {
  let b = 0;
  for (const c of cs) b |= bit(c);
  return b;
}

/** Every class cleared. */
export const ALL_BITS = bits(ALL_CLASSES);
/** What turning a value into a string clears: it can no longer be an object (operator injection, key paths). */
export const STRINGIFIED = bits(['nosql', 'proto']);

/** One reason a value is tainted: an untrusted source, or a parameter of the function being summarised. */
export interface Taint {
  origin: 'source' | 'param';
  /** For params: the function and position. */
  fn?: TS.Node;
  index?: number;
  /** For params: the access path read below the parameter (`query.id`), at most 3 deep. */
  path: string[];
  /** Human description of the source, e.g. `req.query.id`. */
  label: string;
  /** Classes this value has been sanitised for. */
  cleaned: number;
  steps: FlowStep[];
  /** Set when a custom (YAML) taint rule's source produced this taint: only that rule's sinks report it. */
  rule?: string;
  /** A custom rule's taint label (`label:`), when it has one. */
  tlabel?: string;
}

/** Bit cleared by custom (YAML) sanitizers; built-in classes are not affected. */
export const CUSTOM_BIT = 1 << 20;

/** A function value: its declaration and where it closes over. */
export interface FnRef {
  node: TS.SignatureDeclaration & { body?: TS.Node | undefined };
  file: string;
  closure: unknown;
  /** Set for methods: the class `this` belongs to. */
  thisCls?: ClassInfo;
}

/** A class: its methods and field initialisers. */
export interface ClassInfo {
  node: TS.ClassLikeDeclaration;
  file: string;
  name: string;
  methods: Map<string, TS.MethodDeclaration | TS.PropertyDeclaration>;
  statics: Map<string, TS.MethodDeclaration | TS.PropertyDeclaration>;
  /** Field name → how to compute its value (typed constructor parameters, initialisers). */
  fields: Map<string, () => Val>;
  base?: () => Val;
  scope: unknown;
}

/** What a route's validation chains say about its request fields (validators.ts). */
export interface CheckedFields {
  /** `body.age` → classes cleared on `req.body.age` in the handler. */
  req: Map<string, number>;
  /** Every field a chain validates → classes cleared on it in `matchedData(req)`. */
  matched: Map<string, number>;
}

/** An abstract value. */
export interface Val {
  t: Taint[];
  fields?: Map<string, Val>;
  fns?: FnRef[];
  /** A module or API path: `child_process`, `child_process.exec`, `express()`. */
  mod?: string;
  /** The request object of a web framework (its properties are sources). */
  req?: boolean;
  /** The response object of a web framework. */
  res?: boolean;
  /** An instance of a class. */
  inst?: ClassInfo;
  /** The class itself (constructor and statics). */
  klass?: ClassInfo;
  /** Resolved on first use (imports). */
  lazy?: () => Val;
  /** The value is an object or array literal (not a string). */
  obj?: boolean;
  /** For a request object: the fields its route's validation chains cover (validators.ts). */
  checked?: CheckedFields;
}

/** The value that carries nothing. */
export const EMPTY: Val = Object.freeze({ t: [] }) as Val;

const MAX_TAINTS = 4;
const MAX_STEPS = 14;

/** Resolves a lazy value. */
export function force(v: Val): Val {
  let cur = v;
  for (let i = 0; i < 5 && cur.lazy; i++) cur = cur.lazy();
  return cur;
}

/** Union of values (taints are capped, first ones kept: they carry the shortest paths). */
export function join(...vs: (Val | undefined)[]): Val {
  const present = vs.filter((v): v is Val => !!v && v !== EMPTY);
  if (present.length === 0) return EMPTY;
  if (present.length === 1) return present[0]!;
  const out: Val = { t: [] };
  for (const raw of present) {
    const v = force(raw);
    for (const t of v.t) if (out.t.length < MAX_TAINTS && !out.t.some((o) => sameTaint(o, t))) out.t.push(t);
    if (v.fields) {
      out.fields ??= new Map();
      for (const [k, f] of v.fields) out.fields.set(k, out.fields.has(k) ? join(out.fields.get(k), f) : f);
    }
    if (v.fns) out.fns = [...(out.fns ?? []), ...v.fns.filter((f) => !out.fns?.some((o) => o.node === f.node))];
    out.mod ??= v.mod;
    out.req ||= v.req;
    out.res ||= v.res;
    out.inst ??= v.inst;
    out.klass ??= v.klass;
    out.obj ||= v.obj;
    out.checked ??= v.checked;
  }
  return out;
}

function sameTaint(a: Taint, b: Taint): boolean {
  return a.origin === b.origin && a.fn === b.fn && a.index === b.index && a.label === b.label && a.cleaned === b.cleaned && a.tlabel === b.tlabel && a.rule === b.rule && a.path.join('.') === b.path.join('.');
}

/** Every taint of a value, including its fields (depth-bounded). */
export function collapse(v: Val, depth = 0): Taint[] {
  const f = force(v);
  if (!f.fields || depth > 3) return f.t;
  const out = [...f.t];
  for (const fv of f.fields.values()) for (const t of collapse(fv, depth + 1)) if (out.length < MAX_TAINTS * 2) out.push(t);
  return out;
}

/** A copy of the value with extra classes cleaned on every taint (fields too). */
export function clean(v: Val, mask: number, depth = 0): Val {
  const f = force(v);
  if (mask === 0 || f === EMPTY) return f;
  const out: Val = { ...f, t: f.t.map((t) => ({ ...t, cleaned: t.cleaned | mask })) };
  if (f.fields && depth < 4) out.fields = new Map([...f.fields].map(([k, fv]) => [k, clean(fv, mask, depth + 1)]));
  return out;
}

/** A copy of the value sanitised for the custom rules `rules` (a custom rule's taint from another rule keeps its taint). */
export function cleanCustom(v: Val, rules: ReadonlySet<string>, depth = 0): Val {
  const f = force(v);
  if (f === EMPTY) return f;
  const out: Val = { ...f, t: f.t.map((t) => (t.rule !== undefined && !rules.has(t.rule) ? t : { ...t, cleaned: t.cleaned | CUSTOM_BIT })) };
  if (f.fields && depth < 4) out.fields = new Map([...f.fields].map(([k, fv]) => [k, cleanCustom(fv, rules, depth + 1)]));
  return out;
}

/** A copy of the value with a step appended to every taint. */
export function step(v: Val, s: FlowStep): Val {
  const f = force(v);
  if (f.t.length === 0) return f;
  return { ...f, t: f.t.map((t) => ({ ...t, steps: addStep(t.steps, s) })) };
}

/** Appends a step, keeping paths bounded (the middle is dropped). */
export function addStep(steps: FlowStep[], s: FlowStep): FlowStep[] {
  const last = steps[steps.length - 1];
  if (last && locationPath(last.location) === locationPath(s.location) && startLineOf(last.location) === startLineOf(s.location) && last.message === s.message) return steps;
  const out = [...steps, s];
  if (out.length > MAX_STEPS) out.splice(3, out.length - MAX_STEPS);
  return out;
}

/** Only the taints and fields of a value (drops functions, modules, classes): what data a string built from it carries. */
export function dataOf(v: Val): Val {
  const ts = collapse(v);
  return ts.length ? { t: ts.slice(0, MAX_TAINTS) } : EMPTY;
}
