import ts from './tslib.js';
import type * as TS from 'typescript';
import type { SourceUnit } from './scope.js';
import type { AstRule } from './ast-rules.js';

/*
 * API-misuse audits over a whole import group (an app is set up in one file and its routes are mounted from
 * others): cross-site request forgery on cookie-authenticated apps, and session fixation at login.
 */

/** An audit's rule: an AST rule's description, without a per-node visitor (an audit reads the whole group). */
export type AppAudit = Pick<AstRule, 'id' | 'title' | 'severity' | 'confidence' | 'cwe' | 'help'>;

/** What an audit reports. */
export interface AppHit {
  ruleId: string;
  file: string;
  sf: TS.SourceFile;
  node: TS.Node;
  message: string;
}

export const CSRF_RULE: AppAudit = {
  id: 'js-csrf-missing', title: 'Cookie-authenticated app without CSRF protection', severity: 'medium', confidence: 'medium', cwe: ['CWE-352'],
  help: 'The app authenticates with a cookie (express-session, cookie-session, koa-session, @fastify/session or an auth cookie it sets) and accepts state-changing requests (POST, PUT, PATCH, DELETE), but uses no CSRF protection and its cookie is not `SameSite=Lax`/`Strict`: another site can make a signed-in browser send those requests. Add CSRF tokens (csrf-csrf, csrf-sync, lusca.csrf, @fastify/csrf-protection, koa-csrf) or set `cookie: { sameSite: \'lax\' }` (or `strict`) on the session cookie.',
};

export const SESSION_FIXATION_RULE: AppAudit = {
  id: 'js-session-fixation', title: 'Login without a new session ID (session fixation)', severity: 'medium', confidence: 'medium', cwe: ['CWE-384'],
  help: 'A login handler marks the existing session as authenticated (`req.session.user = ...`) without issuing a new session ID, so an attacker who planted a session ID in the victim\'s browser shares the logged-in session. Call `req.session.regenerate()` and set the user inside its callback, or log in with passport\'s `req.login()` (0.6 and later regenerate the session).',
};

/** Every audit, for rule metadata. */
export const APP_AUDITS: readonly AppAudit[] = [CSRF_RULE, SESSION_FIXATION_RULE];

/** Session middleware that keeps the session in a cookie or keyed by one. */
const SESSION_MODULES = /^(express-session|cookie-session|koa-session|koa-generic-session|@fastify\/session|@fastify\/secure-session|fastify-session|client-sessions|iron-session)$/;
/** CSRF defences. */
const CSRF_MODULES = /^(csurf|csrf-csrf|csrf-sync|lusca|@fastify\/csrf-protection|@fastify\/csrf|koa-csrf|csrf|tiny-csrf|@dr\.pogodin\/csurf|express-csrf-double-submit-cookie|csrf-token|next-csrf|edge-csrf|@edge-csrf\/\w+|csrf-protection)$/;
/** Cookie names that carry authentication. */
const AUTH_COOKIE = /^(token|jwt|auth|authToken|auth_token|access_token|accessToken|session|sessionId|session_id|sid|connect\.sid|remember_me|user)$/i;
/** Registrations of state-changing routes. */
const STATE_CHANGING = new Set(['post', 'put', 'patch', 'delete', 'del']);
/** Session fields that mean "logged in". */
const AUTH_FIELDS = /^(user|userId|user_id|uid|account|accountId|auth|authenticated|isAuthenticated|isAuth|loggedIn|isLoggedIn|logged_in|login|username|userName|role|isAdmin|admin|email|currentUser|principal)$/;

