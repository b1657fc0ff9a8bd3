import ts from './tslib.js';
import type * as TS from 'typescript';
import { CallEvaluator } from './calls.js';
import { LOCATION_SINKS, SQL_TAGS } from './frameworks.js';
import { guardFacts, pathKey, type CallGuards } from './guards.js';
import { guardSummary, substringCheck, type ParamGuard } from './guard-summaries.js';
import { isBound, lookup, normText, setKey, setVar, type Scope } from './scope.js';
import { TAINT_RULES } from './classes.js';
import { ALL_BITS, EMPTY, STRINGIFIED, bits, clean, collapse, dataOf, force, join, step, type Taint, type Val } from './values.js';

/**
 * Expressions: literals, templates (string building clears operator-injection classes), member access, calls,
 * operators, object and array literals, functions and classes as values, JSX (`dangerouslySetInnerHTML`), and
 * assignments (including sinks written as assignments: `innerHTML`, `location`, nested computed writes).
 */
export abstract class ExpressionEvaluator extends CallEvaluator {
  /** The expression being evaluated without custom source hooks (a source with `requires:` looks at its own value). */
  private sourceHookOff: TS.Expression | undefined;
  /** The expression being evaluated under a custom expression sink. */
  private sinkHookOff: TS.Expression | undefined;

  /**
   * Resolves a call in a condition to the guard summary of the program's function it calls (in any file of the
   * group): every function it may be must guard the parameter, and the facts are what they all clear.
   */
  protected callGuards(sc: Scope): CallGuards {
    return (c) => {
      // only plain callees (`isOk`, `vh.vCode`): evaluating them again has no effect
      if (!pathKey(c.expression)) return undefined;
      const fns = this.eval(c.expression, sc).fns;
      if (!fns?.length) return undefined;
      let out: ParamGuard[] | undefined;
      for (const fn of fns.slice(0, 4)) {
        const sf = this.files.get(fn.file)?.unit.sf;
        const g = sf && guardSummary(fn.node, (x) => guardFacts(x, sf));
        if (!g) return undefined;
        // a check that is no allow-list (`url.includes(allowed)`): say so on the path of what passes it
        const weak = substringCheck(fn.node);
        if (weak && !g.some((x) => x.pos)) {
          c.arguments.forEach((a) => {
            const key = pathKey(a);
            const v = key ? this.eval(a, sc) : EMPTY;
            if (key && v.t.length) setKey(sc, key, step(v, { location: this.loc(this.files.get(fn.file)!, weak), message: `checked by ${c.expression.getText(sc.file.unit.sf)}() with a substring test, not an allow-list` }));
          });
        }
        out = out ? out.map((o, i) => ({ pos: o.pos & (g[i]?.pos ?? 0), neg: o.neg & (g[i]?.neg ?? 0) })) : g;
      }
      return out;
    };
  }

