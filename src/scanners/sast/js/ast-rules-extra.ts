import ts from './tslib.js';
import type * as TS from 'typescript';
import { calleeText, prop } from './ast-rule-util.js';
import type { AstRule, FileFacts } from './ast-rule-types.js';
import { NEST_SOURCE_DECORATORS } from './frameworks.js';

/**
 * Structural rules added for issue 22 (Semgrep-style coverage, second round): authenticated-encryption misuse, server
 * secrets exposed to browser bundles, URL attributes that make the browser fetch a caller-chosen address, NestJS CORS
 * settings and AWS CDK resources declared without encryption or TLS. Written for this project from each API's
 * public documentation.
 */

function enclosingFunction(n: TS.Node): TS.Node {
  let p: TS.Node | undefined = n.parent;
  while (p && !ts.isFunctionLike(p) && !ts.isSourceFile(p)) p = p.parent;
  return p ?? n.getSourceFile();
}

/** The string a value stands for: a literal, or a name the file binds (or assigns) to a literal. */
function literalValue(e: TS.Expression | undefined, f: FileFacts): string | undefined {
  if (!e) return undefined;
  if (ts.isStringLiteralLike(e)) return e.text;
  if (!ts.isIdentifier(e)) return undefined;
  const m = new RegExp(`(?:^|[\\s;(,])${e.text}\\s*=\\s*(['"\`])([^'"\`$]*)\\1`, 'm').exec(f.text);
  return m?.[2];
}

/** Whether an identifier (or the root of a property chain) is a parameter of a function around the node. */
function fromParameter(e: TS.Expression, sf: TS.SourceFile): boolean {
  let root: TS.Expression = e;
  while (ts.isPropertyAccessExpression(root) || ts.isElementAccessExpression(root)) root = root.expression;
  if (ts.isTemplateExpression(root)) return root.templateSpans.some((s) => fromParameter(s.expression, sf));
  if (!ts.isIdentifier(root)) return false;
  const name = root.text;
  const bound = (b: TS.BindingName): boolean => ts.isIdentifier(b) ? b.text === name : b.elements.some((x) => !ts.isOmittedExpression(x) && bound(x.name));
  for (let p: TS.Node | undefined = e.parent; p; p = p.parent) {
    if (ts.isFunctionLike(p) && p.parameters.some((q) => bound(q.name))) return true;
  }
  void sf;
  return false;
}

/** The initialiser of the declaration of this name nearest to it: in the enclosing functions first, then the file. */
function declaredInit(id: TS.Identifier, _f: FileFacts): TS.Expression | undefined {
  let found: TS.Expression | undefined;
  for (let scope: TS.Node | undefined = id.parent; scope && !found; scope = scope.parent) {
    if (!ts.isFunctionLike(scope) && !ts.isSourceFile(scope)) continue;
    const visit = (m: TS.Node): void => {
      if (found) return;
      if (ts.isVariableDeclaration(m) && ts.isIdentifier(m.name) && m.name.text === id.text && m.initializer) found = m.initializer;
      else if (!(ts.isFunctionLike(m) && m !== scope)) ts.forEachChild(m, visit);
    };
    ts.forEachChild(scope, visit);
  }
  return found;
}

function declaredObject(id: TS.Identifier, f: FileFacts): TS.ObjectLiteralExpression | undefined {
  const v = declaredInit(id, f);
  return v && ts.isObjectLiteralExpression(v) ? v : undefined;
}

const AEAD = /-(gcm|ccm|ocb)$|^chacha20-poly1305$/i;

/** URL attributes (other than href/src, judged by the XSS rules) whose value the browser fetches or sends a request to. */
const FETCHED_ATTRS: Record<string, RegExp> = {
  codebase: /^(object|applet)$/, classid: /^object$/, archive: /^(object|applet)$/, cite: /^(blockquote|q|del|ins)$/,
  background: /^(body|table|td|th)$/, profile: /^head$/, usemap: /^(img|input|object)$/, longdesc: /^(img|iframe)$/,
  formaction: /^(button|input)$/, srcset: /^(img|source)$/, poster: /^video$/, src: /^embed$/, data: /^object$/,
};

