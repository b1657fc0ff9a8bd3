/**
 * HTTP entry points declared in code. JavaScript/TypeScript is read with the SAST scanner's parser (the same route
 * registrations its taint engine treats as request sources): Express/Koa/Hono/Fastify-style `app.get('/p', h)`,
 * `router.route('/p').get(h)`, `fastify.route({ method, url })`, NestJS `@Controller` + `@Get`, mounts
 * `app.use('/api', router)` (in the file, and of routers imported from relative modules), and Next.js `pages/api` and
 * `app/.../route.ts` files. Python (Flask, FastAPI), Go (net/http, gin, echo, chi) and Java (Spring) are read line by
 * line from their decorators and registration calls.
 */
import type * as TS from 'typescript';
import { parseSource, ts } from './sources.js';

/** One route found in the code. */
export interface CodeRoute {
  /** Upper-case method, or `*` for any. */
  method: string;
  /** Normalised path: leading `/`, no trailing `/`, parameters written `{name}`. */
  path: string;
  file: string;
  line: number;
}

const METHODS = new Set(['get', 'post', 'put', 'delete', 'patch', 'options', 'head', 'all', 'del']);
/** Receivers that are HTTP clients, never servers: `axios.get('/api/x', config)` is a request, not a route. */
const CLIENTS = /^(axios|https?|got|ky|superagent|request|fetch|client|httpClient|http2|needle|undici|agent|supertest|\$http|ajax|\$)$/i;
/** Receivers conventionally named for servers and routers. */
const CONVENTIONAL = new Set(['app', 'router', 'server', 'fastify', 'instance', 'routes', 'api', 'route', 'r', 'hono', 'koa', 'web']);
/** Calls that create a server or router: `express()`, `express.Router()`, `new Koa()`, `new Hono()`, `Fastify()`. */
const ROUTER_FACTORY = /(?:^|\.)(?:express|Router|createRouter|Koa|KoaRouter|Hono|fastify|Fastify|polka|Elysia|createServer)$/;
const NEST = new Map([['Get', 'GET'], ['Post', 'POST'], ['Put', 'PUT'], ['Delete', 'DELETE'], ['Patch', 'PATCH'], ['Options', 'OPTIONS'], ['Head', 'HEAD'], ['All', '*']]);

/** Normalises a route path: `/users/:id/` → `/users/{id}`; `<int:id>`, `[id]`, `{id:[0-9]+}` and `*` kept as params. */
export function normalisePath(p: string): string {
  let s = p.trim().replace(/\?.*$/, '');
  if (!s.startsWith('/')) s = `/${s}`;
  s = s.replace(/\/{2,}/g, '/');
  const segs = s.split('/').map((seg) => {
    let m = /^:([A-Za-z0-9_]+)\??$/.exec(seg) ?? /^\{([A-Za-z0-9_]+)(?::[^}]*)?\}$/.exec(seg) ?? /^<(?:[a-z]+:)?([A-Za-z0-9_]+)>$/.exec(seg) ?? /^\[{1,2}(?:\.\.\.)?([A-Za-z0-9_]+)\]{1,2}$/.exec(seg);
    if (m) return `{${m[1]}}`;
    m = /^\$\{([A-Za-z0-9_]+)\}$/.exec(seg);
    return m ? `{${m[1]}}` : seg;
  });
  const out = segs.join('/');
  return out.length > 1 ? out.replace(/\/$/, '') : out;
}

function join(prefix: string, p: string): string {
  return normalisePath(`${prefix.replace(/\/$/, '')}/${p.replace(/^\//, '')}`);
}

/** A file's routes and what it mounts, before mounts across files are resolved. */
export interface FileRoutes {
  file: string;
  routes: (CodeRoute & { router: string })[];
  /** `app.use('/api', x)`: prefix, the mounted identifier, and the relative module it was imported from. */
  mounts: { parent: string; prefix: string; child: string; module?: string }[];
  /** Identifiers imported from relative modules: local name → specifier. */
  imports: Map<string, string>;
  /** The identifier exported as the module's default (or `module.exports`). */
  exported?: string;
}

