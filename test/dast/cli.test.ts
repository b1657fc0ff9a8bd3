/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * `pipeguard dast` end to end through the CLI: every report format (SARIF validated against the 2.1.0 schema,
 * with request/response evidence), exit codes, a target that is unreachable or dies mid-scan, a redirect out of
 * scope, bad input, suppressions, baselines and the request budget.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { XMLParser } from 'fast-xml-parser';
import { cli } from '../helpers/cli.js';
import { makeDir } from '../helpers/tmp.js';
import { app, ENV } from './helpers.js';

const addFormats = addFormatsModule.default;
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats(ajv);
const validate = ajv.compile(JSON.parse(readFileSync(new URL('../report/fixtures/sarif-schema-2.1.0.json', import.meta.url), 'utf8')) as object);
const FAST = ['--rate', '2000', '--concurrency', '16', '--budget', '2m'];
/** A config that keeps a scan of /vuln/ to its first pages (the CLI tests are about the command, not coverage). */
const NARROW = 'scanners:\n  dast:\n    crawl: { maxPages: 8, depth: 1 }\n';

describe('pipeguard dast', () => {
  it('writes SARIF (valid, with redacted request/response evidence), JSON, JUnit and Markdown, and fails the gate on findings', async () => {
    const a = await app();
    const dir = makeDir({ 'pipeguard.yml': NARROW });
    const r = await cli(['dast', `${a.url}/vuln/`, '--only', 'dast-sqli-error,dast-xss-reflected,dast-csp-missing', ...FAST, '-f', 'sarif', '-o', 'r.sarif', '-f', 'json', '-o', 'r.json', '-f', 'junit', '-o', 'r.xml', '-f', 'markdown', '-o', 'r.md'], { cwd: dir });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /FAIL: \d+ finding\(s\)/);
    const sarif = JSON.parse(readFileSync(join(dir, 'r.sarif'), 'utf8')) as { runs: { results: Record<string, any>[]; tool: { driver: { rules: { id: string; properties: { tags: string[] } }[] } } }[] };
    assert.ok(validate(sarif), JSON.stringify(validate.errors?.slice(0, 3)));
    const res = sarif.runs[0]!.results.find((x) => x.ruleId === 'dast-sqli-error')!;
    assert.match(res.locations[0].physicalLocation.artifactLocation.uri, /^http:\/\/127\.0\.0\.1:\d+\/vuln\/products\?name=/);
    assert.equal(res.locations[0].logicalLocations[0].name, 'GET /vuln/products');
    assert.equal(res.webRequest.method, 'GET');
    assert.match(res.webResponse.body.text, /SqliteError/);
    assert.ok(sarif.runs[0]!.tool.driver.rules.some((x) => x.id === 'dast-sqli-error' && x.properties.tags.includes('external/cwe/cwe-89')));
    const json = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'));
    assert.ok(json.findings.length >= 3);
    new XMLParser().parse(readFileSync(join(dir, 'r.xml'), 'utf8'));
    assert.match(readFileSync(join(dir, 'r.md'), 'utf8'), /dast-sqli-error/);
  });

  it('passes on the fixed twins (exit 0)', async () => {
    const a = await app();
    const r = await cli(['dast', `${a.url}/fixed/`, '--only', 'dast-sqli-error,dast-xss-reflected,dast-csp-missing', ...FAST], { cwd: makeDir({ 'pipeguard.yml': NARROW.replace(/vuln/g, 'fixed') }) });
    assert.equal(r.code, 0, r.stdout + r.stderr);
  });

  it('fails with one line when the target is unreachable', async () => {
    const s = net.createServer();
    await new Promise<void>((res) => s.listen(0, '127.0.0.1', () => res()));
    const port = (s.address() as AddressInfo).port;
    await new Promise<void>((res) => s.close(() => res()));
    const r = await cli(['dast', `http://127.0.0.1:${port}/`, '-f', 'json', '-o', 'r.json'], { cwd: makeDir() });
    assert.equal(r.code, 1);
    const lines = r.stderr.trim().split('\n');
    assert.match(lines[lines.length - 1]!, new RegExp(`^pipeguard: dast failed: target http://127\\.0\\.0\\.1:${port}/ is unreachable \\(ECONNREFUSED\\)$`));
  });

  it('fails with one line when the target dies mid-scan', async () => {
    let n = 0;
    const server: http.Server = http.createServer((_req, res) => {
      if (++n === 40) {
        server.closeAllConnections();
        server.close();
        res.destroy();
        return;
      }
      res.setHeader('content-type', 'text/html');
      res.end(`<html><body>${Array.from({ length: 30 }, (_, i) => `<a href="/p${i}?q=${i}">p</a>`).join('')}</body></html>`);
    });
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
    after(() => server.close());
    const port = (server.address() as AddressInfo).port;
    const r = await cli(['dast', `http://127.0.0.1:${port}/`, '--only', 'dast-xss-reflected'], { cwd: makeDir() });
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stderr, /pipeguard: dast failed: target stopped answering after \d+ requests \((ECONNREFUSED|ECONNRESET|socket hang up)[^\n]*\)\n$/);
  });

  it('does not follow a redirect out of scope', async () => {
    let outside = 0;
    const other = http.createServer((_req, res) => {
      outside++;
      res.end('outside');
    });
    await new Promise<void>((res) => other.listen(0, '127.0.0.1', () => res()));
    after(() => other.close());
    const away = `http://127.0.0.1:${(other.address() as AddressInfo).port}/landing?x=1`;
    const a = await app({
      extra: (ex) => {
        ex.get('/redir/', (_req, res) => res.type('html').send('<a href="/redir/away">away</a> <a href="/redir/in">in</a>'));
        ex.get('/redir/away', (_req, res) => res.redirect(away));
        ex.get('/redir/in', (_req, res) => res.type('html').send('<p>inside</p>'));
      },
    });
    const r = await cli(['dast', `${a.url}/redir/`, '--only', 'dast-xss-reflected,dast-open-redirect', ...FAST, '-f', 'json'], { cwd: makeDir() });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(outside, 0, 'a request left the scope');
  });

  it('exits 2 naming the file and line for a bad auth file, and for bad arguments', async () => {
    const dir = makeDir({ 'auth.yml': 'users:\n  - name: a\n    login: { url: /l }\n    extra: 1\n' });
    const a = await app();
    const r = await cli(['dast', `${a.url}/fixed/`, '--auth', 'auth.yml'], { cwd: dir });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /auth\.yml:4: users\.0: .*extra/);
    assert.equal((await cli(['dast', 'ftp://x/'], { cwd: dir })).code, 2);
    assert.equal((await cli(['dast', `${a.url}/`, '--budget', 'soon'], { cwd: dir })).code, 2);
    assert.equal((await cli(['dast'], { cwd: dir })).code, 2);
  });

  it('honours suppressions by rule and URL path, and baselines', async () => {
    const a = await app();
    const only = ['--only', 'dast-sqli-error', ...FAST];
    const dir = makeDir({ 'pipeguard.yml': `${NARROW}suppressions:\n  - rule: dast-sqli-error\n    path: /vuln/products\n    reason: accepted in the test app\n` });
    const s = await cli(['dast', `${a.url}/vuln/`, ...only, '-f', 'json'], { cwd: dir });
    assert.equal(s.code, 0, s.stderr);
    assert.equal(JSON.parse(s.stdout).suppressed.length, 1);
    const plain = makeDir({ 'pipeguard.yml': NARROW });
    const first = await cli(['dast', `${a.url}/vuln/`, ...only, '-f', 'json', '-o', 'base.json'], { cwd: plain });
    assert.equal(first.code, 1);
    const again = await cli(['dast', `${a.url}/vuln/`, ...only, '--baseline', 'base.json'], { cwd: plain });
    assert.equal(again.code, 0, again.stdout);
  });

  it('stops at the request budget, says what was not tested, and does not fail for it', async () => {
    const a = await app();
    const r = await cli(['dast', `${a.url}/fixed/`, '--max-requests', '25', '-f', 'json'], { cwd: makeDir() });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /request budget of 25 spent/);
    assert.equal(JSON.parse(r.stdout).statuses.find((s: { scanner: string }) => s.scanner === 'dast').status, 'partial');
  });

  it('never prints the passwords of the auth file', async () => {
    const a = await app();
    const dir = makeDir();
    writeFileSync(join(dir, 'auth.yml'), 'users:\n  - name: alice\n    login: { url: /vuln/api/login, json: { username: alice, password: "${ALICE_PW}" }, token: { from: body, path: token } }\nloggedIn: { url: /vuln/api/me }\n');
    const r = await cli(['dast', `${a.url}/vuln/`, '--auth', 'auth.yml', '--only', 'dast-jwt-*,dast-no-login-rate-limit', ...FAST, '-f', 'sarif'], { cwd: dir, env: ENV });
    assert.equal(r.code, 1, r.stderr);
    assert.ok(!r.stdout.includes(ENV.ALICE_PW) && !r.stderr.includes(ENV.ALICE_PW));
    assert.ok(validate(JSON.parse(r.stdout)));
  });
});
