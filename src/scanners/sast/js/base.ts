import type * as TS from 'typescript';
import type { FileLocation, FlowStep } from '../../../core/types.js';
import { TAINT_RULES, type SinkClass } from './classes.js';
import type { Fact } from './guards.js';
import type { ModelIndex } from './models.js';
import { normText, type FileState, type RenderLocal, type Scope, type Site, type SourceUnit, type Summary } from './scope.js';
import { CUSTOM_BIT, EMPTY, bit, collapse, step, type ClassInfo, type FnRef, type Taint, type Val } from './values.js';

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
  /** An audit: the source is a parameter of a function nothing calls (reported at low severity and confidence). */
  audit?: boolean;
  /** Set for a local handed to a view: the finding is made at the template's unescaped output, if any (views.ts). */
  render?: RenderLocal;
}

/** A source of a custom taint rule found at an expression. */
export interface HookSource {
  ruleId: string;
  /** Human description of the source. */
  label: string;
  /** Taint label (`label:` of a Semgrep source); the default label is `__SOURCE__`. */
  tlabel?: string;
  /** `requires:`: the expression becomes this source only when its own value carries these labels. */
  requires?: (labels: ReadonlySet<string>) => boolean;
}

/** A custom taint hook (YAML `mode: taint` rules plug in here). */
export interface TaintHooks {
  /** Extra source check on any expression: the custom rules' sources there. */
  source?(node: TS.Expression, sf: TS.SourceFile): HookSource[] | undefined;
  /** Extra sinks on a call: returns [ruleId, argument indexes] pairs, with the labels the value must carry. */
  sink?(node: TS.CallExpression | TS.NewExpression, sf: TS.SourceFile): { ruleId: string; args: number[] | '*'; requires?: (labels: ReadonlySet<string>) => boolean }[];
  /** Sinks on any other expression (an assignment's right side...): the value of the expression reaches them. */
  sinkExpr?(node: TS.Expression, sf: TS.SourceFile): { ruleId: string; requires?: (labels: ReadonlySet<string>) => boolean }[] | undefined;
  /** Extra sanitizers: the custom rules for which the call's result is clean (none: not a sanitizer). */
  sanitizer?(node: TS.CallExpression | TS.NewExpression, sf: TS.SourceFile): ReadonlySet<string> | undefined;
  /** Sanitizers by side effect: the variables this call cleans from here on (`validate(x)`), and for which rules. */
  sanitizesVars?(node: TS.CallExpression | TS.NewExpression, sf: TS.SourceFile): { name: string; rules: ReadonlySet<string> }[];
  /** Sources by side effect: the variables this call taints from here on (`readInto(buf)`). */
  taintsVars?(node: TS.CallExpression | TS.NewExpression, sf: TS.SourceFile): { name: string; source: HookSource }[];
  /** Propagators: at this call, the value of `from` flows into the variable `to`. */
  propagate?(node: TS.CallExpression | TS.NewExpression, sf: TS.SourceFile): { from: TS.Expression; to: string }[];
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

/**
 * The bottom layer of the taint interpreter: its state (files, summaries, classes, findings), locations and flow
 * steps, sources, and what happens when a taint reaches a sink.
 *
 * The interpreter is one class built in layers, one file per concern, each extending the one below:
 * `base` → `modules` (imports and exports) → `objects` (property reads, classes) → `summaries` (functions and
 * calls to them) → `calls` (library models, callbacks) → `expressions` → `statements` → `interp` (the driver).
 * A layer calls upward only through the abstract methods declared here.
 */
export abstract class AnalyserBase {
  protected readonly files = new Map<string, FileState>();
  protected readonly summaries = new Map<TS.Node, Summary>();
  /** The scope a function was first bound in (a nested function's locals: the `require`s of the function around it). */
  protected readonly boundIn = new Map<TS.Node, Scope>();
  /** Summaries under construction (a recursive call sees the function as unknown). */
  protected readonly building = new Map<TS.Node, Summary>();
  protected readonly classes = new Map<TS.Node, ClassInfo>();
  /** Findings already reported (file + identity). */
  protected readonly seen = new Set<string>();
  /** Where each seen sink identity was reported (line:column), to tell a second function of the same name apart. */
  protected readonly seenAt = new Map<string, string[]>();
  /** Findings, in discovery order (deterministic for a given input). */
  readonly hits: TaintHit[] = [];
  /** Summary applications so far; the run stops following calls past a bound. */
  protected budget = 0;

  constructor(units: SourceUnit[], protected readonly opts: AnalyserOptions) {
    for (const u of units) {
      const fs: FileState = { unit: u, scope: undefined as unknown as Scope, state: 0, exports: new Map(), stars: [], cjs: undefined };
      fs.scope = { vars: new Map(), parent: undefined, file: fs, fnNode: undefined, fnName: '<module>', thisVal: EMPTY, returns: [], dotted: false };
      this.files.set(u.path, fs);
    }
  }

