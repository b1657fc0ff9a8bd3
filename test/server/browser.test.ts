/**
 * The web UI in a real browser: Debian's Chromium driven by playwright-core (no browser download). Signs in,
 * reads the overview, filters and pages findings, triages one, searches a package, checks every page with
 * axe-core (no serious or critical accessibility violation), and saves screenshots under .test-output/server-ui
 * (and into docs/ with UPDATE_SCREENSHOTS=1).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { createToken } from '../../src/server/auth/tokens.js';
import { upsertUser } from '../../src/server/auth/users.js';
import { openDb } from '../../src/server/db/open.js';
import type { Db } from '../../src/server/db/types.js';
import { startServer, type RunningServer } from '../../src/server/http/server.js';
import { finding, fp, pipeguardReport, sqlitePath } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? undefined : 'needs chromium (apt-get install chromium)';
const OUT = join(process.cwd(), '.test-output', 'server-ui');
const DOCS = join(process.cwd(), 'docs', 'screenshots');
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const DAY = 86_400_000;

let db: Db;
let srv: RunningServer;
let browser: BrowserContext;
let profile: string;

async function seed(): Promise<void> {
  const now = Date.now();
  await upsertUser(db, { name: 'dana', role: 'admin', password: 'dashboard passphrase 1', actor: 'test', now });
  const { token } = await createToken(db, { name: 'seed', projectId: null, scopes: ['upload'], actor: 'test', now });
  const up = async (project: string, body: string, run: string, at: number) => {
    srv.state.clock = () => at;
    const r = await fetch(`${srv.url}/api/v1/projects/${encodeURIComponent(project)}/reports?run=${run}`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body });
    assert.equal(r.status, 201, await r.text());
  };
  const sevs = ['critical', 'high', 'medium', 'low', 'info'] as const;
  const many = Array.from({ length: 120 }, (_, i) =>
    finding({ fingerprint: fp(1000 + i), severity: sevs[i % 5]!, ruleId: `rule-${i % 9}`, location: { path: `src/module${i % 12}/file${i}.ts`, startLine: 10 + i, snippet: `const v${i} = eval(input${i});` } }),
  );
  const flow = finding({
    fingerprint: fp(1),
    severity: 'critical',
    ruleId: 'js-sql-injection',
    message: 'User input reaches a SQL query without parameters.',
    location: { path: 'src/routes/users.ts', startLine: 41, snippet: 'db.query(`SELECT * FROM users WHERE id = ${req.params.id}`)' },
    flow: [
      { location: { path: 'src/routes/users.ts', startLine: 38, snippet: 'const id = req.params.id;' }, message: 'source: request parameter' },
      { location: { path: 'src/routes/users.ts', startLine: 41 }, message: 'sink: db.query' },
    ],
  });
  const dep = finding({
    fingerprint: fp(2),
    scanner: 'deps',
    severity: 'high',
    ruleId: 'GHSA-35jh-r3h4-6jhm',
    message: 'lodash 4.17.20 has a command injection (CVE-2021-23337); upgrade to 4.17.21.',
    location: { path: 'package-lock.json', startLine: 120, logical: 'lodash@4.17.20' },
    data: { advisoryId: 'GHSA-35jh-r3h4-6jhm', aliases: ['CVE-2021-23337'], package: 'lodash', version: '4.17.20', purl: 'pkg:npm/lodash@4.17.20', dependencyPath: ['shop', 'express-utils@1.2.0', 'lodash@4.17.20'] },
  });
  // Newer location kinds, as the core contract will carry them.
  const http = finding({ fingerprint: fp(3), scanner: 'dast', severity: 'medium', ruleId: 'missing-csp', message: 'The response has no Content-Security-Policy header.', location: { kind: 'http', method: 'GET', url: 'http://127.0.0.1:3000/login', path: '' } as never });
  const step = finding({ fingerprint: fp(4), scanner: 'pipeline', severity: 'high', ruleId: 'gha-script-injection', message: 'An untrusted title is expanded into a shell step.', location: { kind: 'step', pipeline: '.github/workflows/ci.yml', step: 'build', path: '.github/workflows/ci.yml', startLine: 12 } as never });
  const start = now - 20 * DAY;
  await up('shop/web', pipeguardReport([flow, dep, ...many.slice(0, 60)], { scanners: ['sast', 'deps'] }), 'r1', start);
  await up('shop/web', pipeguardReport([flow, dep, ...many.slice(20, 100)], { scanners: ['sast', 'deps'] }), 'r2', start + 7 * DAY);
  await up('shop/web', pipeguardReport([flow, dep, ...many.slice(40, 120)], { scanners: ['sast', 'deps'] }), 'r3', start + 14 * DAY);
  await up('payments', pipeguardReport([http, step, dep], { scanners: ['dast', 'pipeline', 'deps'] }), 'p1', start + 10 * DAY);
  srv.state.clock = Date.now;
}

// Made here, not in the hook: the helper registers its clean-up with after(), which must belong to the file.
const dbFile = sqlitePath();
before(async () => {
  if (skip) return;
  db = await openDb(`sqlite:${dbFile}`, process.cwd());
  srv = await startServer({ db, port: 0, host: '127.0.0.1' });
  await seed();
  profile = mkdtempSync(join(tmpdir(), 'pipeguard-chromium-'));
  mkdirSync(OUT, { recursive: true });
  // A fresh profile folder: playwright passes it to Chromium as --user-data-dir.
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 860 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    timeout: 60_000,
  });
}, { timeout: 180_000 });

after(async () => {
  if (skip) return;
  await browser?.close();
  await srv?.close();
  await db?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(OUT, `${name}.png`), fullPage: false });
  if (process.env['UPDATE_SCREENSHOTS']) {
    mkdirSync(DOCS, { recursive: true });
    await page.screenshot({ path: join(DOCS, `${name}.png`), fullPage: false });
  }
}

/** axe-core's serious and critical violations on the page. */
async function a11y(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol: the page's CSP (no inline script) stays on.
  await page.evaluate(readFileSync(AXE, 'utf8'));
  const result = (await page.evaluate(`axe.run(document, { runOnly: ['wcag2a', 'wcag2aa'] })`)) as { violations: { id: string; impact: string; nodes: { target: string[] }[] }[] };
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

test('the dashboard in Chromium: sign in, overview, filters, paging, triage, components, accessibility', { skip, timeout: 120_000 }, async () => {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => (m.type() === 'error' ? errors.push(m.text()) : undefined));

  await page.goto(`${srv.url}/findings`);
  assert.match(page.url(), /\/login\?next=%2Ffindings$/);
  assert.deepEqual(await a11y(page), []);
  await page.getByLabel('User name').fill('dana');
  await page.getByLabel('Password').fill('dashboard passphrase 1');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/findings$/);

  await page.goto(`${srv.url}/`);
  assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Projects');
  const rows = page.locator('table').first().locator('tbody tr');
  assert.deepEqual(await rows.locator('th').allTextContents(), ['payments', 'shop/web']);
  assert.equal(await page.locator('svg[role="img"] title').count(), 2);
  assert.deepEqual(await a11y(page), []);
  await shot(page, 'projects');

  // Filter by severity: the select submits the form by itself (app.js).
  await page.goto(`${srv.url}/findings`);
  await page.getByLabel('Severity').selectOption('critical');
  await page.waitForURL(/severity=critical/);
  const badges = await page.locator('tbody .sev').allTextContents();
  assert.ok(badges.length > 0 && badges.every((b) => b === 'critical'), badges.join());
  await page.goto(`${srv.url}/findings`);
  assert.match((await page.getByRole('status').first().textContent()) ?? '', /^\d+ finding\(s\) match/);
  const firstPage = await page.locator('tbody tr td:nth-child(5) a').allTextContents();
  await page.getByRole('link', { name: 'Next page →' }).click();
  await page.waitForURL(/after=/);
  const secondPage = await page.locator('tbody tr td:nth-child(5) a').allTextContents();
  assert.equal(firstPage.length, 50);
  assert.ok(secondPage.length > 0 && !secondPage.some((m) => firstPage.includes(m)), 'the second page repeats the first');
  await page.getByRole('link', { name: '← Previous page' }).click();
  assert.deepEqual(await page.locator('tbody tr td:nth-child(5) a').allTextContents(), firstPage);
  assert.deepEqual(await a11y(page), []);
  await shot(page, 'findings');

  // A taint finding: code and flow shown; triage as accepted risk with an expiry.
  await page.getByLabel('Path').fill('src/routes/*');
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.getByRole('link', { name: /User input reaches a SQL query/ }).click();
  await page.getByRole('heading', { name: 'Data flow' }).waitFor();
  assert.match((await page.locator('pre').first().textContent()) ?? '', /db\.query/);
  const expires = page.getByLabel('Accepted until (date)');
  assert.equal(await expires.isVisible(), false);
  await page.getByLabel('Triage state').selectOption('accepted_risk');
  assert.equal(await expires.isVisible(), true);
  const until = new Date(Date.now() + 30 * DAY).toISOString().slice(0, 10);
  await expires.fill(until);
  await page.getByLabel('Reason').fill('Only reachable by admins; parameterised in the next release.');
  await page.getByRole('button', { name: 'Save triage' }).click();
  await page.getByText('Triage saved.').waitFor();
  assert.match((await page.locator('#audit-h + table').textContent()) ?? '', new RegExp(`dana.*none → accepted_risk.*until ${until}`));
  assert.deepEqual(await a11y(page), []);
  await shot(page, 'finding');

  // Other location kinds render by kind.
  await page.goto(`${srv.url}/findings?project=payments&scanner=dast`);
  await page.getByRole('link', { name: /Content-Security-Policy/ }).click();
  assert.match((await page.locator('#where-h + dl').textContent()) ?? '', /Kindhttp.*RequestGET http:\/\/127\.0\.0\.1:3000\/login/);

  // Where is lodash 4.17.20 used?
  await page.goto(`${srv.url}/components`);
  await page.getByLabel('Package name').fill('lodash');
  await page.getByLabel('Version (optional)').fill('4.17.20');
  await page.getByRole('button', { name: 'Where is it used?' }).click();
  assert.deepEqual(await page.locator('tbody th').allTextContents(), ['payments', 'shop/web']);
  assert.deepEqual(await a11y(page), []);
  await shot(page, 'components');

  await page.goto(`${srv.url}/projects/${encodeURIComponent('shop/web')}`);
  assert.equal(await page.locator('#runs-h + table tbody tr').count(), 3);
  assert.deepEqual(await a11y(page), []);
  await shot(page, 'project');

  await page.goto(`${srv.url}/admin`);
  assert.deepEqual(await a11y(page), []);
  assert.deepEqual(errors, []);
  await page.close();
});
