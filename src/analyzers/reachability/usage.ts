import { createRequire } from 'node:module';
import type * as TS from 'typescript';
import type { TargetAnalyzer } from '../../core/types.js';
import { targetFiles } from '../../core/types.js';

/**
 * What the application's own source code uses of its dependencies: per source file, the packages (npm) and import
 * paths (Go) it imports and the names it uses from each. Read once per scan, for reachability of vulnerable
 * dependencies. Files under `node_modules/`, `vendor/` and other installed trees are not the application's.
 */

/** The names one file uses from one import: exported names, namespace members, `default` for the module itself. */
export interface ImportUse {
  /** npm package name (`lodash`, `@scope/pkg`) or Go import path (`golang.org/x/net/html`, `net/http`). */
  module: string;
  /** Names used from it: named imports, `ns.member` accesses, a require/import subpath's first segment. */
  names: Set<string>;
  /** Method names called anywhere in the file (`x.Method(`), for advisories naming `Type.Method` (Go). */
  methods: Set<string>;
}

/** One source file's imports. */
export interface SourceFileUse {
  path: string;
  ecosystem: 'npm' | 'Go';
  imports: ImportUse[];
}

/** Every application source file that imports something. */
export interface SourceUsage {
  files: SourceFileUse[];
  /** Source files read per ecosystem (with or without imports), by path: reachability is only judged where code exists. */
  sources: { npm: string[]; Go: string[] };
}

const JS = /\.(c|m)?(j|t)sx?$/;
const GO = /\.go$/;
const NOT_APP = /(^|\/)(node_modules|vendor|bower_components|\.git|\.venv|site-packages|dist|coverage)\//;
const MAX_BYTES = 1 << 20;

let tsLib: typeof import('typescript') | undefined;
function typescript(): typeof import('typescript') {
  // the compiler bundle is loaded only when a scan has code to read, through require (ESM import lexes it first)
  tsLib ??= createRequire(import.meta.url)('typescript') as typeof import('typescript');
  return tsLib;
}

/** The package a bare specifier names (`lodash/fp` → `lodash`, `@a/b/c` → `@a/b`), undefined for relative and builtin ones. */
export function npmPackageOf(spec: string): { name: string; sub?: string } | undefined {
  if (!spec || spec.startsWith('.') || spec.startsWith('/') || spec.startsWith('node:') || /^[a-z]+:/i.test(spec)) return undefined;
  const parts = spec.split('/');
  const n = spec.startsWith('@') ? 2 : 1;
  if (parts.length < n || parts.slice(0, n).some((p) => !p)) return undefined;
  const sub = parts.slice(n).join('/');
  return { name: parts.slice(0, n).join('/'), ...(sub ? { sub } : {}) };
}

/** The imports of a JS/TS file and the names it uses from each (TypeScript's parser; no type checking). */
export function jsImports(path: string, text: string): ImportUse[] {
  const ts = typescript();
  const kind = /\.tsx$/.test(path) ? ts.ScriptKind.TSX : /\.(c|m)?ts$/.test(path) ? ts.ScriptKind.TS : /\.jsx$/.test(path) ? ts.ScriptKind.JSX : ts.ScriptKind.JS;
  const sf = ts.createSourceFile(path, text, { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseNone }, true, kind);
  const byModule = new Map<string, ImportUse>();
  const use = (spec: string): ImportUse | undefined => {
    const pkg = npmPackageOf(spec);
    if (!pkg) return undefined;
    let u = byModule.get(pkg.name);
    if (!u) byModule.set(pkg.name, (u = { module: pkg.name, names: new Set(), methods: new Set() }));
    if (pkg.sub) u.names.add(pkg.sub.split('/')[0] as string); // lodash/template
    return u;
  };
  // local name → what it is bound to: the module itself (default, namespace, require) or one export
  const bindings = new Map<string, { u: ImportUse; name?: string }>();
  const bindPattern = (u: ImportUse, n: TS.BindingName): void => {
    if (ts.isIdentifier(n)) bindings.set(n.text, { u });
    else if (ts.isObjectBindingPattern(n)) {
      for (const el of n.elements) {
        const exported = el.propertyName && (ts.isIdentifier(el.propertyName) || ts.isStringLiteral(el.propertyName)) ? el.propertyName.text : ts.isIdentifier(el.name) ? el.name.text : undefined;
        if (exported) u.names.add(exported);
        if (ts.isIdentifier(el.name) && exported) bindings.set(el.name.text, { u, name: exported });
      }
    }
  };
  const requireOf = (e: TS.Expression): ImportUse | undefined => {
    if (!ts.isCallExpression(e) || e.arguments.length !== 1) return undefined;
    const a = e.arguments[0] as TS.Expression;
    if (!ts.isStringLiteralLike(a)) return undefined;
    const isRequire = ts.isIdentifier(e.expression) && e.expression.text === 'require';
    const isImport = e.expression.kind === ts.SyntaxKind.ImportKeyword;
    return isRequire || isImport ? use(a.text) : undefined;
  };
  const visit = (node: TS.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const u = use(node.moduleSpecifier.text);
      const c = node.importClause;
      if (u && c) {
        if (c.name) {
          bindings.set(c.name.text, { u });
          u.names.add('default');
        }
        const nb = c.namedBindings;
        if (nb && ts.isNamespaceImport(nb)) bindings.set(nb.name.text, { u });
        else if (nb) {
          for (const el of nb.elements) {
            const exported = (el.propertyName ?? el.name).text;
            u.names.add(exported);
            bindings.set(el.name.text, { u, name: exported });
          }
        }
      }
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const u = use(node.moduleSpecifier.text);
      if (u && node.exportClause && ts.isNamedExports(node.exportClause)) for (const el of node.exportClause.elements) u.names.add((el.propertyName ?? el.name).text);
      else if (u) u.names.add('*'); // `export * from`: everything it exports is re-exported
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
      const u = use(node.moduleReference.expression.text);
      if (u) bindings.set(node.name.text, { u });
    } else if (ts.isVariableDeclaration(node) && node.initializer) {
      // const x = require('p'), const { a } = require('p'), const y = require('p').z, await import('p')
      let init: TS.Expression = node.initializer;
      if (ts.isAwaitExpression(init)) init = init.expression;
      const direct = requireOf(init);
      if (direct) bindPattern(direct, node.name);
      else if (ts.isPropertyAccessExpression(init)) {
        const u = requireOf(init.expression);
        if (u) {
          u.names.add(init.name.text);
          if (ts.isIdentifier(node.name)) bindings.set(node.name.text, { u, name: init.name.text });
        }
      }
    } else if (ts.isCallExpression(node)) {
      const u = requireOf(node);
      if (u && ts.isPropertyAccessExpression(node.parent) && node.parent.expression === node) u.names.add(node.parent.name.text);
      else if (u && !ts.isVariableDeclaration(node.parent) && !ts.isAwaitExpression(node.parent)) u.names.add('default'); // require('p') used as it is
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  // uses of the bindings: `x.member`, `x(...)`, a named import used at all
  const uses = (node: TS.Node): void => {
    if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression)) {
      const b = bindings.get(node.expression.text);
      if (b && !b.name) b.u.names.add(node.name.text);
      else if (b?.name) b.u.names.add(node.name.text); // a class or object export: its members
    } else if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
      if (ts.isIdentifier(node.expression)) {
        const b = bindings.get(node.expression.text);
        if (b && !b.name) b.u.names.add('default');
      }
      if (ts.isPropertyAccessExpression(node.expression)) for (const u of byModule.values()) u.methods.add(node.expression.name.text);
    }
    ts.forEachChild(node, uses);
  };
  if (bindings.size) uses(sf);
  return [...byModule.values()];
}