function imports(sf: TS.SourceFile): string[] {
  return [...sf.text.matchAll(/(?:from\s+|require\(\s*|import\(\s*)['"]([^'"]+)['"]/g)].map((m) => m[1]!);
}

function lastName(c: TS.CallExpression): string {
  const e = c.expression;
  return ts.isIdentifier(e) ? e.text : ts.isPropertyAccessExpression(e) ? e.name.text : '';
}

function walk(n: TS.Node, f: (n: TS.Node) => void): void {
  f(n);
  ts.forEachChild(n, (c) => walk(c, f));
}

/** Runs the audits that are not disabled over a group's files. */
export function runAppAudits(units: readonly SourceUnit[], disabled: ReadonlySet<string>): AppHit[] {
  const out: AppHit[] = [];
  if (!disabled.has(CSRF_RULE.id)) out.push(...csrf(units));
  if (!disabled.has(SESSION_FIXATION_RULE.id)) for (const u of units) out.push(...sessionFixation(u, units));
  return out;
}

/**
 * CSRF: the group sets up cookie sessions (or sets an auth cookie) and registers state-changing routes, with no
 * CSRF module, no CSRF token check and no SameSite=Lax/Strict on its cookies. One finding, at the session set-up.
 */
function csrf(units: readonly SourceUnit[]): AppHit[] {
  // most groups set up no session and set no cookie: no walk
  if (!units.some((u) => /session|\.cookie\(|cookies\.set\(/.test(u.sf.text))) return [];
  const mods = units.flatMap((u) => imports(u.sf));
  if (mods.some((m) => CSRF_MODULES.test(m))) return [];
  const sessionMod = mods.find((m) => SESSION_MODULES.test(m));
  let setup: { u: SourceUnit; node: TS.Node; what: string } | undefined;
  let sameSite = false;
  let sameSiteNone = false;
  let tokenCheck = false;
  const routes: { u: SourceUnit; node: TS.CallExpression }[] = [];
  for (const u of units) {
    const sf = u.sf;
    if (/\bx-(csrf|xsrf)-token\b|\b_csrf\b|\bcsrfToken\b|\bxsrfToken\b/i.test(sf.text)) tokenCheck = true;
    walk(sf, (n) => {
      if (ts.isPropertyAssignment(n) && /^['"]?sameSite['"]?$/i.test(n.name.getText(sf))) {
        const v = n.initializer.getText(sf).replace(/['"`]/g, '').toLowerCase();
        if (v === 'lax' || v === 'strict' || v === 'true') sameSite = true;
        else if (v === 'none' || v === 'false') sameSiteNone = true;
      }
      if (!ts.isCallExpression(n)) return;
      const name = lastName(n);
      const callee = n.expression.getText(sf);
      // `app.use(session({...}))`, `app.use(cookieSession({...}))`, `app.use(session(app))`, `fastify.register(fastifySession, ...)`
      if (!setup && sessionMod && (name === 'use' || name === 'register') && n.arguments.some((a) => /session/i.test(a.getText(sf).split('(')[0]!))) setup = { u, node: n, what: sessionMod };
      // an auth cookie the app sets itself: `res.cookie('token', jwt)`, `ctx.cookies.set('session', id)`
      if (!setup && (name === 'cookie' || (name === 'set' && /cookies$/.test(callee))) && n.arguments[0] && ts.isStringLiteralLike(n.arguments[0]) && AUTH_COOKIE.test(n.arguments[0].text)) {
        setup = { u, node: n, what: `the ${n.arguments[0].text} cookie` };
      }
      if (STATE_CHANGING.has(name) && ts.isPropertyAccessExpression(n.expression) && n.arguments.length >= 2 && ts.isStringLiteralLike(n.arguments[0]!) && n.arguments.slice(1).some((a) => ts.isFunctionLike(a) || ts.isIdentifier(a) || ts.isPropertyAccessExpression(a))) {
        // middleware whose name says it checks CSRF (`csrfProtection`, `verifyCsrf`)
        if (n.arguments.some((a) => /csrf|xsrf/i.test(a.getText(sf).split('(')[0]!))) tokenCheck = true;
        routes.push({ u, node: n });
      }
      if (name === 'use' && n.arguments.some((a) => /csrf|xsrf/i.test(a.getText(sf).split('(')[0]!))) tokenCheck = true;
    });
  }
  if (!setup || !routes.length || tokenCheck || (sameSite && !sameSiteNone)) return [];
  const shown = routes.slice(0, 3).map((r) => `${lastName(r.node).toUpperCase()} ${(r.node.arguments[0] as TS.StringLiteral).text}`);
  const more = routes.length > 3 ? ` and ${routes.length - 3} more` : '';
  return [{
    ruleId: CSRF_RULE.id, file: setup.u.path, sf: setup.u.sf, node: setup.node,
    message: `The app authenticates with ${setup.what} and accepts state-changing requests (${shown.join(', ')}${more}) without CSRF protection or a SameSite=Lax/Strict cookie.`,
  }];
}

/**
 * Session fixation: in a login handler (a route whose path or function name says login/sign-in/auth, or a function
 * that checks a password), `req.session.<user field> = ...` without `req.session.regenerate(...)` (or passport's
 * `req.login`/`req.logIn`, which regenerates since 0.6). cookie-session keeps no server-side ID and is left out.
 */
function sessionFixation(u: SourceUnit, units: readonly SourceUnit[]): AppHit[] {
  const sf = u.sf;
  if (!/\b(req|request|ctx)\.session\.\w+\s*=[^=]/.test(sf.text)) return [];
  const mods = units.flatMap((x) => imports(x.sf));
  if (mods.includes('cookie-session') && !mods.includes('express-session')) return [];
  const out: AppHit[] = [];
  const reported = new Set<TS.Node>();
  walk(sf, (n) => {
    if (!ts.isBinaryExpression(n) || n.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return;
    const m = /^(req|request|ctx)\.session\.(\w+)$/.exec(n.left.getText(sf).replace(/\s+/g, ''));
    if (!m || !AUTH_FIELDS.test(m[2]!)) return;
    // a field cleared on logout is not a login
    if (/^(null|undefined|false)$/.test(n.right.getText(sf))) return;
    const fn = handlerOf(n);
    if (!fn || reported.has(fn)) return;
    const text = fn.getText(sf);
    if (/\.session\.regenerate\s*\(|\bregenerateSession\s*\(|\breq\.(login|logIn)\s*\(|\b(ctx|req)\.session\s*=\s*(null|\{\s*\})/.test(text)) return;
    if (!isLogin(fn, sf)) return;
    reported.add(fn);
    out.push({
      ruleId: SESSION_FIXATION_RULE.id, file: u.path, sf, node: n,
      message: `The login handler sets ${m[1]}.session.${m[2]} on the existing session without req.session.regenerate(): the session ID from before the login stays valid.`,
    });
  });
  return out;
}

/** The outermost function of a route handler around a node (callbacks inside it included). */
function handlerOf(n: TS.Node): TS.FunctionLikeDeclaration | undefined {
  let found: TS.FunctionLikeDeclaration | undefined;
  for (let p: TS.Node | undefined = n.parent; p; p = p.parent) {
    if (ts.isFunctionDeclaration(p) || ts.isFunctionExpression(p) || ts.isArrowFunction(p) || ts.isMethodDeclaration(p)) {
      found = p;
      // a route handler: its parent call registers it, or its parameters are (req, res)
      const ps = p.parameters.map((x) => x.name.getText());
      if ((ps[0] && /^(req|request|ctx)$/.test(ps[0])) || (p.parent && ts.isCallExpression(p.parent) && !/^(then|regenerate|save|catch)$/.test(lastName(p.parent)))) return p;
    }
  }
  return found;
}

/** Whether a handler logs a user in: its route or name says so, or it checks a password. */
function isLogin(fn: TS.FunctionLikeDeclaration, sf: TS.SourceFile): boolean {
  const route = fn.parent && ts.isCallExpression(fn.parent) ? fn.parent.arguments[0] : undefined;
  if (route && ts.isStringLiteralLike(route) && /log-?in|sign-?in|auth|session|callback|verify|otp|2fa|mfa|sso/i.test(route.text)) return true;
  const name = (ts.isFunctionDeclaration(fn) || ts.isMethodDeclaration(fn) || ts.isFunctionExpression(fn)) && fn.name ? fn.name.getText(sf) : fn.parent && ts.isVariableDeclaration(fn.parent) ? fn.parent.name.getText(sf) : '';
  if (/log-?in|sign-?in|authenticat/i.test(name)) return true;
  return /\b(bcrypt|bcryptjs|argon2|scrypt)\b[\s\S]*\b(compare|verify)|\b(comparePassword|verifyPassword|checkPassword|validPassword|isValidPassword|authenticate)\s*\(|\.password\s*(===|!==|==|!=)/.test(fn.getText(sf));
}
