import ts from './tslib.js';
import type * as TS from 'typescript';
import { calleeText, prop } from './ast-rule-util.js';
import type { AstRule, FileFacts } from './ast-rule-types.js';

/**
 * Structural rules added for issue 22 (third round): options that hand a shell the command line, Buffer bounds
 * checks turned off, CSRF checks registered before method override, gRPC channels without TLS, sax doctype handlers,
 * session cookies left with default options and HTML markup assembled from function parameters in browser code.
 * Written for this project from each API's public documentation.
 */

/** The object literal a value stands for: the literal itself, or the one a name is declared with (`const opts = {...}`). */
function objectOf(e: TS.Expression | undefined, sf: TS.SourceFile): TS.ObjectLiteralExpression | undefined {
  if (!e) return undefined;
  if (ts.isObjectLiteralExpression(e)) return e;
  if (!ts.isIdentifier(e)) return undefined;
  let found: TS.ObjectLiteralExpression | undefined;
  for (let scope: TS.Node | undefined = e.parent; scope && !found; scope = scope.parent) {
    if (!ts.isFunctionLike(scope) && !ts.isSourceFile(scope)) continue;
    const visit = (m: TS.Node): void => {
      if (found) return;
      if (ts.isVariableDeclaration(m) && ts.isIdentifier(m.name) && m.name.text === e.text && m.initializer && ts.isObjectLiteralExpression(m.initializer)) found = m.initializer;
      else if (!(ts.isFunctionLike(m) && m !== scope)) ts.forEachChild(m, visit);
    };
    ts.forEachChild(scope, visit);
  }
  void sf;
  return found;
}

/** The object literals an options argument is made of: a literal, a declared one, or the literals of `Object.assign(...)`. */
function optionObjects(e: TS.Expression | undefined, sf: TS.SourceFile): TS.ObjectLiteralExpression[] | undefined {
  if (e && ts.isCallExpression(e) && calleeText(e, sf) === 'Object.assign') {
    const parts = e.arguments.map((a) => objectOf(a, sf));
    return parts.every((p) => p) ? (parts as TS.ObjectLiteralExpression[]) : undefined;
  }
  const o = objectOf(e, sf);
  return o ? [o] : undefined;
}

/** Whether the file assigns a property of the options variable later (`opts.cookie = {...}`, `opts.name = ...`): what it sets is not known here. */
function setLater(id: TS.Expression | undefined, key: string, f: FileFacts): boolean {
  return !!id && ts.isIdentifier(id) && new RegExp(`\\b${id.text}\\.${key}\\b\\s*=[^=]`).test(f.text);
}


/** Names of the functions and methods around a node, innermost first, with their parameters. */
function enclosingParams(n: TS.Node): Set<string> {
  const names = new Set<string>();
  const add = (b: TS.BindingName): void => {
    if (ts.isIdentifier(b)) names.add(b.text);
    else for (const x of b.elements) if (!ts.isOmittedExpression(x)) add(x.name);
  };
  for (let p: TS.Node | undefined = n.parent; p; p = p.parent) if (ts.isFunctionLike(p)) for (const q of p.parameters) add(q.name);
  return names;
}

