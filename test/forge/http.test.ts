import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { DiskCache } from '../../src/forge/cache.js';
import { ApiError, ForgeUnavailable, OfflineMiss, unavailableReason } from '../../src/forge/errors.js';
import { ForgeHttp } from '../../src/forge/http.js';
import { nextLink } from '../../src/forge/link.js';
import { ForgeDouble } from '../helpers/forge-double.js';
import { makeDir } from '../helpers/tmp.js';
import { filesUnder } from '../posture/helpers.js';

const items = Array.from({ length: 250 }, (_, i) => ({ id: i + 1, name: `repo-${i + 1}` }));
const double = new ForgeDouble({
  forge: 'github',
  routes: {
    'GET /orgs/acme/repos': { body: items, paginate: true },
    'GET /repos/acme/api': { body: { full_name: 'acme/api', default_branch: 'main' } },
    'GET /repos/acme/api/keys': { body: [{ id: 7, title: 'deploy', read_only: false, key: 'ssh-ed25519 AAAAC3Nza' }], needs: 'administration' },
    'GET /repos/acme/api/hooks': { body: [{ id: 1, config: { url: 'https://hooks.example.net/services/T000/B000/SECRETPATH', secret: '********' } }] },
    'GET /repos/acme/api/elsewhere': { body: [1], headers: { link: '<https://evil.example/steal?page=2>; rel="next"' } },
    'GET /big': { body: { blob: 'x'.repeat(5000) } },
  },
});
const slept: number[] = [];
const sleep = async (ms: number) => void slept.push(ms);

before(async () => {
  await double.start();
});
after(async () => {
  await double.stop();
});

function client(o: Partial<ConstructorParameters<typeof ForgeHttp>[0]> = {}): ForgeHttp {
  return new ForgeHttp({ baseUrl: double.url, auth: 'bearer', token: 'test-token', sleep, ...o });
}

test('Link pagination reads every page, and stops at the page limit saying so', async () => {
  const before = double.count('/orgs/acme/repos');
  const all = await client().getAll<{ id: number }>('/orgs/acme/repos?per_page=100');
  assert.equal(all.items.length, 250);
  assert.deepEqual(all.items.map((i) => i.id).slice(-2), [249, 250]);
  assert.equal(all.truncated, false);
  assert.equal(double.count('/orgs/acme/repos') - before, 3);
  const cut = await client().getAll('/orgs/acme/repos?per_page=100', { maxPages: 2 });
  assert.equal(cut.items.length, 200);
  assert.equal(cut.truncated, true);
});

test('nextLink reads rel="next" among several relations and none when absent', () => {
  assert.equal(nextLink('<https://a/x?page=3>; rel="next", <https://a/x?page=9>; rel="last"'), 'https://a/x?page=3');
  assert.equal(nextLink('<https://a/x?page=1>; rel="prev first"'), undefined);
  assert.equal(nextLink(undefined), undefined);
});

test('conditional requests: a warm cache sends If-None-Match and gets 304s; --offline answers from the cache alone', async () => {
  const cache = new DiskCache(makeDir());
  const cold = client({ cache });
  const first = await cold.getAll('/orgs/acme/repos?per_page=100');
  assert.equal(cold.stats.requests, 3);
  assert.equal(cold.stats.notModified, 0);
  const warm = client({ cache });
  const n = double.seen.length;
  const second = await warm.getAll('/orgs/acme/repos?per_page=100');
  assert.deepEqual(second.items, first.items);
  assert.equal(warm.stats.notModified, 3, 'every page revalidated with a 304');
  const sent = double.seen.slice(n);
  assert.ok(sent.every((s) => s.ifNoneMatch && s.status === 304), JSON.stringify(sent));
  const offline = client({ cache, offline: true });
  const m = double.seen.length;
  const third = await offline.getAll('/orgs/acme/repos?per_page=100');
  assert.deepEqual(third.items, first.items);
  assert.equal(double.seen.length, m, 'no request offline');
  assert.equal(offline.stats.fromCache, 3);
  await assert.rejects(offline.get('/repos/acme/api'), OfflineMiss);
});

