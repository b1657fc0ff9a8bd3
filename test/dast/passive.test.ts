/**
 * Passive checks (headers, cookies, disclosure, errors, listings, secrets, credentials in URLs) on the test
 * application over HTTP, and the HTTPS-only ones (HSTS, Secure cookies, mixed content) over HTTPS with a
 * self-signed certificate made by openssl.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { Report } from '../../src/core/types.js';
import { makeDir } from '../helpers/tmp.js';
import { app, diffVuln, eachRule, listed, scan, status } from './helpers.js';

const HTTP_RULES = [
  'dast-csp-missing',
  'dast-csp-weak',
  'dast-clickjacking',
  'dast-xcto-missing',
  'dast-referrer-policy-missing',
  'dast-permissions-policy-missing',
  'dast-version-disclosure',
  'dast-cookie-no-httponly',
  'dast-cookie-no-samesite',
  'dast-stack-trace',
  'dast-directory-listing',
  'dast-secret-in-response',
  'dast-sensitive-data-in-url',
];
const HTTPS_RULES = ['dast-hsts-missing', 'dast-cookie-no-secure', 'dast-mixed-content'];


describe('dast passive checks over HTTP', () => {
  let vuln: Report;
  let fixed: Report;
  before(async () => {
    const a = await app();
    [vuln, fixed] = await Promise.all([scan(`${a.url}/vuln/`, { only: HTTP_RULES }), scan(`${a.url}/fixed/`, { only: HTTP_RULES })]);
  });
  it('finds every annotated problem on its /vuln route (site-wide ones once, at /*) and nothing else', () => {
    assert.equal(status(vuln).status, 'succeeded', status(vuln).reason);
    assert.equal(diffVuln(vuln, HTTP_RULES), '', listed(vuln));
  });
  eachRule(HTTP_RULES, () => ({ vuln, fixed }));
  it('reports a site-wide header problem once, with how many URLs it affects', () => {
    const csp = vuln.findings.filter((f) => f.ruleId === 'dast-csp-missing');
    assert.equal(csp.length, 1);
    assert.ok(((csp[0]!.data as { affected: number }).affected ?? 0) > 5);
  });
  it('shows the secret in a response redacted everywhere', () => {
    const f = vuln.findings.find((x) => x.ruleId === 'dast-secret-in-response')!;
    const text = JSON.stringify(f);
    assert.match(text, /sk_l\*{8}\(40\)/);
    assert.ok(!/sk_live_51H[0-9a-f]{10}/.test(text), 'the key is printed whole');
  });
  it('keeps the fixed variant silent', () => assert.equal(listed(fixed), ''));
});

describe('dast passive checks over HTTPS', () => {
  let vuln: Report;
  let fixed: Report;
  let skip: string | false = false;
  before(async () => {
    const dir = makeDir();
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'), '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
    } catch {
      skip = 'needs openssl (apt-get install openssl)';
      return;
    }
    const a = await app({ tls: { key: readFileSync(join(dir, 'k.pem'), 'utf8'), cert: readFileSync(join(dir, 'c.pem'), 'utf8') } });
    [vuln, fixed] = await Promise.all([scan(`${a.url}/vuln/`, { only: HTTPS_RULES }), scan(`${a.url}/fixed/`, { only: HTTPS_RULES })]);
  });
  it('finds every annotated HTTPS problem and nothing else', (t) => {
    if (skip) return t.skip(skip);
    assert.equal(status(vuln).status, 'succeeded', status(vuln).reason);
    assert.equal(diffVuln(vuln, HTTPS_RULES), '', listed(vuln));
    assert.equal(listed(fixed), '');
  });
  it('names the cookie without Secure', (t) => {
    if (skip) return t.skip(skip);
    assert.match(vuln.findings.find((f) => f.ruleId === 'dast-cookie-no-secure')!.message, /sessionid/);
  });
});