/** Routes declared in one JavaScript/TypeScript file (mounts unresolved). */
export function jsRoutes(file: string, text: string): FileRoutes {
  const out: FileRoutes = { file, routes: [], mounts: [], imports: new Map() };
  const next = nextRoute(file, text);
  if (next) {
    out.routes.push(...next.map((r) => ({ ...r, router: '' })));
    return out;
  }
  if (!/\.(get|post|put|delete|patch|route|use|all|options|head)\s*\(|@(Controller|Get|Post|Put|Delete|Patch)\b/.test(text)) return out;
  const { sf } = parseSource(file, text);
  const routers = new Set<string>();
  const pending: { route: CodeRoute & { router: string }; handler: 'function' | 'reference' | 'data' }[] = [];
  const handlerKind = (a: TS.Expression | undefined): 'function' | 'reference' | 'data' =>
    !a ? 'data' : ts.isArrowFunction(a) || ts.isFunctionExpression(a) ? 'function' : ts.isIdentifier(a) || ts.isPropertyAccessExpression(a) || ts.isCallExpression(a) ? 'reference' : 'data';
  const line = (n: TS.Node) => sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
  const literal = (n: TS.Node | undefined): string | undefined => (n && (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) ? n.text : undefined);
  const rootName = (e: TS.Expression): string => {
    let c: TS.Expression = e;
    for (let i = 0; i < 32 && (ts.isPropertyAccessExpression(c) || ts.isCallExpression(c)); i++) c = c.expression;
    return ts.isIdentifier(c) ? c.text : c.kind === ts.SyntaxKind.ThisKeyword ? 'this' : '';
  };
  const visit = (n: TS.Node, depth: number): void => {
    if (depth > 400) return;
    if (ts.isImportDeclaration(n) && ts.isStringLiteral(n.moduleSpecifier) && n.moduleSpecifier.text.startsWith('.')) {
      const spec = n.moduleSpecifier.text;
      const cl = n.importClause;
      if (cl?.name) out.imports.set(cl.name.text, spec);
      if (cl?.namedBindings && ts.isNamedImports(cl.namedBindings)) for (const el of cl.namedBindings.elements) out.imports.set(el.name.text, spec);
    }
    if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.initializer && ts.isCallExpression(n.initializer) && ts.isIdentifier(n.initializer.expression) && n.initializer.expression.text === 'require') {
      const spec = literal(n.initializer.arguments[0]);
      if (spec?.startsWith('.')) out.imports.set(n.name.text, spec);
    }
    if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.initializer) {
      const init = n.initializer;
      const callee = ts.isCallExpression(init) || ts.isNewExpression(init) ? init.expression.getText(sf) : '';
      if (ROUTER_FACTORY.test(callee)) routers.add(n.name.text);
    }
    if (ts.isExportAssignment(n) && ts.isIdentifier(n.expression)) out.exported = n.expression.text;
    if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken && n.left.getText(sf) === 'module.exports' && ts.isIdentifier(n.right)) out.exported = n.right.text;
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression)) call(n, n.expression);
    if (ts.isClassDeclaration(n)) nest(n);
    ts.forEachChild(n, (c) => visit(c, depth + 1));
  };
  const call = (n: TS.CallExpression, callee: TS.PropertyAccessExpression) => {
    const method = callee.name.text;
    const args = n.arguments;
    const p = literal(args[0]);
    if (METHODS.has(method) && p !== undefined && p.startsWith('/') && args.length >= 2) {
      pending.push({
        route: { method: method === 'all' ? '*' : method === 'del' ? 'DELETE' : method.toUpperCase(), path: normalisePath(p), file, line: line(n), router: rootName(callee.expression) },
        handler: handlerKind(args[args.length - 1]),
      });
      return;
    }
    if (METHODS.has(method) && args.length >= 1 && p === undefined) {
      // chained `.route('/x').get(h).post(h)`
      let inner: TS.Expression = callee.expression;
      for (let i = 0; i < 16 && ts.isCallExpression(inner) && ts.isPropertyAccessExpression(inner.expression) && METHODS.has(inner.expression.name.text); i++) inner = inner.expression.expression;
      if (ts.isCallExpression(inner) && ts.isPropertyAccessExpression(inner.expression) && inner.expression.name.text === 'route') {
        const rp = literal(inner.arguments[0]);
        if (rp?.startsWith('/')) out.routes.push({ method: method === 'all' ? '*' : method.toUpperCase(), path: normalisePath(rp), file, line: line(n), router: rootName(inner.expression.expression) });
      }
      return;
    }
    if (method === 'route' && args.length === 1 && ts.isObjectLiteralExpression(args[0]!)) {
      let m: string[] = [];
      let url: string | undefined;
      for (const prop of args[0].properties) {
        if (!ts.isPropertyAssignment(prop) || !ts.isIdentifier(prop.name)) continue;
        if (prop.name.text === 'url' || prop.name.text === 'path') url = literal(prop.initializer);
        if (prop.name.text === 'method') m = ts.isArrayLiteralExpression(prop.initializer) ? prop.initializer.elements.map((e) => literal(e) ?? '').filter(Boolean) : [literal(prop.initializer) ?? ''].filter(Boolean);
      }
      if (url?.startsWith('/')) for (const mm of m.length ? m : ['*']) out.routes.push({ method: mm.toUpperCase(), path: normalisePath(url), file, line: line(n), router: rootName(callee.expression) });
      return;
    }
    if (method === 'use' && p !== undefined && p.startsWith('/')) {
      for (const a of args.slice(1)) {
        if (ts.isIdentifier(a)) out.mounts.push({ parent: rootName(callee.expression), prefix: p, child: a.text });
        else if (ts.isCallExpression(a) && ts.isIdentifier(a.expression) && a.expression.text === 'require') {
          const spec = literal(a.arguments[0]);
          if (spec?.startsWith('.')) out.mounts.push({ parent: rootName(callee.expression), prefix: p, child: '', module: spec });
        }
      }
    }
  };
  const decorators = (n: TS.Node) => (ts.canHaveDecorators(n) ? (ts.getDecorators(n) ?? []) : []);
  const decoratorCall = (d: TS.Decorator): { name: string; arg: string | undefined } | undefined =>
    ts.isCallExpression(d.expression) && ts.isIdentifier(d.expression.expression) ? { name: d.expression.expression.text, arg: literal(d.expression.arguments[0]) ?? (d.expression.arguments.length === 0 ? '' : undefined) } : undefined;
  const nest = (c: TS.ClassDeclaration) => {
    const ctrl = decorators(c).map(decoratorCall).find((d) => d?.name === 'Controller');
    if (!ctrl) return;
    const prefix = ctrl.arg ?? '';
    for (const m of c.members) {
      for (const d of decorators(m)) {
        const dc = decoratorCall(d);
        const method = dc && NEST.get(dc.name);
        if (dc && method && dc.arg !== undefined) out.routes.push({ method, path: join(`/${prefix}`, dc.arg), file, line: line(d), router: '' });
      }
    }
  };
  visit(sf, 0);
  for (const { route, handler } of pending) {
    const r = route.router;
    if (CLIENTS.test(r)) continue;
    if (routers.has(r) || (CONVENTIONAL.has(r) && handler !== 'data') || handler === 'function') out.routes.push(route);
  }
  return out;
}

