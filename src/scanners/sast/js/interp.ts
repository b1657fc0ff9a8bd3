import ts from './tslib.js';
import type * as TS from 'typescript';
import type { FileLocation, FlowStep } from '../../../core/types.js';
import { TAINT_RULES, type SinkClass } from './classes.js';
import { normaliseModule, type ModelIndex, type ModelRow } from './models.js';
import { resolveModule } from './resolve.js';
import {
  ALL_BITS, CUSTOM_BIT, EMPTY, STRINGIFIED, addStep, bit, clean, collapse, dataOf, force, join, step,
  type ClassInfo, type FnRef, type Taint, type Val,
} from './values.js';

/** One parsed source file handed to the analyser. */
export interface SourceUnit {
  path: string;
  sf: TS.SourceFile;
}

/** A taint finding before it becomes a RawFinding. */
export interface TaintHit {
  cls: SinkClass;
  /** Rule id (a class rule, or a custom taint rule's id). */
  ruleId: string;
  file: string;
  loc: FileLocation;
  sinkName: string;
  sourceLabel: string;
  flow: FlowStep[];
  identity: string;
  snippet: string;
}

/** A custom taint hook (YAML `mode: taint` rules plug in here). */
export interface TaintHooks {
  /** Extra source check on any expression: returns the rule and a label when the expression is a source. */
  source?(node: TS.Expression, sf: TS.SourceFile): { ruleId: string; label: string } | undefined;
  /** Extra sinks on a call: returns [ruleId, argument indexes] pairs. */
  sink?(node: TS.CallExpression | TS.NewExpression, sf: TS.SourceFile): { ruleId: string; args: number[] | '*' }[];
  /** Extra sanitizers: returns true when the call's result is clean for custom rules. */
  sanitizer?(node: TS.CallExpression | TS.NewExpression, sf: TS.SourceFile): boolean;
}

/** Options of one analysis run. */
export interface AnalyserOptions {
  models: ModelIndex;
  libraryMode: boolean;
  envIsInput: boolean;
  hooks?: TaintHooks;
  /** Checked between functions: stops the run early. */
  signal?: AbortSignal;
}

interface Scope {
  vars: Map<string, Val>;
  parent: Scope | undefined;
  file: FileState;
  fnNode: TS.Node | undefined;
  fnName: string;
  thisVal: Val;
  returns: Val[];
  dotted: boolean;
}

interface FileState {
  unit: SourceUnit;
  scope: Scope;
  state: 0 | 1 | 2;
  exports: Map<string, { local?: string; val?: Val; from?: { spec: string; name: string } }>;
  stars: string[];
  cjs: Val | undefined;
}

interface Site {
  file: string;
  loc: FileLocation;
  sinkName: string;
  text: string;
  fnName: string;
  snippet: string;
}

interface ParamSink {
  index: number;
  path: string[];
  cls: SinkClass;
  ruleId: string;
  cleaned: number;
  steps: FlowStep[];
  site: Site;
}

interface Summary {
  sinks: ParamSink[];
  ret: Val;
}

type FnNode = TS.SignatureDeclaration & { body?: TS.Node | undefined };

const REQ_OBJECT_PROPS = new Set(['query', 'body', 'payload', 'files', 'file', 'fields']);
const REQ_STRING_PROPS = new Set([
  'params', 'headers', 'cookies', 'signedCookies', 'url', 'originalUrl', 'path', 'hostname', 'querystring', 'search',
  'nextUrl', 'searchParams', 'href', 'header',
]);
const REQ_METHODS = new Set(['get', 'header', 'param', 'json', 'text', 'formData', 'query', 'cookie']);
const REQ_TYPES = /^(express\.)?(Request|FastifyRequest|NextRequest|NextApiRequest|IncomingMessage|Hapi\.Request|Koa\.Context|Context|ParameterizedContext)\b/;
const ROUTE_METHODS = new Set(['get', 'post', 'put', 'delete', 'patch', 'all', 'use', 'options', 'head', 'route', 'del']);
const ARRAY_CALLBACKS = new Set(['map', 'forEach', 'filter', 'find', 'some', 'every', 'flatMap', 'findIndex', 'sort', 'findLast']);
const NEST_SOURCE_DECORATORS = new Set(['Query', 'Param', 'Body', 'Headers', 'Req', 'Request', 'Cookies', 'UploadedFile']);
const SQL_TAGS = /^(sql|SQL|Prisma\.sql|sql\.raw?|db\.sql|psql|mysql)$/;
const LOCATION_SINKS = /^(window\.|document\.|self\.|top\.)?location(\.href)?$/;

const FUNCTION_KINDS = new Set<TS.SyntaxKind>([
  ts.SyntaxKind.FunctionDeclaration, ts.SyntaxKind.FunctionExpression, ts.SyntaxKind.ArrowFunction, ts.SyntaxKind.MethodDeclaration,
  ts.SyntaxKind.Constructor, ts.SyntaxKind.GetAccessor, ts.SyntaxKind.SetAccessor,
]);

function isFunctionLike(n: TS.Node): n is FnNode & TS.Node {
  return FUNCTION_KINDS.has(n.kind);
}

function hasModifier(n: TS.Node, kind: TS.SyntaxKind): boolean {
  return ts.canHaveModifiers(n) && (ts.getModifiers(n) ?? []).some((m) => m.kind === kind);
}

function normText(s: string): string {
  return s.replace(/\s+/g, ' ').trim().slice(0, 240);
}

/**
 * The inter-procedural, inter-file taint interpreter. It walks each function once in statement order with an
 * abstract environment (variables and access paths → {@link Val}), records a summary per function
 * (parameter → sink, parameter/source → return), and applies summaries at call sites resolved through
 * imports, `require`, classes and closures. Recursion is cut by treating a function under analysis as unknown.
 */
export class Analyser {
  private readonly files = new Map<string, FileState>();
  private readonly summaries = new Map<TS.Node, Summary>();
  private readonly building = new Map<TS.Node, Summary>();
  private readonly classes = new Map<TS.Node, ClassInfo>();
  private readonly seen = new Set<string>();
  /** Findings, in discovery order (deterministic for a given input). */
  readonly hits: TaintHit[] = [];
  private budget = 0;

