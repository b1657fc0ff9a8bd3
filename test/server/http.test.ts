import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { createToken } from '../../src/server/auth/tokens.js';
import { upsertUser } from '../../src/server/auth/users.js';
import { openDb } from '../../src/server/db/open.js';
import type { Db } from '../../src/server/db/types.js';
import { startServer, type RunningServer } from '../../src/server/http/server.js';
import { ensureProject } from '../../src/server/store/projects.js';
import { cli } from '../helpers/cli.js';
import { makeDir } from '../helpers/tmp.js';
import { finding, fp, pipeguardReport, sqlitePath } from './helpers.js';

let db: Db;
let srv: RunningServer;
const tokens: Record<string, string> = {};

// Made here, not in the hook: the helper registers its clean-up with after(), which must belong to the file.
const dbFile = sqlitePath();
before(async () => {
  db = await openDb(`sqlite:${dbFile}`, process.cwd());
  srv = await startServer({ db, port: 0, host: '127.0.0.1', maxUploadBytes: 200_000, limits: { windowMs: 60_000, perUser: 3, perAddress: 100, maxKeys: 100 } });
  const now = Date.now();
  await upsertUser(db, { name: 'alice', role: 'triager', password: 'a long enough passphrase', actor: 'test', now });
  const web = await ensureProject(db, 'web', true, now);
  tokens['upload'] = (await createToken(db, { name: 'ci', projectId: null, scopes: ['upload', 'read'], actor: 'test', now })).token;
  tokens['webOnly'] = (await createToken(db, { name: 'web-ci', projectId: web, scopes: ['upload', 'read'], actor: 'test', now })).token;
  tokens['readOnly'] = (await createToken(db, { name: 'ro', projectId: null, scopes: ['read'], actor: 'test', now })).token;
});
after(async () => {
  await srv.close();
  await db.close();
});

function api(path: string, o: { token?: string; method?: string; body?: string | Buffer; headers?: Record<string, string> } = {}): Promise<Response> {
  return fetch(`${srv.url}${path}`, {
    method: o.method ?? (o.body !== undefined ? 'POST' : 'GET'),
    headers: { ...(o.token ? { Authorization: `Bearer ${o.token}` } : {}), ...o.headers },
    ...(o.body !== undefined ? { body: o.body } : {}),
    redirect: 'manual',
  });
}

