import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { DeployProxy, STICKY_COOKIE } from '../../../src/deliver/deploy/proxy.js';

/** A release on 127.0.0.1 answering with its name; `/echo` streams the request body back as it arrives. */
async function release(name: string): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    if (req.url === '/echo') {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'x-version': name });
      req.pipe(res);
      return;
    }
    if (req.url === '/fail') {
      res.writeHead(503).end('down\n');
      return;
    }
    req.resume();
    req.on('end', () => res.writeHead(200, { 'x-version': name, connection: 'x-drop-me', 'x-drop-me': '1' }).end(`hello from ${name}\n`));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  after(() => server.close());
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

async function proxyFor(sticky: boolean): Promise<{ proxy: DeployProxy; base: string }> {
  const proxy = new DeployProxy({ sticky });
  const port = await proxy.listen('127.0.0.1', 0);
  after(() => proxy.close());
  proxy.setBackend('baseline', { version: 'v1', url: (await release('v1')).url });
  proxy.setBackend('candidate', { version: 'v2', url: (await release('v2')).url });
  return { proxy, base: `http://127.0.0.1:${port}` };
}

function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; version: string; cookie?: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    request(url, { headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => {
        const c = (res.headers['set-cookie'] ?? []).find((x) => x.startsWith(`${STICKY_COOKIE}=`));
        resolve({ status: res.statusCode ?? 0, version: String(res.headers['x-version'] ?? ''), ...(c ? { cookie: c.split(';')[0]! } : {}), headers: res.headers });
      });
    })
      .on('error', reject)
      .end();
  });
}

test('weights are exact: 10% is one request in ten; 0 and 100 send everything one way', async () => {
  const { proxy, base } = await proxyFor(false);
  const count = async (n: number) => {
    const seen = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const r = await get(`${base}/`);
      seen.set(r.version, (seen.get(r.version) ?? 0) + 1);
    }
    return seen;
  };
  proxy.setWeight(10);
  assert.deepEqual(Object.fromEntries(await count(50)), { v1: 45, v2: 5 });
  proxy.setWeight(0);
  assert.deepEqual(Object.fromEntries(await count(10)), { v1: 10 });
  proxy.setWeight(100);
  assert.deepEqual(Object.fromEntries(await count(10)), { v2: 10 });
  const w = proxy.window(true);
  assert.equal(w.candidate!.requests, 15);
  assert.equal(w.baseline!.requests, 55);
  assert.equal(w.candidate!.errors, 0);
});

test('sticky: a client that got a release keeps it while both serve; without the cookie the split holds', async () => {
  const { proxy, base } = await proxyFor(true);
  proxy.setWeight(50);
  const first = await get(`${base}/`);
  const second = await get(`${base}/`);
  assert.notEqual(first.version, second.version);
  assert.ok(first.cookie && second.cookie);
  for (const c of [first, second]) {
    for (let i = 0; i < 6; i++) assert.equal((await get(`${base}/`, { cookie: `a=b; ${c.cookie!}` })).version, c.version);
  }
  // at 100% the cookie no longer matters and none is set
  proxy.setWeight(100);
  const all = await get(`${base}/`, { cookie: first.cookie! });
  assert.equal(all.version, 'v2');
  assert.equal(all.cookie, undefined);
});

test('bodies are streamed both ways: the answer starts before the request body has ended', async () => {
  const { proxy, base } = await proxyFor(false);
  proxy.setWeight(0);
  const got = await new Promise<string>((resolve, reject) => {
    const req = request(`${base}/echo`, { method: 'POST', agent: false, headers: { 'transfer-encoding': 'chunked' } }, (res) => {
      res.once('data', (c: Buffer) => {
        // the first chunk came back while the request is still open: nothing was buffered
        assert.equal(req.writableEnded, false);
        req.end('second');
        let rest = '';
        res.on('data', (d: Buffer) => (rest += d.toString()));
        res.on('end', () => resolve(c.toString() + rest));
      });
    });
    req.on('error', reject);
    req.write('first,');
  });
  assert.equal(got, 'first,second');
});

test('hop-by-hop headers are not forwarded; an answer of 5xx or a release that is gone counts as an error', async () => {
  const proxy = new DeployProxy();
  const port = await proxy.listen('127.0.0.1', 0);
  after(() => proxy.close());
  const r1 = await release('v1');
  proxy.setBackend('baseline', { version: 'v1', url: r1.url });
  const ok = await get(`http://127.0.0.1:${port}/`);
  assert.equal(ok.headers['x-drop-me'], undefined);
  assert.match(String(ok.headers['x-version']), /v1/);
  assert.equal((await get(`http://127.0.0.1:${port}/fail`)).status, 503);
  await new Promise<void>((r) => {
    r1.server.closeAllConnections();
    r1.server.close(() => r());
  });
  assert.equal((await get(`http://127.0.0.1:${port}/`)).status, 502);
  const w = proxy.window(true);
  assert.deepEqual([w.baseline!.requests, w.baseline!.errors], [3, 2]);
  proxy.setBackend('baseline', undefined);
  assert.equal((await get(`http://127.0.0.1:${port}/`)).status, 503, 'no release: 503, not a hang');
});

test('an absolute-form request target (a forward-proxy request) is refused: the client chooses only the path', async () => {
  const { base } = await proxyFor(false);
  const { connect } = await import('node:net');
  const port = Number(new URL(base).port);
  const answer = await new Promise<string>((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => s.end('GET http://169.254.169.254/latest/meta-data/ HTTP/1.1\r\nHost: 169.254.169.254\r\nConnection: close\r\n\r\n'));
    let text = '';
    s.setEncoding('utf8');
    s.on('data', (d) => (text += d));
    s.on('end', () => resolve(text));
    s.on('error', reject);
  });
  assert.match(answer, /^HTTP\/1\.1 400 /);
  assert.ok(!answer.includes('hello from'), 'no release was asked');
  assert.equal((await get(`${base}/`)).status, 200, 'an origin-form request still goes through');
});