/** Next.js: `pages/api/**` (any method) and `app/**\/route.ts` (its exported GET/POST/... functions). */
function nextRoute(file: string, text: string): Omit<CodeRoute, 'router'>[] | undefined {
  const pages = /(?:^|\/)pages\/(api\/.*)\.(?:[cm]?[jt]sx?)$/.exec(file);
  if (pages) {
    const p = pages[1]!.replace(/\/index$/, '');
    return [{ method: '*', path: normalisePath(`/${p}`), file, line: 1 }];
  }
  const app = /(?:^|\/)app\/((?:.*\/)?)route\.(?:[cm]?[jt]s)$/.exec(file);
  if (!app) return undefined;
  const path = normalisePath(`/${app[1]!.split('/').filter((s) => s && !/^\(.*\)$/.test(s) && !s.startsWith('@')).join('/')}`);
  const out: Omit<CodeRoute, 'router'>[] = [];
  text.split(/\r?\n/).forEach((l, i) => {
    const m = /^\s*export\s+(?:async\s+)?(?:function\s+|const\s+)(GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS)\b/.exec(l);
    if (m) out.push({ method: m[1]!, path, file, line: i + 1 });
  });
  return out;
}

/** Resolves mounts across files: a router imported and mounted under `/api` has its routes prefixed. */
export function resolveMounts(files: FileRoutes[]): CodeRoute[] {
  const byFile = new Map(files.map((f) => [f.file, f]));
  const resolveSpec = (from: string, spec: string): FileRoutes | undefined => {
    const dir = from.includes('/') ? from.slice(0, from.lastIndexOf('/')) : '';
    const parts = (dir ? `${dir}/${spec}` : spec).split('/');
    const stack: string[] = [];
    for (const p of parts) {
      if (p === '.' || p === '') continue;
      if (p === '..') stack.pop();
      else stack.push(p);
    }
    const base = stack.join('/').replace(/\.(?:[cm]?js)$/, '');
    for (const ext of ['', '.ts', '.js', '.tsx', '.jsx', '.mjs', '.cjs', '.mts', '.cts', '/index.ts', '/index.js']) {
      const f = byFile.get(base + ext);
      if (f) return f;
    }
    return undefined;
  };
  // Prefixes each file's routes get from being mounted elsewhere (a file may be mounted under several).
  const prefixes = new Map<string, Set<string>>();
  for (const f of files) {
    for (const m of f.mounts) {
      const spec = m.module ?? f.imports.get(m.child);
      if (!spec) continue;
      const target = resolveSpec(f.file, spec);
      if (target) (prefixes.get(target.file) ?? prefixes.set(target.file, new Set()).get(target.file)!).add(`${f.file}\0${m.parent}\0${m.prefix}`);
    }
  }
  const full = (f: FileRoutes, router: string, depth: number): string[] => {
    // Same-file mounts of a router variable (`app.use('/v1', v1)` with `const v1 = Router()`).
    const local = f.mounts.filter((m) => m.child === router && !m.module && !f.imports.has(m.child));
    const out: string[] = [];
    for (const m of local) if (depth < 8) for (const p of full(f, m.parent, depth + 1)) out.push(join(p, m.prefix));
    const outer = prefixes.get(f.file);
    if (outer && depth < 8 && (router === f.exported || f.exported === undefined || local.length === 0)) {
      for (const key of outer) {
        const [file, parent, prefix] = key.split('\0') as [string, string, string];
        const pf = byFile.get(file);
        if (pf) for (const p of full(pf, parent, depth + 1)) out.push(join(p, prefix));
      }
    }
    return out.length ? [...new Set(out)] : ['/'];
  };
  const routes: CodeRoute[] = [];
  const seen = new Set<string>();
  for (const f of files) {
    for (const r of f.routes) {
      for (const prefix of r.router ? full(f, r.router, 0) : ['/']) {
        const route = { method: r.method, path: join(prefix, r.path), file: r.file, line: r.line };
        const k = `${route.method} ${route.path} ${route.file}:${route.line}`;
        if (!seen.has(k)) {
          seen.add(k);
          routes.push(route);
        }
      }
    }
  }
  return routes;
}