test('a token without a permission gets a clear reason, not a failure; the token is never stored', async () => {
  double.tokens['ro-token'] = ['metadata'];
  const cache = new DiskCache(makeDir());
  const c = client({ token: 'ro-token', cache });
  const err = await c.get('/repos/acme/api/keys').then(
    () => assert.fail('expected an error'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof ApiError, 'err instanceof ApiError');
  assert.equal(err.status, 403);
  assert.equal(unavailableReason(err), 'the token lacks Administration: read (fine-grained token)');
  // Offline, the same note comes back from the cache.
  await assert.rejects(client({ token: 'ro-token', cache, offline: true }).get('/repos/acme/api/keys'), (e: unknown) => e instanceof ApiError && unavailableReason(e) === 'the token lacks Administration: read (fine-grained token)');
  await c.get('/repos/acme/api');
  assert.equal(double.seen.at(-1)!.authorization, 'Bearer ro-token');
  for (const f of filesUnder(cache.dir)) assert.ok(!readFileSync(f, 'utf8').includes('ro-token'), `${f} holds the token`);
});

test('scrub runs before the cache: a hook URL path (a secret) never reaches the disk', async () => {
  const cache = new DiskCache(makeDir());
  const a = await client({ cache }).get<{ config: { url: string } }[]>('/repos/acme/api/hooks', { scrub: (b) => (b as { config: { url: string } }[]).map((h) => ({ config: { url: new URL(h.config.url).origin } })) });
  assert.equal(a.body[0]!.config.url, 'https://hooks.example.net');
  for (const f of filesUnder(cache.dir)) assert.ok(!readFileSync(f, 'utf8').includes('SECRETPATH'), '!readFileSync(f, \'utf8\').includes(\'SECRETPATH\')');
});

test('a secondary rate limit (403 + Retry-After) is waited out and retried', async () => {
  slept.length = 0;
  double.onceFor('GET /repos/acme/api', { status: 403, body: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' }, headers: { 'retry-after': '7' } });
  const c = client();
  const a = await c.get<{ full_name: string }>('/repos/acme/api');
  assert.equal(a.body.full_name, 'acme/api');
  assert.deepEqual(slept, [7000]);
  assert.equal(c.stats.rateLimitWaits, 1);
  assert.equal(c.stats.requests, 2);
});

test('a secondary limit without Retry-After waits a minute; a 429 with Retry-After waits what it says', async () => {
  slept.length = 0;
  double.onceFor('GET /repos/acme/api', { status: 403, body: { message: 'You have exceeded a secondary rate limit and have been temporarily blocked from content creation.' } });
  await client().get('/repos/acme/api');
  assert.deepEqual(slept, [60_000]);
  slept.length = 0;
  double.onceFor('GET /repos/acme/api', { status: 429, body: { message: 'Too Many Requests' }, headers: { 'retry-after': '2' } });
  await client().get('/repos/acme/api');
  assert.deepEqual(slept, [2000]);
});

test('an exhausted primary limit waits until x-ratelimit-reset, within --max-wait; beyond it the run ends with the reset time', async () => {
  slept.length = 0;
  const now = Date.UTC(2026, 0, 2, 3, 4, 5);
  const reset = Math.floor(now / 1000) + 30;
  double.onceFor('GET /repos/acme/api', { status: 403, body: { message: 'API rate limit exceeded for user ID 1.' }, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) } });
  await client({ now: () => now }).get('/repos/acme/api');
  assert.deepEqual(slept, [31_000]);
  double.onceFor('GET /repos/acme/api', { status: 403, body: { message: 'API rate limit exceeded for user ID 1.' }, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset + 3600) } });
  await assert.rejects(client({ now: () => now, maxWaitMs: 60_000 }).get('/repos/acme/api'), (e: unknown) => e instanceof ForgeUnavailable && /resets at 2026-01-02T04:04:35\.000Z/.test(e.message));
});

test('a permission 403 is not mistaken for a rate limit', async () => {
  slept.length = 0;
  double.onceFor('GET /repos/acme/api', { status: 403, body: { message: 'Must have admin rights to Repository.' } });
  await assert.rejects(client().get('/repos/acme/api'), (e: unknown) => e instanceof ApiError && e.needs === 'admin rights on the repository');
  assert.deepEqual(slept, []);
});

test('a Link to another host is not followed with the token', async () => {
  const n = double.seen.length;
  await assert.rejects(client().getAll('/repos/acme/api/elsewhere'), (e: unknown) => e instanceof ForgeUnavailable && /another host/.test(e.message));
  assert.equal(double.seen.length, n + 1);
});

test('answers over the size limit are refused; an unreachable API ends after bounded retries', async () => {
  await assert.rejects(client({ maxBytes: 1000 }).get('/big'), (e: unknown) => e instanceof ApiError && /limit/.test(e.message));
  const dead = createServer();
  await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
  const port = (dead.address() as { port: number }).port;
  await new Promise<void>((r) => dead.close(() => r()));
  slept.length = 0;
  const c = new ForgeHttp({ baseUrl: `http://127.0.0.1:${port}`, auth: 'bearer', sleep, maxRetries: 2 });
  await assert.rejects(c.get('/x'), (e: unknown) => e instanceof ForgeUnavailable && /cannot reach .*: ECONNREFUSED/.test(e.message));
  assert.equal(slept.length, 1, 'a refused connection is tried twice, not more');
  assert.equal(c.stats.requests, 2);
});

test('a server that never answers times out instead of hanging', async () => {
  const silent = createServer((s) => s.on('data', () => {}));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  try {
    const port = (silent.address() as { port: number }).port;
    const c = new ForgeHttp({ baseUrl: `http://127.0.0.1:${port}`, auth: 'bearer', sleep, maxRetries: 1, timeoutMs: 200 });
    await assert.rejects(c.get('/x'), (e: unknown) => e instanceof ForgeUnavailable && /timed out/.test(e.message));
    assert.equal(c.stats.requests, 2, 'a timeout is retried within maxRetries');
  } finally {
    silent.close();
  }
});

