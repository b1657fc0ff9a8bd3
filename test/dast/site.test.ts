/**
 * Site checks: exposed files and consoles (after soft-404 fingerprinting: the fixed variant answers 200 to every
 * unknown path), CORS, GraphQL introspection, and the ports of the target's host against the exposure policy.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Report } from '../../src/core/types.js';
import { app, diffVuln, eachRule, listed, scan, status } from './helpers.js';

const RULES = ['dast-exposed-git', 'dast-exposed-env', 'dast-exposed-backup', 'dast-admin-console', 'dast-cors-reflected-origin', 'dast-cors-null-origin', 'dast-graphql-introspection', 'dast-host-header-injection'];

describe('dast site checks', () => {
  let vuln: Report;
  let fixed: Report;
  before(async () => {
    const a = await app();
    [vuln, fixed] = await Promise.all([scan(`${a.url}/vuln/`, { only: RULES }), scan(`${a.url}/fixed/`, { only: RULES })]);
  });
  it('finds every annotated problem and nothing else', () => {
    assert.equal(status(vuln).status, 'succeeded', status(vuln).reason);
    assert.equal(diffVuln(vuln, RULES), '', listed(vuln));
  });
  eachRule(RULES, () => ({ vuln, fixed }), 'the fixed twin (a soft-404 site)');
});

/** A listener on a free loopback port, closed after the file. */
async function listener(): Promise<number> {
  const s = net.createServer((c) => c.end());
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  after(() => new Promise<void>((r) => s.close(() => r())));
  return (s.address() as AddressInfo).port;
}

/** A port nothing listens on (bound, read, closed). */
async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const p = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return p;
}

describe('dast port exposure', () => {
  const PORTS = ['dast-port-closed-open', 'dast-port-undeclared'];
  it('reports a port declared closed that answers, and an undeclared one that answers', async () => {
    const a = await app();
    const closed = await listener();
    const extra = await listener();
    const root = { scanners: { exposure: { services: { shop: { public: [Number(new URL(a.url).port)], internal: ['1-1023', '1024-65535'].slice(0, 0), closed: [closed] } } } } };
    const r = await scan(`${a.url}/fixed/`, { only: PORTS, exposure: { ports: [extra] }, crawl: { maxPages: 2 } }, root);
    assert.equal(status(r).status, 'succeeded', status(r).reason);
    const f = r.findings.find((x) => x.ruleId === 'dast-port-closed-open');
    assert.ok(f, listed(r));
    assert.match(f!.message, new RegExp(`Port ${closed} `));
    assert.ok(r.findings.some((x) => x.ruleId === 'dast-port-undeclared' && x.message.includes(`Port ${extra} `)), listed(r));
  });
  it('stays silent when the closed port is closed and every answering port is declared', async () => {
    const a = await app();
    const closed = await freePort();
    const root = { scanners: { exposure: { services: { shop: { public: [Number(new URL(a.url).port)], internal: ['1-65535'], closed: [closed] } } } } };
    const r = await scan(`${a.url}/fixed/`, { only: PORTS, crawl: { maxPages: 2 } }, root);
    assert.equal(status(r).status, 'succeeded', status(r).reason);
    assert.equal(listed(r), '');
  });
  it('does not probe ports without an exposure policy', async () => {
    const a = await app();
    const r = await scan(`${a.url}/fixed/`, { only: PORTS, crawl: { maxPages: 2 } });
    assert.equal(status(r).stats?.['ports-probed'], undefined);
  });
});

describe('dast host header injection', () => {
  it('finds a redirect built from the Host header, and not a page that only shows the host as text', async () => {
    const s = http.createServer((req, res) => {
      const host = req.headers.host ?? '';
      if (req.url === '/') {
        res.writeHead(200, { 'content-type': 'text/html' });
        return res.end('<a href="/login">login</a> <a href="/about">about</a>');
      }
      if (req.url === '/login') {
        res.writeHead(302, { location: `http://${host}/signin` });
        return res.end();
      }
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<p>You reached ${host.replace(/</g, '&lt;')}.</p>`);
    });
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
    after(() => new Promise<void>((r) => s.close(() => r())));
    const r = await scan(`http://127.0.0.1:${(s.address() as AddressInfo).port}/`, { only: ['dast-host-header-injection'], crawl: { maxPages: 5 } });
    assert.equal(status(r).status, 'succeeded', status(r).reason);
    const found = r.findings.map((f) => (f.location.kind === 'http' ? `${f.location.pathTemplate} ${f.location.parameter}` : ''));
    assert.deepEqual(found, ['/login Host'], listed(r));
  });
});
