import assert from 'node:assert/strict';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { cli } from '../helpers/cli.js';
import { makeDir } from '../helpers/tmp.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/webshop/', import.meta.url));

/** A copy of the webshop example to change. */
function webshop(): string {
  const dir = makeDir();
  cpSync(EXAMPLE, dir, { recursive: true });
  return dir;
}
function edit(dir: string, file: string, from: string | RegExp, to: string): void {
  const p = join(dir, file);
  const text = readFileSync(p, 'utf8');
  const next = text.replace(from, to);
  assert.notEqual(next, text, `${file}: nothing replaced`);
  writeFileSync(p, next);
}

test('check: the webshop example passes; tightening the threshold makes open threats fail the gate', async () => {
  const dir = webshop();
  const ok = await cli(['threat-model', 'check', dir, '-f', 'json'], { cwd: dir });
  assert.equal(ok.code, 0, ok.stderr);
  const report = JSON.parse(ok.stdout);
  assert.equal(report.findings.length, 0);
  assert.equal(report.suppressed.length, 2, 'the accepted risks are suppressed findings');
  assert.match(ok.stderr, /PASS: \d+ threats \(0 open, 2 accepted, \d+ mitigated\), 0 drift/);
  // SAST no longer gates at medium: medium threats lose their mitigations, but only fail when the gate asks.
  edit(dir, 'pipeguard.yml', '  sast: medium\n', '');
  const medium = await cli(['threat-model', 'check', dir, '--fail-on', 'medium'], { cwd: dir });
  assert.equal(medium.code, 1, medium.stdout);
  assert.match(medium.stdout, /tm-process-unsafe-parsing/);
  const high = await cli(['threat-model', 'check', dir], { cwd: dir });
  assert.equal(high.code, 1, 'the info-leak threat (high) has no gating check left');
  assert.match(high.stdout, /tm-process-information-leak .*sast \(3 rules\): js-permissive-cors reports medium, below the gate \(high\)/);
});

