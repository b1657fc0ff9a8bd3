import ts from './tslib.js';
import type * as TS from 'typescript';
import type { FlowStep } from '../../../core/types.js';
import { REQ_METHODS, REQ_OBJECT_PROPS, REQ_STRING_PROPS, requestRole } from './frameworks.js';
import { ObjectModel } from './objects.js';
import { checkedFields } from './validators.js';
import { hasModifier, normText, type Scope, type Summary } from './scope.js';
import { ALL_BITS, EMPTY, bit, STRINGIFIED, addStep, clean, collapse, dataOf, force, join, type FnRef, type Taint, type Val } from './values.js';

/**
 * Function summaries: each function is analysed once, with its parameters as symbolic taints (request objects and
 * decorated parameters as sources), giving which parameters reach which sinks and what it returns. At a call the
 * summary is applied: parameter sinks fire with the arguments' taints and the return value is substituted.
 */
export abstract class FunctionSummaries extends ObjectModel {
  protected summary(fn: FnRef): Summary {
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
      const reqLike = requestRole(p, i, params, sc.file.unit.sf);
      if (reqLike === 'req') {
        const checked = checkedFields(node, sc.file.unit.sf, () => this.groupValidates());
        v = checked ? { t: [], req: true, checked } : { t: [], req: true };
      } else if (reqLike === 'res') v = { t: [], res: true };
      else if (reqLike === 'src') v = this.source(sc, p, `${p.name.getText(sc.file.unit.sf)} (request parameter)`, 0);
      else if (exported) v = join(v, this.source(sc, p, `parameter ${p.name.getText(sc.file.unit.sf)} of exported ${sc.fnName}`, 0));
      if (p.type) {
        const tv = this.typeVal(p.type, closure);
        // a request DTO's class (`@Body() dto: CreateUserDto`) describes the input's shape; its fields stay input
        if (tv && reqLike !== 'src') v = join(v, tv);
        if (p.type.kind === ts.SyntaxKind.NumberKeyword || p.type.kind === ts.SyntaxKind.BooleanKeyword) v = clean(v, p.type.kind === ts.SyntaxKind.NumberKeyword ? ALL_BITS & ~bit('resource') : ALL_BITS);
      }
      if (p.dotDotDotToken) v = dataOf(v);
      this.bindPattern(p.name, v, sc, p, p.initializer);
    });
    // Hapi handlers `(request, h) => string`: a returned string is sent as text/html
    const hp = params[1];
    if (hp && ts.isIdentifier(hp.name) && hp.name.text === 'h' && params[0] && requestRole(params[0], 0, params, sc.file.unit.sf) === 'req') sc.returnsHtml = true;
    const body = node.body;
    if (body) {
      if (ts.isBlock(body)) this.execBlock(body.statements, sc);
      else {
        const v = this.eval(body as TS.Expression, sc);
        if (sc.returnsHtml) this.returnedHtml(v, body as TS.Expression, sc);
        sc.returns.push(v);
      }
    }
    b.ret = join(...sc.returns);
    this.building.delete(fn.node);
    this.summaries.set(fn.node, b);
    return b;
  }

  /** A string a Hapi handler returns is the HTML response: a cross-site scripting sink. */
  protected returnedHtml(v: Val, e: TS.Expression, sc: Scope): void {
    // only strings built here (objects are sent as JSON)
    while (ts.isParenthesizedExpression(e)) e = e.expression;
    if (!v.t.length || !(ts.isTemplateExpression(e) || (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.PlusToken))) return;
    this.sinkVal(v, 'xss', this.site(sc, e, 'handler return value'));
  }

  protected fnName(node: TS.Node, sc: Scope): string {
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
    return `${sc.fnName === '<module>' ? ownerPath(node, sc.file.unit.sf) : sc.fnName}>anonymous`;
  }

  protected ownerName(n: TS.Node, sc: Scope): string {
    const p = n.parent;
    if (p && ts.isVariableDeclaration(p)) return p.name.getText(sc.file.unit.sf);
    if (p && ts.isBinaryExpression(p)) return normText(p.left.getText(sc.file.unit.sf));
    return '';
  }

  protected isExported(node: TS.Node): boolean {
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

  /** Applies a callee's summary at a call: parameter sinks fire with the arguments' taints; the return is substituted. */
  protected invoke(fn: FnRef, args: Val[], call: TS.Node, sc: Scope, name: string): Val {
    if (++this.budget > 2_000_000) return EMPTY;
    const s = this.summary(fn);
    const params = fn.node.parameters;
    const callStep = (i: number): FlowStep =>
      this.mkStep(sc, call, `passed to ${name}() as ${params[i] ? params[i].name.getText(this.files.get(fn.file)!.unit.sf) : `argument ${i + 1}`}`);
    for (const ps of s.sinks) {
      const arg = args[ps.index];
      if (!arg || ps.site.auditOnly) continue;
      // a helper's whole locals parameter handed to `res.render`: each field of the argument is its own local
      const fa = ps.site.render?.key === '*' && !ps.path.length ? force(arg) : undefined;
      if (fa?.fields?.size) {
        const locals: [string, Val][] = [['*', { t: fa.t }], ...fa.fields];
        for (const [key, v] of locals) {
          const site = { ...ps.site, render: { view: ps.site.render!.view, key }, text: ps.site.text.replace(/\|\*$/, `|${key}`), sinkName: ps.site.sinkName.replace(/`\*`$/, `\`${key}\``) };
          for (const t of collapse(v)) {
            const steps = [...ps.steps].reduce((acc, st) => addStep(acc, st), addStep(t.steps, callStep(ps.index)));
            this.reportTaint({ ...t, steps, cleaned: t.cleaned | ps.cleaned }, ps.cls, ps.ruleId, site);
          }
        }
        continue;
      }
      for (const t of this.taintsAt(arg, ps.path, sc, call)) {
        const steps = [...ps.steps].reduce((acc, st) => addStep(acc, st), addStep(t.steps, callStep(ps.index)));
        this.reportTaint({ ...t, steps, cleaned: t.cleaned | ps.cleaned }, ps.cls, ps.ruleId, ps.site);
      }
    }
    return this.subst(s.ret, fn.node, args, sc, call, callStep, 0);
  }

  protected subst(v: Val, fnNode: TS.Node, args: Val[], sc: Scope, call: TS.Node, callStep: (i: number) => FlowStep, depth: number): Val {
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
  protected taintsAt(v: Val, path: string[], sc: Scope, node: TS.Node): Taint[] {
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

  protected reqTaints(path: string[], sc: Scope, node: TS.Node): Taint[] {
    const [head, ...rest] = path;
    if (head === undefined) return this.source(sc, node, 'request object', 0).t;
    if (head === 'request' || head === 'req') return this.reqTaints(rest, sc, node);
    const m = head.startsWith('()') ? head.slice(2) : undefined;
    if (m !== undefined) return REQ_METHODS.has(m) ? this.source(sc, node, `req.${m}()`, m === 'json' ? 0 : STRINGIFIED).t : [];
    if (REQ_OBJECT_PROPS.has(head)) return this.source(sc, node, ['req', head, ...rest.filter((r) => !r.startsWith('()'))].slice(0, 3).join('.'), 0).t;
    if (REQ_STRING_PROPS.has(head)) return this.source(sc, node, ['req', head, ...rest.filter((r) => !r.startsWith('()'))].slice(0, 3).join('.'), STRINGIFIED).t;
    return [];
  }
}

/**
 * The names of the functions around a node, outermost first (`makeHandler>route`), or `<module>`: an anonymous
 * function analysed without its caller still gets the name of where it is written, so two identical sinks in two
 * anonymous functions of a file stay two findings.
 */
function ownerPath(node: TS.Node, sf: TS.SourceFile): string {
  const names: string[] = [];
  for (let p: TS.Node | undefined = node.parent; p && !ts.isSourceFile(p); p = p.parent) {
    if (!ts.isFunctionLike(p)) continue;
    const n = (p as { name?: TS.Node }).name ?? (ts.isVariableDeclaration(p.parent) ? p.parent.name : undefined);
    names.unshift(n ? n.getText(sf) : 'anonymous');
  }
  return names.length ? names.join('>') : '<module>';
}
