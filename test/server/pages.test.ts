/**
 * Every page of the UI and every read call of the API answers on both databases (the browser and HTTP tests run
 * on SQLite only): a server with runs that opened, fixed and triaged findings, signed in as an admin, asked for
 * each page and each GET of the API.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createToken } from '../../src/server/auth/tokens.js';
import { upsertUser } from '../../src/server/auth/users.js';
import { startServer } from '../../src/server/http/server.js';
import { dbKinds, finding, fp, pipeguardReport } from './helpers.js';

const PASSWORD = 'an admin passphrase for pages';

for (const kind of await dbKinds()) {
  describe(`pages and API on ${kind.name}`, { skip: kind.skip }, () => {
    test('every page and every read call answers 200, with the trends and mean time to fix', async () => {
      const db = await kind.open();
      const srv = await startServer({ db, port: 0, host: '127.0.0.1', maxUploadBytes: 1_000_000, limits: { windowMs: 60_000, perUser: 5, perAddress: 100, maxKeys: 100 } });
      try {
        const now = Date.now();
        await upsertUser(db, { name: 'root', role: 'admin', password: PASSWORD, actor: 'test', now });
        const token = (await createToken(db, { name: 'all', projectId: null, scopes: ['upload', 'read', 'triage', 'admin'], actor: 'test', now })).token;
        const call = async (path: string, o: { method?: string; body?: string; headers?: Record<string, string> } = {}) => {
          const r = await fetch(`${srv.url}${path}`, { method: o.method ?? (o.body !== undefined ? 'POST' : 'GET'), headers: { Authorization: `Bearer ${token}`, ...o.headers }, ...(o.body !== undefined ? { body: o.body } : {}), redirect: 'manual' });
          return { status: r.status, type: r.headers.get('content-type') ?? '', text: await r.text(), headers: r.headers };
        };
        const dep = finding({
          fingerprint: fp(3),
          scanner: 'deps',
          ruleId: 'GHSA-aaaa-bbbb-cccc',
          severity: 'critical',
          location: { path: 'package-lock.json', logical: 'lodash@4.17.20' },
          data: { advisoryId: 'GHSA-aaaa-bbbb-cccc', aliases: ['CVE-2021-23337'], package: 'lodash', version: '4.17.20', purl: 'pkg:npm/lodash@4.17.20' },
        });
        const first = [finding({ fingerprint: fp(1) }), finding({ fingerprint: fp(2), severity: 'medium' }), dep];
        assert.equal((await call('/api/v1/projects/web/reports?run=r1', { body: pipeguardReport(first, { scanners: ['sast', 'deps'] }) })).status, 201);
        assert.equal((await call('/api/v1/projects/web/reports?run=r2', { body: pipeguardReport([first[0]!, dep], { scanners: ['sast', 'deps'] }) })).status, 201);
        const list = JSON.parse((await call('/api/v1/findings?state=all')).text) as { items: { id: number; state: string }[] };
        assert.deepEqual(list.items.map((f) => f.state).sort(), ['fixed', 'open', 'open']);
        const id = list.items.find((f) => f.state === 'open')!.id;
        assert.equal((await call(`/api/v1/findings/${id}/triage`, { body: JSON.stringify({ state: 'false_positive', reason: 'test data' }) })).status, 200);
        const runs = JSON.parse((await call('/api/v1/projects/web/runs')).text) as { runs: { id: number }[] };
        // Per-project SLA through the API.
        const put = await call('/api/v1/projects/web/sla', { method: 'PUT', body: JSON.stringify({ high: 3, info: 'default' }) });
        assert.equal(put.status, 200, put.text);
        assert.deepEqual((JSON.parse(put.text) as { overrides: object }).overrides, { high: 3 });
        assert.equal((await call('/api/v1/projects/web/sla', { method: 'PUT', body: JSON.stringify({ high: 'soon' }) })).status, 400);

        const apiPaths = [
          '/api/v1/projects',
          '/api/v1/projects/web/runs',
          `/api/v1/runs/${runs.runs[0]!.id}`,
          '/api/v1/findings?total=1',
          '/api/v1/findings?severity=critical&scanner=deps&state=open&age=<7&overdue=1&suppressed=no&path=src/*',
          `/api/v1/findings/${id}`,
          '/api/v1/projects/web/suppressions',
          '/api/v1/sla',
          '/api/v1/projects/web/sla',
          '/api/v1/affected?advisory=GHSA-aaaa-bbbb-cccc',
          '/api/v1/affected?package=lodash&version=4.17.20',
          '/api/v1/trends?days=14',
          '/api/v1/trends?project=web&days=30',
          '/api/v1/audit',
          '/api/v1/tokens',
          '/api/v1/users',
        ];
        for (const p of apiPaths) {
          const r = await call(p);
          assert.equal(r.status, 200, `${p}: ${r.status} ${r.text.slice(0, 200)}`);
        }
        const trends = JSON.parse((await call('/api/v1/trends?days=14')).text) as { open: unknown[]; mttf: { fixed: number }[] };
        assert.equal(trends.open.length, 14);
        assert.equal(trends.mttf.reduce((s, w) => s + w.fixed, 0), 1);
        const affected = JSON.parse((await call('/api/v1/affected?package=lodash&version=4.17.20')).text) as unknown;
        assert.match(JSON.stringify(affected), /"web"/);

        const login = await fetch(`${srv.url}/login`, { method: 'POST', body: new URLSearchParams({ user: 'root', password: PASSWORD, next: '/' }).toString(), headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
        assert.equal(login.status, 303);
        const session = login.headers.get('set-cookie')!.split(';')[0]!;
        const pages = ['/', '/findings', '/findings?severity=high&state=all', `/findings/${id}`, '/projects/web', `/runs/${runs.runs[0]!.id}`, '/components', '/components?package=lodash&version=4.17.20', '/components?advisory=GHSA-aaaa-bbbb-cccc', '/admin'];
        for (const p of pages) {
          const r = await fetch(`${srv.url}${p}`, { headers: { Cookie: session }, redirect: 'manual' });
          const body = await r.text();
          assert.equal(r.status, 200, `${p}: ${r.status} ${body.slice(0, 300)}`);
          assert.match(r.headers.get('content-type') ?? '', /text\/html/, p);
        }
        // The project page shows the project's SLA and an admin sets it with the form (CSRF token from the page).
        const projectPage = await (await fetch(`${srv.url}/projects/web`, { headers: { Cookie: session } })).text();
        assert.match(projectPage, /high 3 \(this project\)/);
        const csrf = /name="_csrf" value="([^"]+)"/.exec(projectPage)![1]!;
        const saved = await fetch(`${srv.url}/projects/web/sla`, { method: 'POST', body: new URLSearchParams({ _csrf: csrf, critical: '2', high: '', medium: 'none', low: '', info: '' }).toString(), headers: { Cookie: session, 'Content-Type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
        assert.equal(saved.status, 303);
        assert.match(saved.headers.get('location') ?? '', /ok=Project%20SLA%20saved/);
        assert.deepEqual((JSON.parse((await call('/api/v1/projects/web/sla')).text) as { overrides: object }).overrides, { critical: 2, medium: null });
      } finally {
        await srv.close();
      }
    });
  });
}
