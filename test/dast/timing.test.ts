/**
 * Time-based SQL injection on real databases (PostgreSQL and MariaDB, blind endpoints that answer the same
 * whatever the query does), and the confirmer's refusal to report a slow, jittery target.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Report } from '../../src/core/types.js';
import { postgres, mariadb } from './app/server.js';
import { app, listed, scan, status } from './helpers.js';

const RULE = ['dast-sqli-time'];

let pg: Awaited<ReturnType<typeof postgres>>;
let maria: Awaited<ReturnType<typeof mariadb>>;
after(async () => {
  await pg?.close();
  await maria?.close();
});

describe('dast time-based SQL injection', () => {
  let url = '';
  before(async () => {
    [pg, maria] = await Promise.all([postgres(), mariadb()]);
    const a = await app({
      dbs: { ...(pg ? { pg: pg.query } : {}), ...(maria ? { maria: maria.query } : {}) },
      extra: (ex) => {
        // Slow and jittery whatever the input: 0 to 1.3 s at random.
        ex.get('/jitter/', (_req, res) => res.type('html').send('<a href="/jitter/slow?v=1">slow</a>'));
        ex.get('/jitter/slow', (_req, res) => void setTimeout(() => res.type('text').send('ok'), Math.random() * 1300));
      },
    });
    url = a.url;
  });

  const one = (path: string, prefix: string): Promise<Report> => scan(`${url}${path}`, { only: RULE, scope: { paths: [prefix] }, crawl: { maxPages: 3 } });

  it('confirms a blind PostgreSQL injection by timing and stays silent on its fixed twin', async (t) => {
    if (!pg) return t.skip('needs postgresql (127.0.0.1:5432, database test)');
    const [v, f] = await Promise.all([one('/vuln/audit?v=1', '/vuln/audit'), one('/fixed/audit?v=1', '/fixed/audit')]);
    assert.equal(status(v).status, 'succeeded', status(v).reason);
    const hit = v.findings.find((x) => x.ruleId === 'dast-sqli-time');
    assert.ok(hit, listed(v));
    const d = hit!.data as { r: number; slope: number; label: string };
    assert.equal(d.label, 'PostgreSQL');
    assert.ok(d.r >= 0.95 && d.slope >= 0.8, JSON.stringify(d));
    assert.equal(listed(f), '');
  });

  it('confirms a blind MariaDB injection by timing and stays silent on its fixed twin', async (t) => {
    if (!maria) return t.skip('needs mariadb (127.0.0.1:3306, user root)');
    const [v, f] = await Promise.all([one('/vuln/audit-mysql?v=1', '/vuln/audit-mysql'), one('/fixed/audit-mysql?v=1', '/fixed/audit-mysql')]);
    assert.ok(v.findings.some((x) => x.ruleId === 'dast-sqli-time' && (x.data as { label: string }).label === 'MySQL/MariaDB'), listed(v));
    assert.equal(listed(f), '');
  });

  it('does not report a target that is slow at random', async () => {
    const r = await scan(`${url}/jitter/`, { only: RULE, scope: { paths: ['/jitter'] }, crawl: { maxPages: 3 } });
    assert.equal(status(r).status, 'succeeded', status(r).reason);
    assert.equal(listed(r), '');
  });
});
