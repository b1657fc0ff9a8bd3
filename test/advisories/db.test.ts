import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { zipSync } from 'fflate';
import { stringify } from 'yaml';
import { AdvisoryDb } from '../../src/advisories/db.js';
import { cli } from '../helpers/cli.js';
import { makeDir } from '../helpers/tmp.js';
import { TEST_DATA } from '../helpers/test-data.js';


/** A zip of every record of one ecosystem folder of the frozen sample, as osv.dev publishes `all.zip`. */
function ecosystemZip(eco: string): Uint8Array {
  const dir = join(TEST_DATA, 'osv', eco);
  const files: Record<string, Uint8Array> = {};
  for (const f of readdirSync(dir)) files[f] = readFileSync(join(dir, f));
  return zipSync(files, { level: 1 });
}

/** The vendored records of one ecosystem folder. */
function records(eco: string): { id: string; withdrawn?: string; affected?: { package?: { ecosystem: string } }[] }[] {
  const dir = join(TEST_DATA, 'osv', eco);
  return readdirSync(dir).map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as { id: string });
}
const NPM = records('npm');
const CRATES = records('crates.io');

const sha = (p: string): string => createHash('sha256').update(readFileSync(p)).digest('hex');

interface Served {
  zips: Record<string, Uint8Array>;
  /** Ecosystems whose next full (non-range) response is cut after half the body. */
  cutOnce: Set<string>;
  requests: string[];
}

let server: Server;
let base = '';
const served: Served = { zips: {}, cutOnce: new Set(), requests: [] };

