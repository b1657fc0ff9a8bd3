import ts from './tslib.js';
import type * as TS from 'typescript';
import { TAINT_RULES, type SinkClass } from './classes.js';
import { isFunctionLike } from './scope.js';
import { StatementExecutor } from './statements.js';
import { bit } from './values.js';

/**
 * Classes an unused function's parameters are audited for (see {@link Analyser.auditUnused}): APIs where any
 * non-constant value is worth a look. Logs, headers, allocation sizes and NoSQL filters are left out: a parameter
 * reaching them says little.
 */
const AUDIT_CLASSES: ReadonlySet<SinkClass> = new Set<SinkClass>([
  'command', 'code', 'sql', 'xss', 'path', 'ssrf', 'redirect', 'deserialization', 'xxe', 'proto', 'regex', 'reflection', 'xpath', 'ldap',
]);

/**
 * The inter-procedural, inter-file taint interpreter. It walks each function once in statement order with an
 * abstract environment (variables and access paths → `Val`), records a summary per function
 * (parameter → sink, parameter/source → return), and applies summaries at call sites resolved through
 * imports, `require`, classes and closures. Recursion is cut by treating a function under analysis as unknown.
 *
 * Each concern is its own layer (see `base.ts`); this class only drives the run.
 */
export class Analyser extends StatementExecutor {
  /** Analyses every file: module code first (which follows route registrations), then every function not reached. */
  run(): void {
    const paths = [...this.files.keys()].sort();
    for (const p of paths) {
      if (this.opts.signal?.aborted) return;
      this.evalModule(this.files.get(p)!);
    }
    for (const p of paths) {
      if (this.opts.signal?.aborted) return;
      const fs = this.files.get(p)!;
      const visit = (n: TS.Node): void => {
        if (isFunctionLike(n) && n.body && !this.summaries.has(n)) {
          const cls = ts.isClassLike(n.parent) ? this.classInfo(n.parent, fs.scope) : undefined;
          // a function nested in one that was analysed runs in that function's scope (its local `require`s)
          this.summary({ node: n, file: fs.unit.path, closure: this.boundIn.get(n) ?? fs.scope, ...(cls ? { thisCls: cls } : {}) });
        }
        ts.forEachChild(n, visit);
      };
      visit(fs.unit.sf);
    }
    for (const p of paths) this.auditUnused(p);
  }

  /**
   * Audit of functions nothing calls: a function declared in a file (or stored in a `const`), neither exported nor
   * named anywhere else in the file, whose parameter reaches a sink. No caller tells where the value comes from, so
   * the flow is reported as a low-severity, low-confidence audit (the parameter is the source): the code is an
   * entry point we cannot see (a handler wired by a framework, a snippet pasted in) or dead code that would be
   * unsafe once called. Constants, sanitised values and functions that are called stay quiet: a called function's
   * parameter sinks fire at its call sites with the arguments' real taints.
   */
  private auditUnused(path: string): void {
    const fs = this.files.get(path)!;
    const sf = fs.unit.sf;
    // a module that wires its own entry points (routes, MCP tools, a Lambda handler): what it neither calls, passes
    // nor exports is dead code, not an entry point we cannot see. This and the name sets below each walk the whole
    // file: they are worked out for the first function with a parameter reaching an audited sink (few files have
    // one), which gives the same hits as working them out first.
    let registers: boolean | undefined;
    let refSet: Set<string> | undefined;
    let propSet: Set<string> | undefined;
    const refs = { has: (name: string): boolean => (refSet ??= referenceCounts(sf)).has(name) };
    const props = { has: (name: string): boolean => (propSet ??= propertyNames(sf)).has(name) };
    const visit = (n: TS.Node): void => {
      ts.forEachChild(n, visit);
      if (registers || !isFunctionLike(n) || !n.body || n.parameters.length === 0) return;
      const s = this.summaries.get(n);
      if (!s || !s.sinks.some((ps) => audited(ps) && n.parameters[ps.index])) return;
      if ((registers ??= registersHandlers(sf))) return;
      let name: string | undefined;
      if (ts.isFunctionDeclaration(n)) name = n.name?.text;
      else if ((ts.isFunctionExpression(n) || ts.isArrowFunction(n)) && ts.isVariableDeclaration(n.parent) && ts.isIdentifier(n.parent.name) && n.parent.initializer === n) {
        name = n.parent.name.text;
      }
      // a method of a class that nothing in the file names (a framework instantiates it), itself never called here
      if (ts.isMethodDeclaration(n) && ts.isIdentifier(n.name) && ts.isClassDeclaration(n.parent) && n.parent.name && !refs.has(n.parent.name.text) && !this.isExported(n.parent)) {
        name = n.name.text;
        if (props.has(name)) return;
      }
      // a function-valued property of an object literal kept in a variable nothing in the file reads, itself never
      // read as a property here (`var widgets = { render: function (html) { ... } }`)
      if (!name && (ts.isFunctionExpression(n) || ts.isArrowFunction(n) || ts.isMethodDeclaration(n))) {
        const holder = ts.isMethodDeclaration(n) ? n : ts.isPropertyAssignment(n.parent) && n.parent.initializer === n ? n.parent : undefined;
        const obj = holder?.parent;
        const v = obj && ts.isObjectLiteralExpression(obj) ? obj.parent : undefined;
        if (holder && v && ts.isVariableDeclaration(v) && v.initializer === obj && ts.isIdentifier(v.name) && ts.isIdentifier(holder.name) && !refs.has(v.name.text) && !props.has(holder.name.text) && !this.isExported(v)) {
          name = holder.name.text;
          if (refs.has(name)) return;
          return this.auditSinks(n, name, fs);
        }
      }
      if (!name || this.isExported(n)) return;
      if (refs.has(name)) return;
      this.auditSinks(n, name, fs);
    };
    visit(sf);
  }

