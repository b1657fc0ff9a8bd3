/**
 * Unit tests of the DAST building blocks: the timing confirmer, path templates, the scope, the HTML reader, CSP
 * judgement, reflection contexts, JWT cracking, redaction, the auth file, and raw request paths on the wire.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { InputError } from '../../src/core/errors.js';
import { parseAuthFile } from '../../src/scanners/dast/auth/file.js';
import { crackHmac } from '../../src/scanners/dast/active/jwt.js';
import { contextAt } from '../../src/scanners/dast/active/xss.js';
import { similarity } from '../../src/scanners/dast/active/compare.js';
import { parseHtml } from '../../src/scanners/dast/discovery/html.js';
import { buildRequest, templateOf } from '../../src/scanners/dast/endpoints.js';
import { Redactor } from '../../src/scanners/dast/evidence.js';
import { sendRaw } from '../../src/scanners/dast/http/raw.js';
import { Scope } from '../../src/scanners/dast/http/scope.js';
import { weakCsp } from '../../src/scanners/dast/passive/headers.js';
import { DAST_RULES } from '../../src/scanners/dast/rules.js';
import { confirmTiming, linearFit } from '../../src/scanners/dast/timing.js';
import { annotatedRules } from './helpers.js';

describe('timing confirmer', () => {
  it('confirms times that follow the delays (slope 1, and slope 2 for a sleep per row)', async () => {
    for (const slope of [1, 2]) {
      const v = await confirmTiming(async (d) => 0.05 + slope * d + Math.random() * 0.05, 2, 0.95);
      assert.ok(v.confirmed, v.reason);
      assert.ok(Math.abs(v.slope - slope) < 0.1 && v.r > 0.99);
      assert.equal(v.samples.length, 7);
    }
  });
  it('stops at the first answer faster than its delay', async () => {
    let n = 0;
    const v = await confirmTiming(async (d) => (n++, d === 2 ? 2.1 : 0.1 + (d > 0 ? 0.2 : 0)), 2, 0.95);
    assert.equal(v.confirmed, false);
    assert.ok(n <= 4, `sent ${n}`);
  });
  it('refuses a slow target whose times do not follow the delays', async () => {
    // Slow whatever is asked: every answer takes 2 to 4 s.
    let seed = 7;
    const rnd = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    const v = await confirmTiming(async () => 2 + rnd() * 2, 2, 0.95);
    assert.equal(v.confirmed, false);
  });
  it('fits a line', () => {
    const f = linearFit([0, 1, 2], [1, 3, 5]);
    assert.deepEqual([f.slope, f.intercept, f.r], [2, 1, 1]);
  });
});

describe('endpoints', () => {
  it('turns ids, uuids and hashes into template variables', () => {
    assert.deepEqual(templateOf('/users/7/orders/00000000-0000-4000-8000-000000000001'), { template: '/users/{id}/orders/{uuid}', values: { id: '7', uuid: '00000000-0000-4000-8000-000000000001' } });
    assert.equal(templateOf('/users/9').template, templateOf('/users/7').template);
    assert.equal(templateOf('/about/team').template, '/about/team');
  });
  it('builds a raw request target only for the mutated parameter', () => {
    const e = { method: 'GET', pathTemplate: '/f/{file}', pathValues: { file: 'a.txt' }, params: [{ name: 'file', in: 'path' as const, value: 'a.txt' }, { name: 'q', in: 'query' as const, value: 'a b' }], source: 't' };
    const r = buildRequest('http://h', e, { param: e.params[0]!, value: '../../etc/passwd', raw: true });
    assert.equal(r.url, 'http://h/f/../../etc/passwd?q=a%20b');
  });
});

describe('scope', () => {
  const s = new Scope({ baseUrl: 'http://127.0.0.1:3000/app/', hosts: ['api.test'], paths: [], exclude: ['/app/admin/**'], logout: ['**/logout'], destructive: ['**/delete'], allowDestructive: false });
  it('allows the base host and path, and configured hosts', () => {
    assert.equal(s.refuse('GET', 'http://127.0.0.1:3000/app/x'), undefined);
    assert.equal(s.refuse('GET', 'http://api.test:80/app/y'), undefined);
  });
  it('refuses other hosts, ports, paths, exclusions, logout, DELETE and destructive POSTs', () => {
    assert.match(s.refuse('GET', 'http://evil.test/app/')!, /host/);
    assert.match(s.refuse('GET', 'http://127.0.0.1:3001/app/')!, /host/);
    assert.match(s.refuse('GET', 'http://127.0.0.1:3000/other')!, /outside/);
    assert.match(s.refuse('GET', 'http://127.0.0.1:3000/app/admin/users')!, /excluded/);
    assert.match(s.refuse('GET', 'http://127.0.0.1:3000/app/logout')!, /logs out/);
    assert.match(s.refuse('DELETE', 'http://127.0.0.1:3000/app/x')!, /DELETE/);
    assert.match(s.refuse('POST', 'http://127.0.0.1:3000/app/items/delete')!, /destructive/);
    assert.match(s.refuse('GET', 'http://u:p@127.0.0.1:3000/app/')!, /credentials/);
  });
});