  /** Evaluates an expression to its abstract value. */
  eval(e: TS.Expression, sc: Scope): Val {
    const hooks = this.opts.hooks;
    if (hooks?.sinkExpr && e !== this.sinkHookOff) {
      const sinks = hooks.sinkExpr(e, sc.file.unit.sf);
      // arguments of calls are judged with their call (calls.ts)
      if (sinks?.length && !((ts.isCallExpression(e.parent) || ts.isNewExpression(e.parent)) && e.parent.arguments?.includes(e))) {
        this.sinkHookOff = e;
        let v: Val;
        try {
          v = this.eval(e, sc);
        } finally {
          this.sinkHookOff = undefined;
        }
        const taints = collapse(v);
        const site = this.site(sc, e, normText(e.getText(sc.file.unit.sf)).slice(0, 80));
        for (const h of sinks) {
          const labels = new Set(taints.filter((t) => t.origin === 'source' && t.rule === h.ruleId).map((t) => t.tlabel ?? '__SOURCE__'));
          const all = !h.requires || h.requires(labels);
          for (const t of taints) {
            if (t.origin !== 'source') this.reportTaint(t, 'code', h.ruleId, h.requires ? { ...site, requires: h.requires } : site);
            else if (all) this.reportTaint(t, 'code', h.ruleId, site);
          }
        }
        return v;
      }
    }
    if (hooks?.source && !ts.isLiteralExpression(e) && e !== this.sourceHookOff) {
      const srcs = hooks.source(e, sc.file.unit.sf);
      if (srcs?.length) {
        // the expression is still evaluated (a sink or a source inside it counts, as in Semgrep, where a source only
        // adds taint); a source with `requires:` applies only when the expression's own value carries those labels
        let own: Val;
        this.sourceHookOff = e;
        try {
          own = this.eval(e, sc);
        } finally {
          this.sourceHookOff = undefined;
        }
        const added: Taint[] = [];
        for (const src of srcs) {
          if (src.requires) {
            const labels = new Set(collapse(own).filter((t) => t.origin === 'source' && t.rule === src.ruleId).map((t) => t.tlabel ?? '__SOURCE__'));
            if (!src.requires(labels)) continue;
          }
          for (const t of this.source(sc, e, src.label, 0).t) added.push({ ...t, rule: src.ruleId, ...(src.tlabel ? { tlabel: src.tlabel } : {}) });
        }
        return added.length ? join({ t: added }, own) : own;
      }
    }
    switch (e.kind) {
      case ts.SyntaxKind.Identifier: {
        const name = (e as TS.Identifier).text;
        const v = lookup(sc, name);
        // `(function ($) { ... })(jQuery)`: a `$`/`jQuery` parameter is jQuery, whatever the call passes
        if (v && (name === '$' || name === 'jQuery') && !v.fns && !v.klass && !v.mod) return this.globalVal(name, e, sc);
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
        const out = clean(join(...t.templateSpans.map((s) => dataOf(this.eval(s.expression, sc)))), STRINGIFIED);
        this.builtString(t, out, sc);
        return out;
      }
      case ts.SyntaxKind.TaggedTemplateExpression: {
        const t = e as TS.TaggedTemplateExpression;
        const spans = ts.isTemplateExpression(t.template) ? t.template.templateSpans.map((s) => this.eval(s.expression, sc)) : [];
        const tag = t.tag.getText(sc.file.unit.sf);
        if (SQL_TAGS.test(tag) || /\.sql$/.test(tag)) return EMPTY;
        const tv = this.eval(t.tag, sc);
        if (tv.fns) return join(...tv.fns.map((f) => this.invoke(f, [EMPTY, ...spans], t, sc, tag)));
        // a sanitiser used as a tag (ldap-escape's filter`...`) cleans what it interpolates
        const tagRows = tv.mod ? this.opts.models.byName.get(tv.mod) : undefined;
        const san = tagRows?.find((r) => r.kind === 'sanitizer');
        if (san) return clean(join(...spans.map(dataOf)), bits(san.clears ?? []) | STRINGIFIED);
        return clean(join(...spans.map(dataOf)), STRINGIFIED);
      }
      case ts.SyntaxKind.PropertyAccessExpression:
      case ts.SyntaxKind.ElementAccessExpression:
        return this.evalMember(e as TS.PropertyAccessExpression | TS.ElementAccessExpression, sc);
      case ts.SyntaxKind.CallExpression: {
        const v = this.evalCall(e as TS.CallExpression, sc);
        // `util.format('SELECT ... %s', input)` and `sql.concat(input)` build strings too
        const c = e as TS.CallExpression;
        if (v.t.length && (ts.isPropertyAccessExpression(c.expression) || (ts.isIdentifier(c.expression) && c.expression.text === 'format'))) {
          const m = ts.isPropertyAccessExpression(c.expression) ? c.expression.name.text : 'format';
          const a0 = c.arguments[0];
          if (m === 'format' && a0 && ts.isStringLiteralLike(a0) && /^(util\.)?format$/.test(c.expression.getText(sc.file.unit.sf))) this.builtString(c, v, sc, a0.text);
          else if (m === 'concat' && ts.isIdentifier((c.expression as TS.PropertyAccessExpression).expression)) {
            const init = firstInit((c.expression as TS.PropertyAccessExpression).expression as TS.Identifier, sc.file.unit.sf);
            if (init && ts.isStringLiteralLike(init)) this.builtString(c, v, sc, init.text + '?');
          }
        }
        return v;
      }
      case ts.SyntaxKind.NewExpression:
        return this.evalCall(e as TS.NewExpression, sc);
      case ts.SyntaxKind.BinaryExpression:
        return this.evalBinary(e as TS.BinaryExpression, sc);
      case ts.SyntaxKind.ConditionalExpression: {
        const c = e as TS.ConditionalExpression;
        this.eval(c.condition, sc);
        const f = guardFacts(c.condition, sc.file.unit.sf, this.callGuards(sc));
        const before = new Map(sc.vars);
        this.applyFacts(f.pos, sc);
        let a = this.eval(c.whenTrue, sc);
        // `['jpg', 'png'].includes(url.split('.').pop()) ? url.split('.').pop() : 'jpg'`: the value the allow-list
        // accepted, computed again (no access path to narrow)
        if (a.t.length && allowListed(c.condition, sc.file.unit.sf).has(normText(c.whenTrue.getText(sc.file.unit.sf)))) a = clean(a, ALL_BITS);
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
        if (!this.boundIn.has(e)) this.boundIn.set(e, sc);
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

  protected evalJsx(e: TS.Node, sc: Scope): void {
    const visit = (n: TS.Node): void => {
      if (ts.isJsxAttribute(n) && n.name.getText(sc.file.unit.sf) === 'dangerouslySetInnerHTML' && n.initializer && ts.isJsxExpression(n.initializer) && n.initializer.expression) {
        const v = this.eval(n.initializer.expression, sc);
        const html = force(v).fields?.get('__html') ?? v;
        this.sinkVal(html, 'xss', this.site(sc, n, 'dangerouslySetInnerHTML'));
        return;
      }
      // <a href={input}>: a `javascript:` URL runs script when clicked
      if (ts.isJsxAttribute(n) && /^(href|src|action|formAction|xlinkHref)$/.test(n.name.getText(sc.file.unit.sf)) && n.initializer && ts.isJsxExpression(n.initializer) && n.initializer.expression) {
        const e = n.initializer.expression;
        const v = this.eval(e, sc);
        if (!leadingText(e)) this.sinkVal(v, 'xss', this.site(sc, n, `JSX ${n.name.getText(sc.file.unit.sf)}`));
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

  /**
   * SQL text or HTML markup built from input read in the same function (`'SELECT ... WHERE id = ' + req.query.id`,
   * `` `<h1>${input}</h1>` ``) and kept in a variable, returned, or handed to a function of the program: an audit
   * where the string is built. Strings written straight into a library call are judged by that call's sink.
   */
  protected builtString(e: TS.Expression, v: Val, sc: Scope, text?: string): void {
    if (!v.t.length) return;
    let p = e.parent;
    while (p && ts.isParenthesizedExpression(p)) p = p.parent;
    const kept = p && (ts.isVariableDeclaration(p) || (ts.isBinaryExpression(p) && p.operatorToken.kind === ts.SyntaxKind.EqualsToken) || ts.isReturnStatement(p) || (ts.isCallExpression(p) && ts.isIdentifier(p.expression) && p.expression.text !== 'require'));
    if (!kept) return;
    const cls = builtClass(text ?? literalText(e));
    if (!cls) return;
    const site = { ...this.site(sc, e, cls === 'sql' ? 'SQL text built from input' : 'HTML built from input'), audit: true };
    // input read in this function only (a parameter's value is judged where it reaches a sink); taints of custom
    // (YAML) rules' sources belong to those rules
    for (const t of collapse(v)) if (t.origin === 'source' && !t.rule) this.reportTaint(t, cls, TAINT_RULES[cls].ruleId, site);
    // a parameter built into SQL text: reported where it is built only when nothing calls the function (at call sites
    // the value is judged where the text reaches a query)
    if (cls === 'sql') for (const t of collapse(v)) if (t.origin !== 'source') this.reportTaint(t, cls, TAINT_RULES[cls].ruleId, { ...site, auditOnly: true });
  }

  protected evalObject(o: TS.ObjectLiteralExpression, sc: Scope): Val {
    const fields = new Map<string, Val>();
    const t: Taint[] = [];
    for (const p of o.properties) {
      if (ts.isPropertyAssignment(p)) {
        const k = ts.isIdentifier(p.name) || ts.isStringLiteral(p.name) || ts.isNumericLiteral(p.name) ? p.name.text : '*';
        const v = this.eval(p.initializer, sc);
        fields.set(k, fields.has(k) ? join(fields.get(k), v) : v);
        // React.createElement('div', { dangerouslySetInnerHTML: { __html: input } })
        if (k === 'dangerouslySetInnerHTML') this.sinkVal(force(v).fields?.get('__html') ?? v, 'xss', this.site(sc, p, 'dangerouslySetInnerHTML'));
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
    // a serverless HTTP response (`{ statusCode, headers: { 'Content-Type': 'text/html' }, body }`): the body is the page
    const body = fields.get('body');
    if (body && collapse(body).length && servedHtmlHeaders(o, sc.file.unit.sf)) {
      const bp = o.properties.find((p) => p.name?.getText(sc.file.unit.sf).replace(/['"]/g, '') === 'body')!;
      this.sinkVal(body, 'xss', this.site(sc, bp, 'HTML response body'));
    }
    return { t: t.slice(0, 4), fields, obj: true };
  }

  protected evalBinary(b: TS.BinaryExpression, sc: Scope): Val {
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
      case ts.SyntaxKind.PlusToken: {
        const out = clean(join(dataOf(l), dataOf(r)), STRINGIFIED);
        if (!(ts.isBinaryExpression(b.parent) && b.parent.operatorToken.kind === ts.SyntaxKind.PlusToken)) this.builtString(b, out, sc);
        return out;
      }
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

  protected assign(target: TS.Expression, v: Val, sc: Scope, at: TS.Node): void {
    const sf = sc.file.unit.sf;
    if (ts.isParenthesizedExpression(target)) return this.assign(target.expression, v, sc, at);
    if (ts.isIdentifier(target)) {
      setVar(sc, target.text, this.lazyStep(v, sc, at, () => `assigned to ${target.text}`));
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
      if (name === 'innerHTML' || name === 'outerHTML' || name === 'srcdoc') this.sinkVal(v, 'xss', this.site(sc, at, text));
      // `socket.onmessage = (event) => ...`: a WebSocket's (or a window's) messages are input; a worker's are not
      else if (name === 'onmessage' && force(v).fns && !/(^|\.)(parentPort|self|\w*[wW]orker)$/.test(ts.isPropertyAccessExpression(target) ? target.expression.getText(sf) : '')) {
        const input = this.source(sc, at, 'message event', 0);
        for (const fn of force(v).fns!) this.invoke(fn, [input], at as TS.Expression, sc, 'message handler');
      }
      else if (KOA_BODY.test(text) && ts.isBinaryExpression(at) && servedAsHtml(at.right)) this.sinkVal(v, 'xss', this.site(sc, at, text));
      else if (LOCATION_SINKS.test(text) && !isBound(sc, text.split('.')[0]!)) {
        if (!(ts.isBinaryExpression(at) && this.fixedOrigin(at.right, sc))) this.sinkVal(v, 'redirect', this.site(sc, at, text));
      } else if (name === 'href' && /location$/.test(ts.isPropertyAccessExpression(target) ? target.expression.getText(sf) : '')) {
        if (!(ts.isBinaryExpression(at) && this.fixedOrigin(at.right, sc))) this.sinkVal(v, 'redirect', this.site(sc, at, text));
      }
      // `shared[input] = ...` on an object the whole module shares: a client picks which property of shared state is
      // replaced (`__proto__`, `hasOwnProperty`, `toString`), for every later request
      if (ts.isElementAccessExpression(target) && ts.isIdentifier(target.expression) && !ts.isStringLiteralLike(target.argumentExpression) && !ts.isNumericLiteral(target.argumentExpression) && sc.fnName !== '<module>') {
        const holder = target.expression.text;
        if (!sc.vars.has(holder) && moduleObject(holder, sc)) {
          const k = this.eval(target.argumentExpression, sc);
          if (k.t.length) this.sinkVal(k, 'proto', this.site(sc, at, `a property of the module-level object ${holder}`));
        }
      }
      if (ts.isElementAccessExpression(target) && ts.isElementAccessExpression(target.expression)) {
        const k1 = this.eval(target.expression.argumentExpression, sc);
        const k2 = this.eval(target.argumentExpression, sc);
        if (k1.t.length && k2.t.length) this.sinkVal(k1, 'proto', this.site(sc, at, 'a nested computed property write'));
      }
      // the same write in two steps: `let items = todos[id]; items[name] = text`. An entry picked by input may be
      // `todos['__proto__']`, Object.prototype itself, and a second input key then writes any property onto it; an
      // entry picked by a fixed key is an ordinary object (setting its `__proto__` changes that object alone)
      if (ts.isElementAccessExpression(target) && ts.isIdentifier(target.expression) && !ts.isStringLiteralLike(target.argumentExpression) && !ts.isNumericLiteral(target.argumentExpression)) {
        let sel = declarationInit(target.expression, sf);
        // `boards[id] || {}`, `(boards[id] as Cards)`: the entry picked, with its fallback
        while (sel && (ts.isParenthesizedExpression(sel) || ts.isAsExpression(sel) || ts.isNonNullExpression(sel) || (ts.isBinaryExpression(sel) && (sel.operatorToken.kind === ts.SyntaxKind.BarBarToken || sel.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken)))) sel = ts.isBinaryExpression(sel) ? sel.left : sel.expression;
        const key1 = sel && ts.isElementAccessExpression(sel) ? sel.argumentExpression : undefined;
        if (key1 && (ts.isIdentifier(key1) || ts.isPropertyAccessExpression(key1))) {
          const k1 = this.eval(key1, sc);
          const k2 = this.eval(target.argumentExpression, sc);
          if (k1.t.length && k2.t.length) this.sinkVal(k2, 'proto', this.site(sc, at, `a property of ${target.expression.text}, an entry picked by input`));
        }
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
      if (key) setKey(sc, key, this.lazyStep(v, sc, at, () => `assigned to ${text.slice(0, 60)}`));
      const base = target.expression;
      if (ts.isIdentifier(base) && name !== undefined) {
        const bv = lookup(sc, base.text);
        if (bv && !bv.mod && !bv.req && !bv.klass) {
          const fields = new Map(bv.fields ?? []);
          fields.set(name, v);
          setVar(sc, base.text, { ...bv, fields });
        }
      } else if (ts.isIdentifier(base) && ts.isElementAccessExpression(target)) {
        const bv = lookup(sc, base.text);
        if (bv && !bv.mod && !bv.req && !bv.klass && v.t.length) setVar(sc, base.text, join(bv, dataOf(v)));
      }
      if (ts.isElementAccessExpression(target)) this.eval(target.argumentExpression, sc);
      return;
    }
  }

  protected globalVal(name: string, node: TS.Node, sc: Scope): Val {
    if (name === 'require' || name === 'module' || name === 'exports') return EMPTY;
    const rows = this.opts.models.byName.get(`global|${name}`);
    const src = rows?.find((r) => r.kind === 'source');
    if (src) return this.source(sc, node, name, 0);
    return { t: [], mod: `global|${name}` };
  }

  protected evalMember(e: TS.PropertyAccessExpression | TS.ElementAccessExpression, sc: Scope): Val {
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
}

/** Whether `name` is a variable of the module (not of a function around the scope) holding an object or array literal. */
function moduleObject(name: string, sc: Scope): boolean {
  let top: Scope = sc;
  while (top.parent) {
    if (top.vars.has(name)) return false;
    top = top.parent;
  }
  const sf = sc.file.unit.sf;
  return sf.statements.some((st) => ts.isVariableStatement(st) && st.declarationList.declarations.some((d) => ts.isIdentifier(d.name) && d.name.text === name && d.initializer && (ts.isObjectLiteralExpression(d.initializer) || ts.isArrayLiteralExpression(d.initializer))));
}

/** Whether an object literal's `headers` name an HTML content type (`'Content-Type': 'text/html'`). */
function servedHtmlHeaders(o: TS.ObjectLiteralExpression, sf: TS.SourceFile): boolean {
  const h = o.properties.find((p) => ts.isPropertyAssignment(p) && p.name.getText(sf).replace(/['"]/g, '') === 'headers');
  if (!h || !ts.isPropertyAssignment(h) || !ts.isObjectLiteralExpression(h.initializer)) return false;
  return h.initializer.properties.some((p) => ts.isPropertyAssignment(p) && /^content-type$/i.test(p.name.getText(sf).replace(/['"]/g, '')) && ts.isStringLiteralLike(p.initializer) && /^text\/html\b/i.test(p.initializer.text));
}

/** The initialiser of the first declaration of a variable in its function (later assignments aside). */
function firstInit(id: TS.Identifier, sf: TS.SourceFile): TS.Expression | undefined {
  let scope: TS.Node | undefined = id.parent;
  while (scope && !ts.isFunctionLike(scope) && !ts.isSourceFile(scope)) scope = scope.parent;
  let found: TS.Expression | undefined;
  const visit = (m: TS.Node): void => {
    if (found) return;
    if (ts.isVariableDeclaration(m) && ts.isIdentifier(m.name) && m.name.text === id.text && m.initializer && m.end <= id.getStart(sf)) found = m.initializer;
    else if (!(ts.isFunctionLike(m) && m !== scope)) ts.forEachChild(m, visit);
  };
  if (scope) ts.forEachChild(scope, visit);
  return found;
}

/** The literal parts of a string built with `+` or a template, with `?` where values go. */
function literalText(e: TS.Expression): string {
  if (ts.isParenthesizedExpression(e)) return literalText(e.expression);
  if (ts.isStringLiteralLike(e)) return e.text;
  if (ts.isTemplateExpression(e)) return e.head.text + e.templateSpans.map((sp) => `?${sp.literal.text}`).join('');
  if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.PlusToken) return literalText(e.left) + literalText(e.right);
  return '?';
}

/** What a built string is: SQL text, HTML markup, or neither. */
function builtClass(text: string): 'sql' | 'xss' | undefined {
  if (/^\s*\(?\s*(SELECT\s[\s\S]*?\sFROM\s|INSERT\s+(OR\s+\w+\s+)?INTO\s|UPDATE\s+\S+\s+SET\s|DELETE\s+FROM\s|REPLACE\s+INTO\s)/i.test(text)) return 'sql';
  if (/<\/?[a-zA-Z][\w-]*(\s[^<>]*)?\/?>|<[a-zA-Z][\w-]*\s[^<>]*=["']?\?/.test(text)) return 'xss';
  return undefined;
}

/** Koa's response body: a string starting with `<` is served as HTML. */
const KOA_BODY = /^(ctx|context)\.(response\.)?body$/;

/** The literal text a string expression starts with (`'/users/' + id`, `` `<p>${x}` ``), or '' when unknown. */
function leadingText(e: TS.Expression): string {
  if (ts.isParenthesizedExpression(e)) return leadingText(e.expression);
  if (ts.isStringLiteralLike(e)) return e.text;
  if (ts.isTemplateExpression(e)) return e.head.text;
  if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.PlusToken) return leadingText(e.left);
  return '';
}

/** Koa serves a string body as HTML when it starts with `<`; an object is JSON. */
function servedAsHtml(e: TS.Expression): boolean {
  if (ts.isObjectLiteralExpression(e) || ts.isArrayLiteralExpression(e)) return false;
  const lead = leadingText(e);
  return lead === '' || lead.trimStart().startsWith('<');
}

/**
 * The texts of expressions a condition finds in a fixed list (`['a', 'b'].includes(E)`, `ALLOWED.has(E)`, several
 * joined with `&&`): where it holds, each is one of the list's literals.
 */
function allowListed(cond: TS.Expression, sf: TS.SourceFile): Set<string> {
  const out = new Set<string>();
  const visit = (e: TS.Expression): void => {
    while (ts.isParenthesizedExpression(e)) e = e.expression;
    if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken) {
      visit(e.left);
      visit(e.right);
      return;
    }
    if (!ts.isCallExpression(e) || !ts.isPropertyAccessExpression(e.expression) || !/^(includes|has)$/.test(e.expression.name.text) || !e.arguments[0]) return;
    const list = e.expression.expression;
    const fixed = (ts.isArrayLiteralExpression(list) && list.elements.every((x) => ts.isStringLiteralLike(x) || ts.isNumericLiteral(x))) || (ts.isIdentifier(list) && /^[A-Z][A-Z0-9_]+$/.test(list.text));
    if (fixed) out.add(normText(e.arguments[0].getText(sf)));
  };
  visit(cond);
  return out;
}

/**
 * The initialiser of the declaration of `id` in its function (or the file), whatever is assigned to it later: the
 * first value the name was bound to.
 */
function declarationInit(id: TS.Identifier, sf: TS.SourceFile): TS.Expression | undefined {
  let scope: TS.Node | undefined = id.parent;
  while (scope && !ts.isFunctionLike(scope) && !ts.isSourceFile(scope)) scope = scope.parent;
  if (!scope) return undefined;
  let found: TS.Expression | undefined;
  const visit = (m: TS.Node): void => {
    if (found) return;
    if (ts.isVariableDeclaration(m) && ts.isIdentifier(m.name) && m.name.text === id.text && m.initializer && m.getStart(sf) < id.getStart(sf)) found = m.initializer;
    else if (!(ts.isFunctionLike(m) && m !== scope)) ts.forEachChild(m, visit);
  };
  ts.forEachChild(scope, visit);
  return found;
}