  constructor(units: SourceUnit[], private readonly opts: AnalyserOptions) {
    for (const u of units) {
      const fs: FileState = { unit: u, scope: undefined as unknown as Scope, state: 0, exports: new Map(), stars: [], cjs: undefined };
      fs.scope = { vars: new Map(), parent: undefined, file: fs, fnNode: undefined, fnName: '<module>', thisVal: EMPTY, returns: [], dotted: false };
      this.files.set(u.path, fs);
    }
  }

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
          this.summary({ node: n, file: fs.unit.path, closure: fs.scope, ...(cls ? { thisCls: cls } : {}) });
        }
        ts.forEachChild(n, visit);
      };
      visit(fs.unit.sf);
    }
  }

  // ---------------------------------------------------------------- modules

  private evalModule(fs: FileState): void {
    if (fs.state !== 0) return;
    fs.state = 1;
    const sc = fs.scope;
    const stmts = fs.unit.sf.statements;
    for (const s of stmts) if (ts.isImportDeclaration(s)) this.bindImport(s, sc);
    this.hoist(stmts, sc);
    for (const s of stmts) {
      this.recordExports(s, fs);
      if (ts.isImportDeclaration(s)) continue;
      this.exec(s, sc);
    }
    fs.state = 2;
  }

  private bindImport(s: TS.ImportDeclaration, sc: Scope): void {
    const spec = (s.moduleSpecifier as TS.StringLiteral).text;
    const clause = s.importClause;
    if (!clause || clause.isTypeOnly) return;
    const from = sc.file;
    if (clause.name) sc.vars.set(clause.name.text, { t: [], lazy: () => this.importName(from, spec, 'default') });
    const nb = clause.namedBindings;
    if (nb && ts.isNamespaceImport(nb)) sc.vars.set(nb.name.text, { t: [], lazy: () => this.moduleObject(from, spec) });
    if (nb && ts.isNamedImports(nb))
      for (const el of nb.elements) {
        if (el.isTypeOnly) continue;
        const name = (el.propertyName ?? el.name).text;
        sc.vars.set(el.name.text, { t: [], lazy: () => this.importName(from, spec, name) });
      }
  }

  private fileFor(from: FileState, spec: string): FileState | undefined {
    if (!spec.startsWith('.') && !spec.startsWith('/')) return undefined;
    const p = resolveModule(from.unit.path, spec, (c) => this.files.has(c));
    return p ? this.files.get(p) : undefined;
  }

  private importName(from: FileState, spec: string, name: string): Val {
    const target = this.fileFor(from, spec);
    if (!target) {
      if (spec.startsWith('.')) return EMPTY;
      const mod = normaliseModule(spec);
      if (mod === 'fs' && name === 'promises') return { t: [], mod: 'fs|' };
      return { t: [], mod: name === 'default' ? `${mod}|` : `${mod}|${name}` };
    }
    return this.exportOf(target, name, 0);
  }

  private moduleObject(from: FileState, spec: string): Val {
    const target = this.fileFor(from, spec);
    if (!target) return spec.startsWith('.') ? EMPTY : { t: [], mod: `${normaliseModule(spec)}|` };
    this.evalModule(target);
    if (target.cjs) return target.cjs;
    const fields = new Map<string, Val>();
    for (const k of this.exportNames(target, 0)) fields.set(k, { t: [], lazy: () => this.exportOf(target, k, 0) });
    return { t: [], fields, obj: true };
  }

  private exportNames(fs: FileState, depth: number): Set<string> {
    this.evalModule(fs);
    const out = new Set(fs.exports.keys());
    if (depth < 6) {
      for (const s of fs.stars) {
        const t = this.fileFor(fs, s);
        if (t) for (const k of this.exportNames(t, depth + 1)) if (k !== 'default') out.add(k);
      }
    }
    return out;
  }

  private exportOf(fs: FileState, name: string, depth: number): Val {
    if (depth > 6) return EMPTY;
    this.evalModule(fs);
    const e = fs.exports.get(name);
    if (e) {
      if (e.val) return force(e.val);
      if (e.local) return force(this.lookup(fs.scope, e.local) ?? EMPTY);
      if (e.from) {
        const t = this.fileFor(fs, e.from.spec);
        if (t) return this.exportOf(t, e.from.name, depth + 1);
        return this.importName(fs, e.from.spec, e.from.name);
      }
    }
    if (fs.cjs) return name === 'default' ? fs.cjs : this.member(fs.cjs, name, undefined, fs.scope);
    for (const s of fs.stars) {
      const t = this.fileFor(fs, s);
      if (t) {
        const v = this.exportOf(t, name, depth + 1);
        if (v !== EMPTY) return v;
      }
    }
    return EMPTY;
  }

  private recordExports(s: TS.Statement, fs: FileState): void {
    const ex = hasModifier(s, ts.SyntaxKind.ExportKeyword);
    const def = hasModifier(s, ts.SyntaxKind.DefaultKeyword);
    if ((ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s)) && ex) {
      if (s.name) fs.exports.set(def ? 'default' : s.name.text, { local: s.name.text });
      else if (ts.isFunctionDeclaration(s)) fs.exports.set('default', { val: { t: [], fns: [{ node: s, file: fs.unit.path, closure: fs.scope }] } });
      else fs.exports.set('default', { val: { t: [], klass: this.classInfo(s, fs.scope) } });
    } else if (ts.isVariableStatement(s) && ex) {
      for (const d of s.declarationList.declarations) for (const n of this.boundNames(d.name)) fs.exports.set(n, { local: n });
    } else if (ts.isExportDeclaration(s) && !s.isTypeOnly) {
      const spec = s.moduleSpecifier && ts.isStringLiteral(s.moduleSpecifier) ? s.moduleSpecifier.text : undefined;
      if (!s.exportClause) {
        if (spec) fs.stars.push(spec);
      } else if (ts.isNamedExports(s.exportClause)) {
        for (const el of s.exportClause.elements) {
          const local = (el.propertyName ?? el.name).text;
          fs.exports.set(el.name.text, spec ? { from: { spec, name: local } } : { local });
        }
      } else if (ts.isNamespaceExport(s.exportClause) && spec) {
        const from = fs;
        fs.exports.set(s.exportClause.name.text, { val: { t: [], lazy: () => this.moduleObject(from, spec) } });
      }
    } else if (ts.isExportAssignment(s)) {
      const v = this.eval(s.expression, fs.scope);
      if (s.isExportEquals) fs.cjs = v;
      else fs.exports.set('default', { val: v });
    }
  }

  private boundNames(n: TS.BindingName): string[] {
    if (ts.isIdentifier(n)) return [n.text];
    const out: string[] = [];
    for (const el of n.elements) if (!ts.isOmittedExpression(el)) out.push(...this.boundNames(el.name));
    return out;
  }

  // ---------------------------------------------------------------- scopes

  private lookup(sc: Scope, name: string): Val | undefined {
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

  private isBound(sc: Scope, name: string): boolean {
    for (let s: Scope | undefined = sc; s; s = s.parent) if (s.vars.has(name)) return true;
    return false;
  }

  private setVar(sc: Scope, name: string, v: Val): void {
    let target: Scope = sc;
    for (let s: Scope | undefined = sc; s; s = s.parent)
      if (s.vars.has(name)) {
        target = s;
        break;
      }
    target.vars.set(name, v);
    if (target.dotted) for (const k of [...target.vars.keys()]) if (k.startsWith(name + '.')) target.vars.delete(k);
  }

  private setKey(sc: Scope, key: string, v: Val): void {
    if (!key.includes('.')) return this.setVar(sc, key, v);
    sc.vars.set(key, v);
    sc.dotted = true;
  }

  private hoist(stmts: readonly TS.Statement[], sc: Scope): void {
    for (const s of stmts) {
      if (ts.isFunctionDeclaration(s) && s.name && s.body) sc.vars.set(s.name.text, { t: [], fns: [{ node: s, file: sc.file.unit.path, closure: sc }] });
      else if (ts.isClassDeclaration(s) && s.name) {
        const cls = this.classInfo(s, sc);
        sc.vars.set(s.name.text, { t: [], klass: cls });
      }
    }
  }

  // ---------------------------------------------------------------- locations and steps

  private loc(sc: Scope | FileState, node: TS.Node): FileLocation {
    const sf = ('unit' in sc ? sc.unit : sc.file.unit).sf;
    const path = ('unit' in sc ? sc.unit : sc.file.unit).path;
    const s = sf.getLineAndCharacterOfPosition(node.getStart(sf));
    const e = sf.getLineAndCharacterOfPosition(node.getEnd());
    return { path, startLine: s.line + 1, startColumn: s.character + 1, endLine: e.line + 1, endColumn: e.character + 1 };
  }

  private text(sc: Scope, node: TS.Node): string {
    return node.getText(sc.file.unit.sf);
  }

  /** Appends a step only when the value carries taint (locations are costly to compute). */
  private lazyStep(v: Val, sc: Scope, node: TS.Node, message: () => string): Val {
    if (v.lazy || v.t.length === 0) return v;
    return step(v, this.mkStep(sc, node, message()));
  }

  private mkStep(sc: Scope, node: TS.Node, message: string): FlowStep {
    return { location: this.loc(sc, node), message };
  }

  private source(sc: Scope, node: TS.Node, label: string, cleaned: number): Val {
    return { t: [{ origin: 'source', path: [], label, cleaned, steps: [this.mkStep(sc, node, `untrusted input: ${label}`)] }] };
  }

  private site(sc: Scope, node: TS.Node, sinkName: string): Site {
    const sf = sc.file.unit.sf;
    const loc = this.loc(sc, node);
    const lines = sf.text.split('\n', loc.startLine ?? 1);
    const snippet = (lines[(loc.startLine ?? 1) - 1] ?? '').trim().slice(0, 300);
    return { file: sc.file.unit.path, loc: { ...loc, snippet }, sinkName, text: normText(this.text(sc, node)), fnName: sc.fnName, snippet };
  }

  // ---------------------------------------------------------------- sinks

  private reportTaint(t: Taint, cls: SinkClass, ruleId: string, site: Site, extraCleaned = 0): void {
    const cleaned = t.cleaned | extraCleaned;
    const custom = ruleId !== TAINT_RULES[cls].ruleId;
    if (!custom) {
      if (cleaned & bit(cls)) return;
    } else if (cleaned & CUSTOM_BIT || (t.origin === 'source' && t.rule !== ruleId)) return;
    if (t.origin === 'source') {
      const identity = `${ruleId}|${site.text}|${site.fnName}`;
      const key = `${site.file}\u0000${identity}`;
      if (this.seen.has(key)) return;
      this.seen.add(key);
      this.hits.push({
        cls, ruleId, file: site.file, loc: site.loc, sinkName: site.sinkName, sourceLabel: t.label,
        flow: [...t.steps, { location: site.loc, message: `reaches ${site.sinkName}` }], identity, snippet: site.snippet,
      });
      return;
    }
    const b = t.fn ? this.building.get(t.fn) : undefined;
    if (!b || t.index === undefined) return;
    if (b.sinks.length > 200) return;
    const pathKey = t.path.join('.');
    if (b.sinks.some((s) => s.site === site && s.index === t.index && s.path.join('.') === pathKey && s.ruleId === ruleId)) return;
    b.sinks.push({ index: t.index, path: t.path, cls, ruleId, cleaned, steps: t.steps, site });
  }

  private sinkVal(v: Val, cls: SinkClass, site: Site, ruleId = TAINT_RULES[cls].ruleId): void {
    for (const t of collapse(v)) this.reportTaint(t, cls, ruleId, site);
  }

  // ---------------------------------------------------------------- summaries

  private fnName(node: TS.Node, sc: Scope): string {
    const p = node.parent;
    if ((ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node)) && node.name) {
      const cls = p && ts.isClassLike(p) && p.name ? `${p.name.text}.` : '';
      return cls + node.name.text;
    }
    if ((ts.isMethodDeclaration(node) || ts.isGetAccessor(node) || ts.isSetAccessor(node)) && node.name) {
      const owner = ts.isClassLike(p) && p.name ? p.name.text : ts.isObjectLiteralExpression(p) ? this.ownerName(p, sc) : '';
      return `${owner ? owner + '.' : ''}${node.name.getText(sc.file.unit.sf)}`;
    }
    if (ts.isConstructorDeclaration(node)) return `${ts.isClassLike(p) && p.name ? p.name.text : ''}.constructor`;
    if (p && ts.isVariableDeclaration(p) && ts.isIdentifier(p.name)) return p.name.text;
    if (p && ts.isPropertyAssignment(p)) return `${this.ownerName(p.parent, sc)}.${p.name.getText(sc.file.unit.sf)}`;
    if (p && ts.isPropertyDeclaration(p)) return `${ts.isClassLike(p.parent) && p.parent.name ? p.parent.name.text + '.' : ''}${p.name.getText(sc.file.unit.sf)}`;
    if (p && ts.isBinaryExpression(p)) return normText(p.left.getText(sc.file.unit.sf));
    if (p && (ts.isCallExpression(p) || ts.isNewExpression(p))) {
      const callee = normText(p.expression.getText(sc.file.unit.sf)).slice(0, 60);
      const first = p.arguments?.[0];
      const route = first && ts.isStringLiteralLike(first) ? ` ${first.text}` : '';
      return `${sc.fnName === '<module>' ? '' : sc.fnName + '>'}${callee}(${route.trim()})`;
    }
    return `${sc.fnName}>anonymous`;
  }

  private ownerName(n: TS.Node, sc: Scope): string {
    const p = n.parent;
    if (p && ts.isVariableDeclaration(p)) return p.name.getText(sc.file.unit.sf);
    if (p && ts.isBinaryExpression(p)) return normText(p.left.getText(sc.file.unit.sf));
    return '';
  }

  private summary(fn: FnRef): Summary {
    const done = this.summaries.get(fn.node);
    if (done) return done;
    if (this.building.has(fn.node)) return { sinks: [], ret: EMPTY };
    if (this.building.size > 60) return { sinks: [], ret: EMPTY };
    const b: Summary = { sinks: [], ret: EMPTY };
    this.building.set(fn.node, b);
    const closure = (fn.closure as Scope | undefined) ?? this.files.get(fn.file)!.scope;
    const sc: Scope = {
      vars: new Map(), parent: closure, file: closure.file, fnNode: fn.node, fnName: '', thisVal: fn.thisCls ? { t: [], inst: fn.thisCls } : closure.thisVal, returns: [], dotted: false,
    };
    sc.fnName = this.fnName(fn.node, closure);
    const node = fn.node;
    const params = node.parameters;
    const exported = this.opts.libraryMode && this.isExported(node);
    params.forEach((p, i) => {
      let v: Val = { t: [{ origin: 'param', fn: node, index: i, path: [], label: p.name.getText(sc.file.unit.sf), cleaned: 0, steps: [] }] };
      const reqLike = this.requestLike(p, i, params, sc);
      if (reqLike === 'req') v = { t: [], req: true };
      else if (reqLike === 'res') v = { t: [], res: true };
      else if (reqLike === 'src') v = this.source(sc, p, `${p.name.getText(sc.file.unit.sf)} (request parameter)`, 0);
      else if (exported) v = join(v, this.source(sc, p, `parameter ${p.name.getText(sc.file.unit.sf)} of exported ${sc.fnName}`, 0));
      if (p.type) {
        const tv = this.typeVal(p.type, closure);
        if (tv) v = join(v, tv);
        if (p.type.kind === ts.SyntaxKind.NumberKeyword || p.type.kind === ts.SyntaxKind.BooleanKeyword) v = clean(v, ALL_BITS);
      }
      if (p.dotDotDotToken) v = dataOf(v);
      this.bindPattern(p.name, v, sc, p, p.initializer);
    });
    const body = node.body;
    if (body) {
      if (ts.isBlock(body)) this.execBlock(body.statements, sc);
      else sc.returns.push(this.eval(body as TS.Expression, sc));
    }
    b.ret = join(...sc.returns);
    this.building.delete(fn.node);
    this.summaries.set(fn.node, b);
    return b;
  }

  private isExported(node: TS.Node): boolean {
    for (let n: TS.Node | undefined = node; n && !ts.isSourceFile(n); n = n.parent) {
      if (hasModifier(n, ts.SyntaxKind.ExportKeyword)) return true;
      if (ts.isClassLike(n) || ts.isVariableStatement(n) || ts.isFunctionDeclaration(n)) {
        if (hasModifier(n, ts.SyntaxKind.ExportKeyword)) return true;
      }
      if (ts.isBinaryExpression(n) && /^(module\.)?exports\b/.test(n.left.getText())) return true;
      if (ts.isExportAssignment(n)) return true;
    }
    return false;
  }

  private requestLike(p: TS.ParameterDeclaration, i: number, params: TS.NodeArray<TS.ParameterDeclaration>, sc: Scope): 'req' | 'res' | 'src' | undefined {
    const decos = ts.canHaveDecorators(p) ? (ts.getDecorators(p) ?? []) : [];
    for (const d of decos) {
      const e = d.expression;
      const name = ts.isCallExpression(e) ? e.expression.getText(sc.file.unit.sf) : e.getText(sc.file.unit.sf);
      if (name === 'Req' || name === 'Request') return 'req';
      if (NEST_SOURCE_DECORATORS.has(name)) return 'src';
      if (name === 'Res' || name === 'Response') return 'res';
    }
    const type = p.type ? p.type.getText(sc.file.unit.sf) : '';
    if (type && REQ_TYPES.test(type)) return 'req';
    if (/^(express\.)?Response\b|^FastifyReply\b|^ServerResponse\b/.test(type)) return 'res';
    // A parameter declared with some other type (`req: ScanRequest`) is not a web request, whatever its name.
    if (type && !/^(any|unknown|object)$/.test(type)) return undefined;
    if (!ts.isIdentifier(p.name)) {
      return i === 0 && ts.isObjectBindingPattern(p.name) && params.length >= 2 && ['res', 'response', 'reply'].includes(params[1]!.name.getText(sc.file.unit.sf)) ? 'req' : undefined;
    }
    const n = p.name.text;
    if ((n === 'req' || n === 'request') && i <= 1) return 'req';
    if ((n === 'res' || n === 'response' || n === 'reply') && i >= 1 && i <= 2) return 'res';
    if (n === 'ctx' && i === 0 && params[1] && params[1].name.getText(sc.file.unit.sf) === 'next') return 'req';
    return undefined;
  }

  private typeVal(t: TS.TypeNode, sc: Scope): Val | undefined {
    if (ts.isTypeReferenceNode(t)) {
      const name = t.typeName.getText(sc.file.unit.sf);
      const v = ts.isIdentifier(t.typeName) ? this.lookup(sc, name) : undefined;
      const f = v ? force(v) : undefined;
      if (f?.klass) return { t: [], inst: f.klass };
    }
    return undefined;
  }

  /** Applies a callee's summary at a call: parameter sinks fire with the arguments' taints; the return is substituted. */
  private invoke(fn: FnRef, args: Val[], call: TS.Node, sc: Scope, name: string): Val {
    if (++this.budget > 2_000_000) return EMPTY;
    const s = this.summary(fn);
    const params = fn.node.parameters;
    const callStep = (i: number): FlowStep =>
      this.mkStep(sc, call, `passed to ${name}() as ${params[i] ? params[i].name.getText(this.files.get(fn.file)!.unit.sf) : `argument ${i + 1}`}`);
    for (const ps of s.sinks) {
      const arg = args[ps.index];
      if (!arg) continue;
      for (const t of this.taintsAt(arg, ps.path, sc, call)) {
        const steps = [...ps.steps].reduce((acc, st) => addStep(acc, st), addStep(t.steps, callStep(ps.index)));
        this.reportTaint({ ...t, steps, cleaned: t.cleaned | ps.cleaned }, ps.cls, ps.ruleId, ps.site);
      }
    }
    return this.subst(s.ret, fn.node, args, sc, call, callStep, 0);
  }

  private subst(v: Val, fnNode: TS.Node, args: Val[], sc: Scope, call: TS.Node, callStep: (i: number) => FlowStep, depth: number): Val {
    const f = force(v);
    if (f === EMPTY || depth > 3) return f;
    const t: Taint[] = [];
    let extra: Val | undefined;
    for (const x of f.t) {
      if (x.origin === 'param' && x.fn === fnNode && x.index !== undefined) {
        const arg = args[x.index];
        if (!arg) continue;
        if (x.path.length === 0 && (force(arg).fields || force(arg).fns || force(arg).inst || force(arg).req)) extra = join(extra, clean(arg, x.cleaned));
        for (const a of this.taintsAt(arg, x.path, sc, call)) {
          const steps = x.steps.reduce((acc, st) => addStep(acc, st), addStep(a.steps, callStep(x.index)));
          t.push({ ...a, cleaned: a.cleaned | x.cleaned, steps });
        }
      } else t.push(x);
    }
    const out: Val = { ...f, t };
    delete out.lazy;
    if (f.fields) out.fields = new Map([...f.fields].map(([k, fv]) => [k, this.subst(fv, fnNode, args, sc, call, callStep, depth + 1)]));
    return extra ? join(out, extra) : out;
  }

  /** The taints a value has at an access path below it (request objects turn into sources here). */
  private taintsAt(v: Val, path: string[], sc: Scope, node: TS.Node): Taint[] {
    let cur = force(v);
    for (let i = 0; i < path.length; i++) {
      const seg = path[i]!;
      if (cur.req) return this.reqTaints(path.slice(i), sc, node);
      if (cur.fields?.has(seg)) {
        cur = force(cur.fields.get(seg)!);
        continue;
      }
      return cur.t.map((t) => (t.origin === 'param' ? { ...t, path: [...t.path, ...path.slice(i)].slice(0, 3) } : t));
    }
    if (cur.req) return this.reqTaints([], sc, node);
    return collapse(cur);
  }

  private reqTaints(path: string[], sc: Scope, node: TS.Node): Taint[] {
    const [head, ...rest] = path;
    if (head === undefined) return this.source(sc, node, 'request object', 0).t;
    if (head === 'request' || head === 'req') return this.reqTaints(rest, sc, node);
    const m = head.startsWith('()') ? head.slice(2) : undefined;
    if (m !== undefined) return REQ_METHODS.has(m) ? this.source(sc, node, `req.${m}()`, m === 'json' ? 0 : STRINGIFIED).t : [];
    if (REQ_OBJECT_PROPS.has(head)) return this.source(sc, node, ['req', head, ...rest.filter((r) => !r.startsWith('()'))].slice(0, 3).join('.'), 0).t;
    if (REQ_STRING_PROPS.has(head)) return this.source(sc, node, ['req', head, ...rest.filter((r) => !r.startsWith('()'))].slice(0, 3).join('.'), STRINGIFIED).t;
    return [];
  }

  // ---------------------------------------------------------------- statements

  private execBlock(stmts: readonly TS.Statement[], sc: Scope): boolean {
    this.hoist(stmts, sc);
    for (const s of stmts) if (this.exec(s, sc)) return true;
    return false;
  }

  /** Executes a statement; returns true when it always leaves the enclosing block (return, throw, break, continue). */
  private exec(s: TS.Statement, sc: Scope): boolean {
    switch (s.kind) {
      case ts.SyntaxKind.VariableStatement:
        for (const d of (s as TS.VariableStatement).declarationList.declarations) this.declare(d, sc);
        return false;
      case ts.SyntaxKind.ExpressionStatement: {
        const e = (s as TS.ExpressionStatement).expression;
        this.eval(e, sc);
        return ts.isCallExpression(e) && /^process\.exit$/.test(e.expression.getText(sc.file.unit.sf));
      }
      case ts.SyntaxKind.ReturnStatement: {
        const e = (s as TS.ReturnStatement).expression;
        if (e) {
          const v = this.eval(e, sc);
          sc.returns.push(this.lazyStep(v, sc, s, () => `returned from ${sc.fnName}`));
        }
        return true;
      }
      case ts.SyntaxKind.ThrowStatement:
        this.eval((s as TS.ThrowStatement).expression, sc);
        return true;
      case ts.SyntaxKind.BreakStatement:
      case ts.SyntaxKind.ContinueStatement:
        return true;
      case ts.SyntaxKind.Block:
        return this.execBlock((s as TS.Block).statements, sc);
      case ts.SyntaxKind.IfStatement:
        return this.execIf(s as TS.IfStatement, sc);
      case ts.SyntaxKind.ForOfStatement:
      case ts.SyntaxKind.ForInStatement: {
        const f = s as TS.ForOfStatement | TS.ForInStatement;
        const coll = this.eval(f.expression, sc);
        const elem = ts.isForInStatement(f) ? dataOf(coll) : this.member(coll, '*', f.expression, sc);
        if (ts.isVariableDeclarationList(f.initializer)) {
          for (const d of f.initializer.declarations) this.bindPattern(d.name, elem, sc, d, undefined);
        } else this.assign(f.initializer, elem, sc, f);
        this.exec(f.statement, sc);
        return false;
      }
      case ts.SyntaxKind.ForStatement: {
        const f = s as TS.ForStatement;
        if (f.initializer) {
          if (ts.isVariableDeclarationList(f.initializer)) for (const d of f.initializer.declarations) this.declare(d, sc);
          else this.eval(f.initializer, sc);
        }
        if (f.condition) this.eval(f.condition, sc);
        this.exec(f.statement, sc);
        if (f.incrementor) this.eval(f.incrementor, sc);
        return false;
      }
      case ts.SyntaxKind.WhileStatement:
      case ts.SyntaxKind.DoStatement: {
        const w = s as TS.WhileStatement | TS.DoStatement;
        this.eval(w.expression, sc);
        this.exec(w.statement, sc);
        return false;
      }
      case ts.SyntaxKind.TryStatement: {
        const t = s as TS.TryStatement;
        const a = this.execBlock(t.tryBlock.statements, sc);
        let b = true;
        if (t.catchClause) {
          if (t.catchClause.variableDeclaration) this.bindPattern(t.catchClause.variableDeclaration.name, EMPTY, sc, t.catchClause, undefined);
          b = this.execBlock(t.catchClause.block.statements, sc);
        }
        const c = t.finallyBlock ? this.execBlock(t.finallyBlock.statements, sc) : false;
        return (a && b) || c;
      }
      case ts.SyntaxKind.SwitchStatement: {
        const w = s as TS.SwitchStatement;
        this.eval(w.expression, sc);
        for (const c of w.caseBlock.clauses) {
          if (ts.isCaseClause(c)) this.eval(c.expression, sc);
          this.execBlock(c.statements, sc);
        }
        return false;
      }
      case ts.SyntaxKind.LabeledStatement:
        return this.exec((s as TS.LabeledStatement).statement, sc);
      case ts.SyntaxKind.ExportAssignment:
      case ts.SyntaxKind.ExportDeclaration:
      case ts.SyntaxKind.ImportDeclaration:
      case ts.SyntaxKind.FunctionDeclaration:
      case ts.SyntaxKind.InterfaceDeclaration:
      case ts.SyntaxKind.TypeAliasDeclaration:
      case ts.SyntaxKind.ClassDeclaration:
        return false;
      case ts.SyntaxKind.EnumDeclaration:
      case ts.SyntaxKind.ModuleDeclaration:
        return false;
      default:
        ts.forEachChild(s, (c) => {
          if (ts.isExpression(c)) this.eval(c, sc);
        });
        return false;
    }
  }

  private declare(d: TS.VariableDeclaration, sc: Scope): void {
    const v = d.initializer ? this.eval(d.initializer, sc) : EMPTY;
    this.bindPattern(d.name, v, sc, d, undefined);
  }

  private bindPattern(n: TS.BindingName, v: Val, sc: Scope, at: TS.Node, init: TS.Expression | undefined): void {
    let val = v;
    if (init) val = join(val, this.eval(init, sc));
    if (ts.isIdentifier(n)) {
      sc.vars.set(n.text, this.lazyStep(val, sc, at, () => (ts.isParameter(at) ? `parameter ${n.text}` : `assigned to ${n.text}`)));
      return;
    }
    if (ts.isObjectBindingPattern(n)) {
      for (const el of n.elements) {
        if (el.dotDotDotToken) {
          this.bindPattern(el.name, val, sc, el, undefined);
          continue;
        }
        const key = el.propertyName ? (ts.isIdentifier(el.propertyName) || ts.isStringLiteral(el.propertyName) ? el.propertyName.text : '*') : ts.isIdentifier(el.name) ? el.name.text : '*';
        this.bindPattern(el.name, this.member(val, key, el, sc), sc, el, el.initializer);
      }
      return;
    }
    for (const el of n.elements) {
      if (ts.isOmittedExpression(el)) continue;
      this.bindPattern(el.name, el.dotDotDotToken ? val : this.member(val, '*', el, sc), sc, el, el.initializer);
    }
  }

  private execIf(s: TS.IfStatement, sc: Scope): boolean {
    this.eval(s.expression, sc);
    const facts = this.facts(s.expression, sc);
    const before = new Map(sc.vars);
    this.applyFacts(facts.pos, sc);
    const thenExits = this.exec(s.thenStatement, sc);
    const thenVars = sc.vars;
    sc.vars = new Map(before);
    this.applyFacts(facts.neg, sc);
    const elseExits = s.elseStatement ? this.exec(s.elseStatement, sc) : false;
    const elseVars = sc.vars;
    if (thenExits && !elseExits) sc.vars = elseVars;
    else if (elseExits && !thenExits) sc.vars = thenVars;
    else if (thenExits && elseExits) sc.vars = elseVars;
    else {
      const merged = new Map(thenVars);
      for (const [k, v] of elseVars) {
        const o = merged.get(k);
        merged.set(k, o === undefined || o === v ? v : join(o, v));
      }
      sc.vars = merged;
    }
    return thenExits && elseExits;
  }

  // ---------------------------------------------------------------- guards

  private facts(e: TS.Expression, sc: Scope): { pos: Fact[]; neg: Fact[] } {
    const none = { pos: [] as Fact[], neg: [] as Fact[] };
    if (ts.isParenthesizedExpression(e)) return this.facts(e.expression, sc);
    if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.ExclamationToken) {
      const f = this.facts(e.operand, sc);
      return { pos: f.neg, neg: f.pos };
    }
    if (ts.isBinaryExpression(e)) {
      const op = e.operatorToken.kind;
      if (op === ts.SyntaxKind.AmpersandAmpersandToken) {
        const a = this.facts(e.left, sc);
        const b = this.facts(e.right, sc);
        return { pos: [...a.pos, ...b.pos], neg: [] };
      }
      if (op === ts.SyntaxKind.BarBarToken) {
        const a = this.facts(e.left, sc);
        const b = this.facts(e.right, sc);
        const pos: Fact[] = [];
        for (const x of a.pos) {
          const y = b.pos.find((z) => z.key === x.key);
          if (y && (x.mask & y.mask)) pos.push({ ...x, mask: x.mask & y.mask });
        }
        return { pos, neg: [...a.neg, ...b.neg] };
      }
      const eq = op === ts.SyntaxKind.EqualsEqualsEqualsToken || op === ts.SyntaxKind.EqualsEqualsToken;
      const ne = op === ts.SyntaxKind.ExclamationEqualsEqualsToken || op === ts.SyntaxKind.ExclamationEqualsToken;
      if (eq || ne) {
        const r = this.equalityFacts(e.left, e.right, sc) ?? this.equalityFacts(e.right, e.left, sc);
        if (!r) return none;
        return eq ? r : { pos: r.neg, neg: r.pos };
      }
      // x.indexOf(v) !== -1, > -1, >= 0
      if ([ts.SyntaxKind.GreaterThanToken, ts.SyntaxKind.GreaterThanEqualsToken].includes(op) && ts.isCallExpression(e.left)) {
        const c = e.left;
        if (ts.isPropertyAccessExpression(c.expression) && c.expression.name.text === 'indexOf' && c.arguments[0]) {
          const k = this.guardKey(c.arguments[0]);
          return k ? { pos: [{ ...k, mask: ALL_BITS }], neg: [] } : none;
        }
      }
      return none;
    }
    if (ts.isCallExpression(e)) return this.callFacts(e, sc);
    return none;
  }

  private equalityFacts(a: TS.Expression, b: TS.Expression, sc: Scope): { pos: Fact[]; neg: Fact[] } | undefined {
    if (ts.isTypeOfExpression(a) && ts.isStringLiteralLike(b)) {
      const k = this.guardKey(a.expression);
      if (!k) return undefined;
      if (['number', 'boolean', 'bigint', 'undefined'].includes(b.text)) return { pos: [{ ...k, mask: ALL_BITS }], neg: [] };
      if (b.text === 'string') return { pos: [{ ...k, mask: STRINGIFIED }], neg: [] };
      if (b.text === 'object') return { pos: [], neg: [{ ...k, mask: bit('nosql') | bit('proto') }] };
      return undefined;
    }
    if (isIndexOfCall(a)) {
      const k = this.guardKey(a.arguments[0]!);
      const minusOne = ts.isPrefixUnaryExpression(b) && b.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(b.operand) && b.operand.text === '1';
      return k && minusOne ? { pos: [], neg: [{ ...k, mask: ALL_BITS }] } : undefined;
    }
    const k = this.guardKey(a);
    if (!k) return undefined;
    if (ts.isStringLiteralLike(b) || ts.isNumericLiteral(b)) {
      const proto = ts.isStringLiteralLike(b) && ['__proto__', 'constructor', 'prototype'].includes(b.text);
      return { pos: proto ? [] : [{ ...k, mask: ALL_BITS }], neg: proto ? [{ ...k, mask: bit('proto') }] : [] };
    }
    if ((ts.isIdentifier(b) && /^[A-Z][A-Z0-9_]+$/.test(b.text)) || (ts.isPropertyAccessExpression(b) && /^[A-Z][A-Z0-9_]+$/.test(b.name.text))) {
      return { pos: [{ ...k, mask: ALL_BITS }], neg: [] };
    }
    void sc;
    return undefined;
  }

  private callFacts(e: TS.CallExpression, sc: Scope): { pos: Fact[]; neg: Fact[] } {
    const none = { pos: [] as Fact[], neg: [] as Fact[] };
    const sf = sc.file.unit.sf;
    const callee = e.expression;
    const a0 = e.arguments[0];
    if (ts.isPropertyAccessExpression(callee)) {
      const m = callee.name.text;
      const recv = callee.expression;
      if ((m === 'includes' || m === 'has') && a0) {
        if (ts.isStringLiteralLike(a0) && (a0.text === '..' || a0.text === '../')) {
          const k = this.guardKey(recv);
          return k ? { pos: [], neg: [{ ...k, mask: bit('path') }] } : none;
        }
        const k = this.guardKey(a0);
        return k ? { pos: [{ ...k, mask: ALL_BITS }], neg: [] } : none;
      }
      if (m === 'test' && a0 && ts.isRegularExpressionLiteral(recv)) {
        const src = recv.text.slice(1, recv.text.lastIndexOf('/'));
        const k = this.guardKey(a0);
        if (k && src.startsWith('^') && src.endsWith('$') && !/(^|[^\\])\.[*+]/.test(src)) return { pos: [{ ...k, mask: ALL_BITS }], neg: [] };
        return none;
      }
      if (m === 'startsWith' && a0) {
        const k = this.guardKey(recv);
        if (!k) return none;
        let mask = bit('path');
        if (ts.isStringLiteralLike(a0) && /^https?:\/\/[^/]+\//.test(a0.text)) mask |= bit('ssrf') | bit('redirect');
        return { pos: [{ ...k, mask }], neg: [] };
      }
      if ((m === 'hasOwnProperty' || m === 'hasOwn') && e.arguments.length) {
        const k = this.guardKey(e.arguments[e.arguments.length - 1]!);
        return k ? { pos: [{ ...k, mask: bit('proto') }], neg: [] } : none;
      }
      if (/^(isInt|isNumeric|isUUID|isAlphanumeric|isAlpha|isHexadecimal|isMongoId|isBoolean|isInteger|isSafeInteger|isFinite|isFloat|isDecimal)$/.test(m) && a0) {
        const k = this.guardKey(a0);
        return k ? { pos: [{ ...k, mask: ALL_BITS }], neg: [] } : none;
      }
    }
    const name = callee.getText(sf);
    if (a0 && /^(isFinite|(is|has)?(Valid|Safe|Allowed|Whitelisted|Allowlisted|Permitted|Trusted)\w*|is(Valid|Safe|Allowed|Permitted|Trusted)\w*|validate\w*)$/i.test(name.split('.').pop() ?? '')) {
      const k = this.guardKey(a0);
      return k ? { pos: [{ ...k, mask: ALL_BITS }], neg: [] } : none;
    }
    return none;
  }

  private guardKey(e: TS.Expression): Fact | undefined {
    let cur: TS.Expression = e;
    for (let i = 0; i < 6; i++) {
      if (ts.isParenthesizedExpression(cur) || ts.isAsExpression(cur) || ts.isNonNullExpression(cur)) cur = cur.expression;
      else if (ts.isCallExpression(cur) && ts.isPropertyAccessExpression(cur.expression) && /^(toLowerCase|toUpperCase|trim|toString)$/.test(cur.expression.name.text)) cur = cur.expression.expression;
      else if (ts.isPropertyAccessExpression(cur) && /^(hostname|host|origin|protocol)$/.test(cur.name.text)) cur = cur.expression;
      else if (ts.isNewExpression(cur) && cur.arguments?.[0] && cur.expression.getText() === 'URL') cur = cur.arguments[0];
      else if (ts.isCallExpression(cur) && ts.isIdentifier(cur.expression) && cur.expression.text === 'String' && cur.arguments[0]) cur = cur.arguments[0];
      else break;
    }
    const key = pathKey(cur);
    return key ? { key, node: cur, mask: 0 } : undefined;
  }

  private applyFacts(facts: Fact[], sc: Scope): void {
    for (const f of facts) {
      const v = this.eval(f.node, sc);
      if (v.t.length === 0 && !v.fields) continue;
      this.setKey(sc, f.key, clean(v, f.mask));
    }
  }

  // ---------------------------------------------------------------- expressions

  /** Evaluates an expression to its abstract value. */
  eval(e: TS.Expression, sc: Scope): Val {
    const hooks = this.opts.hooks;
    if (hooks?.source && !ts.isLiteralExpression(e)) {
      const src = hooks.source(e, sc.file.unit.sf);
      if (src) {
        const v = this.source(sc, e, src.label, 0);
        return { t: v.t.map((t) => ({ ...t, rule: src.ruleId })) };
      }
    }
    switch (e.kind) {
      case ts.SyntaxKind.Identifier: {
        const name = (e as TS.Identifier).text;
        const v = this.lookup(sc, name);
        if (v) return v;
        if (name === 'undefined') return EMPTY;
        return this.globalVal(name, e, sc);
      }
      case ts.SyntaxKind.ThisKeyword:
        return sc.vars.get('this') ?? sc.thisVal;
      case ts.SyntaxKind.StringLiteral:
      case ts.SyntaxKind.NumericLiteral:
      case ts.SyntaxKind.NoSubstitutionTemplateLiteral:
      case ts.SyntaxKind.TrueKeyword:
      case ts.SyntaxKind.FalseKeyword:
      case ts.SyntaxKind.NullKeyword:
      case ts.SyntaxKind.RegularExpressionLiteral:
      case ts.SyntaxKind.BigIntLiteral:
        return EMPTY;
      case ts.SyntaxKind.TemplateExpression: {
        const t = e as TS.TemplateExpression;
        return clean(join(...t.templateSpans.map((s) => dataOf(this.eval(s.expression, sc)))), STRINGIFIED);
      }
      case ts.SyntaxKind.TaggedTemplateExpression: {
        const t = e as TS.TaggedTemplateExpression;
        const spans = ts.isTemplateExpression(t.template) ? t.template.templateSpans.map((s) => this.eval(s.expression, sc)) : [];
        const tag = t.tag.getText(sc.file.unit.sf);
        if (SQL_TAGS.test(tag) || /\.sql$/.test(tag)) return EMPTY;
        const tv = this.eval(t.tag, sc);
        if (tv.fns) return join(...tv.fns.map((f) => this.invoke(f, [EMPTY, ...spans], t, sc, tag)));
        return clean(join(...spans.map(dataOf)), STRINGIFIED);
      }
      case ts.SyntaxKind.PropertyAccessExpression:
      case ts.SyntaxKind.ElementAccessExpression:
        return this.evalMember(e as TS.PropertyAccessExpression | TS.ElementAccessExpression, sc);
      case ts.SyntaxKind.CallExpression:
        return this.evalCall(e as TS.CallExpression, sc);
      case ts.SyntaxKind.NewExpression:
        return this.evalCall(e as TS.NewExpression, sc);
      case ts.SyntaxKind.BinaryExpression:
        return this.evalBinary(e as TS.BinaryExpression, sc);
      case ts.SyntaxKind.ConditionalExpression: {
        const c = e as TS.ConditionalExpression;
        this.eval(c.condition, sc);
        const f = this.facts(c.condition, sc);
        const before = new Map(sc.vars);
        this.applyFacts(f.pos, sc);
        const a = this.eval(c.whenTrue, sc);
        sc.vars = new Map(before);
        this.applyFacts(f.neg, sc);
        const b = this.eval(c.whenFalse, sc);
        sc.vars = before;
        return join(a, b);
      }
      case ts.SyntaxKind.ParenthesizedExpression:
      case ts.SyntaxKind.AsExpression:
      case ts.SyntaxKind.NonNullExpression:
      case ts.SyntaxKind.TypeAssertionExpression:
      case ts.SyntaxKind.SatisfiesExpression:
      case ts.SyntaxKind.AwaitExpression:
      case ts.SyntaxKind.SpreadElement:
      case ts.SyntaxKind.YieldExpression: {
        const inner = (e as TS.ParenthesizedExpression).expression;
        return inner ? this.eval(inner, sc) : EMPTY;
      }
      case ts.SyntaxKind.ObjectLiteralExpression:
        return this.evalObject(e as TS.ObjectLiteralExpression, sc);
      case ts.SyntaxKind.ArrayLiteralExpression: {
        const els = (e as TS.ArrayLiteralExpression).elements.map((x) => this.eval(x, sc));
        const d = join(...els.map(dataOf));
        return { ...d, obj: true, fields: new Map([['*', d]]) };
      }
      case ts.SyntaxKind.ArrowFunction:
      case ts.SyntaxKind.FunctionExpression:
        return { t: [], fns: [{ node: e as TS.ArrowFunction, file: sc.file.unit.path, closure: sc, ...(sc.thisVal.inst ? { thisCls: sc.thisVal.inst } : {}) }] };
      case ts.SyntaxKind.ClassExpression:
        return { t: [], klass: this.classInfo(e as TS.ClassExpression, sc) };
      case ts.SyntaxKind.PrefixUnaryExpression:
      case ts.SyntaxKind.PostfixUnaryExpression:
        this.eval((e as TS.PrefixUnaryExpression).operand, sc);
        return EMPTY;
      case ts.SyntaxKind.TypeOfExpression:
      case ts.SyntaxKind.VoidExpression:
      case ts.SyntaxKind.DeleteExpression:
        this.eval((e as TS.TypeOfExpression).expression, sc);
        return EMPTY;
      case ts.SyntaxKind.JsxElement:
      case ts.SyntaxKind.JsxSelfClosingElement:
      case ts.SyntaxKind.JsxFragment:
        this.evalJsx(e, sc);
        return EMPTY;
      default:
        ts.forEachChild(e, (c) => {
          if (ts.isExpression(c)) this.eval(c, sc);
        });
        return EMPTY;
    }
  }

  private evalJsx(e: TS.Node, sc: Scope): void {
    const visit = (n: TS.Node): void => {
      if (ts.isJsxAttribute(n) && n.name.getText(sc.file.unit.sf) === 'dangerouslySetInnerHTML' && n.initializer && ts.isJsxExpression(n.initializer) && n.initializer.expression) {
        const v = this.eval(n.initializer.expression, sc);
        const html = force(v).fields?.get('__html') ?? v;
        this.sinkVal(html, 'xss', this.site(sc, n, 'dangerouslySetInnerHTML'));
        return;
      }
      if (ts.isJsxExpression(n) && n.expression) {
        this.eval(n.expression, sc);
        return;
      }
      ts.forEachChild(n, visit);
    };
    visit(e);
  }

  private evalObject(o: TS.ObjectLiteralExpression, sc: Scope): Val {
    const fields = new Map<string, Val>();
    const t: Taint[] = [];
    for (const p of o.properties) {
      if (ts.isPropertyAssignment(p)) {
        const k = ts.isIdentifier(p.name) || ts.isStringLiteral(p.name) || ts.isNumericLiteral(p.name) ? p.name.text : '*';
        const v = this.eval(p.initializer, sc);
        fields.set(k, fields.has(k) ? join(fields.get(k), v) : v);
        if (ts.isComputedPropertyName(p.name)) {
          const kv = this.eval(p.name.expression, sc);
          t.push(...kv.t);
        }
      } else if (ts.isShorthandPropertyAssignment(p)) {
        fields.set(p.name.text, this.eval(p.name, sc));
      } else if (ts.isSpreadAssignment(p)) {
        const v = force(this.eval(p.expression, sc));
        if (v.fields) for (const [k, fv] of v.fields) fields.set(k, fv);
        t.push(...v.t);
      } else if (ts.isMethodDeclaration(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) {
        fields.set(p.name.text, { t: [], fns: [{ node: p, file: sc.file.unit.path, closure: sc }] });
      }
    }
    return { t: t.slice(0, 4), fields, obj: true };
  }

  private evalBinary(b: TS.BinaryExpression, sc: Scope): Val {
    const op = b.operatorToken.kind;
    if (op === ts.SyntaxKind.EqualsToken) {
      const v = this.eval(b.right, sc);
      this.assign(b.left, v, sc, b);
      return v;
    }
    if (op === ts.SyntaxKind.PlusEqualsToken || op === ts.SyntaxKind.BarBarEqualsToken || op === ts.SyntaxKind.QuestionQuestionEqualsToken) {
      const v = join(this.eval(b.left, sc), this.eval(b.right, sc));
      const out = op === ts.SyntaxKind.PlusEqualsToken ? clean(dataOf(v), STRINGIFIED) : v;
      this.assign(b.left, out, sc, b);
      return out;
    }
    const l = this.eval(b.left, sc);
    const r = this.eval(b.right, sc);
    switch (op) {
      case ts.SyntaxKind.PlusToken:
        return clean(join(dataOf(l), dataOf(r)), STRINGIFIED);
      case ts.SyntaxKind.BarBarToken:
      case ts.SyntaxKind.QuestionQuestionToken:
      case ts.SyntaxKind.AmpersandAmpersandToken:
        return join(l, r);
      case ts.SyntaxKind.CommaToken:
        return r;
      default:
        return EMPTY;
    }
  }

  private assign(target: TS.Expression, v: Val, sc: Scope, at: TS.Node): void {
    const sf = sc.file.unit.sf;
    if (ts.isParenthesizedExpression(target)) return this.assign(target.expression, v, sc, at);
    if (ts.isIdentifier(target)) {
      this.setVar(sc, target.text, this.lazyStep(v, sc, at, () => `assigned to ${target.text}`));
      return;
    }
    if (ts.isObjectLiteralExpression(target)) {
      for (const p of target.properties) {
        if (ts.isShorthandPropertyAssignment(p)) this.assign(p.name, this.member(v, p.name.text, p, sc), sc, p);
        else if (ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) this.assign(p.initializer, this.member(v, p.name.text, p, sc), sc, p);
      }
      return;
    }
    if (ts.isArrayLiteralExpression(target)) {
      for (const el of target.elements) if (!ts.isOmittedExpression(el)) this.assign(ts.isSpreadElement(el) ? el.expression : el, this.member(v, '*', el, sc), sc, el);
      return;
    }
    if (ts.isPropertyAccessExpression(target) || ts.isElementAccessExpression(target)) {
      const text = target.getText(sf);
      const name = ts.isPropertyAccessExpression(target) ? target.name.text : ts.isStringLiteralLike(target.argumentExpression) ? target.argumentExpression.text : undefined;
      // sinks written as assignments
      if (name === 'innerHTML' || name === 'outerHTML') this.sinkVal(v, 'xss', this.site(sc, at, text));
      else if (LOCATION_SINKS.test(text) && !this.isBound(sc, text.split('.')[0]!)) this.sinkVal(v, 'redirect', this.site(sc, at, text));
      else if (name === 'href' && /location$/.test(ts.isPropertyAccessExpression(target) ? target.expression.getText(sf) : '')) this.sinkVal(v, 'redirect', this.site(sc, at, text));
      if (ts.isElementAccessExpression(target) && ts.isElementAccessExpression(target.expression)) {
        const k1 = this.eval(target.expression.argumentExpression, sc);
        const k2 = this.eval(target.argumentExpression, sc);
        if (k1.t.length && k2.t.length) this.sinkVal(k1, 'proto', this.site(sc, at, 'a nested computed property write'));
      }
      // CommonJS exports
      if (/^module\.exports$/.test(text) || text === 'exports') {
        sc.file.cjs = v;
        return;
      }
      const m = /^(?:module\.)?exports\.([\w$]+)$/.exec(text);
      if (m && sc.fnName === '<module>') {
        const cur = force(sc.file.cjs ?? { t: [], fields: new Map(), obj: true });
        const fields = new Map(cur.fields ?? []);
        fields.set(m[1]!, v);
        sc.file.cjs = { ...cur, fields };
        return;
      }
      const key = pathKey(target);
      if (key) this.setKey(sc, key, this.lazyStep(v, sc, at, () => `assigned to ${text.slice(0, 60)}`));
      const base = target.expression;
      if (ts.isIdentifier(base) && name !== undefined) {
        const bv = this.lookup(sc, base.text);
        if (bv && !bv.mod && !bv.req && !bv.klass) {
          const fields = new Map(bv.fields ?? []);
          fields.set(name, v);
          this.setVar(sc, base.text, { ...bv, fields });
        }
      } else if (ts.isIdentifier(base) && ts.isElementAccessExpression(target)) {
        const bv = this.lookup(sc, base.text);
        if (bv && !bv.mod && !bv.req && !bv.klass && v.t.length) this.setVar(sc, base.text, join(bv, dataOf(v)));
      }
      if (ts.isElementAccessExpression(target)) this.eval(target.argumentExpression, sc);
      return;
    }
  }

  private globalVal(name: string, node: TS.Node, sc: Scope): Val {
    if (name === 'require' || name === 'module' || name === 'exports') return EMPTY;
    const rows = this.opts.models.byName.get(`global|${name}`);
    const src = rows?.find((r) => r.kind === 'source');
    if (src) return this.source(sc, node, name, 0);
    return { t: [], mod: `global|${name}` };
  }

  private evalMember(e: TS.PropertyAccessExpression | TS.ElementAccessExpression, sc: Scope): Val {
    const key = pathKey(e);
    if (key && key.includes('.')) {
      for (let s: Scope | undefined = sc; s; s = s.parent) {
        if (!s.dotted) continue;
        const v = s.vars.get(key);
        if (v) return v;
      }
    }
    const name = ts.isPropertyAccessExpression(e) ? e.name.text : ts.isStringLiteralLike(e.argumentExpression) || ts.isNumericLiteral(e.argumentExpression) ? e.argumentExpression.text : '*';
    if (ts.isElementAccessExpression(e) && name === '*') this.eval(e.argumentExpression, sc);
    const base = this.eval(e.expression, sc);
    return this.member(base, name, e, sc);
  }

  /** Reads property `name` of a value. */
  private member(baseIn: Val, name: string, node: TS.Node | undefined, sc: Scope): Val {
    const b = force(baseIn);
    if (b.req) {
      if (name === 'request' || name === 'req' || name === 'raw') return b;
      if (!node) return EMPTY;
      if (REQ_OBJECT_PROPS.has(name)) return this.source(sc, node, `req.${name}`, 0);
      if (REQ_STRING_PROPS.has(name)) return this.source(sc, node, `req.${name}`, STRINGIFIED);
      return EMPTY;
    }
    if (b.fields?.has(name)) return force(b.fields.get(name)!);
    if (b.mod) {
      if (b.mod === 'global|process' && name === 'argv' && node) return this.source(sc, node, 'process.argv', STRINGIFIED);
      if (b.mod === 'global|process' && name === 'env') return this.opts.envIsInput && node ? this.source(sc, node, 'process.env', STRINGIFIED) : EMPTY;
      if (b.mod.startsWith('global|') && node) {
        const full = `${b.mod}.${name}`;
        const rows = this.opts.models.byName.get(full);
        if (rows?.some((r) => r.kind === 'source')) return this.source(sc, node, full.slice(7), STRINGIFIED);
      }
      if (b.mod.startsWith('fs|') && name === 'promises') return b;
      return { t: b.t, mod: b.mod.endsWith('|') ? `${b.mod}${name}` : `${b.mod}.${name}` };
    }
    if (b.inst) {
      const m = this.findMethod(b.inst, name, false);
      if (m) return m;
      const f = this.findField(b.inst, name);
      if (f) return f;
    }
    if (b.klass) {
      const m = this.findMethod(b.klass, name, true);
      if (m) return m;
    }
    if (name === 'length') return EMPTY;
    if (b.t.length === 0) {
      if (b.fields && (name === '*' || b.obj)) return name === '*' ? dataOf(b) : EMPTY;
      return EMPTY;
    }
    const t = b.t.map((x) => {
      if (x.origin === 'param') return x.path.length < 3 ? { ...x, path: [...x.path, name] } : x;
      if (x.label.split('.').length < 3 && name !== '*' && /^[\w$]+$/.test(name)) return { ...x, label: `${x.label}.${name}` };
      return x;
    });
    return { t };
  }

  private findMethod(cls: ClassInfo, name: string, statics: boolean): Val | undefined {
    let cur: ClassInfo | undefined = cls;
    for (let i = 0; cur && i < 6; i++) {
      const m = (statics ? cur.statics : cur.methods).get(name);
      if (m) {
        const node = ts.isMethodDeclaration(m) ? m : m.initializer && (ts.isArrowFunction(m.initializer) || ts.isFunctionExpression(m.initializer)) ? m.initializer : undefined;
        if (node) return { t: [], fns: [{ node, file: cur.file, closure: cur.scope, thisCls: cls }] };
      }
      cur = cur.base ? force(cur.base()).klass : undefined;
    }
    return undefined;
  }

  private findField(cls: ClassInfo, name: string): Val | undefined {
    let cur: ClassInfo | undefined = cls;
    for (let i = 0; cur && i < 6; i++) {
      const f = cur.fields.get(name);
      if (f) return f();
      cur = cur.base ? force(cur.base()).klass : undefined;
    }
    return undefined;
  }

  private classInfo(node: TS.ClassLikeDeclaration, sc: Scope): ClassInfo {
    const have = this.classes.get(node);
    if (have) return have;
    const info: ClassInfo = { node, file: sc.file.unit.path, name: node.name?.text ?? '<class>', methods: new Map(), statics: new Map(), fields: new Map(), scope: sc };
    this.classes.set(node, info);
    const sf = sc.file.unit.sf;
    const heritage = node.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0];
    if (heritage) {
      let cached: Val | undefined;
      info.base = () => (cached ??= this.eval(heritage.expression, sc));
    }
    const typed = (t: TS.TypeNode | undefined): (() => Val) | undefined => {
      if (!t) return undefined;
      let cached: Val | undefined;
      return () => (cached ??= this.typeVal(t, sc) ?? EMPTY);
    };
    for (const m of node.members) {
      const stat = hasModifier(m, ts.SyntaxKind.StaticKeyword);
      const name = m.name && (ts.isIdentifier(m.name) || ts.isStringLiteral(m.name) || ts.isPrivateIdentifier(m.name)) ? m.name.getText(sf) : undefined;
      if (ts.isMethodDeclaration(m) && name) (stat ? info.statics : info.methods).set(name, m);
      else if (ts.isPropertyDeclaration(m) && name) {
        if (m.initializer && (ts.isArrowFunction(m.initializer) || ts.isFunctionExpression(m.initializer))) (stat ? info.statics : info.methods).set(name, m);
        else if (m.initializer) {
          const init = m.initializer;
          let cached: Val | undefined;
          info.fields.set(name, () => (cached ??= this.eval(init, sc)));
        } else {
          const f = typed(m.type);
          if (f) info.fields.set(name, f);
        }
      } else if (ts.isConstructorDeclaration(m)) {
        for (const p of m.parameters) {
          if (ts.isIdentifier(p.name) && ts.getModifiers(p)?.length) {
            const f = typed(p.type);
            if (f) info.fields.set(p.name.text, f);
          }
        }
        for (const s of m.body?.statements ?? []) {
          if (!ts.isExpressionStatement(s) || !ts.isBinaryExpression(s.expression) || s.expression.operatorToken.kind !== ts.SyntaxKind.EqualsToken) continue;
          const l = s.expression.left;
          const r = s.expression.right;
          if (!ts.isPropertyAccessExpression(l) || l.expression.kind !== ts.SyntaxKind.ThisKeyword) continue;
          const fname = l.name.text;
          if (ts.isNewExpression(r) || ts.isCallExpression(r)) {
            let cached: Val | undefined;
            info.fields.set(fname, () => (cached ??= this.eval(r, sc)));
          } else if (ts.isIdentifier(r)) {
            const p = m.parameters.find((pp) => ts.isIdentifier(pp.name) && pp.name.text === r.text);
            const f = typed(p?.type);
            if (f) info.fields.set(fname, f);
          }
        }
      }
    }
    return info;
  }

  // ---------------------------------------------------------------- calls

  private evalCall(c: TS.CallExpression | TS.NewExpression, sc: Scope): Val {
    const sf = sc.file.unit.sf;
    const isNew = ts.isNewExpression(c);
    const callee = c.expression;
    const argNodes = c.arguments ?? ts.factory.createNodeArray<TS.Expression>();
    // require('x') and import('x')
    if (ts.isCallExpression(c) && (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require' && !this.isBound(sc, 'require')))) {
      const a0 = argNodes[0];
      if (a0 && ts.isStringLiteralLike(a0)) return this.moduleObject(sc.file, a0.text);
      return EMPTY;
    }
    let recv: Val | undefined;
    let method: string | undefined;
    let calleeVal: Val;
    let recvText = '';
    if ((ts.isPropertyAccessExpression(callee) || ts.isElementAccessExpression(callee)) && !isNew) {
      method = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isStringLiteralLike(callee.argumentExpression) ? callee.argumentExpression.text : undefined;
      recv = this.eval(callee.expression, sc);
      recvText = callee.expression.getText(sf).replace(/\s+/g, '');
      calleeVal = method !== undefined ? this.member(recv, method, callee, sc) : EMPTY;
    } else calleeVal = this.eval(callee, sc);
    const args = argNodes.map((a) => this.eval(a, sc));
    const f = force(calleeVal);
    const name = normText(callee.getText(sf)).slice(0, 80);
    const site = (): Site => this.site(sc, c, `${isNew ? 'new ' : ''}${name}()`);

    // custom hooks
    const hooks = this.opts.hooks;
    if (hooks?.sink) {
      for (const h of hooks.sink(c, sf)) {
        const idx = h.args === '*' ? args.map((_, i) => i) : h.args;
        for (const i of idx) if (args[i]) for (const t of collapse(args[i]!)) this.reportTaint(t, 'code', h.ruleId, site());
      }
    }
    if (hooks?.sanitizer?.(c, sf)) return clean(dataOf(join(...args)), CUSTOM_BIT);

    // request object methods
    const r = recv ? force(recv) : undefined;
    if (r?.req && method && REQ_METHODS.has(method)) return this.source(sc, c, `req.${method}(${argNodes[0] && ts.isStringLiteralLike(argNodes[0]) ? argNodes[0].text : ''})`, method === 'json' || method === 'formData' ? 0 : STRINGIFIED);

    // models
    const rows = this.modelRows(f, method, recvText, r, isNew, callee, sc);
    let result: Val | undefined;
    let sank = false;
    for (const row of rows) {
      if (row.kind === 'sink') {
        sank = true;
        this.applySink(row, args, argNodes, site, sc);
      } else if (row.kind === 'sanitizer' && result === undefined) {
        const input = args[0] ?? (r ? dataOf(r) : EMPTY);
        result = clean(dataOf(input), bitsOf(row.clears ?? []));
      } else if (row.kind === 'source' && result === undefined) result = this.source(sc, c, row.label ?? name, 0);
      else if (row.kind === 'clean' && result === undefined) result = EMPTY;
    }
    if (result !== undefined) return result;

    // callbacks with known semantics
    if (method === 'then' || method === 'catch' || method === 'finally') {
      const inVal = method === 'then' && r ? r : EMPTY;
      const outs = args.map((a) => join(...(force(a).fns ?? []).map((fn) => this.invoke(fn, [inVal], c, sc, `${name} callback`))));
      return method === 'then' ? join(...outs) : join(r, ...outs);
    }
    if (method && ARRAY_CALLBACKS.has(method) && r && args.some((a) => force(a).fns)) {
      const elem = this.member(r, '*', c, sc);
      const outs = args.map((a) => join(...(force(a).fns ?? []).map((fn) => this.invoke(fn, [elem, EMPTY, r], c, sc, `${name} callback`))));
      return method === 'map' || method === 'flatMap' ? join(...outs.map(dataOf)) : method === 'forEach' || method === 'some' || method === 'every' || method === 'findIndex' ? EMPTY : dataOf(r);
    }
    if (method === 'reduce' && r) {
      const outs = args.map((a) => join(...(force(a).fns ?? []).map((fn) => this.invoke(fn, [join(args[1]), this.member(r, '*', c, sc)], c, sc, `${name} callback`))));
      return join(...outs, args[1]);
    }
    if (method && (method === 'push' || method === 'unshift' || method === 'add' || method === 'append') && ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression)) {
      const added = join(...args.map(dataOf));
      if (added.t.length && r && !r.mod) this.setVar(sc, callee.expression.text, join(r, added));
      return EMPTY;
    }
    const fnArgs = args.map((a, i) => [force(a), i] as const).filter(([a]) => a.fns?.length);
    if (method && ROUTE_METHODS.has(method) && fnArgs.length && !r?.t.length) {
      for (const [a] of fnArgs) for (const fn of a.fns!) this.invoke(fn, [{ t: [], req: true }, { t: [], res: true }, EMPTY], c, sc, `${name} handler`);
      return r ?? EMPTY;
    }
    if ((method === 'on' || method === 'addEventListener' || method === 'once') && fnArgs.length) {
      const ev = argNodes[0] && ts.isStringLiteralLike(argNodes[0]) ? argNodes[0].text : '';
      // Messages between a program's own threads (worker_threads' parentPort, a Worker it started) are not input.
      const receiver = ts.isPropertyAccessExpression(callee) ? callee.expression.getText(sc.file.unit.sf).replace(/!$/, '') : '';
      const ownThread = /(^|\.)parentPort$|^(this\.)?\w*[wW]orker$/.test(receiver);
      const input = (ev === 'message' || ev === 'data') && !ownThread ? this.source(sc, argNodes[0]!, `${ev} event`, 0) : EMPTY;
      for (const [a] of fnArgs) for (const fn of a.fns!) this.invoke(fn, [input], c, sc, `${ev} handler`);
      return EMPTY;
    }

    // resolved functions
    let out: Val | undefined;
    const fns = f.fns ?? [];
    if (isNew && f.klass) {
      const ctor = f.klass.node.members.find(ts.isConstructorDeclaration);
      if (ctor?.body) this.invoke({ node: ctor, file: f.klass.file, closure: f.klass.scope, thisCls: f.klass }, args, c, sc, name);
      return { t: [], inst: f.klass };
    }
    for (const fn of fns.slice(0, 4)) out = join(out, this.invoke(fn, args, c, sc, name));
    // functions passed to unknown calls still run: analyse them with untrusted-free arguments
    if (!fns.length) for (const [a] of fnArgs) for (const fn of a.fns!) this.summary(fn);
    if (out !== undefined) return out;
    if (sank) return EMPTY;
    if (f.mod && !f.mod.startsWith('global|')) {
      const d = join(r ? dataOf(r) : undefined, ...args.map((a) => dataOf(a)));
      return { t: d.t, mod: `${f.mod}()` };
    }
    if (f.mod === 'global|Promise.all' || f.mod === 'global|Promise.race' || f.mod === 'global|Promise.allSettled') return dataOf(join(...args));
    // unknown call: arguments and receiver flow into the result
    const recvData = r && method && !r.mod && !r.inst && !r.klass ? this.member(r, `()${method}`, c, sc) : undefined;
    return join(recvData ? dataOf(recvData) : undefined, ...args.map((a) => dataOf(a)));
  }

  private modelRows(f: Val, method: string | undefined, recvText: string, r: Val | undefined, isNew: boolean, callee: TS.Expression, sc: Scope): ModelRow[] {
    const idx = this.opts.models;
    const out: ModelRow[] = [];
    if (f.mod) {
      let key = f.mod;
      if (isNew) {
        const bar = key.indexOf('|');
        const path = key.slice(bar + 1);
        const dot = path.lastIndexOf('.');
        key = `${key.slice(0, bar + 1)}${dot >= 0 ? path.slice(0, dot + 1) : ''}new:${dot >= 0 ? path.slice(dot + 1) : path}`;
      }
      const rows = idx.byName.get(key);
      if (rows) out.push(...rows);
    }
    if (method) {
      const rows = idx.byMethod.get(method);
      if (rows) {
        const rt = r?.res ? 'res' : recvText;
        for (const row of rows) if (!row.recv || row.recv.test(rt)) out.push(row);
      }
    }
    void callee;
    void sc;
    return out;
  }

  private applySink(row: ModelRow, args: Val[], argNodes: TS.NodeArray<TS.Expression>, site: () => Site, sc: Scope): void {
    if (row.opt) {
      const ok = argNodes.some((a) => ts.isObjectLiteralExpression(a) && a.properties.some((p) => ts.isPropertyAssignment(p) && p.name.getText(sc.file.unit.sf) === row.opt!.key && p.initializer.getText(sc.file.unit.sf) === row.opt!.value));
      if (!ok) return;
    }
    const idx = row.args === '*' ? args.map((_, i) => i) : row.args === 'last' ? [args.length - 1] : (row.args ?? [0]);
    let s: Site | undefined;
    for (const i of idx) {
      const a = args[i];
      const n = argNodes[i];
      if (!a || !n) continue;
      if (row.str && (ts.isObjectLiteralExpression(n) || ts.isArrayLiteralExpression(n) || ts.isFunctionLike(n))) continue;
      if (row.cls === 'nosql') {
        const fa = force(a);
        const where = fa.fields?.get('$where');
        if (where) this.sinkVal(where, 'code', (s ??= site()));
      }
      const taints = collapse(a);
      if (taints.length === 0) continue;
      s ??= site();
      for (const t of taints) this.reportTaint(t, row.cls!, TAINT_RULES[row.cls!].ruleId, s);
    }
  }
}

interface Fact {
  key: string;
  node: TS.Expression;
  mask: number;
}

function bitsOf(cs: SinkClass[]): number {
  let b = 0;
  for (const c of cs) b |= bit(c);
  return b;
}

/** `a.b.c` for identifier/`this` chains up to four deep, else undefined. */
export function pathKey(e: TS.Expression): string | undefined {
  if (ts.isIdentifier(e)) return e.text;
  if (e.kind === ts.SyntaxKind.ThisKeyword) return 'this';
  if (ts.isParenthesizedExpression(e) || ts.isNonNullExpression(e) || ts.isAsExpression(e)) return pathKey(e.expression);
  if (ts.isPropertyAccessExpression(e) || (ts.isElementAccessExpression(e) && ts.isStringLiteralLike(e.argumentExpression))) {
    const base = pathKey(e.expression);
    if (!base || base.split('.').length >= 4) return undefined;
    return `${base}.${ts.isPropertyAccessExpression(e) ? e.name.text : (e.argumentExpression as TS.StringLiteral).text}`;
  }
  return undefined;
}

function isIndexOfCall(e: TS.Expression): e is TS.CallExpression {
  return ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression) && e.expression.name.text === 'indexOf' && e.arguments.length > 0;
}