  /** Reports the parameter sinks of a function nothing calls (see {@link auditUnused}). */
  private auditSinks(n: TS.SignatureDeclaration, name: string, fs: ReturnType<typeof this.files.get> & object): void {
    const sf = fs.unit.sf;
    const s = this.summaries.get(n);
    if (!s) return;
    for (const ps of s.sinks) {
      if (!audited(ps)) continue;
      const param = n.parameters[ps.index];
      if (!param) continue;
      const identity = this.findingIdentity(ps.ruleId, ps.site);
      if (identity === undefined) continue;
      const label = `parameter ${[param.name.getText(sf), ...ps.path].join('.')} of ${name}(), which nothing in this file calls`;
      const start = this.mkStep(fs.scope, param, `parameter ${param.name.getText(sf)} of ${name}() (no caller in this file)`);
      this.hits.push({
        cls: ps.cls, ruleId: ps.ruleId, file: ps.site.file, loc: ps.site.loc, sinkName: ps.site.sinkName, sourceLabel: label,
        flow: [start, ...ps.steps, { location: ps.site.loc, message: `reaches ${ps.site.sinkName}` }], identity, snippet: ps.site.snippet, audit: true,
      });
    }
  }
}

/** Whether a parameter's sink is one the unused-function audit reports (see {@link AUDIT_CLASSES}). */
function audited(ps: { cls: SinkClass; ruleId: string; cleaned: number }): boolean {
  return AUDIT_CLASSES.has(ps.cls) && ps.ruleId === TAINT_RULES[ps.cls].ruleId && (ps.cleaned & bit(ps.cls)) === 0;
}

/** Route methods of web frameworks and MCP server registrations, called with a handler function. */
const HANDLER_REGISTRATION = /^(get|post|put|delete|patch|all|route|tool|registerTool|prompt|registerPrompt|resource|registerResource|setRequestHandler)$/;

/**
 * Whether a module registers request handlers itself: a route (`app.get('/x', (req, res) => ...)`) or an MCP tool
 * given a function, or an exported Lambda `handler`.
 */
function registersHandlers(sf: TS.SourceFile): boolean {
  if (/(^|\n)\s*(module\.)?exports\.handler\s*=|export\s+(const|async\s+function|function)\s+handler\b/.test(sf.text)) return true;
  let found = false;
  const visit = (n: TS.Node): void => {
    if (found) return;
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && HANDLER_REGISTRATION.test(n.expression.name.text)
      && n.arguments.length >= 2 && ts.isStringLiteralLike(n.arguments[0]!) && n.arguments.some((a) => ts.isFunctionLike(a))) {
      found = true;
      return;
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return found;
}

/**
 * Names used in a file other than where they are declared (function and variable names, parameters, property names
 * and object keys are not uses): a function whose name is not in the set is called, passed or exported nowhere in
 * the file.
 */
function referenceCounts(sf: TS.SourceFile): Set<string> {
  const used = new Set<string>();
  const visit = (n: TS.Node): void => {
    if (ts.isIdentifier(n)) {
      const p = n.parent;
      const declared = (ts.isFunctionDeclaration(p) || ts.isVariableDeclaration(p) || ts.isParameter(p) || ts.isBindingElement(p) || ts.isClassDeclaration(p) || ts.isMethodDeclaration(p) || ts.isPropertyDeclaration(p)) && p.name === n;
      const property = (ts.isPropertyAccessExpression(p) && p.name === n) || (ts.isPropertyAssignment(p) && p.name === n);
      if (!declared && !property) used.add(n.text);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return used;
}

/** Names read as properties in a file (`x.name`, `x['name']`): how a method would be called. */
function propertyNames(sf: TS.SourceFile): Set<string> {
  const out = new Set<string>();
  const visit = (n: TS.Node): void => {
    if (ts.isPropertyAccessExpression(n)) out.add(n.name.text);
    else if (ts.isElementAccessExpression(n) && ts.isStringLiteralLike(n.argumentExpression)) out.add(n.argumentExpression.text);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}
