import ts from './tslib.js';
import type * as TS from 'typescript';
import { ExpressionEvaluator } from './expressions.js';
import type { Fact } from './guards.js';
import { guardFacts } from './guards.js';
import { setKey, type Scope } from './scope.js';
import { EMPTY, clean, dataOf, join, type Val } from './values.js';

/**
 * Statements, in order: declarations and destructuring, control flow (branches are analysed separately with the
 * guard facts of their condition and merged; loops run once), and early exits (a branch that returns or throws does
 * not flow past the `if`, which is how `if (!ok) return` guards work).
 */
export abstract class StatementExecutor extends ExpressionEvaluator {
  protected hoist(stmts: readonly TS.Statement[], sc: Scope): void {
    for (const s of stmts) {
      if (ts.isFunctionDeclaration(s) && s.name && s.body) {
        sc.vars.set(s.name.text, { t: [], fns: [{ node: s, file: sc.file.unit.path, closure: sc }] });
        if (!this.boundIn.has(s)) this.boundIn.set(s, sc);
      }
      else if (ts.isClassDeclaration(s) && s.name) {
        const cls = this.classInfo(s, sc);
        sc.vars.set(s.name.text, { t: [], klass: cls });
      }
    }
  }

  protected execBlock(stmts: readonly TS.Statement[], sc: Scope): boolean {
    this.hoist(stmts, sc);
    for (const s of stmts) if (this.exec(s, sc)) return true;
    return false;
  }

  /** Executes a statement; returns true when it always leaves the enclosing block (return, throw, break, continue). */
  protected exec(s: TS.Statement, sc: Scope): boolean {
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
          if (sc.returnsHtml) this.returnedHtml(v, e, sc);
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
        if (f.condition) {
          this.eval(f.condition, sc);
          // `for (i = 0; i < input; i++)`: the client chooses how long the loop runs
          const c = f.condition;
          if (ts.isBinaryExpression(c) && [ts.SyntaxKind.LessThanToken, ts.SyntaxKind.LessThanEqualsToken].includes(c.operatorToken.kind)) {
            const bound = this.eval(c.right, sc);
            if (bound.t.length || bound.fields) this.sinkVal(bound, 'resource', this.site(sc, c, 'loop bound'));
          }
        }
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

  protected declare(d: TS.VariableDeclaration, sc: Scope): void {
    const v = d.initializer ? this.eval(d.initializer, sc) : EMPTY;
    this.bindPattern(d.name, v, sc, d, undefined);
  }

  protected bindPattern(n: TS.BindingName, v: Val, sc: Scope, at: TS.Node, init: TS.Expression | undefined): void {
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

  protected execIf(s: TS.IfStatement, sc: Scope): boolean {
    this.eval(s.expression, sc);
    const facts = guardFacts(s.expression, sc.file.unit.sf, this.callGuards(sc));
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

  protected applyFacts(facts: Fact[], sc: Scope): void {
    for (const f of facts) {
      const v = this.eval(f.node, sc);
      if (v.t.length === 0 && !v.fields) continue;
      setKey(sc, f.key, clean(v, f.mask));
    }
  }
}
