/**
 * The deliberately vulnerable application of the DAST tests. `makeRouter(fixed)` builds one variant: mounted at
 * /vuln it has every flaw, at /fixed the same routes are written safely (its "twins"), and must stay silent.
 * Annotations: `// ruleid: <id>` before a route means the /vuln variant of it must be reported for <id> (and no
 * other rule of the test's set); the /fixed variant of every route must be reported for nothing. A finding about
 * the whole site (path template `/*`) belongs to the `on('USE', '/*')` line.
 * Never expose this application beyond 127.0.0.1.
 */
import { exec, execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join, normalize, resolve as resolvePath } from 'node:path';
import Database from 'better-sqlite3';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { buildSchema, graphql, NoSchemaIntrospectionCustomRule, specifiedRules, validate, parse as gqlParse } from 'graphql';
import { signJwt, verifyJwt } from './jwt.js';
import { readXml } from './xml.js';

/** Optional databases for the time-based SQL endpoints. */
export interface Dbs {
  /** Runs a query on PostgreSQL (text only), or undefined when it is not available. */
  pg?: (sql: string) => Promise<unknown>;
  /** Runs a query on MariaDB, or undefined when it is not available. */
  maria?: (sql: string) => Promise<unknown>;
}

/** Passwords of the two users (also used by the tests' auth file). */
export const PASSWORDS = { alice: 'Alice-pw-4821', bob: 'Bob-pw-9930' };

const esc = (s: unknown) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
const page = (title: string, body: string) => `<!doctype html><html><head><title>${esc(title)}</title></head><body>${body}</body></html>`;

/** A fake secret key of the right shape for the secrets engine, built at run time. */
function stripeLikeKey(): string {
  return `sk_live_${'51H'}${randomBytes(18).toString('hex').slice(0, 24)}Qx7Zr`;
}

