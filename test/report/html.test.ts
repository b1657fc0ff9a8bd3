// The HTML report: one self-contained file (nothing fetched, a CSP that forbids it), secrets redacted, and in
// Debian's Chromium the filters really filter (click, count the visible rows) and the taint path shows.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { chromium } from 'playwright-core';
import { renderHtml } from '../../src/report/html.js';
import { cli } from '../helpers/cli.js';
import { testAdvisoryDb } from '../helpers/advisories.js';
import { makeDir } from '../helpers/tmp.js';
import { SAMPLE_SECRETS, sampleProject } from '../helpers/sample-project.js';
import { F, PLANTED, sampleDecision, sampleReport } from './sample.js';

const CHROMIUM = '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? undefined : 'needs chromium (apt-get install chromium)';
const OUT = join(tmpdir(), 'pipeguard-html-report');

const html = (): string => renderHtml(sampleReport(), sampleDecision(), { color: false });

test('self-contained: no external script, style, font or image; the CSP allows only the inline ones, by hash', () => {
  const doc = html();
  assert.doesNotMatch(doc, /<script[^>]+src=|<link\b|@import|url\(|<img\b|<iframe\b/i);
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(doc)![1]!.replace(/&#39;/g, "'");
  assert.match(csp, /^default-src 'none'; /);
  const style = /<style>([\s\S]*?)<\/style>/.exec(doc)![1]!;
  const script = /<script>([\s\S]*?)<\/script>/.exec(doc)![1]!;
  const sha = (t: string): string => `'sha256-${createHash('sha256').update(t).digest('base64')}'`;
  assert.ok(csp.includes(`style-src ${sha(style)}`));
  assert.ok(csp.includes(`script-src ${sha(script)}`));
});

test('every finding is listed with its data attributes; suppressed ones start hidden; secrets stay redacted', () => {
  const doc = html();
  assert.equal(doc.match(/<tbody class="finding"/g)!.length, sampleReport().findings.length);
  assert.equal(doc.match(/data-gate="suppressed" hidden>/g)!.length, 2);
  assert.ok(doc.includes(`data-path="vendor/release 1.zip!lib/conf/app ü.env"`));
  assert.ok(doc.includes('AKIA**************** (20 chars, sha256:4be1c0…)'));
  for (const p of PLANTED) assert.ok(!doc.includes(p), p);
  // Hostile text is escaped.
  const report = sampleReport();
  report.findings[0] = { ...F.awsKey, message: '<img src=x onerror=alert(1)> "quoted"' };
  const evil = renderHtml(report, { ...sampleDecision(), violations: [report.findings[0]!] }, { color: false });
  assert.ok(!evil.includes('<img src=x'));
  assert.ok(evil.includes('&#60;img src=x onerror=alert(1)&#62; &#34;quoted&#34;'));
});

test('the HTML report in Chromium: nothing is fetched, filters by severity, scanner, path and gate, taint path shown', { skip, timeout: 120_000 }, async () => {
  const db = testAdvisoryDb();
  const dir = makeDir({ ...sampleProject(), 'pipeguard.yml': `scanners:\n  deps:\n    db: ${JSON.stringify(db)}\n` });
  const r = await cli(['scan', '.', '--no-progress', '-f', 'html', '-o', 'report.html', '-f', 'json', '-o', 'report.json'], { cwd: dir });
  assert.equal(r.code, 1, r.stderr);
  const file = join(dir, 'report.html');
  const text = readFileSync(file, 'utf8');
  for (const s of SAMPLE_SECRETS) assert.ok(!text.includes(s), 'a secret printed whole');
  const json = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as { findings: { severity: string; scanner: string; location: { path?: string } }[] };
  const total = json.findings.length;
  const bySeverity = (s: string): number => json.findings.filter((f) => f.severity === s).length;
  assert.ok(bySeverity('critical') > 0 && total > bySeverity('critical'));

  const profile = mkdtempSync(join(tmpdir(), 'pipeguard-chromium-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    timeout: 60_000,
  });
  try {
    const page = await browser.newPage();
    const requests: string[] = [];
    page.on('request', (req) => requests.push(req.url()));
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(pathToFileURL(file).href);
    const visible = (): Promise<number> => page.locator('tbody.finding:visible').count();
    const shown = async (): Promise<number> => Number(await page.locator('#shown').textContent());
    assert.equal(await visible(), total);
    assert.equal(await shown(), total);

    // Severity: untick critical.
    await page.getByLabel('critical', { exact: true }).uncheck();
    assert.equal(await visible(), total - bySeverity('critical'));
    assert.equal(await shown(), total - bySeverity('critical'));
    await page.getByLabel('critical', { exact: true }).check();

    // Scanner: only sast.
    await page.getByLabel('Scanner').selectOption('sast');
    const sast = json.findings.filter((f) => f.scanner === 'sast').length;
    assert.ok(sast > 0);
    assert.equal(await visible(), sast);
    await page.getByLabel('Scanner').selectOption('');

    // Path: part of a path.
    await page.getByLabel('Path').fill('workflows/ci');
    const ci = json.findings.filter((f) => f.location.path?.includes('workflows/ci')).length;
    assert.ok(ci > 0);
    assert.equal(await visible(), ci);
    await page.getByLabel('Path').fill('');
    assert.equal(await visible(), total);

    // The SQL injection opens to its taint path, source to sink.
    const sqli = page.locator('tbody.finding', { hasText: 'js-sql-injection' });
    await sqli.getByText('Details').click();
    const steps = sqli.locator('ol.flow li');
    assert.ok((await steps.count()) >= 2);
    assert.match((await steps.first().textContent()) ?? '', /src\/api\/items\.ts:\d+/);
    const secret = page.locator('tbody.finding', { hasText: 'config/settings.js' }).first();
    await secret.getByText('Details').click();

    const shot = join(OUT, 'report.png');
    await import('node:fs').then((fs) => fs.mkdirSync(OUT, { recursive: true }));
    await page.screenshot({ path: shot, fullPage: true });
    assert.ok(statSync(shot).size > 10_000, 'a real screenshot');
    writeFileSync(join(OUT, 'report.html'), text);

    // Gate: only the findings failing the gate.
    await page.getByLabel('Show').selectOption('violation');
    const failing = await visible();
    assert.ok(failing > 0 && failing < total);
    assert.equal(failing, await page.locator('tbody.finding[data-gate="violation"]').count());

    assert.deepEqual(requests.filter((u) => u !== pathToFileURL(file).href), [], 'nothing fetched');
    assert.deepEqual(errors, [], 'no script errors (a CSP violation would be one)');
  } finally {
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
  }
});