before(async () => {
  server = createServer((req, res) => {
    served.requests.push(`${req.method} ${req.url} ${req.headers.range ?? ''}`.trim());
    const m = /^\/([^/]+)\/all\.zip$/.exec(req.url ?? '');
    const body = m ? served.zips[decodeURIComponent(m[1] as string)] : undefined;
    if (!body) {
      res.writeHead(404).end('not found');
      return;
    }
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (range) {
      const start = Number(range[1]);
      if (start >= body.length) {
        res.writeHead(416).end();
        return;
      }
      res.writeHead(206, { 'content-length': body.length - start, 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` });
      res.end(Buffer.from(body.subarray(start)));
      return;
    }
    res.writeHead(200, { 'content-length': body.length });
    const eco = decodeURIComponent(m?.[1] as string);
    if (served.cutOnce.has(eco)) {
      served.cutOnce.delete(eco);
      res.write(Buffer.from(body.subarray(0, Math.floor(body.length / 2))), () => res.destroy());
      return;
    }
    res.end(Buffer.from(body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((r) => server.close(() => r())));

test('db import loads a folder of OSV JSON and db status reports counts and age', async () => {
  const dir = makeDir();
  const db = join(dir, 'adv.db');
  const imp = await cli(['db', 'import', join(TEST_DATA, 'osv', 'npm'), '--db', db], { cwd: dir });
  assert.equal(imp.code, 0, imp.stderr);
  assert.match(imp.stdout, new RegExp(`imported ${NPM.length} records`));
  const st = await cli(['db', 'status', '--db', db, '--json'], { cwd: dir });
  assert.equal(st.code, 0, st.stderr);
  const s = JSON.parse(st.stdout) as { records: number; byEcosystem: { ecosystem: string; records: number }[]; sources: { refreshedAt: string }[] };
  assert.equal(s.records, NPM.length);
  const npmOnly = NPM.filter((r) => (r.affected ?? []).some((a) => a.package?.ecosystem === 'npm')).length;
  assert.ok(npmOnly < NPM.length, 'the word-wrap advisory GHSA-j8xg-fqg3-53r7 lists GitHub Actions only');
  assert.equal(s.byEcosystem.find((e) => e.ecosystem === 'npm')?.records, npmOnly);
  assert.equal(s.sources[0]?.refreshedAt, '2026-01-02T03:04:05.000Z');
  const text = await cli(['db', 'status', '--db', db], { cwd: dir });
  assert.match(text.stdout, new RegExp(`records: ${NPM.length} \\(0 withdrawn\\)`));
  assert.match(text.stdout, /just now/);
});

test('db import reads OSV YAML (PyPA format) and a zip; lookups use PEP 503 names', async () => {
  const dir = makeDir();
  const rec = JSON.parse(readFileSync(join(TEST_DATA, 'osv', 'PyPI', 'PYSEC-2019-227.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(dir, 'PYSEC-2019-227.yaml'), stringify(rec));
  writeFileSync(join(dir, 'go.zip'), zipSync({ 'GO-2021-0076.json': readFileSync(join(TEST_DATA, 'osv', 'Go', 'GO-2021-0076.json')) }));
  const db = join(dir, 'adv.db');
  assert.equal((await cli(['db', 'import', join(dir, 'PYSEC-2019-227.yaml'), '--db', db], { cwd: dir })).code, 0);
  assert.equal((await cli(['db', 'import', join(dir, 'go.zip'), '--db', db], { cwd: dir })).code, 0);
  const adv = AdvisoryDb.open(db);
  try {
    assert.deepEqual(adv.lookup('PyPI', 'Tensorflow_CPU').map((r) => r.id), ['PYSEC-2019-227']);
    assert.deepEqual(adv.lookup('Go', 'github.com/evanphx/json-patch').map((r) => r.id), ['GO-2021-0076']);
    assert.deepEqual(adv.get('CVE-2018-14632').map((r) => r.id), ['GO-2021-0076']);
    assert.equal(adv.status().sources.length, 2, 'each import is its own source');
  } finally {
    adv.close();
  }
});

test('db import of a malformed file: one line naming file and line, exit 2, database untouched', async () => {
  const dir = makeDir({ 'bad/a.json': '{\n  "id": "X-1",\n  "affected": [,]\n}\n' });
  const db = join(dir, 'adv.db');
  await cli(['db', 'import', join(TEST_DATA, 'osv', 'npm', 'GHSA-35jh-r3h4-6jhm.json'), '--db', db], { cwd: dir });
  const before = sha(db);
  const r = await cli(['db', 'import', join(dir, 'bad'), '--db', db], { cwd: dir });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^pipeguard: .*bad\/a\.json:3: invalid JSON/);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.equal(sha(db), before);
});

test('db update downloads all.zip per ecosystem from the base URL and swaps the database in', async () => {
  served.zips = { npm: ecosystemZip('npm'), 'crates.io': ecosystemZip('crates.io') };
  const dir = makeDir();
  const db = join(dir, 'cache', 'adv.db');
  const r = await cli(['db', 'update', '--url', base, '--ecosystem', 'npm,crates.io', '--db', db], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`^npm: ${NPM.length} records$`, 'm'));
  assert.match(r.stdout, new RegExp(`^crates\\.io: ${CRATES.length} records$`, 'm'));
  assert.match(r.stderr, /npm: downloaded [\d.]+ MB/);
  const adv = AdvisoryDb.open(db);
  try {
    const s = adv.status();
    assert.equal(s.records, NPM.length + CRATES.length);
    const withdrawn = CRATES.filter((x) => x.withdrawn !== undefined).length;
    assert.ok(withdrawn > 0, 'the vendored crates.io records include withdrawn ones');
    assert.equal(s.withdrawn, withdrawn);
    assert.deepEqual(s.sources.map((x) => [x.name, x.origin]), [
      ['crates.io', `${base}/crates.io/all.zip`],
      ['npm', `${base}/npm/all.zip`],
    ]);
  } finally {
    adv.close();
  }
  // a second update replaces the ecosystem's records rather than adding to them
  const again = await cli(['db', 'update', '--url', base, '--ecosystem', 'npm', '--db', db], { cwd: dir });
  assert.equal(again.code, 0, again.stderr);
  const adv2 = AdvisoryDb.open(db);
  assert.equal(adv2.status().records, NPM.length + CRATES.length);
  adv2.close();
});

test('db update against an unreachable URL or a 404: one clear line, exit 2, old database untouched', async () => {
  served.zips = { npm: ecosystemZip('npm') };
  const dir = makeDir();
  const db = join(dir, 'adv.db');
  assert.equal((await cli(['db', 'update', '--url', base, '--ecosystem', 'npm', '--db', db], { cwd: dir })).code, 0);
  const before = sha(db);
  const missing = await cli(['db', 'update', '--url', base, '--ecosystem', 'npm,NoSuchEco', '--db', db], { cwd: dir });
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /NoSuchEco\/all\.zip: cannot download: HTTP 404/);
  // a closed port on loopback
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((r) => closed.close(() => r()));
  const down = await cli(['db', 'update', '--url', `http://127.0.0.1:${port}`, '--ecosystem', 'npm', '--db', db], { cwd: dir });
  assert.equal(down.code, 2);
  assert.match(down.stderr, /cannot download: .*ECONNREFUSED/);
  assert.equal(down.stderr.trim().split('\n').length, 1);
  assert.equal(sha(db), before);
});

test('an interrupted download fails cleanly and the next run resumes it with a Range request', async () => {
  served.zips = { 'crates.io': ecosystemZip('crates.io') };
  served.cutOnce.add('crates.io');
  served.requests = [];
  const dir = makeDir();
  const db = join(dir, 'adv.db');
  const first = await cli(['db', 'update', '--url', base, '--ecosystem', 'crates.io', '--db', db], { cwd: dir });
  assert.equal(first.code, 2);
  assert.match(first.stderr, /run again to resume/);
  assert.throws(() => AdvisoryDb.open(db), /no advisory database/);
  const second = await cli(['db', 'update', '--url', base, '--ecosystem', 'crates.io', '--db', db], { cwd: dir });
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, new RegExp(`crates\\.io: ${CRATES.length} records \\(resumed download\\)`));
  assert.match(served.requests.at(-1) ?? '', /bytes=\d+-$/);
});

test('a corrupt download is rejected and the old database stays', async () => {
  served.zips = { npm: ecosystemZip('npm') };
  const dir = makeDir();
  const db = join(dir, 'adv.db');
  assert.equal((await cli(['db', 'update', '--url', base, '--ecosystem', 'npm', '--db', db], { cwd: dir })).code, 0);
  const before = sha(db);
  served.zips = { npm: new TextEncoder().encode('this is not a zip archive') };
  const r = await cli(['db', 'update', '--url', base, '--ecosystem', 'npm', '--db', db], { cwd: dir });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /downloaded data is not valid/);
  assert.equal(sha(db), before);
  served.zips = { npm: zipSync({ 'x.json': new TextEncoder().encode('{"no":"id"}') }) };
  const r2 = await cli(['db', 'update', '--url', base, '--ecosystem', 'npm', '--db', db], { cwd: dir });
  assert.equal(r2.code, 2);
  assert.match(r2.stderr, /not an OSV record/);
  assert.equal(sha(db), before);
});

test('db status without a database says how to get one', async () => {
  const dir = makeDir();
  const r = await cli(['db', 'status', '--db', join(dir, 'none.db')], { cwd: dir });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /no advisory database: run `pipeguard db update` or `pipeguard db import`/);
});