test('check: an expired acceptance reopens the threat; SARIF carries threats and suppressions', async () => {
  const dir = webshop();
  const out = join(dir, 'tm.sarif');
  const r = await cli(['threat-model', 'check', dir, '-f', 'sarif', '-o', out, '--fail-on', 'medium'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const sarif = JSON.parse(readFileSync(out, 'utf8'));
  const res = sarif.runs[0].results;
  assert.deepEqual(res.map((x: { ruleId: string }) => x.ruleId).sort(), ['tm-flow-single-factor-human', 'tm-process-repudiation']);
  const rep = res.find((x: { ruleId: string }) => x.ruleId === 'tm-process-repudiation');
  assert.equal(rep.suppressions[0].justification.startsWith('accepted risk (payments team)'), true);
  assert.equal(rep.locations[0].physicalLocation.artifactLocation.uri, 'threatmodel.yml');
  edit(dir, 'threatmodel.yml', 'expires: 2027-06-30', 'expires: 2025-06-30');
  const expired = await cli(['threat-model', 'check', dir, '--fail-on', 'medium', '-f', 'json'], { cwd: dir });
  assert.equal(expired.code, 1);
  const json = JSON.parse(expired.stdout);
  assert.deepEqual(json.findings.map((f: { ruleId: string }) => f.ruleId), ['tm-process-repudiation']);
  assert.ok(json.notes.some((n: string) => /threatmodel\.yml:\d+: accepted risk tm-process-repudiation@worker expired on 2025-06-30/.test(n)), json.notes);
});

test('check: DAST counts once pipeguard.yml configures scanners.dast (read from the file, not the defaults)', async () => {
  const dir = webshop();
  const dastOf = async () => {
    const r = await cli(['threat-model', 'report', dir, '-f', 'json', '--no-drift'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const t = JSON.parse(r.stdout).threats.find((x: { id: string }) => x.id === 'tm-process-xss@api');
    return t.checks.find((c: { scanner: string }) => c.scanner === 'dast').state;
  };
  assert.equal(await dastOf(), 'inactive');
  writeFileSync(join(dir, 'pipeguard.yml'), `${readFileSync(join(dir, 'pipeguard.yml'), 'utf8')}scanners:\n  dast:\n    budget: 5m\n`);
  assert.equal(await dastOf(), 'live');
});

test('drift: parts in the code the model lacks, and parts the model names that the code lacks', async () => {
  const dir = webshop();
  // A new service with a public port, a new route, a new SDK and a new data store.
  edit(dir, 'docker-compose.yml', '  db:\n', '  admin:\n    build: ./services/admin\n    ports:\n      - "8080:8080"\n  cache:\n    image: redis:7\n  db:\n');
  edit(dir, 'services/api/src/server.js', "app.use('/api/orders', orders);", "app.use('/api/orders', orders);\napp.delete('/api/account', (req, res) => res.end());");
  edit(dir, 'services/worker/package-lock.json', '"stripe": "17.5.0"\n      }', '"stripe": "17.5.0",\n        "@sendgrid/mail": "8.1.4"\n      }');
  edit(dir, 'services/worker/package-lock.json', '    "node_modules/stripe": {', '    "node_modules/@sendgrid/mail": {\n      "version": "8.1.4"\n    },\n    "node_modules/stripe": {');
  // The model names a route the code does not serve.
  edit(dir, 'threatmodel.yml', '      - GET /api/orders/{id}\n', '      - GET /api/orders/{id}\n      - GET /api/export\n');
  const r = await cli(['threat-model', 'check', dir, '-f', 'json'], { cwd: dir });
  assert.equal(r.code, 1);
  const found = JSON.parse(r.stdout).findings.map((f: { ruleId: string; location: { path: string; startLine: number } }) => `${f.ruleId} ${f.location.path}:${f.location.startLine}`).sort();
  const line = (file: string, re: RegExp) => readFileSync(join(dir, file), 'utf8').split('\n').findIndex((l) => re.test(l)) + 1;
  assert.deepEqual(found, [
    `tm-drift-datastore docker-compose.yml:${line('docker-compose.yml', /^ {2}cache:/)}`,
    `tm-drift-external services/worker/package-lock.json:${line('services/worker/package-lock.json', /"node_modules\/@sendgrid\/mail"/)}`,
    `tm-drift-route services/api/src/server.js:${line('services/api/src/server.js', /app\.delete/)}`,
    `tm-drift-service docker-compose.yml:${line('docker-compose.yml', /^ {2}admin:/)}`,
    `tm-drift-stale threatmodel.yml:${line('threatmodel.yml', /GET \/api\/export/)}`,
  ].sort());
  // drift.ignore and --no-drift
  writeFileSync(join(dir, 'pipeguard.yml'), readFileSync(join(dir, 'pipeguard.yml'), 'utf8').replace('  failOn: high\n', '  failOn: high\n  drift:\n    ignore: ["service:admin", "datastore:*", "external:sendgrid", "route:**"]\n'));
  const ignored = await cli(['threat-model', 'check', dir, '-f', 'json'], { cwd: dir });
  assert.deepEqual(JSON.parse(ignored.stdout).findings.map((f: { ruleId: string }) => f.ruleId), []);
  assert.equal((await cli(['threat-model', 'check', dir, '--no-drift', '-c', join(EXAMPLE, 'pipeguard.yml')], { cwd: dir })).code, 0);
});

test('drift: ports a service exposes that its element does not list, and listed ports nothing exposes', async () => {
  const dir = webshop();
  edit(dir, 'docker-compose.yml', '      - "443:8443"\n', '      - "443:8443"\n      - "9229:9229"\n');
  edit(dir, 'threatmodel.yml', 'ports: [443, 8443]', 'ports: [443, 8443, 8080]');
  const r = await cli(['threat-model', 'check', dir, '-f', 'json'], { cwd: dir });
  const f = JSON.parse(r.stdout).findings.map((x: { ruleId: string; data: { subject: string } }) => `${x.ruleId} ${x.data.subject}`).sort();
  assert.deepEqual(f, ['tm-drift-port port:api/9229', 'tm-drift-stale port:api/8080']);
});

test('init drafts a model the check accepts, and never overwrites one without --force', async () => {
  const dir = webshop();
  const exists = await cli(['threat-model', 'init', dir], { cwd: dir });
  assert.equal(exists.code, 2);
  assert.match(exists.stderr, /threatmodel\.yml: already exists/);
  const out = join(dir, 'draft.yml');
  const r = await cli(['threat-model', 'init', dir, '-o', out], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const text = readFileSync(out, 'utf8');
  for (const s of ['  api:', '  worker:', '  db:', '  queue:', '  stripe:', 'GET /api/orders/{id}', 'technology: postgres', '# seen at docker-compose.yml']) assert.ok(text.includes(s), s);
  const check = await cli(['threat-model', 'check', dir, '-m', out, '-f', 'json', '--fail-on', 'none'], { cwd: dir });
  assert.equal(check.code, 0, check.stderr);
  assert.deepEqual(JSON.parse(check.stdout).findings.filter((f: { ruleId: string }) => f.ruleId.startsWith('tm-drift')), [], 'a fresh draft has no drift');
});

test('init names the services whose credentials the secrets rules find, never the secret, and not generic ones', async () => {
  // Synthetic keys in the shape of each provider's (the secrets rules' own examples).
  const sendgrid = ['SG.T8nidZ0zJYOgRGqZe9MBQx', 'prYa0t-r8hVovjtxRBmgKqQ4WKUFEp_NOWtebuqlNzA'].join('.');
  const dir = makeDir({
    'notify/mail.js': `const key = '${sendgrid}';\nmodule.exports = key;\n`,
    'api/.env': 'DB_PASSWORD=DKEcL7S8jJ7\n',
    'test/fixtures/keys.js': `const k = '${sendgrid.replace('SG.T8', 'SG.Q9')}';\n`,
    // Path suppressions and the secrets allowlist say these are not real: no external from them.
    'samples/stripe.js': 'const k = "sk_test_uBx9YBVTkGIrKq1c6IoyYttq420fJ0OVIL73WFuVCAk3QVCE9BV3GyGSd5izi1sadYNG3CjEXscBadKNl0oQKPLE5Z9UPp00uIX";\n',
    'docs-src/slack.txt': `SLACK_WEBHOOK=https://hooks.slack.com/services/${['TUSMUSBBO', 'BNOMJ09SGYE', 'QKb1yCdPECu1qS7QslXuoyjx'].join('/')}\n`,
    'pipeguard.yml': 'suppressions:\n  - path: "samples/**"\n    reason: sample keys from the provider docs\nscanners:\n  secrets:\n    allowlist:\n      paths: ["docs-src/**"]\n',
  });
  const r = await cli(['threat-model', 'init', dir, '-o', '-'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /\n {2}sendgrid:\n/);
  assert.match(r.stdout, /# seen at notify\/mail\.js:1 \(secret sendgrid-api-key\)/);
  assert.ok(!r.stdout.includes(sendgrid) && !r.stdout.includes('DKEcL7S8jJ7'), 'no secret in the draft');
  assert.ok(!/generic|test\/fixtures|stripe|slack/.test(r.stdout), r.stdout);
  // check reads no secrets: the draft has no drift.
  writeFileSync(join(dir, 'threatmodel.yml'), r.stdout);
  const check = await cli(['threat-model', 'check', dir, '-f', 'json', '--fail-on', 'none'], { cwd: dir });
  assert.equal(check.code, 0, check.stderr);
  assert.deepEqual(JSON.parse(check.stdout).findings.filter((f: { ruleId: string }) => f.ruleId.startsWith('tm-drift')), []);
});

test('bad input: one line naming the file and line, exit 2, no report written', async () => {
  const dir = webshop();
  edit(dir, 'threatmodel.yml', '    to: db\n', '    to: dbb\n');
  const out = join(dir, 'out.json');
  const r = await cli(['threat-model', 'check', dir, '-f', 'json', '-o', out], { cwd: dir });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^pipeguard: threatmodel\.yml:\d+: flows\[1\]\.to: unknown element dbb \(did you mean db\?\)\n$/);
  assert.equal(existsSync(out), false);
  assert.equal((await cli(['threat-model', 'frobnicate'], { cwd: dir })).code, 2);
  const missing = await cli(['threat-model', 'check', makeDir()], { cwd: dir });
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /threatmodel\.yml: threat model not found/);
});

test('report: Markdown, HTML with the rendered SVG, Mermaid and DOT', async () => {
  const dir = webshop();
  const md = await cli(['threat-model', 'report', dir], { cwd: dir });
  assert.equal(md.code, 0, md.stderr);
  assert.match(md.stdout, /^# Threat model: Webshop/);
  assert.match(md.stdout, /```mermaid\nflowchart LR\n/);
  assert.match(md.stdout, /## Accepted risks[\s\S]*tm-process-repudiation@worker \| the worker only acts/);
  const html = join(dir, 'tm.html');
  assert.equal((await cli(['threat-model', 'report', dir, '-o', html], { cwd: dir })).code, 0);
  const page = readFileSync(html, 'utf8');
  assert.match(page, /<svg [^>]*viewBox/);
  assert.match(page, /<title>cluster_internet<\/title>/);
  assert.match(page, /Customer&#39;s browser|Customer's browser/);
  const dot = await cli(['threat-model', 'report', dir, '-f', 'dot'], { cwd: dir });
  assert.match(dot.stdout, /subgraph "cluster_internet" \{/);
  assert.match(dot.stdout, /"worker" \[label="Order worker", shape=ellipse, color="#ef8f00"/);
});