/** The imports of a Go file with the package-level names it uses (`html.Parse` → `Parse`) and the methods it calls. */
export function goImports(text: string): ImportUse[] {
  // comments and string contents out of the way, keeping import path strings (they are read from the import block)
  const code = text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, ' ');
  const specs: { alias?: string; path: string }[] = [];
  const one = /^\s*([\w.]+\s+)?"([^"]+)"\s*$/;
  for (const m of code.matchAll(/\bimport\s*\(([\s\S]*?)\)|\bimport\s+([\w.]+\s+)?"([^"]+)"/g)) {
    if (m[1] !== undefined) {
      for (const line of m[1].split(/[\n;]/)) {
        const s = one.exec(line);
        if (s) specs.push({ ...(s[1] ? { alias: s[1].trim() } : {}), path: s[2] as string });
      }
    } else specs.push({ ...(m[2] ? { alias: m[2].trim() } : {}), path: m[3] as string });
  }
  // uses are read with string and rune literals emptied (an import path `gopkg.in/yaml.v3` is not a use of yaml.v3)
  const body = code.replace(/"(?:[^"\\\n]|\\.)*"|`[^`]*`|'(?:[^'\\\n]|\\.)*'/g, '""');
  const methods = new Set([...body.matchAll(/\.\s*([A-Za-z_]\w*)\s*\(/g)].map((m) => m[1] as string));
  return specs.map(({ alias, path }) => {
    const parts = path.split('/');
    let local = parts[parts.length - 1] as string;
    if (/^v\d+$/.test(local) && parts.length > 1) local = parts[parts.length - 2] as string; // example.com/mod/v2
    local = alias ?? local.replace(/^go-/, '').replace(/\.v\d+$/, '').replace(/[-.]/g, '_');
    const names = new Set<string>();
    if (local === '.' || local === '_') names.add(local === '.' ? '*' : 'init');
    else for (const m of body.matchAll(new RegExp(`\\b${local.replace(/[^\w]/g, '')}\\s*\\.\\s*([A-Za-z_]\\w*)`, 'g'))) names.add(m[1] as string);
    return { module: path, names, methods };
  });
}

/** The per-scan analysis: every application source file of the target (JS/TS and Go) and what it imports. */
export const sourceUsageAnalyzer: TargetAnalyzer<SourceUsage> = {
  id: 'source-usage',
  async analyze(target, _analyses, ctx) {
    const out: SourceUsage = { files: [], sources: { npm: [], Go: [] } };
    const wanted = (p: string): boolean => (JS.test(p) || GO.test(p)) && !NOT_APP.test(p) && !/\.min\.js$|\.d\.(c|m)?ts$/.test(p);
    for await (const f of targetFiles(target, { path: wanted })) {
      if (ctx.signal.aborted) break;
      if (f.size > MAX_BYTES) continue;
      const ecosystem = GO.test(f.path) ? 'Go' : 'npm';
      let text: string;
      try {
        text = await f.text();
      } catch (e) {
        ctx.fileError(f.path, `cannot read: ${e instanceof Error ? e.message : String(e)}`);
        continue;
      }
      out.sources[ecosystem].push(f.path);
      const imports = ecosystem === 'Go' ? goImports(text) : jsImports(f.path, text);
      if (imports.length) out.files.push({ path: f.path, ecosystem, imports });
    }
    return out;
  },
};