describe('HTML, CSP and contexts', () => {
  it('reads links, forms, resources and a meta refresh', () => {
    const f = parseHtml('<base href="/b/"><a href="x?a=1#f">x</a><form method=POST action="login"><input name=u><input type=password name=p><input type=submit name=go></form><script src="http://cdn/x.js"></script><meta http-equiv="refresh" content="0; url=/next">', 'http://h/p');
    assert.deepEqual(f.links.slice(0, 1), ['http://h/b/x?a=1']);
    assert.deepEqual(f.forms[0], { action: 'http://h/b/login', method: 'POST', enctype: 'application/x-www-form-urlencoded', fields: [{ name: 'u', type: 'text', value: '' }, { name: 'p', type: 'password', value: '' }] });
    assert.deepEqual(f.resources, [['script', 'http://cdn/x.js']]);
    assert.equal(f.refresh, 'http://h/next');
  });
  it('judges a CSP by whether it stops injected scripts', () => {
    assert.equal(weakCsp("default-src 'self'; object-src 'none'"), undefined);
    assert.equal(weakCsp("script-src 'self' 'nonce-abc' 'unsafe-inline'; object-src 'none'"), undefined);
    assert.match(weakCsp("script-src 'self' 'unsafe-inline'")!, /unsafe-inline/);
    assert.match(weakCsp("script-src *; object-src 'none'")!, /\*/);
    assert.match(weakCsp('img-src *')!, /no script-src/);
  });
  it('tells where a reflection lands', () => {
    const html = '<p>T</p><input value="A"><script>var s = \'S\';</script><textarea>R</textarea>';
    assert.deepEqual(contextAt(html, html.indexOf('T')), { kind: 'text' });
    assert.deepEqual(contextAt(html, html.indexOf('A')), { kind: 'attr', quote: '"' });
    assert.deepEqual(contextAt(html, html.indexOf('S')), { kind: 'script', quote: "'" });
    assert.deepEqual(contextAt(html, html.indexOf('R')), { kind: 'raw', tag: 'textarea' });
  });
  it('measures answers alike once the probes are taken out', () => {
    assert.equal(similarity('<p>Results for apple</p>', "<p>Results for apple' AND '1'='1</p>", ["apple' AND '1'='1", 'apple']), 1);
    assert.ok(similarity('<p>3 products</p><li>a</li>', '<p>0 products</p>') < 0.9);
  });
});

describe('JWT and redaction', () => {
  const jwt = (secret: string) => {
    const input = `${Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url')}.${Buffer.from('{"sub":1}').toString('base64url')}`;
    return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
  };
  it('finds a weak HMAC secret offline and not a strong one', () => {
    assert.equal(crackHmac(jwt('secret')), 'secret');
    assert.equal(crackHmac(jwt('k3Q9x-7v2Lp0-ZmR8t-4WsYb')), undefined);
  });
  it('redacts known credentials everywhere and credential headers whole', () => {
    const r = new Redactor();
    r.add('Alice-pw-4821');
    assert.equal(r.text('password=Alice-pw-4821&x=1'), 'password=Al********(13)&x=1');
    const h = r.headers({ authorization: 'Bearer abcdefghijklmnopqrstuvwxyz', cookie: 'sid=0123456789abcdef; theme=dark', 'content-type': 'text/html' });
    assert.equal(h.authorization, 'Bearer abcd********(26)');
    assert.match(h.cookie!, /^sid=[^;]*\*{8}\(16\); theme=\*{8}\(4\)$/);
    assert.equal(h['content-type'], 'text/html');
  });
});

