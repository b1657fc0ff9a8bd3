import ts from './tslib.js';
import type * as TS from 'typescript';
import type { FileLocation, FlowStep } from '../../../core/types.js';
import type { SinkClass } from './classes.js';
import { force, type Val } from './values.js';

/**
 * The interpreter's environment: parsed files, scopes (variables and access paths of one function or module, by
 * name), call sites, and the per-function summaries it records. Helpers here read and write scopes.
 */

/** One parsed source file handed to the analyser. */
export interface SourceUnit {
  path: string;
  sf: TS.SourceFile;
}

/** The variables of one function (or of a module's top level), chained to the scope it closes over. */
export interface Scope {
  vars: Map<string, Val>;
  parent: Scope | undefined;
  file: FileState;
  fnNode: TS.Node | undefined;
  fnName: string;
  thisVal: Val;
  returns: Val[];
  /** Set once an access path (`a.b`) has been stored in `vars`. */
  dotted: boolean;
  /** The function is a route handler whose returned string is the HTML response (Hapi `(request, h)`). */
  returnsHtml?: boolean;
}

/** A file: its module scope, evaluation state (0 new, 1 running, 2 done) and what it exports. */
export interface FileState {
  unit: SourceUnit;
  scope: Scope;
  state: 0 | 1 | 2;
  exports: Map<string, { local?: string; val?: Val; from?: { spec: string; name: string } }>;
  /** `export * from` specifiers. */
  stars: string[];
  /** `module.exports` / `export =`. */
  cjs: Val | undefined;
}

/** Where a sink is: the call or assignment, the enclosing function's name and the normalised text (for identity). */
export interface Site {
  file: string;
  loc: FileLocation;
  sinkName: string;
  text: string;
  fnName: string;
  snippet: string;
  /** A custom sink's `requires:`: a source taint reports only when its label satisfies it. */
  requires?: (labels: ReadonlySet<string>) => boolean;
  /** Findings here are audits (low severity and confidence). */
  audit?: boolean;
  /** A parameter reaching this site is reported only by the audit of functions nothing calls, never at call sites. */
  auditOnly?: boolean;
  /** A local of `res.render(view, locals)`: reported where the view's template writes it unescaped (views.ts). */
  render?: RenderLocal;
}

/** A value handed to a view: the view name and the local's access path (`user.bio`; `*` for every local). */
export interface RenderLocal {
  view: string;
  key: string;
}

/** In a summary: a parameter (at an access path below it) reaches a sink. */
export interface ParamSink {
  index: number;
  path: string[];
  cls: SinkClass;
  ruleId: string;
  cleaned: number;
  steps: FlowStep[];
  site: Site;
}

/** What calling a function does with its arguments: which reach sinks, and what it returns. */
export interface Summary {
  sinks: ParamSink[];
  ret: Val;
}

/** A function-like declaration with a body. */
export type FnNode = TS.SignatureDeclaration & { body?: TS.Node | undefined };

const FUNCTION_KINDS = new Set<TS.SyntaxKind>([
  ts.SyntaxKind.FunctionDeclaration, ts.SyntaxKind.FunctionExpression, ts.SyntaxKind.ArrowFunction, ts.SyntaxKind.MethodDeclaration,
  ts.SyntaxKind.Constructor, ts.SyntaxKind.GetAccessor, ts.SyntaxKind.SetAccessor,
]);

/** Whether a node declares a function (declaration, expression, arrow, method, constructor, accessor). */
export function isFunctionLike(n: TS.Node): n is FnNode & TS.Node {
  return FUNCTION_KINDS.has(n.kind);
}

/** Whether a declaration carries a modifier (`export`, `static`...). */
export function hasModifier(n: TS.Node, kind: TS.SyntaxKind): boolean {
  return ts.canHaveModifiers(n) && (ts.getModifiers(n) ?? []).some((m) => m.kind === kind);
}

/** Source text with whitespace collapsed, bounded (for identities and sink names). */
export function normText(s: string): string {
  return s.replace(/\s+/g, ' ').trim().slice(0, 240);
}

/** The value of a variable, searching enclosing scopes (a lazy import is resolved and cached where it is bound). */
export function lookup(sc: Scope, name: string): Val | undefined {
  for (let s: Scope | undefined = sc; s; s = s.parent) {
    const v = s.vars.get(name);
    if (v !== undefined) {
      if (v.lazy) {
        const f = force(v);
        s.vars.set(name, f);
        return f;
      }
      return v;
    }
  }
  return undefined;
}

/** Whether a name is declared in this scope or an enclosing one (so `require` or `location` is not the global). */
export function isBound(sc: Scope, name: string): boolean {
  for (let s: Scope | undefined = sc; s; s = s.parent) if (s.vars.has(name)) return true;
  return false;
}

/** Assigns a variable in the scope that declares it (else this one), forgetting access paths below it. */
export function setVar(sc: Scope, name: string, v: Val): void {
  let target: Scope = sc;
  for (let s: Scope | undefined = sc; s; s = s.parent)
    if (s.vars.has(name)) {
      target = s;
      break;
    }
  target.vars.set(name, v);
  if (target.dotted) for (const k of [...target.vars.keys()]) if (k.startsWith(name + '.')) target.vars.delete(k);
}

/** Assigns a variable or an access path (`req.query.id` after a guard, `this.repo`). */
export function setKey(sc: Scope, key: string, v: Val): void {
  if (!key.includes('.')) return setVar(sc, key, v);
  sc.vars.set(key, v);
  sc.dotted = true;
}

/** The names a binding pattern declares. */
export function boundNames(n: TS.BindingName): string[] {
  if (ts.isIdentifier(n)) return [n.text];
  const out: string[] = [];
  for (const el of n.elements) if (!ts.isOmittedExpression(el)) out.push(...boundNames(el.name));
  return out;
}
