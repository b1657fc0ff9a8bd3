import ts from './tslib.js';
import type * as TS from 'typescript';
import { AnalyserBase } from './base.js';
import { normaliseModule } from './models.js';
import { resolveModule } from './resolve.js';
import { boundNames, hasModifier, lookup, type FileState, type Scope } from './scope.js';
import { EMPTY, force, type Val } from './values.js';

/**
 * Modules: a file's top level runs once, on first use; ESM imports bind lazily to the exporting file's values
 * (named, default, namespace, `export *`, re-exports), `require`/`import()` of a relative path gives the module object,
 * and CommonJS `module.exports`/`exports.x` are read back. A bare specifier (`child_process`) becomes a module path
 * value (`mod`) that library models match.
 */
export abstract class ModuleLinker extends AnalyserBase {
  protected evalModule(fs: FileState): void {
    if (fs.state !== 0) return;
    fs.state = 1;
    const sc = fs.scope;
    const stmts = fs.unit.sf.statements;
    for (const s of stmts) {
      if (ts.isImportDeclaration(s)) this.bindImport(s, sc);
      else if (ts.isImportEqualsDeclaration(s)) this.bindImportEquals(s, sc);
    }
    this.hoist(stmts, sc);
    for (const s of stmts) {
      this.recordExports(s, fs);
      if (ts.isImportDeclaration(s) || ts.isImportEqualsDeclaration(s)) continue;
      this.exec(s, sc);
    }
    fs.state = 2;
  }

  protected bindImport(s: TS.ImportDeclaration, sc: Scope): void {
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

  /** TypeScript's CommonJS import, `import fs = require('fs')`: the module object, as `const fs = require('fs')`. */
  protected bindImportEquals(s: TS.ImportEqualsDeclaration, sc: Scope): void {
    const ref = s.moduleReference;
    if (s.isTypeOnly || !ts.isExternalModuleReference(ref) || !ts.isStringLiteralLike(ref.expression)) return;
    const spec = ref.expression.text;
    const from = sc.file;
    sc.vars.set(s.name.text, { t: [], lazy: () => this.moduleObject(from, spec) });
  }

  protected fileFor(from: FileState, spec: string): FileState | undefined {
    if (!spec.startsWith('.') && !spec.startsWith('/')) return undefined;
    const p = resolveModule(from.unit.path, spec, (c) => this.files.has(c));
    return p ? this.files.get(p) : undefined;
  }

  protected importName(from: FileState, spec: string, name: string): Val {
    const target = this.fileFor(from, spec);
    if (!target) {
      if (spec.startsWith('.')) return EMPTY;
      const mod = normaliseModule(spec);
      if (mod === 'fs' && name === 'promises') return { t: [], mod: 'fs|' };
      return { t: [], mod: name === 'default' ? `${mod}|` : `${mod}|${name}` };
    }
    return this.exportOf(target, name, 0);
  }

  protected moduleObject(from: FileState, spec: string): Val {
    const target = this.fileFor(from, spec);
    if (!target) return spec.startsWith('.') ? EMPTY : { t: [], mod: `${normaliseModule(spec)}|` };
    this.evalModule(target);
    if (target.cjs) return target.cjs;
    const fields = new Map<string, Val>();
    for (const k of this.exportNames(target, 0)) fields.set(k, { t: [], lazy: () => this.exportOf(target, k, 0) });
    return { t: [], fields, obj: true };
  }

  protected exportNames(fs: FileState, depth: number): Set<string> {
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

  protected exportOf(fs: FileState, name: string, depth: number): Val {
    if (depth > 6) return EMPTY;
    this.evalModule(fs);
    const e = fs.exports.get(name);
    if (e) {
      if (e.val) return force(e.val);
      if (e.local) return force(lookup(fs.scope, e.local) ?? EMPTY);
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

  protected recordExports(s: TS.Statement, fs: FileState): void {
    const ex = hasModifier(s, ts.SyntaxKind.ExportKeyword);
    const def = hasModifier(s, ts.SyntaxKind.DefaultKeyword);
    if ((ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s)) && ex) {
      if (s.name) fs.exports.set(def ? 'default' : s.name.text, { local: s.name.text });
      else if (ts.isFunctionDeclaration(s)) fs.exports.set('default', { val: { t: [], fns: [{ node: s, file: fs.unit.path, closure: fs.scope }] } });
      else fs.exports.set('default', { val: { t: [], klass: this.classInfo(s, fs.scope) } });
    } else if (ts.isVariableStatement(s) && ex) {
      for (const d of s.declarationList.declarations) for (const n of boundNames(d.name)) fs.exports.set(n, { local: n });
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
}