describe('auth file', () => {
  it('reads users and substitutes the environment', () => {
    const a = parseAuthFile('users:\n  - name: a\n    login: { url: /l, json: { p: "${PW}" } }\n', { PW: 'x1' }, 'auth.yml');
    assert.deepEqual(a.users[0]!.login!.json, { p: 'x1' });
  });
  it('names the file and line of a mistake', () => {
    assert.throws(() => parseAuthFile('users:\n  - name: a\n    logn: {}\n', {}, 'auth.yml'), (e: InputError) => e instanceof InputError && e.file === 'auth.yml' && /logn/.test(e.message));
    assert.throws(() => parseAuthFile('users:\n  - name: a\n    login: { url: /l, json: { p: "${NOPE}" } }\n', {}, 'auth.yml'), /NOPE is not set/);
    assert.throws(() => parseAuthFile('users: [\n', {}, 'auth.yml'), (e: InputError) => e.line !== undefined);
  });
});

describe('raw paths', () => {
  it('sends the request target byte for byte', async () => {
    let seen = '';
    const s = http.createServer((req, res) => {
      seen = req.url ?? '';
      res.end('ok');
    });
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
    const port = (s.address() as AddressInfo).port;
    try {
      const res = await sendRaw({ method: 'GET', protocol: 'http:', hostname: '127.0.0.1', port, path: '/a/../../etc/passwd?x=%2e%2e/', headers: { host: `127.0.0.1:${port}` }, timeoutMs: 2000, maxBytes: 100 });
      assert.equal(res.status, 200);
      assert.equal(seen, '/a/../../etc/passwd?x=%2e%2e/');
    } finally {
      s.close();
    }
  });
});

describe('kept-alive connections', () => {
  it('sends a request again on a new connection when every kept-alive one was closed by the server at once', async () => {
    // A server whose keep-alive timeout ended its idle connections together: each connection opened before that
    // moment is reset when a request arrives on it; a new connection is answered.
    let cutoff = false;
    const fresh = new WeakSet<net.Socket>();
    const open = new Set<net.Socket>();
    let answered = 0;
    const s = net.createServer((sock) => {
      open.add(sock);
      sock.on('close', () => open.delete(sock));
      if (cutoff) fresh.add(sock);
      sock.on('data', (d) => {
        if (!d.includes('\r\n\r\n')) return;
        if (cutoff && !fresh.has(sock)) return void sock.resetAndDestroy();
        answered++;
        sock.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok');
      });
      sock.on('error', () => undefined);
    });
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
    const port = (s.address() as AddressInfo).port;
    const req = (agent?: http.Agent) => sendRaw({ method: 'GET', protocol: 'http:', hostname: '127.0.0.1', port, path: '/', headers: { host: `127.0.0.1:${port}` }, timeoutMs: 5000, maxBytes: 100, ...(agent ? { agent } : {}) });
    const own = new http.Agent({ keepAlive: true });
    try {
      for (const agent of [own, undefined]) {
        cutoff = false;
        const pool = await Promise.all([req(agent), req(agent), req(agent), req(agent)]);
        assert.deepEqual(pool.map((r) => r.status), [200, 200, 200, 200]);
        cutoff = true;
        const before = answered;
        const res = await req(agent);
        assert.equal(res.status, 200, agent ? 'with an agent of its own' : 'with the global agent');
        assert.equal(answered, before + 1);
      }
    } finally {
      own.destroy();
      for (const sock of open) sock.destroy();
      s.close();
    }
  });
});

describe('rules', () => {
  it('have unique ids, CWE, OWASP and help, and every rule has a test route or a test of its own', () => {
    const ids = DAST_RULES.map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const r of DAST_RULES) assert.ok(r.cwe.length && r.owasp.length && r.help.length > 40, r.id);
    const routed = annotatedRules();
    const ownTests = ['dast-port-closed-open', 'dast-port-undeclared'];
    assert.deepEqual(ids.filter((id) => !routed.has(id) && !ownTests.includes(id)), []);
  });
});


