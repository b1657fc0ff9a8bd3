import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { zipSync } from 'fflate';
import { writeDatabase } from '../../src/advisories/db.js';
import { loadRecords } from '../../src/advisories/load.js';
import { TEST_DATA } from '../helpers/test-data.js';
import { cli } from '../helpers/cli.js';
import { makeDir } from '../helpers/tmp.js';

// Dependency scanning is never silently off: without advisory data the deps scanner says so in every format, a
// required database fails the gate, and `scan` fetches the data itself (from a real HTTP server here).

const LOCK = JSON.stringify({
  name: 'app',
  lockfileVersion: 3,
  packages: { '': { name: 'app', dependencies: { lodash: '4.17.15' } }, 'node_modules/lodash': { version: '4.17.15' } },
});

/** osv.dev's `npm/all.zip`, built from the vendored npm records. */
function npmZip(): Uint8Array {
  const dir = join(TEST_DATA, 'osv', 'npm');
  const files: Record<string, Uint8Array> = {};
  for (const f of readdirSync(dir)) files[f] = readFileSync(join(dir, f));
  return zipSync(files, { level: 1 });
}

let server: Server;
let base = '';
const requests: string[] = [];
let failing = false;

before(async () => {
  const zip = npmZip();
  server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    if (failing) return void res.writeHead(503, 'Service Unavailable').end();
    if (req.url === '/npm/all.zip') return void res.writeHead(200, { 'content-length': zip.length }).end(Buffer.from(zip));
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((r) => server.close(() => r())));

const app = (): string => makeDir({ 'package-lock.json': LOCK, 'package.json': '{"name":"app"}' });
type Status = { scanner: string; status: string; reason?: string };

test('no advisory database: deps is skipped, visibly, in the table, JSON, SARIF and JUnit; the gate passes outside CI', async () => {
  const dir = app();
  const r = await cli(['scan', '.', '--scanners', 'deps', '--skip-db-update', '-f', 'table', '-f', 'json', '-o', 'r.json', '-f', 'sarif', '-o', 'r.sarif', '-f', 'junit', '-o', 'r.xml'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /deps\s+skipped.*no advisory database/);
  const deps = (JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')).statuses as Status[]).find((s) => s.scanner === 'deps')!;
  assert.equal(deps.status, 'skipped');
  assert.match(deps.reason!, /^no advisory database \(--skip-db-update; looked for .*advisories\.db: run `pipeguard db update`/);
  const sarif = JSON.parse(readFileSync(join(dir, 'r.sarif'), 'utf8'));
  const notes = sarif.runs[0].invocations[0].toolExecutionNotifications as { level: string; message: { text: string } }[];
  assert.ok(notes.some((n) => n.level === 'note' && /^deps skipped: no advisory database/.test(n.message.text)), JSON.stringify(notes));
  assert.match(readFileSync(join(dir, 'r.xml'), 'utf8'), /<testcase classname="deps" name="scan"[^>]*>\s*<skipped message="no advisory database/);
  assert.deepEqual(requests, [], '--skip-db-update makes no request');
});

test('scanners.deps.requireDatabase (default under CI=true) makes a missing database fail the gate', async () => {
  const dir = app();
  const ci = await cli(['scan', '.', '--scanners', 'deps', '--offline'], { cwd: dir, env: { CI: 'true' } });
  assert.equal(ci.code, 1, ci.stdout);
  assert.match(ci.stdout, /scanner deps skipped: no advisory database \(offline run/);
  writeFileSync(join(dir, 'pipeguard.yml'), 'scanners:\n  deps:\n    requireDatabase: false\n');
  assert.equal((await cli(['scan', '.', '--scanners', 'deps', '--offline'], { cwd: dir, env: { CI: 'true' } })).code, 0);
  writeFileSync(join(dir, 'pipeguard.yml'), 'scanners:\n  deps:\n    requireDatabase: true\n');
  assert.equal((await cli(['scan', '.', '--scanners', 'deps', '--offline'], { cwd: dir })).code, 1);
  assert.deepEqual(requests, [], '--offline makes no request');
});

test('scan downloads the advisory data the lockfiles need when missing, reuses it while fresh, refreshes it when stale', async () => {
  const dir = app();
  const cache = makeDir();
  const env = { XDG_CACHE_HOME: cache, PIPEGUARD_OSV_URL: base };
  requests.length = 0;
  const first = await cli(['scan', '.', '--scanners', 'deps', '-f', 'json'], { cwd: dir, env });
  assert.equal(first.code, 1, first.stderr);
  assert.deepEqual(requests, ['GET /npm/all.zip'], 'only the ecosystem of the lockfile');
  const report = JSON.parse(first.stdout);
  assert.ok(report.findings.some((f: { data: { advisoryId: string } }) => f.data.advisoryId === 'CVE-2021-23337'));
  assert.equal((report.statuses as Status[]).find((s) => s.scanner === 'deps')!.status, 'succeeded');
  await cli(['scan', '.', '--scanners', 'deps'], { cwd: dir, env });
  assert.equal(requests.length, 1, 'fresh data is not fetched again');
  // Data older than maxAgeDays is refreshed.
  const db = join(cache, 'pipeguard', 'advisories.db');
  writeDatabase(db, [{ name: 'npm', origin: 'old', records: loadRecords(join(TEST_DATA, 'osv', 'npm')) }], new Date(Date.now() - 30 * 86_400_000));
  const stale = await cli(['scan', '.', '--scanners', 'deps'], { cwd: dir, env });
  assert.equal(stale.code, 1);
  assert.equal(requests.length, 2);
  assert.doesNotMatch(stale.stdout, /more than 7 days ago/);
});

test('a failed download is a clear note, not a crash: stale data is used, no data is a skipped status', async () => {
  failing = true;
  try {
    const cache = makeDir();
    const env = { XDG_CACHE_HOME: cache, PIPEGUARD_OSV_URL: base };
    const none = await cli(['scan', '.', '--scanners', 'deps', '-f', 'json'], { cwd: app(), env });
    assert.equal(none.code, 0, none.stderr);
    const j = JSON.parse(none.stdout);
    assert.match(JSON.stringify(j), /deps: cannot download the advisory data of npm: http:\/\/127\.0\.0\.1:\d+\/npm\/all\.zip: cannot download: HTTP 503 Service Unavailable/);
    assert.match((j.statuses as Status[]).find((s) => s.scanner === 'deps')!.reason!, /^no advisory database \(the download failed/);
    const db = join(cache, 'pipeguard', 'advisories.db');
    writeDatabase(db, [{ name: 'npm', origin: 'old', records: loadRecords(join(TEST_DATA, 'osv', 'npm')) }], new Date(Date.now() - 30 * 86_400_000));
    const old = await cli(['scan', '.', '--scanners', 'deps'], { cwd: app(), env });
    assert.equal(old.code, 1, 'the stale data still finds the vulnerable lodash');
    assert.match(old.stdout, /cannot download[\s\S]*more than 7 days ago/);
  } finally {
    failing = false;
  }
});