/** Browser-bundled environment variable prefixes (Next.js, Vite, Create React App, Expo, Gatsby): their values ship to every visitor. */
const PUBLIC_ENV = /^(NEXT_PUBLIC_|VITE_|REACT_APP_|EXPO_PUBLIC_|GATSBY_|PUBLIC_)/;
const SERVER_SECRET = /SERVICE_ROLE|SERVICE_KEY|SECRET|PRIVATE_KEY|ADMIN_KEY|MASTER_KEY|DATABASE_URL|DB_PASSWORD/;

export const EXTRA_AST_RULES: AstRule[] = [
  {
    id: 'js-aead-no-final', title: 'Authenticated decryption whose tag is never checked', severity: 'high', confidence: 'medium', cwe: ['CWE-347', 'CWE-354'],
    kinds: [ts.SyntaxKind.CallExpression],
    callNames: new Set(['createDecipheriv']),
    help: 'With GCM, CCM, OCB and ChaCha20-Poly1305 the authentication tag is only checked by `decipher.final()`: data returned by `update()` alone may be forged. Call `final()` (and let it throw) before using the plaintext.',
    visit(n, f, report) {
      if (!ts.isCallExpression(n) || !/(^|\.)createDecipheriv$/.test(calleeText(n, f.sf))) return;
      const alg = literalValue(n.arguments[0], f);
      if (!alg || !AEAD.test(alg)) return;
      let holder: TS.Node = n.parent;
      while (ts.isParenthesizedExpression(holder) || ts.isAwaitExpression(holder)) holder = holder.parent;
      const name = ts.isVariableDeclaration(holder) && ts.isIdentifier(holder.name) ? holder.name.text : ts.isBinaryExpression(holder) && ts.isIdentifier(holder.left) ? holder.left.text : undefined;
      if (!name) return;
      const body = enclosingFunction(n).getText(f.sf);
      if (new RegExp(`\\b${name}\\s*\\.\\s*final\\s*\\(`).test(body) || new RegExp(`\\breturn\\s+${name}\\s*(;|\\n|\\}|$)`).test(body)) return;
      report(n, `${alg} decipher '${name}' is never finalised, so its authentication tag is never checked.`);
    },
  },
  {
    id: 'js-public-env-secret', title: 'Server secret in a browser-exposed environment variable', severity: 'high', confidence: 'medium', cwe: ['CWE-200', 'CWE-522'],
    kinds: [ts.SyntaxKind.PropertyAccessExpression, ts.SyntaxKind.ElementAccessExpression, ts.SyntaxKind.VariableDeclaration],
    help: 'Variables prefixed `NEXT_PUBLIC_`, `VITE_`, `REACT_APP_` (and the like) are inlined into the JavaScript sent to every browser. A service-role key, private key or other server secret must use a variable without the prefix, read on the server only.',
    visit(n, f, report) {
      let name: string | undefined;
      if (ts.isPropertyAccessExpression(n) && n.expression.getText(f.sf) === 'process.env') name = n.name.text;
      else if (ts.isElementAccessExpression(n) && n.expression.getText(f.sf) === 'process.env' && ts.isStringLiteralLike(n.argumentExpression)) name = n.argumentExpression.text;
      else if (ts.isVariableDeclaration(n) && ts.isObjectBindingPattern(n.name) && n.initializer?.getText(f.sf) === 'process.env') {
        for (const el of n.name.elements) {
          const key = (el.propertyName ?? el.name).getText(f.sf);
          if (PUBLIC_ENV.test(key) && SERVER_SECRET.test(key)) report(n, `${key} is a browser-exposed variable holding a server secret.`);
        }
        return;
      }
      if (name && PUBLIC_ENV.test(name) && SERVER_SECRET.test(name)) report(n, `${name} is a browser-exposed variable holding a server secret.`);
    },
  },
  {
    id: 'js-fetched-url-attribute', title: 'Element fetches a URL chosen by the caller', severity: 'low', confidence: 'low', cwe: ['CWE-200', 'CWE-918'],
    kinds: [ts.SyntaxKind.JsxAttribute],
    help: 'Attributes such as `codebase`, `cite`, `background`, `srcset`, `formaction` or `<embed src>` make the browser request the URL they hold, leaking the visitor\'s address and referrer (or submitting the form) to whoever chose it. Build such URLs from constants or check them against an allow-list.',
    visit(n, f, report) {
      if (!ts.isJsxAttribute(n)) return;
      const attr = n.name.getText(f.sf).toLowerCase();
      const tags = FETCHED_ATTRS[attr];
      const el = n.parent.parent;
      if (!tags || !(ts.isJsxOpeningElement(el) || ts.isJsxSelfClosingElement(el)) || !tags.test(el.tagName.getText(f.sf))) return;
      const init = n.initializer;
      if (!init || !ts.isJsxExpression(init) || !init.expression) return;
      if (fromParameter(init.expression, f.sf)) report(n, `<${el.tagName.getText(f.sf)} ${attr}> takes its URL from a parameter.`);
    },
  },
  {
    id: 'js-nestjs-cors-any-origin', title: 'NestJS CORS open to every origin', severity: 'low', confidence: 'medium', cwe: ['CWE-942'],
    kinds: [ts.SyntaxKind.CallExpression, ts.SyntaxKind.ClassDeclaration],
    callNames: new Set(['create', 'enableCors']),
    help: '`NestFactory.create(App, { cors: true })`, `app.enableCors()` without options and `@Header(\'Access-Control-Allow-Origin\', \'*\')` let every web site read the responses from a browser. Pass the allowed origins (`enableCors({ origin: [...] })`).',
    visit(n, f, report) {
      if (!f.imports.has('@nestjs/core') && !f.imports.has('@nestjs/common')) return;
      const anyOrigin = (o: TS.Expression | undefined): boolean => !!o && ts.isObjectLiteralExpression(o) && ((): boolean => {
        const origin = prop(o, 'origin');
        return !!origin && ((ts.isStringLiteralLike(origin) && origin.text === '*') || origin.kind === ts.SyntaxKind.TrueKeyword);
      })();
      if (ts.isClassDeclaration(n)) {
        const open = n.members.some((m) => ts.canHaveDecorators(m) && (ts.getDecorators(m) ?? []).some((d) => /^Header\(\s*['"]access-control-allow-origin['"]\s*,\s*['"]\*['"]\s*\)$/i.test(d.expression.getText(f.sf))));
        if (open) report(n, `${n.name?.text ?? 'The controller'} sends Access-Control-Allow-Origin: * from a handler.`);
        return;
      }
      if (!ts.isCallExpression(n)) return;
      const c = calleeText(n, f.sf);
      if (/(^|\.)NestFactory\.create$/.test(c)) {
        const o = n.arguments[1];
        const cors = o && ts.isObjectLiteralExpression(o) ? prop(o, 'cors') : undefined;
        if (cors && (cors.kind === ts.SyntaxKind.TrueKeyword || anyOrigin(cors))) report(n, 'The Nest application enables CORS for every origin.');
      } else if (/\.enableCors$/.test(c)) {
        const o = n.arguments[0];
        if (!o || anyOrigin(o)) report(n, 'enableCors() allows every origin.');
      }
    },
  },
  {
    id: 'js-sequelize-weak-tls', title: 'Database connection with TLS turned off, unverified or outdated', severity: 'medium', confidence: 'medium', cwe: ['CWE-295', 'CWE-326', 'CWE-319'],
    kinds: [ts.SyntaxKind.ObjectLiteralExpression],
    help: 'A Sequelize configuration (`dialect` postgres, mysql, mariadb or mssql) with `dialectOptions.ssl: false`, with `rejectUnauthorized: false` (any certificate accepted, so a man in the middle reads the traffic) or with `minVersion` TLSv1/TLSv1.1 does not protect the connection. Require TLS 1.2+ and verify the server certificate (pass its CA with `ca`).',
    visit(n, f, report) {
      if (!ts.isObjectLiteralExpression(n)) return;
      const dialect = prop(n, 'dialect');
      if (!dialect || !ts.isStringLiteralLike(dialect) || !/^(postgres|mysql|mariadb|mssql)$/.test(dialect.text)) return;
      const opts = prop(n, 'dialectOptions');
      const ssl = opts && ts.isObjectLiteralExpression(opts) ? prop(opts, 'ssl') : undefined;
      if (!ssl) return;
      if (ssl.kind === ts.SyntaxKind.FalseKeyword) return report(n, `The ${dialect.text} connection turns TLS off (ssl: false).`);
      if (!ts.isObjectLiteralExpression(ssl)) return;
      if (prop(ssl, 'rejectUnauthorized')?.kind === ts.SyntaxKind.FalseKeyword) report(n, `The ${dialect.text} connection accepts any server certificate (rejectUnauthorized: false).`);
      const min = prop(ssl, 'minVersion');
      if (min && ts.isStringLiteralLike(min) && /^TLSv1(\.[01])?$/.test(min.text)) report(ssl, `The ${dialect.text} connection allows ${min.text}.`);
    },
  },
  {
    id: 'js-intercom-no-user-hash', title: 'Intercom user identified without identity verification', severity: 'medium', confidence: 'medium', cwe: ['CWE-287', 'CWE-290'],
    kinds: [ts.SyntaxKind.ObjectLiteralExpression],
    help: 'Intercom settings that name the user (`user_id` or `email`) without `user_hash` let anyone impersonate that user in the messenger and read their conversations. Compute `user_hash` (an HMAC of the id with the identity-verification secret) on the server and send it along.',
    visit(n, f, report) {
      if (!ts.isObjectLiteralExpression(n) || !prop(n, 'app_id') || prop(n, 'user_hash')) return;
      if (n.properties.some(ts.isSpreadAssignment) || (!prop(n, 'user_id') && !prop(n, 'email'))) return;
      const p = n.parent;
      const target = ts.isBinaryExpression(p) ? p.left.getText(f.sf) : ts.isVariableDeclaration(p) ? p.name.getText(f.sf) : ts.isCallExpression(p) ? p.expression.getText(f.sf) : '';
      if (!/intercom/i.test(target) && !/\bIntercom\s*\(\s*['"]boot['"]\s*,\s*\w+\s*\)/.test(f.text)) return;
      report(n, 'The Intercom user is identified without user_hash (identity verification).');
    },
  },
  {
    id: 'js-ajv-all-errors', title: 'JSON schema validator collects every error', severity: 'low', confidence: 'medium', cwe: ['CWE-400'],
    kinds: [ts.SyntaxKind.NewExpression],
    help: 'With `allErrors: true`, Ajv keeps validating after the first failure, so a crafted document can make validation (and the error list) arbitrarily expensive. Leave it off for untrusted input or cap it to development builds.',
    visit(n, f, report) {
      if (!ts.isNewExpression(n) || !/(^|\.)Ajv$/.test(n.expression.getText(f.sf))) return;
      const a = n.arguments?.[0];
      const o = a && ts.isObjectLiteralExpression(a) ? a : a && ts.isIdentifier(a) ? declaredObject(a, f) : undefined;
      if (o && prop(o, 'allErrors')?.kind === ts.SyntaxKind.TrueKeyword) report(n, 'Ajv is created with allErrors: true.');
    },
  },
  {
    id: 'js-directory-listing', title: 'Directory listing served', severity: 'low', confidence: 'medium', cwe: ['CWE-548'],
    kinds: [ts.SyntaxKind.CallExpression],
    help: '`serve-index` lists the files of a directory to anyone, exposing backups, configuration and other files not meant to be found. Serve known files only.',
    visit(n, f, report) {
      if (!ts.isCallExpression(n) || !f.imports.has('serve-index')) return;
      const binding = /\b(?:const|let|var)\s+(\w+)\s*=\s*require\(\s*['"]serve-index['"]\s*\)|import\s+(\w+)\s+from\s+['"]serve-index['"]/.exec(f.text);
      const mod = binding?.[1] ?? binding?.[2];
      if (!mod) return;
      const c = n.expression;
      // app.use('/ftp', serveIndex(...)), or a handler made by serveIndex(...) called on a request
      if (ts.isIdentifier(c) && c.text === mod && ts.isCallExpression(n.parent) && /(^|\.)use$/.test(n.parent.expression.getText(f.sf))) report(n.parent, 'A directory index is served.');
      else if (ts.isIdentifier(c) && n.arguments.length >= 2) {
        const init = declaredInit(c, f);
        if (init && ts.isCallExpression(init) && init.expression.getText(f.sf) === mod) report(n, 'A directory index is served.');
      }
    },
  },
  {
    id: 'js-target-blank-element', title: 'Link element created with target="_blank" and no rel="noopener"', severity: 'low', confidence: 'medium', cwe: ['CWE-1022'],
    kinds: [ts.SyntaxKind.ObjectLiteralExpression],
    help: '`React.createElement(\'a\', { target: \'_blank\', href })` to another site without `rel: \'noopener noreferrer\'` gives the new page `window.opener` (reverse tabnabbing). Add the `rel` property.',
    visit(n, f, report) {
      if (!ts.isObjectLiteralExpression(n)) return;
      const target = prop(n, 'target');
      const href = prop(n, 'href');
      if (!target || !ts.isStringLiteralLike(target) || target.text !== '_blank' || !href || n.properties.some(ts.isSpreadAssignment)) return;
      if (ts.isStringLiteralLike(href) && /^(\/(?!\/)|#|\.|mailto:|tel:)/.test(href.text)) return;
      const rel = prop(n, 'rel');
      if (rel && (!ts.isStringLiteralLike(rel) || /noopener|noreferrer/.test(rel.text))) return;
      // the props of an <a> element: given inline, or through the variable holding them
      const p = n.parent;
      const call = ts.isCallExpression(p) ? p : undefined;
      const holder = ts.isVariableDeclaration(p) && ts.isIdentifier(p.name) ? p.name.text : undefined;
      const anchor = (c: TS.CallExpression): boolean => /(^|\.)createElement$/.test(calleeText(c, f.sf)) && !!c.arguments[0] && ts.isStringLiteralLike(c.arguments[0]) && c.arguments[0].text === 'a';
      if (call ? anchor(call) && call.arguments[1] === n : holder && new RegExp(`createElement\\(\\s*['"]a['"]\\s*,\\s*${holder}\\s*[,)]`).test(f.text)) {
        report(n, 'An <a> element with target="_blank" and no rel="noopener" gives the linked page window.opener.');
      }
    },
  },
  {
    id: 'js-format-string-injection', title: 'Format string built from a variable', severity: 'low', confidence: 'low', cwe: ['CWE-134'],
    kinds: [ts.SyntaxKind.CallExpression],
    callNames: new Set(['log', 'info', 'warn', 'error', 'debug', 'trace', 'format']),
    help: '`console.log` and `util.format` read `%s`, `%d`, `%o`... in their first argument: when that text is built from a value and more arguments follow, the value can add conversions that shift or expose the other arguments. Pass a constant format string (`console.log(\'login by %s\', user, ip)`).',
    visit(n, f, report) {
      if (!ts.isCallExpression(n) || n.arguments.length < 2) return;
      if (!/^(console\.(log|info|warn|error|debug|trace)|util\.format)$/.test(calleeText(n, f.sf))) return;
      const built = (e: TS.Expression): boolean => (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.PlusToken && [e.left, e.right].some((x) => !ts.isStringLiteralLike(x) && !ts.isNumericLiteral(x)))
        || (ts.isTemplateExpression(e) && e.templateSpans.length > 0);
      const a0 = n.arguments[0]!;
      const init = ts.isIdentifier(a0) ? declaredInit(a0, f) : undefined;
      if (built(a0) || (init && built(init))) report(n, 'The format string is built from a variable and more arguments follow.');
    },
  },
  {
    id: 'js-unsafe-library-option', title: 'Library option that runs or emits code unsafely', severity: 'medium', confidence: 'medium', cwe: ['CWE-94', 'CWE-79'],
    kinds: [ts.SyntaxKind.CallExpression],
    callNames: new Set(['thenify', 'serialize', 'withCallback']),
    help: '`thenify(fn, { multiArgs: [...] })` compiles the argument names into a function with `eval` (CVE-2020-7677), and `serialize(obj, { unsafe: true })` (serialize-javascript) stops escaping HTML and JavaScript characters, so data embedded in a page can close the script. Drop these options.',
    visit(n, f, report) {
      if (!ts.isCallExpression(n)) return;
      const c = calleeText(n, f.sf);
      const optsOf = (a: TS.Expression | undefined): TS.ObjectLiteralExpression | undefined => !a ? undefined : ts.isObjectLiteralExpression(a) ? a : ts.isIdentifier(a) ? declaredObject(a, f) : undefined;
      if (/^thenify(\.withCallback)?$/.test(c) && f.imports.has('thenify')) {
        const o = optsOf(n.arguments[1]);
        const m = o && prop(o, 'multiArgs');
        if (m && ts.isArrayLiteralExpression(m)) report(o === n.arguments[1] ? n : o, 'thenify builds a function from multiArgs names with eval.');
      } else if (c === 'serialize' && f.imports.has('serialize-javascript')) {
        const o = optsOf(n.arguments[1]);
        if (o && prop(o, 'unsafe')?.kind === ts.SyntaxKind.TrueKeyword) report(n, 'serialize-javascript is called with unsafe: true (no HTML/JS escaping).');
      }
    },
  },
  {
    id: 'js-nestjs-open-redirect', title: 'NestJS redirect target taken from the request', severity: 'medium', confidence: 'medium', cwe: ['CWE-601'],
    kinds: [ts.SyntaxKind.ReturnStatement],
    help: 'A handler decorated with `@Redirect()` that returns `{ url }` sends the client to that URL: when it comes from `@Query()`, `@Param()`, `@Body()` or a header, anyone can build a link that bounces visitors to a site of their choosing. Map the input to known paths, or check it against an allow-list.',
    visit(n, f, report) {
      if (!ts.isReturnStatement(n) || !n.expression || !ts.isObjectLiteralExpression(n.expression)) return;
      const url = prop(n.expression, 'url');
      if (!url) return;
      let m: TS.Node | undefined = n.parent;
      while (m && !ts.isMethodDeclaration(m)) m = ts.isFunctionLike(m) || ts.isClassLike(m) ? undefined : m.parent;
      if (!m || !ts.isMethodDeclaration(m)) return;
      const redirects = (ts.getDecorators(m) ?? []).some((d) => /^Redirect\b/.test(d.expression.getText(f.sf)));
      if (!redirects) return;
      const inputs = new Set(m.parameters.filter((p) => (ts.getDecorators(p) ?? []).some((d) => {
        const e = d.expression;
        return NEST_SOURCE_DECORATORS.has((ts.isCallExpression(e) ? e.expression : e).getText(f.sf));
      })).flatMap((p) => ts.isIdentifier(p.name) ? [p.name.text] : []));
      let root: TS.Expression = url;
      while (ts.isPropertyAccessExpression(root) || ts.isElementAccessExpression(root)) root = root.expression;
      const names = ts.isTemplateExpression(url) && !url.head.text ? url.templateSpans.slice(0, 1).map((sp) => sp.expression.getText(f.sf).split('.')[0]!) : ts.isIdentifier(root) ? [root.text] : [];
      if (names.some((x) => inputs.has(x))) report(n, 'The redirect target returned by this @Redirect() handler comes from the request.');
    },
  },
  {
    id: 'js-origin-regex-unescaped-dot', title: 'Allowed-origin pattern with an unescaped dot', severity: 'medium', confidence: 'medium', cwe: ['CWE-942', 'CWE-185'],
    kinds: [ts.SyntaxKind.RegularExpressionLiteral],
    help: 'In a regular expression `.` matches any character, so an allowed-origin pattern written `/^https:\\/\\/www.example.com$/` also accepts `https://wwwXexample.com`, a domain anyone can register. Escape the dots between host labels (`www\\.example\\.com`) or compare origins against a list of exact strings.',
    visit(n, f, report) {
      // a regex kept in something named for CORS or origins: a variable, a property (`origin: /.../`) or an array of them
      let holder: TS.Node | undefined = n.parent;
      while (holder && (ts.isArrayLiteralExpression(holder) || ts.isParenthesizedExpression(holder))) holder = holder.parent;
      const name = holder && (ts.isVariableDeclaration(holder) || ts.isPropertyAssignment(holder)) ? holder.name.getText(f.sf) : '';
      if (!/cors|origin/i.test(name)) return;
      const body = n.getText(f.sf).replace(/\/[a-z]*$/, '').slice(1);
      // a dot outside a character class, not escaped, between two host-label characters (`www.example`,
      // `(a|b).example`); `.+`/`.*` are meant as wildcards and left alone
      let inClass = false;
      for (let i = 0; i < body.length; i++) {
        const ch = body[i]!;
        if (ch === '\\') { i++; continue; }
        if (inClass) { if (ch === ']') inClass = false; continue; }
        if (ch === '[') { inClass = true; continue; }
        if (ch === '.' && /[\w)]/.test(body[i - 1] ?? '') && /[a-z0-9(]/i.test(body[i + 1] ?? '')) {
          report(n, `The origin pattern ${n.getText(f.sf).slice(0, 60)} has an unescaped '.', which matches any character.`);
          return;
        }
      }
    },
  },
  {
    id: 'js-browser-remote-debugging', title: 'Headless browser started with its DevTools port open', severity: 'medium', confidence: 'medium', cwe: ['CWE-668', 'CWE-284'],
    kinds: [ts.SyntaxKind.CallExpression],
    callNames: new Set(['launch', 'launchPersistentContext']),
    help: 'A Chrome started with `--remote-debugging-port` (or `--remote-debugging-address`) serves the DevTools protocol: whoever reaches the port drives the browser, reads its pages and cookies and, through the browser, the local network and files. Leave the flag out, or let Puppeteer/Playwright use their private pipe.',
    visit(n, f, report) {
      if (!ts.isCallExpression(n) || !/(^|\.)(launch|launchPersistentContext)$/.test(calleeText(n, f.sf))) return;
      for (const a of n.arguments) {
        if (!ts.isObjectLiteralExpression(a)) continue;
        const list = prop(a, 'args');
        if (!list || !ts.isArrayLiteralExpression(list)) continue;
        const flag = list.elements.find((e) => (ts.isStringLiteralLike(e) || ts.isTemplateExpression(e)) && /^[`'"]?--remote-debugging-(port|address)\b/.test(e.getText(f.sf)));
        if (flag) report(n, `The browser is launched with ${flag.getText(f.sf).replace(/^[`'"]|[`'"]$/g, '').replace(/=.*/, '')}: its DevTools protocol is reachable on that port.`);
      }
    },
  },
  {
    id: 'js-jwt-whole-record', title: 'Whole user record signed into a JWT', severity: 'medium', confidence: 'low', cwe: ['CWE-200', 'CWE-312'],
    kinds: [ts.SyntaxKind.CallExpression],
    callNames: new Set(['sign']),
    help: 'A JWT payload is only base64-encoded: anyone holding the token reads it. Signing a whole user or account record (`jwt.sign(user, key)`) puts every field in it, the password hash, e-mail, roles and internal ids included. Sign an object of the few claims the token needs (`{ sub: user.id, role: user.role }`).',
    visit(n, f, report) {
      if (!ts.isCallExpression(n) || !/^(jwt|jsonwebtoken|jsonwt|JWT|jose\.JWT)\.sign$/.test(calleeText(n, f.sf))) return;
      if (!/\brequire\(\s*['"](jsonwebtoken|jose)['"]\s*\)|from\s+['"](jsonwebtoken|jose)['"]/.test(f.text)) return;
      const a = n.arguments[0];
      if (!a) return;
      const text = a.getText(f.sf).replace(/\s+/g, '');
      const record = /^(req\.user|(user|account|member|customer|profile|userRecord|userDoc|dbUser|foundUser)s?)$/i;
      if (!record.test(text)) return;
      // a name bound to an object built here picks its claims
      const init = ts.isIdentifier(a) ? declaredInit(a, f) : undefined;
      if (init && (ts.isObjectLiteralExpression(init) || ts.isStringLiteralLike(init))) return;
      report(n, `The whole ${text} record is signed into the token, where anyone holding it can read every field.`);
    },
  },
  {
    id: 'js-react-parsed-props', title: 'Parsed JSON spread as props of a DOM element', severity: 'medium', confidence: 'medium', cwe: ['CWE-79', 'CWE-915'],
    kinds: [ts.SyntaxKind.JsxSpreadAttribute, ts.SyntaxKind.CallExpression],
    help: 'Spreading an object parsed from JSON (`<div {...JSON.parse(saved)} />`, `React.createElement("span", parsed)`) onto a DOM element lets whoever wrote that JSON set any prop: `dangerouslySetInnerHTML`, an `href` of `javascript:`, `style`. Pick the props the element needs (`<div title={parsed.title} />`).',
    visit(n, f, report) {
      let value: TS.Expression | undefined;
      if (ts.isJsxSpreadAttribute(n)) {
        const el = n.parent.parent;
        const tag = ts.isJsxOpeningElement(el) || ts.isJsxSelfClosingElement(el) ? el.tagName.getText(f.sf) : '';
        if (!/^[a-z][\w-]*$/.test(tag)) return;
        value = n.expression;
      } else if (ts.isCallExpression(n) && /(^|\.)createElement$/.test(calleeText(n, f.sf)) && n.arguments[0] && ts.isStringLiteralLike(n.arguments[0]) && /^[a-z][\w-]*$/.test(n.arguments[0].text)) {
        value = n.arguments[1];
      }
      if (!value || ts.isObjectLiteralExpression(value)) return;
      // JSON.parse(...) here, a name bound to it, or a call handed one (`normalise(parsed)`)
      const parsed = (e: TS.Expression, depth: number): boolean => {
        while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e)) e = e.expression;
        if (ts.isCallExpression(e)) return calleeText(e, f.sf) === 'JSON.parse' || (depth < 2 && e.arguments.some((a) => parsed(a, depth + 1)));
        if (ts.isIdentifier(e) && depth < 3) {
          const init = declaredInit(e, f);
          return !!init && init !== e && parsed(init, depth + 1);
        }
        return false;
      };
      if (parsed(value, 0)) report(ts.isJsxSpreadAttribute(n) ? n.parent.parent : n, 'An object parsed from JSON is spread as the props of a DOM element: it can set dangerouslySetInnerHTML, href or event handlers.');
    },
  },
  {
    id: 'js-script-element-value', title: 'Value written inside a <script> element', severity: 'medium', confidence: 'low', cwe: ['CWE-79'],
    kinds: [ts.SyntaxKind.BinaryExpression, ts.SyntaxKind.TemplateExpression],
    help: 'Text placed between `<script>` and `</script>` is not HTML-escaped by the browser: a value holding `</script><script>...` closes the element and runs its own script, whatever the element\'s `type`. Put data in a `data-` attribute or a `type="application/json"` element written with an encoder that escapes `<` (serialize-javascript, `JSON.stringify(v).replace(/</g, "\\u003c")`).',
    visit(n, f, report) {
      // the literal right before the value ends inside an opened script element
      const opens = (lit: string): boolean => /<script\b[^>]*>[^<]*$/i.test(lit);
      // an escaping call, here or bound to the name (`const s = serialize(state)`), unless told not to escape
      const escaped = (e: TS.Expression): boolean => {
        const v = ts.isIdentifier(e) ? declaredInit(e, f) : e;
        return !!v && ts.isCallExpression(v) && /(serialize|escape|sanitiz|encode|jsesc|safeJson|htmlSafe)/i.test(calleeText(v, f.sf)) && !/\bunsafe\s*:\s*true\b/.test(v.getText(f.sf));
      };
      const dynamic = (e: TS.Expression): boolean => !ts.isStringLiteralLike(e) && !ts.isNumericLiteral(e) && !escaped(e);
      if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.PlusToken) {
        // the left operand's last literal: `'<script>' + v`, `a + '<script>' + v`
        let left: TS.Expression = n.left;
        while (ts.isBinaryExpression(left) && left.operatorToken.kind === ts.SyntaxKind.PlusToken) left = left.right;
        if (ts.isStringLiteralLike(left) && opens(left.text) && dynamic(n.right)) report(n, 'A non-constant value is concatenated inside a <script> element.');
      } else if (ts.isTemplateExpression(n)) {
        let before = n.head.text;
        for (const span of n.templateSpans) {
          if (opens(before) && dynamic(span.expression)) {
            report(n, 'A non-constant value is written inside a <script> element.');
            return;
          }
          before = span.literal.text;
        }
      }
    },
  },
];
