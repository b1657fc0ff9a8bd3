/**
 * Helpers of the DAST tests: the test application started once per test file (stopped after it), scans of one
 * variant with a narrowed rule set through the library (runScan on a url target), and the comparison of a
 * scan's findings with the `ruleid:` annotations of app/routes.ts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import { configSchema } from '../../src/config/schema.js';
import type { Finding, Report } from '../../src/core/types.js';
import { runScan } from '../../src/engine/run.js';
import { openUrl } from '../../src/targets/url.js';
import { parseExpectations } from '../helpers/fixtures.js';
import { makeDir } from '../helpers/tmp.js';
import { PASSWORDS } from './app/routes.js';
import { startApp, type AppOptions, type TestApp } from './app/server.js';

const ROUTES = new URL('./app/routes.ts', import.meta.url).pathname;
const OPENAPI = new URL('./app/openapi.yml', import.meta.url).pathname;

const running: TestApp[] = [];
// Registered when the test file loads: every application started by it is stopped after its last test.
after(() => Promise.all(running.map((a) => a.close())));

/** Starts the test application for this test file (stopped after the file's last test). */
export async function app(o: AppOptions = {}): Promise<TestApp> {
  const a = await startApp(o);
  running.push(a);
  return a;
}

/**
 * Test-speed settings: short delays, few login attempts, a fast pace; a long request timeout, so that a machine
 * loaded by other work (the application answers in this same process) does not drop pages from a crawl.
 */
export const FAST = { rate: 2000, concurrency: 16, timing: { maxDelay: 1 }, rateLimit: { attempts: 10 }, budget: '2m', timeout: '60s' };

/** The environment the auth files read passwords from. */
export const ENV = { ALICE_PW: PASSWORDS.alice, BOB_PW: PASSWORDS.bob };

/** Writes the auth file and the OpenAPI document of one variant into a fresh folder. */
export function variantFiles(variant: 'vuln' | 'fixed'): { auth: string; openapi: string; dir: string } {
  const dir = makeDir();
  const auth = join(dir, 'auth.yml');
  writeFileSync(
    auth,
    `users:
  - name: alice
    login: { url: /${variant}/api/login, json: { username: alice, password: "\${ALICE_PW}" }, token: { from: body, path: token } }
  - name: bob
    login: { url: /${variant}/api/login, json: { username: bob, password: "\${BOB_PW}" }, token: { from: body, path: token } }
loggedIn: { url: /${variant}/api/me, status: 200 }
loggedOut: { status: [401] }
`,
  );
  const openapi = join(dir, 'openapi.yml');
  writeFileSync(openapi, readFileSync(OPENAPI, 'utf8').replace('url: /vuln', `url: /${variant}`));
  return { auth, openapi, dir };
}

/** Scans `url` with the dast scanner and `dast` settings (merged over FAST). */
export async function scan(url: string, dast: Record<string, unknown>, root: Record<string, unknown> = {}): Promise<Report> {
  const config = configSchema.parse({ ...root, scanners: { ...((root.scanners as object) ?? {}), dast: { ...FAST, ...dast } } });
  return runScan({ target: openUrl(url), config, scanners: ['dast'], options: { env: ENV } });
}

/** The dast status of a report. */
export function status(r: Report) {
  return r.statuses.find((s) => s.scanner === 'dast')!;
}

interface Route {
  line: number;
  method: string;
  re: RegExp;
}

function routes(): Route[] {
  const out: Route[] = [];
  readFileSync(ROUTES, 'utf8')
    .split('\n')
    .forEach((l, i) => {
      const m = /\bon\('(\w+)', '([^']+)'/.exec(l);
      if (!m || /^\s*(\*|\/\/|\/\*)/.test(l)) return;
      const path = m[2]!;
      const re = path === '/*' ? /^\/\*$/ : new RegExp(`^${path.replace(/[.+?^$()|[\]\\]/g, '\\$&').replace(/\*\w+/g, '.*').replace(/:\w+/g, '[^/]+')}$`);
      out.push({ line: i + 1, method: m[1]!, re });
    });
  return out;
}

/** The route line a finding of the `prefix` variant belongs to, or 0 when none. */
export function lineOf(f: Finding, prefix: string): number {
  if (f.location.kind !== 'http') return 0;
  const tpl = f.location.pathTemplate ?? '';
  const path = tpl === '/*' ? '/*' : tpl.startsWith(prefix) ? tpl.slice(prefix.length) : tpl;
  const concrete = path.replace(/\{[^}]+\}/g, 'x');
  const r = routes().find((x) => (x.method === f.location.kind || x.method === (f.location as { method: string }).method || (x.method === 'USE' && path === '/*')) && x.re.test(path === '/*' ? path : concrete));
  return r?.line ?? 0;
}

/**
 * Checks the findings of `rules` in a scan of /vuln against the annotations: every `ruleid:` of those rules is
 * found on its route, and nothing else of those rules is reported. Returns a readable diff ('' when it matches).
 */
export function diffVuln(report: Report, rules: string[]): string {
  const want = new Set(
    parseExpectations(readFileSync(ROUTES, 'utf8'))
      .filter((e) => e.kind === 'ruleid' && rules.includes(e.ruleId))
      .map((e) => `${e.ruleId}@${e.line}`),
  );
  const got = new Map<string, Finding>();
  for (const f of report.findings.filter((x) => rules.includes(x.ruleId))) got.set(`${f.ruleId}@${lineOf(f, '/vuln')}`, f);
  const missing = [...want].filter((k) => !got.has(k));
  const extra = [...got].filter(([k]) => !want.has(k)).map(([k, f]) => `${k} ${describe(f)}`);
  return [...missing.map((m) => `missing ${m}`), ...extra.map((x) => `unexpected ${x}`)].join('\n');
}

/** Findings of `rules` (all when omitted), described one per line, for assertion messages. */
export function listed(report: Report, rules?: string[]): string {
  return report.findings
    .filter((f) => !rules || rules.includes(f.ruleId))
    .map(describe)
    .join('\n');
}

function describe(f: Finding): string {
  return f.location.kind === 'http' ? `${f.ruleId} ${f.location.method} ${f.location.pathTemplate} ${f.location.parameter ?? ''}` : f.ruleId;
}

/** The rule ids of the annotations (every rule that has a test route). */
export function annotatedRules(): Set<string> {
  return new Set(parseExpectations(readFileSync(ROUTES, 'utf8')).map((e) => e.ruleId));
}

/** One test per rule: reported on /vuln, silent on every /fixed twin (the reports are read when the tests run). */
export function eachRule(rules: string[], get: () => { vuln: Report; fixed: Report }, twin = 'the fixed twin'): void {
  for (const rule of rules) {
    it(`${rule}: reported on /vuln, silent on ${twin}`, () => {
      const { vuln, fixed } = get();
      assert.ok(vuln.findings.some((f) => f.ruleId === rule), `${rule} not found:\n${listed(vuln)}`);
      assert.ok(!fixed.findings.some((f) => f.ruleId === rule), `${rule} on a fixed twin:\n${listed(fixed, [rule])}`);
    });
  }
}
