/**
 * Injection checks against the test application: each rule is found on its /vuln route (and nowhere else), and
 * the /fixed twins stay silent. One scan per variant with the injection rules only.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Report } from '../../src/core/types.js';
import { app, diffVuln, eachRule, listed, scan, status, variantFiles } from './helpers.js';

const RULES = [
  'dast-xss-reflected',
  'dast-xss-stored',
  'dast-sqli-error',
  'dast-sqli-boolean',
  'dast-command-injection',
  'dast-path-traversal',
  'dast-ssti',
  'dast-nosql-injection',
  'dast-open-redirect',
  'dast-ssrf',
  'dast-xxe',
  'dast-crlf-injection',
  'dast-csrf',
];

describe('dast injection checks', () => {
  let vuln: Report;
  let fixed: Report;
  before(async () => {
    const a = await app();
    const v = variantFiles('vuln');
    const f = variantFiles('fixed');
    [vuln, fixed] = await Promise.all([scan(`${a.url}/vuln/`, { only: RULES, openapi: v.openapi }), scan(`${a.url}/fixed/`, { only: RULES, openapi: f.openapi })]);
  });

  it('finds every annotated injection on its /vuln route and nothing else', () => {
    assert.equal(status(vuln).status, 'succeeded', status(vuln).reason);
    assert.equal(diffVuln(vuln, RULES), '', listed(vuln));
  });

  eachRule(RULES, () => ({ vuln, fixed }));

  it('leaves the fixed variant without any finding', () => {
    assert.equal(status(fixed).status, 'succeeded', status(fixed).reason);
    assert.equal(listed(fixed), '');
  });

  it('gives each finding a location of kind http with a path template and parameter, and evidence of the exchange', () => {
    const f = vuln.findings.find((x) => x.ruleId === 'dast-sqli-error' && x.location.kind === 'http' && x.location.pathTemplate === '/vuln/products')!;
    assert.equal(f.location.kind, 'http');
    if (f.location.kind !== 'http') return;
    assert.equal(f.location.pathTemplate, '/vuln/products');
    assert.equal(f.location.parameter, 'name');
    assert.equal(f.location.parameterIn, 'query');
    const http = (f.data as { http: { request: { target: string }; response: { statusCode: number; body: string } } }).http;
    assert.match(http.request.target, /\/vuln\/products\?name=/);
    assert.match(http.response.body, /SqliteError/);
  });

  it('attacks header, cookie and XML body parameters (declared in the OpenAPI document)', () => {
    const at = (rule: string, where: string) => vuln.findings.find((x) => x.ruleId === rule && x.location.kind === 'http' && x.location.parameterIn === where);
    const h = at('dast-sqli-error', 'header');
    assert.ok(h && h.location.kind === 'http' && h.location.parameter === 'X-Product' && h.location.pathTemplate === '/vuln/api/stock', listed(vuln, ['dast-sqli-error']));
    const x = at('dast-command-injection', 'xml');
    assert.ok(x && x.location.kind === 'http' && x.location.parameter === 'host' && x.location.pathTemplate === '/vuln/api/ping-xml', listed(vuln, ['dast-command-injection']));
    const c = at('dast-xss-reflected', 'cookie');
    assert.ok(c && c.location.kind === 'http' && c.location.parameter === 'visitor' && c.location.pathTemplate === '/vuln/welcome', listed(vuln, ['dast-xss-reflected']));
  });

  it('sends traversal probes in the path with the exact bytes (the server sees ../ or its encoding)', () => {
    const f = vuln.findings.find((x) => x.ruleId === 'dast-path-traversal' && x.location.kind === 'http' && x.location.parameterIn === 'path');
    assert.ok(f, listed(vuln, ['dast-path-traversal']));
    const target = (f!.data as { http: { request: { target: string } } }).http.request.target;
    assert.match(target, /\/vuln\/static\/(\.\.|%2e%2e|\.\.%2f|\.\.\.\.\/\/)/i);
  });
});