  /** Evaluates an expression to its abstract value (`expressions.ts`). */
  abstract eval(e: TS.Expression, sc: Scope): Val;
  /** Executes a statement; true when it always leaves the block (`statements.ts`). */
  protected abstract exec(s: TS.Statement, sc: Scope): boolean;
  /** Executes a block's statements (`statements.ts`). */
  protected abstract execBlock(stmts: readonly TS.Statement[], sc: Scope): boolean;
  /** Binds function and class declarations before a block runs (`statements.ts`). */
  protected abstract hoist(stmts: readonly TS.Statement[], sc: Scope): void;
  /** Binds a name or destructuring pattern to a value (`statements.ts`). */
  protected abstract bindPattern(n: TS.BindingName, v: Val, sc: Scope, at: TS.Node, init: TS.Expression | undefined): void;
  /** Narrows the variables that guard facts name (`statements.ts`). */
  protected abstract applyFacts(facts: Fact[], sc: Scope): void;
  /** Reads a property of a value (`objects.ts`). */
  protected abstract member(baseIn: Val, name: string, node: TS.Node | undefined, sc: Scope): Val;
  /** The methods and fields of a class declaration (`objects.ts`). */
  protected abstract classInfo(node: TS.ClassLikeDeclaration, sc: Scope): ClassInfo;
  /** The summary of a function, computed on first use (`summaries.ts`). */
  protected abstract summary(fn: FnRef): Summary;

