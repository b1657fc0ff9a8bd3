/**
 * Browser discovery with Debian's Chromium: a single-page app whose API calls are made by script (one on load,
 * one on a click) is only testable once the browser has recorded them; its call to another origin is aborted.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { app, listed, scan, status } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const SKIP = existsSync(CHROMIUM) ? false : 'needs chromium (apt-get install chromium)';

describe('dast --browser', () => {
  it('records the XHR/fetch calls of a single-page app and attacks them; calls out of scope are aborted', { skip: SKIP }, async () => {
    let outside = 0;
    const other = http.createServer((_req, res) => {
      outside++;
      res.end('{}');
    });
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', () => r()));
    after(() => other.close());
    const tracker = `http://127.0.0.1:${(other.address() as AddressInfo).port}/track`;
    const db = new Database(':memory:');
    db.exec("CREATE TABLE items (name TEXT); INSERT INTO items VALUES ('apple');");
    const a = await app({
      extra: (ex) => {
        ex.get('/spa/', (_req, res) =>
          res.type('html').send(`<!doctype html><html><body><div id="out"></div><button id="go">Search</button><script>
            fetch('/spa/api/items').then(r => r.json()).then(j => { document.getElementById('out').textContent = j.length; });
            fetch(${JSON.stringify(tracker)}).catch(() => {});
            document.getElementById('go').addEventListener('click', () => fetch('/spa/api/search?term=apple').then(r => r.text()));
          </script></body></html>`),
        );
        ex.get('/spa/api/items', (_req, res) => res.json([{ name: 'apple' }]));
        ex.get('/spa/api/search', (req, res) => {
          try {
            res.json(db.prepare(`SELECT name FROM items WHERE name = '${String(req.query.term)}'`).all());
          } catch (e) {
            res.status(500).json({ error: `SqliteError: ${(e as Error).message}` });
          }
        });
      },
    });
    const only = { only: ['dast-sqli-error'], crawl: { maxPages: 5 } };
    const [plain, browsed] = await Promise.all([scan(`${a.url}/spa/`, only), scan(`${a.url}/spa/`, { ...only, browser: true, chromium: CHROMIUM })]);
    assert.equal(status(browsed).status, 'succeeded', status(browsed).reason);
    assert.equal(listed(plain), '', 'found without the browser');
    assert.ok(browsed.findings.some((f) => f.location.kind === 'http' && f.location.pathTemplate === '/spa/api/search' && f.location.parameter === 'term'), listed(browsed));
    assert.ok((status(browsed).stats?.['browser-aborted'] ?? 0) >= 1);
    assert.equal(outside, 0, 'the browser reached another origin');
  });
});

describe('dast browser login', () => {
  it('signs a user in through the login page of an SPA (token from localStorage) and scans as that user', { skip: SKIP }, async () => {
    const { writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { makeDir } = await import('../helpers/tmp.js');
    const token = `tok-${Math.random().toString(36).slice(2)}-0123456789`;
    const db = new Database(':memory:');
    db.exec("CREATE TABLE items (name TEXT); INSERT INTO items VALUES ('apple');");
    const authed = (req: { get(h: string): string | undefined }) => req.get('authorization') === `Bearer ${token}`;
    const a = await app({
      extra: (ex) => {
        ex.get('/spa2/login', (_req, res) =>
          res.type('html').send(`<!doctype html><html><body><input id="u"><input id="p" type="password"><button id="go">Sign in</button><script>
            document.getElementById('go').addEventListener('click', async () => {
              const r = await fetch('/spa2/api/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ u: document.getElementById('u').value, p: document.getElementById('p').value }) });
              if (r.ok) { localStorage.setItem('token', (await r.json()).token); location.href = '/spa2/home'; }
            });
          </script></body></html>`),
        );
        ex.post('/spa2/api/login', (req, res) => (req.body?.u === 'carol' && req.body?.p === 'Carol-pw-5521' ? res.json({ token }) : res.status(401).json({})));
        ex.get('/spa2/home', (_req, res) => res.type('html').send('<a href="/spa2/api/search?term=apple">search</a>'));
        ex.get('/spa2/api/me', (req, res) => (authed(req) ? res.json({ me: 'carol' }) : res.status(401).json({})));
        ex.get('/spa2/api/search', (req, res) => {
          if (!authed(req)) return res.status(401).json({});
          try {
            res.json(db.prepare(`SELECT name FROM items WHERE name = '${String(req.query.term)}'`).all());
          } catch (e) {
            res.status(500).json({ error: `SqliteError: ${(e as Error).message}` });
          }
        });
      },
    });
    const dir = makeDir();
    const auth = join(dir, 'auth.yml');
    writeFileSync(auth, 'users:\n  - name: carol\n    browser: { url: /spa2/login, fill: { "#u": carol, "#p": "${CAROL_PW}" }, submit: "#go", localStorage: token, wait: /spa2/home }\nloggedIn: { url: /spa2/api/me }\nloggedOut: { status: [401] }\n');
    const { configSchema } = await import('../../src/config/schema.js');
    const { runScan } = await import('../../src/engine/run.js');
    const { openUrl } = await import('../../src/targets/url.js');
    const config = configSchema.parse({ scanners: { dast: { only: ['dast-sqli-error'], auth, chromium: CHROMIUM, crawl: { maxPages: 5 }, rate: 1000 } } });
    const r = await runScan({ target: openUrl(`${a.url}/spa2/home`), config, scanners: ['dast'], options: { env: { CAROL_PW: 'Carol-pw-5521' } } });
    assert.equal(status(r).status, 'succeeded', status(r).reason);
    assert.ok(r.findings.some((f) => f.location.kind === 'http' && f.location.pathTemplate === '/spa2/api/search'), listed(r));
    assert.ok(!JSON.stringify(r).includes(token), 'the token is printed whole');
  });
});

describe('dast browser confirmation of reflected XSS', () => {
  it('runs each reflection in Chromium: scripts in text, attribute and script contexts run; a strict CSP stops one', { skip: SKIP }, async () => {
    const a = await app({
      extra: (ex) => {
        ex.get('/strict/', (_req, res) => res.type('html').send('<a href="/strict/find?q=pear">find</a>'));
        // Reflected unencoded, but the policy allows no inline script.
        ex.get('/strict/find', (req, res) => res.set('content-security-policy', "default-src 'self'; script-src 'self'").type('html').send(`<p>No results for ${String(req.query.q)}</p>`));
      },
    });
    const opts = { only: ['dast-xss-reflected'], browser: true, chromium: CHROMIUM, crawl: { maxPages: 30 } };
    const [vuln, strict] = await Promise.all([scan(`${a.url}/vuln/`, opts), scan(`${a.url}/strict/`, { ...opts, scope: { paths: ['/strict'] } })]);
    assert.equal(status(vuln).status, 'succeeded', status(vuln).reason);
    const ran = (r: typeof vuln, tpl: string) => {
      const f = r.findings.find((x) => x.ruleId === 'dast-xss-reflected' && x.location.kind === 'http' && x.location.pathTemplate === tpl);
      assert.ok(f, `${tpl}: ${listed(r)}`);
      return { executed: (f.data as { browser?: { executed: boolean } }).browser?.executed, confidence: f.confidence, message: f.message };
    };
    for (const tpl of ['/vuln/search', '/vuln/profile', '/vuln/greet']) assert.deepEqual([tpl, ran(vuln, tpl).executed, ran(vuln, tpl).confidence], [tpl, true, 'high']);
    const s = ran(strict, '/strict/find');
    assert.equal(s.executed, false);
    assert.equal(s.confidence, 'medium');
    assert.match(s.message, /Chromium did not run the injected script/);
  });
});