const HTML_TAG = /<\/?[a-z][a-z0-9-]*(\s|>|\/>|$)/i;
/** Calls that escape or sanitise markup, or turn a value into a number. */
const ESCAPES = /(^|\.)(escape\w*|encode\w*|sanitize\w*|purify|xss|filterXSS|DOMPurify\.sanitize|Number|parseInt|parseFloat|String\(Number|encodeURIComponent|encodeURI|htmlEncode|he\.encode|text)$/i;
/** Parameters that name a request or response: server code, where the taint rules judge what reaches the page. */
const SERVER_PARAMS = /^(req|request|res|response|ctx|reply|h|event|next)$/;

/** The root name of a value read from a parameter (`attrs.pid`, `content`, `cookies[i].split('=')`), or undefined. */
function paramRoot(e: TS.Expression, params: Set<string>, sf: TS.SourceFile): string | undefined {
  let x: TS.Expression = e;
  for (;;) {
    if (ts.isParenthesizedExpression(x)) x = x.expression;
    else if (ts.isPropertyAccessExpression(x) || ts.isElementAccessExpression(x) || ts.isNonNullExpression(x)) x = x.expression;
    else if (ts.isCallExpression(x)) {
      // a method of the value (`x.replace(/ /g, '&nbsp;')`, `.join('=')`) keeps it; an escaping function clears it
      if (ESCAPES.test(calleeText(x, sf))) return undefined;
      if (!ts.isPropertyAccessExpression(x.expression)) return undefined;
      x = x.expression.expression;
    } else if (ts.isBinaryExpression(x) && (x.operatorToken.kind === ts.SyntaxKind.BarBarToken || x.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken)) x = x.left;
    else break;
  }
  if (ts.isIdentifier(x) && params.has(x.text)) return x.text;
  if (/^(window\.)?(document\.)?location\.(href|hash|search)$|^document\.(cookie|URL|referrer)$/.test(e.getText(sf))) return e.getText(sf);
  return undefined;
}

/** The parts of a `+` chain, a template or an array literal. */
function parts(e: TS.Expression): TS.Expression[] {
  if (ts.isParenthesizedExpression(e)) return parts(e.expression);
  if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.PlusToken) return [...parts(e.left), ...parts(e.right)];
  if (ts.isTemplateExpression(e)) return [e, ...e.templateSpans.map((s) => s.expression)];
  if (ts.isArrayLiteralExpression(e)) return e.elements.filter((x): x is TS.Expression => !ts.isSpreadElement(x) && !ts.isOmittedExpression(x));
  return [e];
}

function literalText(e: TS.Expression): string | undefined {
  if (ts.isStringLiteralLike(e)) return e.text;
  if (ts.isTemplateExpression(e)) return [e.head.text, ...e.templateSpans.map((s) => s.literal.text)].join('');
  return undefined;
}

/** Signs of code that runs in a page: the DOM, jQuery. Server helpers that build markup are judged by the taint rules. */
const BROWSER = /\b(document|window)\.\w|\.innerHTML\b|\bjQuery\b|(^|[^\w$.])\$\(/;

/** Calls that parse their argument as HTML (jQuery, DOM insertion, document.write). */
const HTML_INSERT = /^(\$|jQuery|document\.write(ln)?)$|\.(html|append|prepend|after|before|replaceWith|wrap|wrapAll|wrapInner|insertAdjacentHTML|createContextualFragment)$/;

/**
 * Whether markup is kept (stored in a variable or property, returned) or handed to an HTML-parsing call: markup
 * passed to any other function may be escaped there (`HtmlUtils.setHtml`, a logger), and is not judged here.
 */
function keptOrInserted(n: TS.Node, sf: TS.SourceFile): boolean {
  let e: TS.Node = n;
  while (ts.isParenthesizedExpression(e.parent) || (ts.isBinaryExpression(e.parent) && e.parent.operatorToken.kind === ts.SyntaxKind.PlusToken)) e = e.parent;
  const p = e.parent;
  if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.PlusEqualsToken) return true;
  if (ts.isVariableDeclaration(p) || ts.isReturnStatement(p) || ts.isPropertyAssignment(p) || ts.isArrowFunction(p)) return true;
  if (ts.isBinaryExpression(p) && p.right === e && p.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && p.operatorToken.kind <= ts.SyntaxKind.LastAssignment) return true;
  if ((ts.isCallExpression(p) || ts.isNewExpression(p)) && p.expression !== e) return HTML_INSERT.test(calleeText(p, sf));
  return false;
}