  private mwMask: number | undefined;
  /**
   * Classes that request-wide sanitising middleware installed by the program clears from every request value:
   * `app.use(mongoSanitize())` (express-mongo-sanitize: operator keys removed, NoSQL) and `app.use(xss())`
   * (xss-clean: HTML escaped, XSS).
   */
  protected middlewareCleaned(): number {
    if (this.mwMask === undefined) {
      let m = 0;
      for (const f of this.files.values()) {
        const t = f.unit.sf.text;
        if (/['"](express-)?mongo-sanitize['"]/.test(t) && /\.use\(\s*(\w+\.)?(mongoSanitize|expressMongoSanitize|sanitize)\s*\(/.test(t)) m |= bit('nosql');
        if (/['"]xss-clean['"]/.test(t) && /\.use\(\s*(xss|xssClean)\s*\(/.test(t)) m |= bit('xss');
      }
      this.mwMask = m;
    }
    return this.mwMask;
  }

  private stored: Set<string> | undefined;
  /**
   * Models, collections and tables a file of the program writes while it handles a request (`Comment.create(...)`,
   * `db.collection('jobs').insertOne(...)`, `INSERT INTO posts`): what the program reads back from them can be
   * input stored earlier (second-order). Lower-cased names.
   */
  protected storedInput(): Set<string> {
    if (!this.stored) {
      const out = new Set<string>();
      for (const f of this.files.values()) {
        const t = f.unit.sf.text;
        if (!/\b(req|request)\.(body|query|params|payload)\b|ctx\.request\.body|\bevent\.body\b|@Body\(/.test(t)) continue;
        for (const m of t.matchAll(/\b([A-Z]\w*|\w+Model|\w+Repository)\.(create|insertOne|insertMany|insert|bulkCreate|upsert|save)\(/g)) out.add(m[1]!.replace(/(Model|Repository)$/, '').toLowerCase());
        for (const m of t.matchAll(/\bnew ([A-Z]\w*)\([^)]*\)[\s\S]{0,200}?\.save\(/g)) out.add(m[1]!.toLowerCase());
        // Sequelize/Mongoose updates: `User.update({ ... }, { where })`, and a record read then updated
        // (`User.findByPk(id).then((u) => u.update({ username: req.body.username }))`)
        for (const m of t.matchAll(/\b([A-Z]\w*|\w+Model)\.(update|updateOne|findByIdAndUpdate|findOneAndUpdate)\(/g)) out.add(m[1]!.replace(/Model$/, '').toLowerCase());
        for (const m of t.matchAll(/\b([A-Z]\w*|\w+Model)\.(findByPk|findById|findOne)\([\s\S]{0,300}?\.(update|set)\(\s*\{/g)) out.add(m[1]!.replace(/Model$/, '').toLowerCase());
        for (const m of t.matchAll(/collection\(\s*['"`](\w+)['"`]\s*\)\s*\.(insertOne|insertMany|insert|updateOne|updateMany|replaceOne|save|findOneAndUpdate)\(/g)) out.add(m[1]!.toLowerCase());
        for (const m of t.matchAll(/\bINSERT\s+(?:OR\s+\w+\s+)?INTO\s+[`"[]?(\w+)/gi)) out.add(m[1]!.toLowerCase());
        for (const m of t.matchAll(/\bprisma\.(\w+)\.(create|createMany|upsert)\(/g)) out.add(m[1]!.toLowerCase());
      }
      this.stored = out;
    }
    return this.stored;
  }

  /** The location of a node in its file. */
  protected loc(sc: Scope | FileState, node: TS.Node): FileLocation {
    const sf = ('unit' in sc ? sc.unit : sc.file.unit).sf;
    const path = ('unit' in sc ? sc.unit : sc.file.unit).path;
    const s = sf.getLineAndCharacterOfPosition(node.getStart(sf));
    const e = sf.getLineAndCharacterOfPosition(node.getEnd());
    return { path, startLine: s.line + 1, startColumn: s.character + 1, endLine: e.line + 1, endColumn: e.character + 1 };
  }

  protected text(sc: Scope, node: TS.Node): string {
    return node.getText(sc.file.unit.sf);
  }

  /** Appends a step only when the value carries taint (locations are costly to compute). */
  protected lazyStep(v: Val, sc: Scope, node: TS.Node, message: () => string): Val {
    if (v.lazy || v.t.length === 0) return v;
    return step(v, this.mkStep(sc, node, message()));
  }

  /** One step of a flow path at a node. */
  protected mkStep(sc: Scope, node: TS.Node, message: string): FlowStep {
    return { location: this.loc(sc, node), message };
  }

  /** A fresh untrusted value read at a node (`cleaned`: classes the value cannot reach, such as NoSQL for a string). */
  protected source(sc: Scope, node: TS.Node, label: string, cleaned: number): Val {
    return { t: [{ origin: 'source', path: [], label, cleaned, steps: [this.mkStep(sc, node, `untrusted input: ${label}`)] }] };
  }

  /** A sink site at a node, with its identity text. */
  protected site(sc: Scope, node: TS.Node, sinkName: string): Site {
    const sf = sc.file.unit.sf;
    const loc = this.loc(sc, node);
    const lines = sf.text.split('\n', loc.startLine ?? 1);
    const snippet = (lines[(loc.startLine ?? 1) - 1] ?? '').trim().slice(0, 300);
    return { file: sc.file.unit.path, loc: { ...loc, snippet }, sinkName, text: normText(this.text(sc, node)), fnName: sc.fnName, snippet };
  }

  /**
   * A taint reaches a sink: from a source it is a finding (one per rule, sink text and function); from a parameter
   * of the function being summarised it becomes a parameter sink of that summary.
   */
  protected reportTaint(t: Taint, cls: SinkClass, ruleId: string, site: Site, extraCleaned = 0): void {
    const cleaned = t.cleaned | extraCleaned;
    const custom = ruleId !== TAINT_RULES[cls].ruleId;
    if (!custom) {
      if (cleaned & bit(cls)) return;
    } else if (cleaned & CUSTOM_BIT || (t.origin === 'source' && (t.rule !== ruleId || (site.requires && !site.requires(new Set([t.tlabel ?? '__SOURCE__'])))))) return;
    if (t.origin === 'source') {
      // an audit site with a command-line value: whoever runs the program chose it (already reported, at low
      // severity, where it reaches the file API)
      if (site.audit && t.label.startsWith('process.argv')) return;
      const identity = this.findingIdentity(ruleId, site);
      if (identity === undefined) return;
      this.hits.push({
        cls, ruleId, file: site.file, loc: site.loc, sinkName: site.sinkName, sourceLabel: t.label,
        flow: [...t.steps, { location: site.loc, message: `reaches ${site.sinkName}` }], identity, snippet: site.snippet,
        ...(site.audit ? { audit: true } : {}),
        ...(site.render ? { render: site.render } : {}),
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

  /**
   * The identity of a finding of `ruleId` at `site` (rule, sink text and function), or undefined when that place
   * has one already. The same sink text at other places (two handlers of one route, a sink repeated in a function)
   * gives one finding each, the later ones numbered so fingerprints stay free of line numbers.
   */
  protected findingIdentity(ruleId: string, site: Site): string | undefined {
    const identity = `${ruleId}|${site.text}|${site.fnName}`;
    const key = `${site.file}\u0000${identity}`;
    const at = `${site.loc.startLine}:${site.loc.startColumn}`;
    const places = this.seenAt.get(key) ?? [];
    if (places.includes(at) || (places.length === 0 && this.seen.has(key))) return undefined;
    places.push(at);
    this.seenAt.set(key, places);
    this.seen.add(key);
    return places.length > 1 ? `${identity}#${places.length}` : identity;
  }

  /** Every taint of a value (fields included) reaches a sink. */
  protected sinkVal(v: Val, cls: SinkClass, site: Site, ruleId = TAINT_RULES[cls].ruleId): void {
    for (const t of collapse(v)) this.reportTaint(t, cls, ruleId, site);
  }
}