describe('pacing', () => {
  it('waits out a 429 with Retry-After and tries again, once per path', async () => {
    const { HttpClient } = await import('../../src/scanners/dast/http/client.js');
    const hits: number[] = [];
    let n = 0;
    const s = http.createServer((req, res) => {
      hits.push(Date.now());
      if (req.url === '/limited' && n++ === 0) {
        res.writeHead(429, { 'retry-after': '1' });
        res.end('slow down');
        return;
      }
      if (req.url === '/always') {
        res.writeHead(429, { 'retry-after': '1' });
        res.end('no');
        return;
      }
      res.end('ok');
    });
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
    const base = `http://127.0.0.1:${(s.address() as AddressInfo).port}/`;
    const client = new HttpClient({ scope: new Scope({ baseUrl: base, hosts: [], paths: [], exclude: [], logout: [], destructive: [], allowDestructive: false }), concurrency: 2, rate: 100, timeoutMs: 2000, maxRequests: 100, deadline: performance.now() + 30_000, maxBodyBytes: 1000, tlsVerify: false, signal: new AbortController().signal, userAgent: 't' });
    try {
      const r = await client.send({ method: 'GET', url: `${base}limited` });
      assert.equal(r.status, 200);
      assert.ok(hits[1]! - hits[0]! >= 900, `retried after ${hits[1]! - hits[0]!} ms`);
      assert.equal((await client.send({ method: 'GET', url: `${base}always` })).status, 429);
      const before = hits.length;
      assert.equal((await client.send({ method: 'GET', url: `${base}always` })).status, 429);
      assert.equal(hits.length - before, 1, 'a path still refused is not waited for again');
    } finally {
      s.close();
    }
  });
  it('paces each host of the scope on its own: a busy host neither blocks another nor gets more than its share', async () => {
    const { HttpClient } = await import('../../src/scanners/dast/http/client.js');
    // Host A holds every request until B has answered all of its own; with one limiter for both, B would wait
    // behind A's held requests and the test would end at its bound instead.
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const seen = { a: 0, b: 0, inFlightA: 0, maxA: 0, maxB: 0, inFlightB: 0 };
    const a = http.createServer((_req, res) => {
      seen.a++;
      seen.maxA = Math.max(seen.maxA, ++seen.inFlightA);
      void released.then(() => {
        seen.inFlightA--;
        res.end('a');
      });
    });
    const b = http.createServer((_req, res) => {
      seen.b++;
      seen.maxB = Math.max(seen.maxB, ++seen.inFlightB);
      setImmediate(() => {
        seen.inFlightB--;
        res.end('b');
      });
    });
    await Promise.all([a, b].map((s) => new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()))));
    const baseA = `http://127.0.0.1:${(a.address() as AddressInfo).port}/`;
    const hostB = `127.0.0.1:${(b.address() as AddressInfo).port}`;
    const client = new HttpClient({ scope: new Scope({ baseUrl: baseA, hosts: [hostB], paths: ['/'], exclude: [], logout: [], destructive: [], allowDestructive: false }), concurrency: 2, rate: 1000, timeoutMs: 20_000, maxRequests: 100, deadline: performance.now() + 30_000, maxBodyBytes: 1000, tlsVerify: false, signal: new AbortController().signal, userAgent: 't' });
    try {
      const toA = [1, 2, 3, 4].map((i) => client.send({ method: 'GET', url: `${baseA}a${i}` }));
      const toB = await Promise.race([
        Promise.all([1, 2, 3, 4].map((i) => client.send({ method: 'GET', url: `http://${hostB}/b${i}` }))),
        new Promise<'blocked'>((r) => setTimeout(() => r('blocked'), 15_000).unref()),
      ]);
      assert.notEqual(toB, 'blocked', 'host B waited behind host A');
      assert.equal(seen.a, 2, 'host A got more than its concurrency while its requests were held');
      release();
      assert.deepEqual((await Promise.all(toA)).map((r) => r.body), ['a', 'a', 'a', 'a']);
      assert.equal(seen.maxA, 2);
      assert.ok(seen.maxB <= 2, `host B had ${seen.maxB} in flight`);
    } finally {
      release();
      a.close();
      b.close();
    }
  });
  it('stops at the time budget', async () => {
    const { HttpClient, ScanStop } = await import('../../src/scanners/dast/http/client.js');
    const client = new HttpClient({ scope: new Scope({ baseUrl: 'http://127.0.0.1:9/', hosts: [], paths: [], exclude: [], logout: [], destructive: [], allowDestructive: false }), concurrency: 2, rate: 100, timeoutMs: 2000, maxRequests: 100, deadline: performance.now() - 1, maxBodyBytes: 1000, tlsVerify: false, signal: new AbortController().signal, userAgent: 't' });
    await assert.rejects(client.send({ method: 'GET', url: 'http://127.0.0.1:9/' }), (e: Error) => e instanceof ScanStop && e.why === 'budget' && /time budget spent/.test(e.message));
  });
});