describe('API tokens and scopes', () => {
  test('no token: 401; unknown token: 401; missing scope: 403; token bound to another project: 403', async () => {
    assert.equal((await api('/api/v1/projects')).status, 401);
    assert.equal((await api('/api/v1/projects', { token: 'pgt_' + 'x'.repeat(43) })).status, 401);
    const r = await api('/api/v1/projects/web/reports', { token: tokens['readOnly'], body: pipeguardReport([]) });
    assert.equal(r.status, 403);
    assert.match(((await r.json()) as { error: string }).error, /upload scope/);
    assert.equal((await api('/api/v1/projects/other/reports', { token: tokens['webOnly'], body: pipeguardReport([]) })).status, 404);
    await ensureProject(db, 'other', true, Date.now());
    assert.equal((await api('/api/v1/projects/other/reports', { token: tokens['webOnly'], body: pipeguardReport([]) })).status, 403);
    // The bound token sees only its project.
    const list = (await (await api('/api/v1/projects', { token: tokens['webOnly'] })).json()) as { projects: { name: string }[] };
    assert.deepEqual(list.projects.map((p) => p.name), ['web']);
  });

  test('every response carries the security headers', async () => {
    const r = await api('/healthz');
    assert.match(r.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(r.headers.get('x-frame-options'), 'DENY');
  });
});

describe('uploads', () => {
  test('stored once per run id (201 then 200), gzip accepted, another report under the same id is 409', async () => {
    const text = pipeguardReport([finding({ fingerprint: fp(1) })]);
    const first = await api('/api/v1/projects/api-demo/reports?run=build-7&commit=abc123', { token: tokens['upload'], body: text });
    assert.equal(first.status, 201);
    const body = (await first.json()) as { new: number; runKey: string };
    assert.deepEqual([body.new, body.runKey], [1, 'build-7']);
    const again = await api('/api/v1/projects/api-demo/reports?run=build-7', { token: tokens['upload'], body: gzipSync(text), headers: { 'Content-Encoding': 'gzip' } });
    assert.equal(again.status, 200);
    const clash = await api('/api/v1/projects/api-demo/reports?run=build-7', { token: tokens['upload'], body: pipeguardReport([]) });
    assert.equal(clash.status, 409);
  });

  test('bad input: one clear 4xx and nothing stored', async () => {
    const before = (await db.all('SELECT id FROM runs')).length;
    const cases: [string | Buffer, number, RegExp, Record<string, string>?][] = [
      ['{"version": 1,\n"findings": [\n{"x": }]}', 400, /not valid JSON: line 3/],
      ['{"version": 2, "tool": {"name": "pipeguard"}}', 422, /version 2 is not supported/],
      ['{"hello": "world"}', 422, /not a pipeguard JSON report/],
      [pipeguardReport([{ ...finding({ fingerprint: fp(2) }), severity: 'huge' as never }]), 422, /findings\[0\]: severity must be one of/],
      [JSON.stringify({ version: '2.1.0', runs: [{ results: [] }] }), 422, /runs\[0\]: has no tool/],
      ['x'.repeat(300_000), 413, /larger than 200000 bytes/],
      [gzipSync('{"a":"' + 'y'.repeat(400_000) + '"}'), 413, /larger than 200000 bytes/, { 'Content-Encoding': 'gzip' }],
      [Buffer.from('not gzip at all'), 400, /not valid gzip/, { 'Content-Encoding': 'gzip' }],
    ];
    for (const [body, status, re, headers] of cases) {
      const r = await api('/api/v1/projects/api-demo/reports', { token: tokens['upload'], body, ...(headers ? { headers } : {}) });
      assert.equal(r.status, status, String(re));
      assert.match(((await r.json()) as { error: string }).error, re);
    }
    assert.equal((await db.all('SELECT id FROM runs')).length, before);
  });

  test('pipeguard scan --upload sends the run; a refused upload is exit 2 with one line', async () => {
    const dir = makeDir({ 'config.js': "const key = 'AKIAZ7QRSTUVWXY23456';\n", 'pipeguard.yml': 'failOn: none\n' });
    const env = { PIPEGUARD_TOKEN: tokens['upload']!, GITHUB_RUN_ID: '42', GITHUB_RUN_ATTEMPT: '1', GITHUB_JOB: 'scan', GITHUB_SHA: 'deadbeef' };
    const r = await cli(['scan', '.', '--scanners', 'secrets', '--upload', srv.url, '--project', 'cli-demo', '-f', 'json', '-o', 'out.json'], { cwd: dir, env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /uploaded to cli-demo: 1 finding\(s\), 1 new/);
    const again = await cli(['scan', '.', '--scanners', 'secrets', '--upload', srv.url, '--project', 'cli-demo', '-f', 'json', '-o', 'out.json'], { cwd: dir, env });
    assert.match(again.stderr, /already uploaded/);
    const run = (await db.get<{ run_key: string; commit_sha: string }>("SELECT run_key, commit_sha FROM runs r JOIN projects p ON p.id = r.project_id WHERE p.name = 'cli-demo'"))!;
    assert.deepEqual([run.run_key, run.commit_sha], ['gh-42-1-scan', 'deadbeef']);
    // The secret itself never reached the server.
    const stored = await db.all<{ detail: string; location: string; message: string }>('SELECT detail, location, message FROM findings');
    assert.ok(!JSON.stringify(stored).includes('AKIAZ7QRSTUVWXY23456'), 'the secret was stored whole');
    const refused = await cli(['scan', '.', '--scanners', 'secrets', '--upload', srv.url, '--project', 'cli-demo'], { cwd: dir, env: { PIPEGUARD_TOKEN: tokens['readOnly']! } });
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /^pipeguard: .*cannot upload the report: the server answered 403: this needs the upload scope\n$/);
  });
});

describe('sign-in, sessions and CSRF', () => {
  async function login(user: string, password: string): Promise<Response> {
    return api('/login', { body: new URLSearchParams({ user, password, next: '/findings' }).toString(), headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  }

  test('a session cookie is HttpOnly; triage forms need the CSRF token; cross-site posts are refused', async () => {
    const ok = await login('alice', 'a long enough passphrase');
    assert.equal(ok.status, 303);
    assert.equal(ok.headers.get('location'), '/findings');
    const cookie = ok.headers.get('set-cookie')!;
    assert.match(cookie, /HttpOnly; SameSite=Lax/);
    const session = cookie.split(';')[0]!;
    const id = Number((await db.get<{ id: number }>('SELECT id FROM findings ORDER BY id LIMIT 1'))!.id);
    const page = await (await api(`/findings/${id}`, { headers: { Cookie: session } })).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page)![1]!;
    const post = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
      api(`/findings/${id}/triage`, { body: new URLSearchParams(fields).toString(), headers: { Cookie: session, 'Content-Type': 'application/x-www-form-urlencoded', ...headers } });
    assert.equal((await post({ state: 'false_positive', reason: 'no csrf' })).status, 403);
    assert.equal((await post({ state: 'false_positive', reason: 'cross', _csrf: csrf }, { Origin: 'https://evil.test' })).status, 403);
    const good = await post({ state: 'false_positive', reason: 'sample data', _csrf: csrf });
    assert.equal(good.status, 303);
    assert.equal((await db.get<{ triage: string }>('SELECT triage FROM findings WHERE id = ?', [id]))!.triage, 'false_positive');
    // The JSON API with a cookie needs the header.
    const apiPost = await api(`/api/v1/findings/${id}/triage`, { body: JSON.stringify({ state: 'in_progress' }), headers: { Cookie: session, 'Content-Type': 'application/json' } });
    assert.equal(apiPost.status, 403);
    const apiOk = await api(`/api/v1/findings/${id}/triage`, { body: JSON.stringify({ state: 'in_progress' }), headers: { Cookie: session, 'X-CSRF-Token': csrf } });
    assert.equal(apiOk.status, 200);
    // A viewer-level principal cannot triage: alice is a triager, the read token is not.
    const ro = await api(`/api/v1/findings/${id}/triage`, { token: tokens['readOnly'], body: JSON.stringify({ state: 'none' }) });
    assert.equal(ro.status, 403);
    // Pages need a session.
    const anon = await api('/findings');
    assert.equal(anon.status, 303);
    assert.match(anon.headers.get('location')!, /^\/login\?next=/);
  });

  test('failed sign-ins are rate limited (429 with Retry-After), even with the right password', async () => {
    await upsertUser(db, { name: 'bob', role: 'viewer', password: 'another long passphrase', actor: 'test', now: Date.now() });
    for (let i = 0; i < 3; i++) assert.equal((await login('bob', 'wrong password here')).status, 401);
    const limited = await login('bob', 'another long passphrase');
    assert.equal(limited.status, 429);
    assert.ok(Number(limited.headers.get('retry-after')) > 0, 'no Retry-After');
    assert.equal((await login('nobody', 'x')).status, 401);
  });
});