/** Routes declared in a Python, Go or Java file, line by line. */
export function lineRoutes(file: string, text: string): CodeRoute[] {
  const out: CodeRoute[] = [];
  const lines = text.split(/\r?\n/);
  const add = (method: string, path: string, i: number) => {
    if (path.startsWith('/')) out.push({ method, path: normalisePath(path), file, line: i + 1 });
  };
  if (/\.py$/.test(file)) {
    lines.forEach((l, i) => {
      let m = /^\s*@\w+(?:\.\w+)*\.route\(\s*['"]([^'"]+)['"](.*)$/.exec(l);
      if (m) {
        const methods = /methods\s*=\s*\[([^\]]*)\]/.exec(m[2]!)?.[1]?.match(/[A-Za-z]+/g) ?? ['GET'];
        for (const mm of methods) add(mm.toUpperCase(), m[1]!, i);
        return;
      }
      m = /^\s*@\w+(?:\.\w+)*\.(get|post|put|delete|patch|options|head|api_route)\(\s*['"]([^'"]+)['"]/.exec(l);
      if (m) add(m[1] === 'api_route' ? '*' : m[1]!.toUpperCase(), m[2]!, i);
    });
  } else if (/\.go$/.test(file)) {
    lines.forEach((l, i) => {
      let m = /\bHandle(?:Func)?\(\s*"(?:(GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS)\s+)?([^"]+)"/.exec(l);
      if (m) return add(m[1] ?? '*', m[2]!.replace(/^[^/]*(?=\/)/, ''), i);
      m = /\.\s*(GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS|Any|Get|Post|Put|Delete|Patch|Head|Options)\(\s*"([^"]+)"\s*,/.exec(l);
      if (m) add(m[1] === 'Any' ? '*' : m[1]!.toUpperCase(), m[2]!, i);
    });
  } else if (/\.(java|kt)$/.test(file)) {
    let prefix = '';
    let classSeen = false;
    lines.forEach((l, i) => {
      const map = /@(Get|Post|Put|Delete|Patch|Request)Mapping\s*(?:\(\s*(?:(?:value|path)\s*=\s*)?\{?\s*"([^"]*)")?/.exec(l);
      if (/^\s*(?:public\s+|abstract\s+|final\s+)*class\s/.test(l)) classSeen = true;
      if (!map) return;
      if (!classSeen && map[1] === 'Request') {
        prefix = map[2] ?? '';
        return;
      }
      const method = map[1] === 'Request' ? (/RequestMethod\.([A-Z]+)/.exec(l)?.[1] ?? '*') : map[1]!.toUpperCase();
      add(method, join(`/${prefix}`, map[2] ?? ''), i);
    });
  }
  return out;
}

/** True for files routes are read from. */
export function isRouteFile(p: string): boolean {
  if (/(?:^|\/)(?:node_modules|vendor|dist|build)\//.test(p) || /\.d\.ts$|\.min\.js$/.test(p)) return false;
  return /\.(?:[cm]?[jt]sx?|py|go|java|kt)$/.test(p);
}
