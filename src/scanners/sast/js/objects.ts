import ts from './tslib.js';
import type * as TS from 'typescript';
import { ModuleLinker } from './modules.js';
import { REQ_OBJECT_PROPS, REQ_STRING_PROPS, UPLOAD_SERVER_FIELDS } from './frameworks.js';
import { hasModifier, lookup, type Scope } from './scope.js';
import { EMPTY, STRINGIFIED, clean, dataOf, force, type ClassInfo, type Val } from './values.js';

/**
 * Objects: property reads (request objects turn into sources here, module paths grow, instances find their methods
 * and fields through the class chain), and classes (methods, statics, fields from initialisers and typed
 * constructor parameters).
 */
export abstract class ObjectModel extends ModuleLinker {
  /** Reads property `name` of a value. */
  protected member(baseIn: Val, name: string, node: TS.Node | undefined, sc: Scope): Val {
    const b = force(baseIn);
    if (b.req) {
      if (name === 'request' || name === 'req' || name === 'raw') return b;
      if (!node) return EMPTY;
      if (REQ_OBJECT_PROPS.has(name)) return this.checkedReq(this.source(sc, node, `req.${name}`, this.middlewareCleaned()), b, name, node, sc);
      if (REQ_STRING_PROPS.has(name)) return this.checkedReq(this.source(sc, node, `req.${name}`, STRINGIFIED | this.middlewareCleaned()), b, name, node, sc);
      return EMPTY;
    }
    if (b.fields?.has(name)) return force(b.fields.get(name)!);
    // properties that are input whatever object holds them (`route.snapshot.queryParams`, a zip entry's `entryName`)
    if (node && !b.mod?.startsWith('global|') && (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node))) {
      const rows = this.opts.models.byMethod.get(name);
      if (rows?.some((r) => r.kind === 'source')) {
        const recv = node.expression.getText(sc.file.unit.sf).replace(/\s+/g, '');
        const row = rows.find((r) => r.kind === 'source' && (!r.recv || r.recv.test(recv)));
        if (row) return this.source(sc, node, `${recv}.${name}`, 0);
      }
    }
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
    // multer's req.file.path / filename are names the server chose, not input
    if (UPLOAD_SERVER_FIELDS.has(name) && b.t.length && b.t.every((x) => x.origin === 'source' && /^req\.files?(\.[\w$]+)?$/.test(x.label))) return EMPTY;
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

  /**
   * A request property (`req.body`) with the fields its route's validation chains cover (validators.ts) as fields
   * cleaned for what the chain clears.
   */
  protected checkedReq(v: Val, req: Val, prop: string, node: TS.Node, sc: Scope): Val {
    if (!req.checked) return v;
    let fields: Map<string, Val> | undefined;
    for (const [key, mask] of req.checked.req) {
      if (!key.startsWith(`${prop}.`)) continue;
      const field = key.slice(prop.length + 1);
      (fields ??= new Map()).set(field, clean(this.source(sc, node, `req.${key}`, v.t[0]?.cleaned ?? 0), mask));
    }
    return fields ? { ...v, fields } : v;
  }

  private validates: boolean | undefined;
  /** Whether a file of the group checks express-validator's result (`validationResult(req)`). */
  protected groupValidates(): boolean {
    return (this.validates ??= [...this.files.values()].some((f) => /\bvalidationResult\s*\(/.test(f.unit.sf.text)));
  }

  protected findMethod(cls: ClassInfo, name: string, statics: boolean): Val | undefined {
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

  protected findField(cls: ClassInfo, name: string): Val | undefined {
    let cur: ClassInfo | undefined = cls;
    for (let i = 0; cur && i < 6; i++) {
      const f = cur.fields.get(name);
      if (f) return f();
      cur = cur.base ? force(cur.base()).klass : undefined;
    }
    return undefined;
  }

  protected classInfo(node: TS.ClassLikeDeclaration, sc: Scope): ClassInfo {
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

  protected typeVal(t: TS.TypeNode, sc: Scope): Val | undefined {
    if (ts.isTypeReferenceNode(t)) {
      const name = t.typeName.getText(sc.file.unit.sf);
      const v = ts.isIdentifier(t.typeName) ? lookup(sc, name) : undefined;
      const f = v ? force(v) : undefined;
      if (f?.klass) return { t: [], inst: f.klass };
    }
    return undefined;
  }
}
