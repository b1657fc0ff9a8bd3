/**
 * Checks that need signed-in users (JWT flaws, BOLA with two users, mass assignment, login rate limit), and the
 * session handling: a login that expires is restored, a login that cannot be restored fails the scan.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { randomBytes } from 'node:crypto';
import type { Report } from '../../src/core/types.js';
import { makeDir } from '../helpers/tmp.js';
import { app, diffVuln, eachRule, listed, scan, status, variantFiles } from './helpers.js';

const RULES = ['dast-jwt-weak-secret', 'dast-jwt-none', 'dast-jwt-kid-injection', 'dast-jwt-jku', 'dast-bola', 'dast-mass-assignment', 'dast-no-login-rate-limit'];

describe('dast checks with signed-in users', () => {
  let vuln: Report;
  let fixed: Report;
  before(async () => {
    const a = await app();
    const v = variantFiles('vuln');
    const f = variantFiles('fixed');
    [vuln, fixed] = await Promise.all([
      scan(`${a.url}/vuln/`, { only: RULES, openapi: v.openapi, auth: v.auth }),
      scan(`${a.url}/fixed/`, { only: RULES, openapi: f.openapi, auth: f.auth }),
    ]);
  });

  it('finds every annotated flaw on its /vuln route and nothing else', () => {
    assert.equal(status(vuln).status, 'succeeded', status(vuln).reason);
    assert.equal(diffVuln(vuln, RULES), '', listed(vuln));
  });

  eachRule(RULES, () => ({ vuln, fixed }));

  it('keeps the fixed variant silent and signed in', () => {
    assert.equal(status(fixed).status, 'succeeded', status(fixed).reason);
    assert.equal(listed(fixed), '');
  });

  it('never prints the passwords, the session tokens or the cracked secret', () => {
    const text = JSON.stringify(vuln);
    for (const secret of ['Alice-pw-4821', 'Bob-pw-9930', '"secret"']) assert.ok(!text.includes(secret), `${secret} printed`);
    assert.ok(!/eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{20,}/.test(text), 'a whole signed JWT is printed');
    const bola = vuln.findings.find((f) => f.ruleId === 'dast-bola')!;
    const req = (bola.data as { http: { request: { headers: Record<string, string> } } }).http.request;
    assert.match(req.headers.authorization!, /^Bearer eyJh\*{8}\(\d+\)$/);
  });
});

/** A small app whose tokens stop working after `uses` requests; its login can be made to fail. */
async function expiringApp(uses: number) {
  const tokens = new Map<string, number>();
  let logins = 0;
  let loginWorks = true;
  const a = await app({
    extra: (ex) => {
      ex.post('/exp/login', (req, res) => {
        logins++;
        if (!loginWorks || req.body?.password !== 'pw-1234567') return res.status(401).json({ error: 'no' });
        const t = randomBytes(12).toString('hex');
        tokens.set(t, uses);
        res.json({ token: t });
      });
      const authed = (req: { get(h: string): string | undefined }) => {
        const t = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
        const left = t ? tokens.get(t) : undefined;
        if (t === undefined || left === undefined || left <= 0) return false;
        tokens.set(t, left - 1);
        return true;
      };
      ex.get('/exp/', (req, res) => res.type('html').send(`<html><body>${[1, 2, 3, 4, 5, 6, 7, 8].map((i) => `<a href="/exp/p${i}">p${i}</a>`).join(' ')}</body></html>`));
      ex.get('/exp/me', (req, res) => (authed(req) ? res.json({ me: 'alice' }) : res.status(401).json({ error: 'sign in' })));
      ex.get('/exp/:p', (req, res) => (authed(req) ? res.type('html').send('<html><body>page</body></html>') : res.status(401).json({ error: 'sign in' })));
    },
  });
  const dir = makeDir();
  const auth = join(dir, 'auth.yml');
  writeFileSync(auth, 'users:\n  - name: alice\n    login: { url: /exp/login, json: { username: alice, password: pw-1234567 }, token: { from: body, path: token } }\nloggedIn: { url: /exp/me, status: 200, every: 5 }\nloggedOut: { status: [401] }\n');
  return { a, auth, logins: () => logins, breakLogin: () => (loginWorks = false) };
}

describe('dast sessions', () => {
  it('signs in again when the session expires, and the scan succeeds', async () => {
    const e = await expiringApp(6);
    const r = await scan(`${e.a.url}/exp/`, { auth: e.auth, only: ['dast-sqli-error'] });
    assert.equal(status(r).status, 'succeeded', status(r).reason);
    assert.ok(e.logins() >= 3, `expected several sign-ins, got ${e.logins()}`);
  });

  it('fails the scan with a one-line reason when the session is lost and cannot be restored', async () => {
    const e = await expiringApp(6);
    // The first sign-in works; every later one is refused.
    const r0 = scan(`${e.a.url}/exp/`, { auth: e.auth, only: ['dast-sqli-error'] });
    setTimeout(() => e.breakLogin(), 0);
    const r = await r0;
    assert.equal(status(r).status, 'failed');
    assert.match(status(r).reason!, /^(cannot sign in as alice|authentication of alice lost)/);
    assert.ok(!status(r).reason!.includes('\n'));
  });

  it('fails at once when the first sign-in is refused', async () => {
    const e = await expiringApp(6);
    e.breakLogin();
    const r = await scan(`${e.a.url}/exp/`, { auth: e.auth, only: ['dast-sqli-error'] });
    assert.equal(status(r).status, 'failed');
    assert.match(status(r).reason!, /cannot sign in as alice: POST \/exp\/login answered 401/);
  });
});