/** Builds one variant of the application. */
export function makeRouter(fixed: boolean, dbs: Dbs = {}): Router {
  const r = express.Router();
  const on = (method: string, path: string, ...h: ((req: Request, res: Response, next: NextFunction) => unknown)[]) => {
    const m = method.toLowerCase() as 'get' | 'post' | 'patch' | 'use';
    if (m === 'use') r.use(...(h as never[]));
    else r[m](path, ...(h as never[]));
  };
  const db = new Database(':memory:');
  db.exec(`
    CREATE TABLE products (id INTEGER PRIMARY KEY, name TEXT, price INTEGER);
    INSERT INTO products (name, price) VALUES ('apple', 3), ('pear', 4), ('plum', 5);
    CREATE TABLE users (id INTEGER PRIMARY KEY, username TEXT, password TEXT, displayName TEXT, isAdmin INTEGER DEFAULT 0, role TEXT DEFAULT 'user');
    INSERT INTO users (username, password, displayName) VALUES ('alice', '${PASSWORDS.alice}', 'Alice'), ('bob', '${PASSWORDS.bob}', 'Bob');
    CREATE TABLE orders (id INTEGER PRIMARY KEY, owner INTEGER, item TEXT, secretNote TEXT);
    INSERT INTO orders (owner, item, secretNote) VALUES (1, 'book', 'alice-note-1'), (1, 'lamp', 'alice-note-2'), (2, 'chair', 'bob-note-3');
    CREATE TABLE guestbook (id INTEGER PRIMARY KEY, comment TEXT);
  `);
  const secret = fixed ? randomBytes(32).toString('hex') : 'secret';
  const keysDir = mkdtempSync(join(tmpdir(), 'pg-dast-keys-'));
  writeFileSync(join(keysDir, 'main.key'), secret);
  const files = mkdtempSync(join(tmpdir(), 'pg-dast-files-'));
  writeFileSync(join(files, 'readme.txt'), 'hello');
  mkdirSync(join(files, 'docs'));
  writeFileSync(join(files, 'docs', 'a.txt'), 'a');
  const failedLogins = new Map<string, number>();
  const nosqlUsers = [
    { username: 'alice', password: PASSWORDS.alice },
    { username: 'bob', password: PASSWORDS.bob },
  ];

  const user = async (req: Request): Promise<{ id: number; username: string } | undefined> => {
    const m = /^Bearer (.+)$/.exec(req.get('authorization') ?? '');
    if (!m) return undefined;
    const p = await verifyJwt(m[1]!, secret, !fixed, keysDir);
    if (!p || typeof p.sub !== 'number') return undefined;
    return { id: p.sub, username: String(p.name) };
  };

  // ruleid: dast-csp-missing, dast-clickjacking, dast-xcto-missing, dast-referrer-policy-missing, dast-permissions-policy-missing, dast-version-disclosure, dast-cookie-no-httponly, dast-cookie-no-samesite, dast-cors-reflected-origin, dast-cors-null-origin, dast-jwt-weak-secret, dast-csp-weak, dast-hsts-missing, dast-cookie-no-secure
  on('USE', '/*', (req, res, next) => {
    res.removeHeader('x-powered-by');
    if (fixed) {
      res.set('content-security-policy', "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'");
      res.set('x-content-type-options', 'nosniff');
      res.set('referrer-policy', 'no-referrer');
      res.set('permissions-policy', 'camera=(), microphone=(), geolocation=()');
      if (req.secure) res.set('strict-transport-security', 'max-age=31536000; includeSubDomains');
      const origin = req.get('origin');
      if (origin === 'https://app.example') {
        res.set('access-control-allow-origin', origin);
        res.set('access-control-allow-credentials', 'true');
      }
    } else {
      res.set('server', 'Apache/2.4.49 (Unix)');
      const origin = req.get('origin');
      if (origin) {
        res.set('access-control-allow-origin', origin);
        res.set('access-control-allow-credentials', 'true');
      }
    }
    next();
  });

  on('GET', '/', (req, res) => {
    res.cookie('sessionid', randomBytes(8).toString('hex'), fixed ? { httpOnly: true, sameSite: 'lax', secure: req.secure } : {});
    const legacy = fixed ? '<form method="post" action="login">' : '<form method="get" action="legacy-login">';
    res.type('html').send(
      page(
        'Shop',
        `<a href="search?q=apple">search</a> <a href="profile?name=ann">profile</a> <a href="greet?msg=hi">greet</a>
        <a href="products?name=apple">products</a> <a href="product?id=1">product</a> <a href="catalog?name=pear">catalog</a>
        <a href="ping?host=localhost">ping</a> <a href="file?name=readme.txt">file</a> <a href="static/readme.txt">static</a>
        <a href="fetch?url=https://example.com/">fetch</a> <a href="hello?name=ann">hello</a> <a href="go?next=/">go</a>
        <a href="error?x=1">error</a> <a href="files/">files</a> <a href="config.js">config</a> <a href="guestbook">guestbook</a>
        <a href="csp">csp</a> <a href="mixed">mixed</a> <a href="audit?v=1">audit</a> <a href="audit-mysql?v=1">audit2</a> <a href="lang?lang=en">lang</a> <a href="forgot">forgot</a>
        <form method="post" action="login"><input name="username" value="nobody"><input type="password" name="password"><button>Log in</button></form>
        ${legacy}<input name="user"><input type="password" name="password"></form>`,
      ),
    );
  });

  // ruleid: dast-xss-reflected
  on('GET', '/search', (req, res) => {
    const q = String(req.query.q ?? '');
    res.type('html').send(page('Search', `<p>Results for ${fixed ? esc(q) : q}</p>`));
  });

  // ruleid: dast-xss-reflected
  on('GET', '/profile', (req, res) => {
    const n = String(req.query.name ?? '');
    const v = fixed ? esc(n) : n.replace(/</g, '&lt;').replace(/>/g, '&gt;');
    res.type('html').send(page('Profile', `<form><input name="name" value="${v}"></form>`));
  });

  // ruleid: dast-xss-reflected
  on('GET', '/greet', (req, res) => {
    const m = String(req.query.msg ?? '');
    const lit = fixed ? JSON.stringify(m).replace(/</g, '\\u003c') : `'${m.replace(/</g, '')}'`;
    res.type('html').send(page('Greet', `<script>var greeting = ${lit};</script><p>hi</p>`));
  });

  on('GET', '/guestbook', (_req, res) => {
    const rows = db.prepare('SELECT comment FROM guestbook ORDER BY id').all() as { comment: string }[];
    res.type('html').send(page('Guestbook', `<ul>${rows.map((c) => `<li>${fixed ? esc(c.comment) : c.comment}</li>`).join('')}</ul><form method="post" action="guestbook"><textarea name="comment"></textarea><button>Post</button></form>`));
  });

  // ruleid: dast-xss-stored, dast-csrf
  on('POST', '/guestbook', (req, res) => {
    // The fixed twin refuses a submission from another site (its session cookie is SameSite=Lax as well).
    const origin = req.get('origin');
    if (fixed && (req.get('sec-fetch-site') === 'cross-site' || (origin && origin !== `${req.protocol}://${req.get('host')}`))) return res.status(403).type('text').send('cross-site request refused');
    db.prepare('INSERT INTO guestbook (comment) VALUES (?)').run(String(req.body?.comment ?? '').slice(0, 200));
    res.type('html').send(page('Thanks', '<p>Thanks for your comment.</p>'));
  });

  // ruleid: dast-sqli-error
  on('GET', '/products', (req, res) => {
    const name = String(req.query.name ?? '');
    try {
      const rows = fixed ? db.prepare('SELECT * FROM products WHERE name = ?').all(name) : db.prepare(`SELECT * FROM products WHERE name = '${name}'`).all();
      res.json(rows);
    } catch (e) {
      res.status(500).json({ error: fixed ? 'query failed' : `SqliteError: ${(e as Error).message}` });
    }
  });

  // ruleid: dast-sqli-error
  on('GET', '/api/stock', (req, res) => {
    // An insertion point in a request header (declared in the OpenAPI document).
    const name = req.get('x-product') ?? '';
    try {
      const rows = fixed ? db.prepare('SELECT price FROM products WHERE name = ?').all(name) : db.prepare(`SELECT price FROM products WHERE name = '${name}'`).all();
      res.json({ stock: rows.length });
    } catch (e) {
      res.status(500).json({ error: fixed ? 'query failed' : `SqliteError: ${(e as Error).message}` });
    }
  });

  // ruleid: dast-xss-reflected
  on('GET', '/welcome', (req, res) => {
    // An insertion point in a cookie (declared in the OpenAPI document).
    const m = /(?:^|;\s*)visitor=([^;]*)/.exec(req.get('cookie') ?? '');
    let visitor = 'guest';
    try {
      visitor = m ? decodeURIComponent(m[1]!) : 'guest';
    } catch {
      // a malformed escape: keep the default
    }
    res.type('html').send(page('Welcome', `<p>Welcome back, ${fixed ? esc(visitor) : visitor}!</p>`));
  });

  // ruleid: dast-sqli-boolean
  on('GET', '/product', (req, res) => {
    const id = String(req.query.id ?? '');
    try {
      const row = fixed ? db.prepare('SELECT name, price FROM products WHERE id = ?').get(id) : db.prepare(`SELECT name, price FROM products WHERE id = ${id}`).get();
      if (!row) res.status(404).type('html').send(page('Product', '<p>No such product.</p>'));
      else res.type('html').send(page('Product', `<p>${esc((row as { name: string }).name)} costs ${(row as { price: number }).price}</p>`));
    } catch {
      res.status(404).type('html').send(page('Product', '<p>No such product.</p>'));
    }
  });

  // ruleid: dast-sqli-boolean
  on('GET', '/catalog', (req, res) => {
    const name = String(req.query.name ?? '');
    let rows: unknown[] = [];
    try {
      rows = fixed ? db.prepare('SELECT name FROM products WHERE ((name = (?)))').all(name) : db.prepare(`SELECT name FROM products WHERE ((name = ('${name}')))`).all();
    } catch {
      rows = [];
    }
    res.type('html').send(page('Catalog', `<p>${rows.length} product(s)</p><ul>${rows.map((x) => `<li>${esc((x as { name: string }).name)}</li>`).join('')}</ul>`));
  });

  // ruleid: dast-sqli-boolean
  on('POST', '/login', (req, res) => {
    if (fixed && (failedLogins.get(req.ip ?? '') ?? 0) >= 5) return res.status(429).set('retry-after', '1').type('html').send(page('Login', '<p>Too many attempts.</p>'));
    const u = String(req.body?.username ?? '');
    const p = String(req.body?.password ?? '');
    let row: unknown;
    try {
      row = fixed ? db.prepare('SELECT username FROM users WHERE username = ? AND password = ?').get(u, p) : db.prepare(`SELECT username FROM users WHERE username = '${u}' AND password = '${p}'`).get();
    } catch {
      row = undefined;
    }
    if (row) res.type('html').send(page('Welcome', `<p>Welcome back, ${esc((row as { username: string }).username)}. Your dashboard is ready.</p>`));
    else {
      failedLogins.set(req.ip ?? '', (failedLogins.get(req.ip ?? '') ?? 0) + 1);
      res.status(401).type('html').send(page('Login', '<p>Wrong user name or password.</p>'));
    }
  });

  // ruleid: dast-sqli-time
  on('GET', '/audit', async (req, res) => {
    if (!dbs.pg) return res.status(503).send('no postgres');
    const v = String(req.query.v ?? '');
    try {
      if (fixed) await dbs.pg(`SELECT count(*) FROM pg_class WHERE relname = ${pgLiteral(v)}`);
      else await dbs.pg(`SELECT count(*) FROM pg_class WHERE relname = '${v}'`);
    } catch {
      // blind: errors are not shown
    }
    res.type('text').send('recorded');
  });

  // ruleid: dast-sqli-time
  on('GET', '/audit-mysql', async (req, res) => {
    if (!dbs.maria) return res.status(503).send('no mariadb');
    const v = String(req.query.v ?? '');
    try {
      if (fixed) await dbs.maria(`SELECT COUNT(*) FROM information_schema.tables WHERE table_name = ${mysqlLiteral(v)}`);
      else await dbs.maria(`SELECT COUNT(*) FROM information_schema.tables WHERE table_name = '${v}'`);
    } catch {
      // blind
    }
    res.type('text').send('recorded');
  });

  // ruleid: dast-nosql-injection
  on('POST', '/api/nosql-login', (req, res) => {
    const { username, password } = (req.body ?? {}) as Record<string, unknown>;
    if (fixed && (typeof username !== 'string' || typeof password !== 'string')) return res.status(400).json({ error: 'bad request' });
    const found = nosqlUsers.find((u) => mongoMatch(u.username, username) && mongoMatch(u.password, password));
    if (found) res.json({ ok: true, user: found.username, greeting: 'welcome to the members area' });
    else res.status(401).json({ ok: false, error: 'invalid credentials' });
  });

  // ruleid: dast-command-injection
  on('GET', '/ping', (req, res) => {
    const host = String(req.query.host ?? '').slice(0, 200);
    const done = (err: Error | null, out: string) => res.type('text').send(err ? 'ping failed' : out);
    try {
      if (fixed) execFile('echo', ['pinging', host], { timeout: 3000 }, (e, out) => done(e, out));
      else exec(`echo pinging ${host}`, { timeout: 3000 }, (e, out) => done(e, out));
    } catch {
      res.status(400).send('bad host');
    }
  });

  // ruleid: dast-command-injection
  on('POST', '/api/ping-xml', express.text({ type: ['application/xml', 'text/xml'] }), async (req, res) => {
    // An insertion point in an XML body field (declared in the OpenAPI document); no DOCTYPE either way.
    let host: string;
    try {
      host = ((await readXml(String(req.body ?? ''), false)).host ?? '').slice(0, 200);
    } catch {
      return res.status(400).send('invalid XML');
    }
    const done = (err: Error | null, out: string) => res.type('text').send(err ? 'ping failed' : out);
    if (fixed) execFile('echo', ['pinging', host], { timeout: 3000 }, (e, out) => done(e, out));
    else exec(`echo pinging ${host}`, { timeout: 3000 }, (e, out) => done(e, out));
  });

  // ruleid: dast-path-traversal
  on('GET', '/file', (req, res) => {
    const name = String(req.query.name ?? '');
    const path = fixed ? resolvePath(files, name) : join(files, name);
    if (fixed && !path.startsWith(files + '/')) return res.status(404).send('not found');
    try {
      res.type('text').send(readFileSync(path, 'utf8'));
    } catch {
      res.status(404).send('not found');
    }
  });

  // ruleid: dast-path-traversal
  on('GET', '/static/*rest', (req, res) => {
    const raw = decodeURIComponent((req.originalUrl.split('?')[0] ?? '').replace(/^.*?\/static\//, ''));
    const path = fixed ? resolvePath(files, normalize(raw)) : join(files, raw);
    if (fixed && !path.startsWith(files + '/')) return res.status(404).send('not found');
    try {
      res.type('text').send(readFileSync(path, 'utf8'));
    } catch {
      res.status(404).send('not found');
    }
  });

  // ruleid: dast-ssrf
  on('GET', '/fetch', (req, res) => {
    const url = String(req.query.url ?? '');
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return res.status(400).send('bad url');
    }
    if (fixed && u.hostname !== 'example.com') return res.status(403).send('host not allowed');
    if (u.hostname === 'example.com') return res.type('text').send('fetched example.com (not really)');
    if (u.protocol !== 'http:') return res.status(400).send('http only');
    const g = http.get(u, { timeout: 2000 }, (up) => {
      up.resume();
      up.on('end', () => res.type('text').send(`fetched ${up.statusCode}`));
    });
    g.on('error', () => res.status(502).send('fetch failed'));
  });

  // ruleid: dast-xxe
  on('POST', '/xml', express.text({ type: ['application/xml', 'text/xml'] }), async (req, res) => {
    try {
      const doc = await readXml(String(req.body ?? ''), !fixed);
      res.type('text').send(`stored note: ${doc.note ?? ''}`);
    } catch {
      res.status(400).send('invalid XML');
    }
  });

  // ruleid: dast-ssti
  on('GET', '/hello', (req, res) => {
    const name = String(req.query.name ?? '').slice(0, 100);
    let text: string;
    if (fixed) text = `Hello ${name}`;
    else {
      try {
        // A template built from input and evaluated: the flaw.
        text = new Function(`return \`Hello ${name.replace(/`/g, '')}\`;`)() as string;
      } catch {
        text = 'Hello';
      }
    }
    res.type('text').send(text);
  });

  // ruleid: dast-open-redirect
  on('GET', '/go', (req, res) => {
    const next = String(req.query.next ?? '/');
    if (fixed && !(next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\'))) return res.redirect('/');
    res.redirect(next);
  });

  // ruleid: dast-crlf-injection
  on('GET', '/lang', (req, res) => {
    const lang = String(req.query.lang ?? 'en');
    if (fixed) return res.redirect(`./?lang=${encodeURIComponent(lang)}`);
    // Node refuses line breaks in header values: this writes the answer itself, as a server that splices the
    // value into its header block does.
    res.socket?.end(`HTTP/1.1 302 Found\r\nLocation: ./?lang=${lang}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
  });

  // ruleid: dast-host-header-injection
  on('GET', '/forgot', (req, res) => {
    // The sign-in link a reset mail would carry: the vulnerable variant builds it from the request's host headers.
    const link = fixed ? './' : `${req.protocol}://${req.get('x-forwarded-host') ?? req.get('host')}${req.baseUrl}/`;
    res.type('html').send(page('Forgot password', `<p>We would mail you <a href="${esc(link)}">this link</a>.</p>`));
  });

  // ruleid: dast-stack-trace
  on('GET', '/error', (req, res) => {
    try {
      JSON.parse(String(req.query.x ?? '') + '{');
      res.send('ok');
    } catch (e) {
      res.status(500).type('html').send(fixed ? page('Error', '<p>Something went wrong.</p>') : `<pre>${esc((e as Error).stack)}</pre>`);
    }
  });

  // ruleid: dast-directory-listing
  on('GET', '/files/', (_req, res) => {
    if (fixed) return res.status(404).send('not found');
    res.type('html').send(page('Index of /files/', '<h1>Index of /files/</h1><a href="readme.txt">readme.txt</a> <a href="docs/">docs/</a>'));
  });

  // ruleid: dast-secret-in-response
  on('GET', '/config.js', (_req, res) => {
    res.type('application/javascript').send(fixed ? 'window.config = { api: "/api" };' : `window.config = { api: "/api", stripeKey: "${stripeLikeKey()}" };`);
  });

  // ruleid: dast-sensitive-data-in-url
  on('GET', '/legacy-login', (_req, res) => {
    res.type('html').send(page('Legacy', '<p>Please use the new login.</p>'));
  });

  // ruleid: dast-mixed-content
  on('GET', '/mixed', (_req, res) => {
    res.type('html').send(page('Mixed', `<script src="${fixed ? 'https' : 'http'}://cdn.pipeguard-test.example/lib.js"></script><p>mixed</p>`));
  });

  on('GET', '/csp', (_req, res) => {
    if (!fixed) res.set('content-security-policy', "script-src 'self' 'unsafe-inline'");
    res.type('html').send(page('CSP', '<p>policy page</p>'));
  });

  // ruleid: dast-exposed-git
  on('GET', '/.git/HEAD', (_req, res) => (fixed ? soft404(res) : res.type('text').send('ref: refs/heads/main\n')));
  // ruleid: dast-exposed-env
  on('GET', '/.env', (_req, res) => (fixed ? soft404(res) : res.type('text').send('DATABASE_URL=postgres://app@db/app\nSESSION_KEY=changeme\nDEBUG=false\n')));
  // ruleid: dast-exposed-backup
  on('GET', '/backup.sql', (_req, res) => (fixed ? soft404(res) : res.type('text').send('-- MySQL dump 10.13\nCREATE TABLE users (id int);\nINSERT INTO users VALUES (1);\n')));
  // ruleid: dast-admin-console
  on('GET', '/actuator/env', (_req, res) => (fixed ? soft404(res) : res.json({ activeProfiles: [], propertySources: [{ name: 'systemProperties' }] })));

  // ruleid: dast-no-login-rate-limit
  on('POST', '/api/login', (req, res) => {
    const ip = req.ip ?? '';
    if (fixed && (failedLogins.get(ip) ?? 0) >= 5) return res.status(429).set('retry-after', '1').json({ error: 'too many attempts' });
    const { username, password } = (req.body ?? {}) as Record<string, string>;
    const row = db.prepare('SELECT id, username FROM users WHERE username = ? AND password = ?').get(String(username), String(password)) as { id: number; username: string } | undefined;
    if (!row) {
      failedLogins.set(ip, (failedLogins.get(ip) ?? 0) + 1);
      return res.status(401).json({ error: 'invalid credentials' });
    }
    res.json({ token: signJwt({ sub: row.id, name: row.username }, secret) });
  });

  // ruleid: dast-jwt-none, dast-jwt-kid-injection, dast-jwt-jku
  on('GET', '/api/me', async (req, res) => {
    const u = await user(req);
    if (!u) return res.status(401).json({ error: 'sign in' });
    const row = db.prepare('SELECT id, username, displayName, isAdmin, role FROM users WHERE id = ?').get(u.id) as Record<string, unknown>;
    res.json({ ...row, isAdmin: row.isAdmin === 1 });
  });

  on('GET', '/api/orders', async (req, res) => {
    const u = await user(req);
    if (!u) return res.status(401).json({ error: 'sign in' });
    res.json(db.prepare('SELECT id, item FROM orders WHERE owner = ?').all(u.id));
  });

  // ruleid: dast-bola
  on('GET', '/api/orders/:id', async (req, res) => {
    const u = await user(req);
    if (!u) return res.status(401).json({ error: 'sign in' });
    const row = db.prepare('SELECT id, owner, item, secretNote FROM orders WHERE id = ?').get(Number(req.params.id)) as { owner: number } | undefined;
    if (!row || (fixed && row.owner !== u.id)) return res.status(404).json({ error: 'no such order' });
    res.json(row);
  });

  on('GET', '/api/users/me', async (req, res) => {
    const u = await user(req);
    if (!u) return res.status(401).json({ error: 'sign in' });
    const row = db.prepare('SELECT id, username, displayName, isAdmin, role FROM users WHERE id = ?').get(u.id) as Record<string, unknown>;
    res.json({ ...row, isAdmin: row.isAdmin === 1 });
  });

  // ruleid: dast-mass-assignment
  on('PATCH', '/api/users/me', async (req, res) => {
    const u = await user(req);
    if (!u) return res.status(401).json({ error: 'sign in' });
    const body = (req.body ?? {}) as Record<string, unknown>;
    const allowed = fixed ? ['displayName'] : ['displayName', 'isAdmin', 'role'];
    for (const k of allowed) {
      if (!(k in body)) continue;
      const v = k === 'isAdmin' ? (body[k] ? 1 : 0) : String(body[k]).slice(0, 50);
      db.prepare(`UPDATE users SET ${k} = ? WHERE id = ?`).run(v, u.id);
    }
    res.json({ ok: true });
  });

  const schema = buildSchema('type Product { name: String, price: Int } type Query { product(name: String): Product, products: [Product] }');
  const root = {
    product: ({ name }: { name: string }) => db.prepare('SELECT name, price FROM products WHERE name = ?').get(name),
    products: () => db.prepare('SELECT name, price FROM products').all(),
  };
  // ruleid: dast-graphql-introspection
  on('POST', '/graphql', async (req, res) => {
    const { query, variables } = (req.body ?? {}) as { query?: string; variables?: Record<string, unknown> };
    if (fixed) {
      try {
        const errors = validate(schema, gqlParse(String(query)), [...specifiedRules, NoSchemaIntrospectionCustomRule]);
        if (errors.length) return res.status(400).json({ errors: errors.map((e) => ({ message: e.message })) });
      } catch {
        return res.status(400).json({ errors: [{ message: 'bad query' }] });
      }
    }
    res.json(await graphql({ schema, source: String(query), rootValue: root, variableValues: variables ?? null }));
  });

  r.use((_req: Request, res: Response) => (fixed ? soft404(res) : res.status(404).type('html').send(page('Not found', '<p>Not found</p>'))));
  return r;
}

/** The fixed variant answers 200 to everything unknown: a soft 404 the exposed-file checks must see through. */
function soft404(res: Response) {
  return res.status(200).type('html').send(page('Shop', '<p>Sorry, we could not find that page. Try the <a href="/">home page</a>.</p>'));
}

/** Matches a stored value against a query value, MongoDB-style ($ne, $eq, $gt, $regex, $in), as a NoSQL store would. */
function mongoMatch(stored: string, q: unknown): boolean {
  if (q === null || typeof q !== 'object') return stored === q;
  return Object.entries(q as Record<string, unknown>).every(([op, v]) => {
    switch (op) {
      case '$ne':
        return stored !== v;
      case '$eq':
        return stored === v;
      case '$gt':
        return stored > String(v);
      case '$regex':
        return new RegExp(String(v)).test(stored);
      case '$in':
        return Array.isArray(v) && v.includes(stored);
      default:
        return false;
    }
  });
}

function pgLiteral(v: string): string {
  return `'${v.replace(/'/g, "''")}'`;
}

function mysqlLiteral(v: string): string {
  return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}
