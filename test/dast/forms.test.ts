/**
 * CSRF and CRLF injection on HTML forms, against a small site on 127.0.0.1 whose forms each show one case: a token
 * that is checked, a token that is not, an origin check, a login form, cookies a browser keeps to same-site
 * requests, and a form field written into a header. (The test application covers the GET parameter of CRLF
 * injection and a guestbook without any defence.)
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { listed, scan, status } from './helpers.js';

const TOKEN = 'k7Qm2vX9pL4wR8tZ';

function site(cookie: string): http.Server {
  return http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const html = (body: string, code = 200) => {
      res.writeHead(code, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><html><head><title>t</title></head><body>${body}</body></html>`);
    };
    const form = (action: string, fields: string) => html(`<form method="post" action="${action}">${fields}<button>Save</button></form>`);
    if (req.method === 'GET') {
      switch (url.pathname) {
        case '/':
          res.setHeader('set-cookie', `sid=s3ss10n; Path=/; HttpOnly${cookie}`);
          return html(['a', 'b', 'c', 'd', 'e', 'f'].map((x) => `<a href="/${x}">${x}</a>`).join(' '));
        case '/a':
          return form('/a/save', '<input name="email" value="a@example.com">');
        case '/b':
          return form('/b/save', `<input type="hidden" name="csrf_token" value="${TOKEN}"><input name="email" value="b@example.com">`);
        case '/c':
          return form('/c/save', `<input type="hidden" name="authenticity_token" value="${TOKEN}"><input name="email" value="c@example.com">`);
        case '/d':
          return form('/d/save', '<input name="email" value="d@example.com">');
        case '/e':
          return form('/e/login', '<input name="user" value="ann"><input type="password" name="pw">');
        case '/f':
          return form('/f/save', '<input name="theme" value="dark">');
        default:
          return html('not found', 404);
      }
    }
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const f = new URLSearchParams(body);
      const foreign = req.headers.origin !== undefined && req.headers.origin !== `http://${req.headers.host}`;
      switch (url.pathname) {
        case '/a/save':
          return html('<p>Saved.</p>');
        case '/b/save':
          return f.get('csrf_token') === TOKEN ? html('<p>Saved.</p>') : html('<p>Invalid request token.</p>', 403);
        case '/c/save':
          return html('<p>Saved.</p>');
        case '/d/save':
          return foreign ? html('<p>Cross-site request refused.</p>', 403) : html('<p>Saved.</p>');
        case '/e/login':
          return html('<p>Wrong password.</p>');
        case '/f/save':
          // A preference written into a cookie header as it came (Node refuses line breaks in headers: the
          // answer is written by hand, as a server that splices the value into its headers does).
          return req.socket.end(`HTTP/1.1 200 OK\r\nSet-Cookie: theme=${f.get('theme') ?? ''}; Path=/\r\nContent-Type: text/html\r\nContent-Length: 6\r\nConnection: close\r\n\r\nsaved.`);
        default:
          return html('not found', 404);
      }
    });
  });
}

async function start(cookie: string): Promise<string> {
  const s = site(cookie);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  after(() => new Promise<void>((r) => s.close(() => r())));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}/`;
}

const RULES = ['dast-csrf', 'dast-crlf-injection'];
const found = (r: Awaited<ReturnType<typeof scan>>, rule: string) =>
  r.findings
    .filter((f) => f.ruleId === rule && f.location.kind === 'http')
    .map((f) => (f.location.kind === 'http' ? `${f.location.method} ${f.location.pathTemplate}${f.location.parameter ? ` ${f.location.parameter}` : ''}` : ''))
    .sort();

describe('dast forms: CSRF and CRLF injection', () => {
  it('reports the forms another site can submit, and not a checked token, an origin check or a login form', async () => {
    const r = await scan(await start(''), { only: RULES, crawl: { maxPages: 20 } });
    assert.equal(status(r).status, 'succeeded', status(r).reason);
    assert.deepEqual(found(r, 'dast-csrf'), ['POST /a/save', 'POST /c/save', 'POST /f/save'], listed(r));
    const c = r.findings.find((f) => f.ruleId === 'dast-csrf' && f.location.kind === 'http' && f.location.pathTemplate === '/c/save')!;
    assert.match(c.message, /without its authenticity_token field/);
    assert.deepEqual((c.data as { crossSiteCookies: string[] }).crossSiteCookies, ['sid']);
  });

  it('reports a form field written into a response header, and only that one', async () => {
    const r = await scan(await start(''), { only: ['dast-crlf-injection'], crawl: { maxPages: 20 } });
    assert.deepEqual(found(r, 'dast-crlf-injection'), ['POST /f/save theme'], listed(r));
  });

  it('stays silent on CSRF when the cookies are SameSite=Lax or Strict (a browser does not send them cross-site)', async () => {
    for (const attr of ['; SameSite=Lax', '; SameSite=Strict']) {
      const r = await scan(await start(attr), { only: ['dast-csrf'], crawl: { maxPages: 20 } });
      assert.equal(status(r).status, 'succeeded', status(r).reason);
      assert.deepEqual(found(r, 'dast-csrf'), [], listed(r));
    }
  });
});