export const AUDIT_AST_RULES: AstRule[] = [
  {
    id: 'js-spawn-shell', title: 'Child process started through a shell', severity: 'medium', confidence: 'medium', cwe: ['CWE-78'],
    kinds: [ts.SyntaxKind.CallExpression],
    callNames: new Set(['spawn', 'spawnSync', 'execFile', 'execFileSync', 'fork']),
    help: '`shell: true` (or a shell path) makes child_process join the command and its arguments into one shell command line, so any argument is parsed by the shell: metacharacters in it run other commands. Pass the arguments as an array without `shell`.',
    visit(n, f, report) {
      if (!ts.isCallExpression(n) || !(f.imports.has('child_process') || f.imports.has('cross-spawn'))) return;
      const opts = n.arguments.map((a) => objectOf(a, f.sf)).find((o) => o && prop(o, 'shell'));
      const sh = opts && prop(opts, 'shell');
      if (sh && (sh.kind === ts.SyntaxKind.TrueKeyword || (ts.isStringLiteralLike(sh) && sh.text !== ''))) report(n, `${calleeText(n, f.sf)} runs its command through a shell (shell: ${sh.getText(f.sf)}).`);
    },
  },
  {
    id: 'js-buffer-noassert', title: 'Buffer access with bounds checks turned off', severity: 'medium', confidence: 'high', cwe: ['CWE-119'],
    kinds: [ts.SyntaxKind.CallExpression],
    help: 'The `noAssert` argument of Buffer\'s read/write methods skips the check of the offset against the buffer\'s length (Node.js < 10), so a caller-chosen offset reads or writes memory outside the buffer. Drop the argument and check offsets.',
    visit(n, f, report) {
      if (!ts.isCallExpression(n) || !ts.isPropertyAccessExpression(n.expression)) return;
      const m = n.expression.name.text;
      if (!/^(read|write)(U?Int(8|16|32)|U?Int|Float(16|32)?|Double|BigU?Int64)(LE|BE)?$/.test(m)) return;
      const last = n.arguments[n.arguments.length - 1];
      const need = m.startsWith('read') ? 2 : 2;
      if (n.arguments.length >= need && last?.kind === ts.SyntaxKind.TrueKeyword) report(n, `${m}(..., true) skips the bounds check (noAssert).`);
    },
  },
  {
    id: 'js-csrf-before-method-override', title: 'CSRF middleware registered before method override', severity: 'medium', confidence: 'medium', cwe: ['CWE-352'],
    kinds: [ts.SyntaxKind.CallExpression],
    callNames: new Set(['csrf', 'csurf']),
    help: 'methodOverride turns a POST into the method a form field or header names. Registered after the CSRF middleware, it lets a request that passed as a GET (not checked) run as a POST/PUT/DELETE handler. Register methodOverride first.',
    visit(n, f, report) {
      if (!ts.isCallExpression(n)) return;
      const body = n.parent && (() => {
        let p: TS.Node | undefined = n.parent;
        while (p && !ts.isBlock(p) && !ts.isSourceFile(p)) p = p.parent;
        return p;
      })();
      if (!body) return;
      const at = n.getStart(f.sf);
      let later = false;
      const visit = (m: TS.Node): void => {
        if (later || (ts.isFunctionLike(m))) return;
        if (ts.isCallExpression(m) && m.getStart(f.sf) > at && /(^|\.)methodOverride$/.test(calleeText(m, f.sf))) later = true;
        ts.forEachChild(m, visit);
      };
      ts.forEachChild(body, visit);
      if (later) report(n, 'The CSRF middleware is registered before methodOverride.');
    },
  },
  {
    id: 'js-grpc-insecure', title: 'gRPC channel or server without TLS', severity: 'medium', confidence: 'high', cwe: ['CWE-319'],
    kinds: [ts.SyntaxKind.CallExpression],
    callNames: new Set(['createInsecure']),
    help: '`credentials.createInsecure()` / `ServerCredentials.createInsecure()` send the calls and their data in clear text. Use `createSsl(...)` with the CA (and client certificates where the peer must be authenticated).',
    visit(n, f, report) {
      if (!ts.isCallExpression(n)) return;
      if (![...f.imports].some((m) => /^(grpc|@grpc\/grpc-js)$/.test(m))) return;
      report(n, `${calleeText(n, f.sf)}() opens a gRPC connection without TLS.`);
    },
  },
  {
    id: 'js-xml-doctype-handler', title: 'XML doctype handled by the application', severity: 'low', confidence: 'low', cwe: ['CWE-611'],
    kinds: [ts.SyntaxKind.BinaryExpression, ts.SyntaxKind.CallExpression],
    help: 'sax does not expand entities itself: a handler for the doctype event that processes the DTD (to resolve entities) brings back external entity and entity-expansion attacks. Reject documents with a doctype instead.',
    visit(n, f, report) {
      if (!f.imports.has('sax')) return;
      if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isPropertyAccessExpression(n.left) && n.left.name.text === 'ondoctype' && ts.isFunctionLike(n.right)) report(n, 'The sax parser hands the doctype to a handler.');
      if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && n.expression.name.text === 'on' && n.arguments[0] && ts.isStringLiteralLike(n.arguments[0]) && n.arguments[0].text === 'doctype') report(n, 'The sax stream hands the doctype to a handler.');
    },
  },
  {
    id: 'js-session-cookie-defaults', title: 'Session cookie options without Secure', severity: 'low', confidence: 'medium', cwe: ['CWE-614'],
    kinds: [ts.SyntaxKind.CallExpression],
    callNames: new Set(['session', 'cookieSession', 'expressSession']),
    help: 'express-session sends the session cookie without `Secure` unless `cookie.secure` is set, so it also travels over plain HTTP where a network attacker reads it. Set `secure: true` (or `\'auto\'` behind a proxy) where the cookie options are written.',
    visit(n, f, report) {
      if (!ts.isCallExpression(n) || !f.imports.has('express-session')) return;
      const arg = n.arguments[0];
      const objs = optionObjects(arg, f.sf);
      if (!objs) return;
      const get = (k: string): TS.Expression | undefined => objs.map((o) => prop(o, k)).find((v) => v);
      // cookie options written out without the flags: the defaults were not what the author looked at
      const cookie = objectOf(get('cookie'), f.sf);
      if (!cookie || setLater(arg, 'cookie', f)) return;
      // `secure: false` is js-insecure-cookie's; httpOnly defaults to true
      if (!prop(cookie, 'secure')) report(n, 'The session cookie options leave out secure: the cookie also travels over plain HTTP.');
    },
  },
  {
    id: 'js-html-from-parameter', title: 'HTML markup assembled from a parameter in browser code', severity: 'low', confidence: 'low', cwe: ['CWE-79'],
    kinds: [ts.SyntaxKind.BinaryExpression, ts.SyntaxKind.TemplateExpression, ts.SyntaxKind.CallExpression],
    help: 'Markup concatenated with a value a function receives (a callback\'s arguments, the page location, cookies) becomes live HTML when it is inserted into the page: a `<` or `"` in the value adds elements or attributes. Build elements with `textContent`/`setAttribute`, or escape the value for its HTML context.',
    visit(n, f, report) {
      let whole: TS.Expression | undefined;
      if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.PlusToken) {
        // the outermost `+` of a chain only
        if (ts.isBinaryExpression(n.parent) && n.parent.operatorToken.kind === ts.SyntaxKind.PlusToken) return;
        if (ts.isParenthesizedExpression(n.parent) && ts.isBinaryExpression(n.parent.parent) && n.parent.parent.operatorToken.kind === ts.SyntaxKind.PlusToken) return;
        whole = n;
      } else if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.PlusEqualsToken) whole = n.right;
      else if (ts.isTemplateExpression(n) && !ts.isTaggedTemplateExpression(n.parent) && !(ts.isBinaryExpression(n.parent) && n.parent.operatorToken.kind === ts.SyntaxKind.PlusToken)) whole = n;
      else if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && n.expression.name.text === 'join' && ts.isArrayLiteralExpression(n.expression.expression)) whole = n.expression.expression;
      if (!whole || !BROWSER.test(f.text)) return;
      const ps = parts(whole);
      if (ps.length < 2 && !ts.isTemplateExpression(whole)) return;
      if (!ps.some((p) => HTML_TAG.test(literalText(p) ?? ''))) return;
      const params = enclosingParams(n);
      if ([...params].some((p) => SERVER_PARAMS.test(p))) return;
      const from = ps.filter((p) => literalText(p) === undefined || ts.isTemplateExpression(p) === false).map((p) => (literalText(p) === undefined ? paramRoot(p, params, f.sf) : undefined)).find((x) => x);
      if (!from) return;
      if (!keptOrInserted(n, f.sf)) return;
      report(n, `HTML markup is built from ${from} without escaping.`);
    },
  },
];
