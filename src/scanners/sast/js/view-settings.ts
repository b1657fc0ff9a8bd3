import ts from './tslib.js';
import type * as TS from 'typescript';
import type { ViewDir, ViewSettings } from './views.js';

/** Text that a file making view settings holds (files without it are not walked). */
const MAY_SET = /['"](views|view engine)['"]|\bconfigure\(|FileSystemLoader|koa-views|@fastify\/view|point-of-view/;

/**
 * The view settings a file makes: `app.set('views', dir | [dirs])`, `app.set('view engine', ext)`,
 * `nunjucks.configure(dir, { autoescape })` and `new nunjucks.FileSystemLoader(dir)`. Folders are evaluated where
 * they are built from `__dirname`, `process.cwd()` and string literals (`path.join(__dirname, 'views')`,
 * `` `${__dirname}/views` ``, a constant holding one); others are left out. Undefined when the file makes none.
 */
export function viewSettings(sf: TS.SourceFile, file: string): ViewSettings | undefined {
  if (!MAY_SET.test(sf.text)) return undefined;
  const out: ViewSettings = { file, dirs: [] };
  const consts = new Map<string, TS.Expression>();
  const visit = (n: TS.Node): void => {
    if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.initializer) consts.set(n.name.text, n.initializer);
    if (ts.isCallExpression(n) || ts.isNewExpression(n)) {
      const callee = n.expression;
      const method = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : '';
      const a = n.arguments ?? [];
      const key = a[0] && ts.isStringLiteralLike(a[0]) ? a[0].text : undefined;
      if (method === 'set' && key === 'views' && a[1]) out.dirs.push(...dirsOf(a[1], consts));
      else if (method === 'set' && key === 'view engine' && a[1] && ts.isStringLiteralLike(a[1])) out.engine = a[1].text;
      // `app.engine('html', require('ejs').renderFile)`: `.html` views in that engine's syntax
      else if (method === 'engine' && key === 'html' && a[1]) out.htmlSyntax = syntaxOf(a[1].getText(sf)) ?? out.htmlSyntax;
      else if ((method === 'configure' && /nunjucks/.test(callee.getText(sf))) || method === 'FileSystemLoader') {
        if (a[0] && !ts.isObjectLiteralExpression(a[0])) out.dirs.push(...dirsOf(a[0], consts));
        if (autoescapeOff(a, sf)) out.autoescapeOff = true;
        if (method === 'configure' && !out.engine) out.engine = 'njk';
        out.htmlSyntax ??= 'njk';
      } else if (method === 'views' && /['"](koa-views|@ladjs\/koa-views)['"]/.test(sf.text) && a[0]) {
        // koa-views: `app.use(views(dir, { extension: 'pug' }))`
        out.dirs.push(...dirsOf(a[0], consts));
        const ext = optString(a[1], 'extension', sf);
        if (ext) out.engine = ext;
      } else if (method === 'register' && a[0] && /@fastify\/view|point-of-view/.test(a[0].getText(sf)) && a[1] && ts.isObjectLiteralExpression(a[1])) {
        // @fastify/view: `fastify.register(require('@fastify/view'), { engine: { ejs: require('ejs') }, root })`
        for (const p of a[1].properties) {
          if (!ts.isPropertyAssignment(p)) continue;
          const k = p.name.getText(sf);
          if (k === 'root' || k === 'templates') out.dirs.push(...dirsOf(p.initializer, consts));
          if (k === 'engine' && ts.isObjectLiteralExpression(p.initializer)) {
            const e = p.initializer.properties[0]?.name?.getText(sf);
            if (e) out.engine = e === 'handlebars' ? 'hbs' : e === 'nunjucks' ? 'njk' : e;
          }
        }
      } else if (method === 'Environment' && /nunjucks/.test(callee.getText(sf))) {
        if (autoescapeOff(a, sf)) out.autoescapeOff = true;
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out.dirs.length || out.engine || out.autoescapeOff || out.htmlSyntax ? out : undefined;
}

/** The template syntax an engine function's source names (`require('ejs').renderFile`, `exphbs.engine()`). */
function syntaxOf(text: string): string | undefined {
  if (/\bejs\b/i.test(text)) return 'ejs';
  if (/nunjucks|\bnjk\b/i.test(text)) return 'njk';
  if (/\bpug\b|\bjade\b/i.test(text)) return 'pug';
  if (/mustache|mustache-express/i.test(text)) return 'mustache';
  if (/hbs|handlebars|exphbs|\bengine\(/i.test(text)) return 'hbs';
  return undefined;
}

/** A string option of an options object (`{ extension: 'pug' }`). */
function optString(o: TS.Expression | undefined, key: string, sf: TS.SourceFile): string | undefined {
  if (!o || !ts.isObjectLiteralExpression(o)) return undefined;
  for (const p of o.properties) if (ts.isPropertyAssignment(p) && p.name.getText(sf) === key && ts.isStringLiteralLike(p.initializer)) return p.initializer.text;
  return undefined;
}

/** Whether an options argument sets `autoescape: false`. */
function autoescapeOff(args: readonly TS.Expression[], sf: TS.SourceFile): boolean {
  return args.some((o) => ts.isObjectLiteralExpression(o) && o.properties.some((p) => ts.isPropertyAssignment(p) && p.name.getText(sf) === 'autoescape' && p.initializer.kind === ts.SyntaxKind.FalseKeyword));
}

/** The folders an expression names (see {@link viewSettings}). */
function dirsOf(e: TS.Expression, consts: Map<string, TS.Expression>, depth = 0): ViewDir[] {
  if (depth > 3) return [];
  if (ts.isArrayLiteralExpression(e)) return e.elements.flatMap((x) => dirsOf(x, consts, depth + 1));
  if (ts.isIdentifier(e) && consts.has(e.text)) return dirsOf(consts.get(e.text)!, consts, depth + 1);
  const parts = pathParts(e, consts, depth);
  if (!parts || !parts.length) return [];
  const [first, ...rest] = parts;
  if (first === '\0dir') return [{ base: 'file', rel: joinParts(rest) }];
  if (first === '\0cwd') return [{ base: 'cwd', rel: joinParts(rest) }];
  if (first!.startsWith('/')) return [];
  return [{ base: 'cwd', rel: joinParts(parts) }];
}

function joinParts(parts: string[]): string {
  return parts.join('/').replace(/\/+/g, '/').replace(/^\//, '') || '.';
}

/** An expression as path segments: `\0dir` for `__dirname`, `\0cwd` for `process.cwd()`, strings as they are. */
function pathParts(e: TS.Expression, consts: Map<string, TS.Expression>, depth: number): string[] | undefined {
  if (depth > 4) return undefined;
  if (ts.isParenthesizedExpression(e)) return pathParts(e.expression, consts, depth);
  if (ts.isStringLiteralLike(e)) return [e.text];
  if (ts.isIdentifier(e)) {
    if (e.text === '__dirname') return ['\0dir'];
    const c = consts.get(e.text);
    return c ? pathParts(c, consts, depth + 1) : undefined;
  }
  if (ts.isCallExpression(e)) {
    const callee = e.expression.getText();
    if (/^(process\.)?cwd$/.test(callee) || callee === 'process.cwd') return ['\0cwd'];
    if (/(^|\.)(join|resolve)$/.test(callee)) {
      const out: string[] = [];
      for (const a of e.arguments) {
        const p = pathParts(a, consts, depth + 1);
        if (!p) return undefined;
        // an absolute segment restarts `path.resolve`; a marker can only come first
        if (p[0]?.startsWith('\0') && out.length) return undefined;
        out.push(...p);
      }
      return out;
    }
    // `fileURLToPath(new URL('.', import.meta.url))` and `dirname(fileURLToPath(import.meta.url))`: the file's folder
    if (/import\.meta\.url/.test(e.getText())) return ['\0dir'];
    return undefined;
  }
  if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const l = pathParts(e.left, consts, depth + 1);
    const r = pathParts(e.right, consts, depth + 1);
    return l && r ? [...l, ...r] : undefined;
  }
  if (ts.isTemplateExpression(e)) {
    const out: string[] = e.head.text ? [e.head.text] : [];
    for (const span of e.templateSpans) {
      const p = pathParts(span.expression, consts, depth + 1);
      if (!p) return undefined;
      out.push(...p);
      if (span.literal.text) out.push(span.literal.text);
    }
    return out;
  }
  return undefined;
}
