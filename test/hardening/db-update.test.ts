// `db update` against hostile or broken servers on 127.0.0.1 (each a real HTTP server, every loop bounded): a
// stalled body, an endless body, a trickle past the budget, a zip bomb, an empty export, a resumed download
// answered with the wrong range, and a corrupt database given through PIPEGUARD_DB. Each run ends with exit 2
// (or a failed scanner) in one line and the database as it was.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { zipSync } from 'fflate';
import { makeDir } from '../helpers/tmp.js';
import { TEST_DATA } from '../helpers/test-data.js';
import { oneLine, runCli } from './helpers.js';

const LIMIT = 90_000;

function npmZip(): Uint8Array {
  const dir = join(TEST_DATA, 'osv', 'npm');
  const files: Record<string, Uint8Array> = {};
  for (const f of readdirSync(dir)) files[f] = readFileSync(join(dir, f));
  return zipSync(files, { level: 1 });
}

/** A zip of `members` members, each `size` zero bytes deflated (the same data each time): a bomb. */
function bomb(members: number, size: number): Buffer {
  const data = deflateRawSync(Buffer.alloc(size), { level: 9 });
  const zeroCrc = crcOf(Buffer.alloc(size));
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (let i = 0; i < members; i++) {
    const name = Buffer.from(`GHSA-bomb-${i}.json`);
    const loc = Buffer.alloc(30);
    loc.writeUInt32LE(0x04034b50, 0);
    loc.writeUInt16LE(20, 4);
    loc.writeUInt16LE(8, 8);
    loc.writeUInt32LE(zeroCrc, 14);
    loc.writeUInt32LE(data.length, 18);
    loc.writeUInt32LE(size, 22);
    loc.writeUInt16LE(name.length, 26);
    const cen = Buffer.alloc(46);
    cen.writeUInt32LE(0x02014b50, 0);
    cen.writeUInt16LE(20, 4);
    cen.writeUInt16LE(20, 6);
    cen.writeUInt16LE(8, 10);
    cen.writeUInt32LE(zeroCrc, 16);
    cen.writeUInt32LE(data.length, 20);
    cen.writeUInt32LE(size, 24);
    cen.writeUInt16LE(name.length, 28);
    cen.writeUInt32LE(offset, 42);
    locals.push(loc, name, data);
    central.push(cen, name);
    offset += 30 + name.length + data.length;
  }
  const cd = Buffer.concat(central);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(members, 8);
  eocd.writeUInt16LE(members, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, eocd]);
}

function crcOf(b: Buffer): number {
  let c = ~0;
  const table = Array.from({ length: 256 }, (_, n) => {
    let x = n;
    for (let k = 0; k < 8; k++) x = x & 1 ? 0xedb88320 ^ (x >>> 1) : x >>> 1;
    return x >>> 0;
  });
  for (const byte of b) c = table[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

const GOOD = npmZip();
const EMPTY = zipSync({});
let server: Server;
let base = '';

before(async () => {
  server = createServer((req, res) => {
    const [, mode] = /^\/([^/]+)\//.exec(req.url ?? '') ?? [];
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (mode === 'good') {
      if (range) {
        const start = Number(range[1]);
        res.writeHead(206, { 'content-length': GOOD.length - start, 'content-range': `bytes ${start}-${GOOD.length - 1}/${GOOD.length}` });
        res.end(Buffer.from(GOOD.subarray(start)));
      } else res.writeHead(200, { 'content-length': GOOD.length }).end(Buffer.from(GOOD));
    } else if (mode === 'badrange') {
      // Answers a resume with the whole file, labelled as a range from 0.
      if (range) res.writeHead(206, { 'content-length': GOOD.length, 'content-range': `bytes 0-${GOOD.length - 1}/${GOOD.length}` }).end(Buffer.from(GOOD));
      else res.writeHead(200, { 'content-length': GOOD.length }).end(Buffer.from(GOOD));
    } else if (mode === 'stall') {
      res.writeHead(200, { 'content-length': GOOD.length });
      res.write(Buffer.from(GOOD.subarray(0, 100))); // then nothing, connection held open
    } else if (mode === 'endless') {
      res.writeHead(200); // chunked, no length
      const chunk = Buffer.alloc(64 * 1024, 0x41);
      let sent = 0;
      const pump = (): void => {
        while (sent < 512 * 1024 * 1024 && !res.destroyed) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('close', () => (sent = Infinity));
      pump();
    } else if (mode === 'trickle') {
      res.writeHead(200, { 'content-length': GOOD.length });
      let i = 0;
      const t = setInterval(() => {
        if (res.destroyed || i >= 3000) {
          clearInterval(t);
          res.destroy();
          return;
        }
        res.write(Buffer.from(GOOD.subarray(i, i + 1)));
        i++;
      }, 100);
    } else if (mode === 'bomb') {
      const b = bomb(40, 96 * 1024 * 1024);
      res.writeHead(200, { 'content-length': b.length }).end(b);
    } else if (mode === 'empty') {
      res.writeHead(200, { 'content-length': EMPTY.length }).end(Buffer.from(EMPTY));
    } else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  return new Promise<void>((r) => server.close(() => r()));
});

const sha = (p: string): string => createHash('sha256').update(readFileSync(p)).digest('hex');

/** A folder with a database updated from the good server. */
async function withDb(): Promise<{ dir: string; db: string }> {
  const dir = makeDir();
  const db = join(dir, 'adv.db');
  const r = await runCli(['db', 'update', '--url', `${base}/good`, '--ecosystem', 'npm', '--db', db], { cwd: dir, limitMs: LIMIT });
  assert.equal(r.code, 0, r.stderr);
  return { dir, db };
}

/** Runs an update from `mode` and checks it failed in one line and left the database as it was. */
async function refused(mode: string, extra: string[] = [], message?: RegExp): Promise<{ dir: string; db: string }> {
  const { dir, db } = await withDb();
  const before = sha(db);
  const r = await runCli(['db', 'update', '--url', `${base}/${mode}`, '--ecosystem', 'npm', '--db', db, ...extra], { cwd: dir, limitMs: LIMIT });
  assert.equal(r.hung, false, `${mode}: db update hung`);
  assert.equal(r.code, 2, `${mode}: exit ${r.code} ${r.signal ?? ''}: ${r.stderr}`);
  // Progress lines of downloads that completed come first; the failure itself is one line.
  assert.ok(oneLine(r.stderr.replace(/^\S+: downloaded [\d.]+ MB\n/gm, '')), r.stderr);
  if (message) assert.match(r.stderr, message);
  assert.equal(sha(db), before, `${mode}: the database changed`);
  return { dir, db };
}

test('a server that stalls mid-body meets the read timeout', async () => {
  await refused('stall', ['--timeout', '2'], /no data for 2 s/);
});

test('an endless body stops at the download size limit and is not kept', async () => {
  const { db } = await refused('endless', ['--max-download-size', '5000000'], /over the 5000000-byte download limit/);
  assert.equal(existsSync(join(`${db}.download`, 'npm.zip.part')), false);
});

test('a trickling server meets the total budget', async () => {
  await refused('trickle', ['--timeout', '5', '--budget', '3'], /budget/);
});

test('a zip bomb is refused by the bounded inflater, in db update and db import', async () => {
  const { dir } = await refused('bomb', [], /expands past/);
  writeFileSync(join(dir, 'bomb.zip'), bomb(40, 96 * 1024 * 1024));
  const r = await runCli(['db', 'import', 'bomb.zip', '--db', join(dir, 'other.db')], { cwd: dir, limitMs: LIMIT });
  assert.equal(r.code, 2, `exit ${r.code} ${r.signal ?? ''}: ${r.stderr}`);
  assert.ok(oneLine(r.stderr), r.stderr);
  assert.match(r.stderr, /bomb\.zip: .*expands past/);
});

test('an export with no records, or far fewer, is refused unless --allow-shrink', async () => {
  const { dir, db } = await refused('empty', [], /no records.*--allow-shrink/);
  const r = await runCli(['db', 'update', '--url', `${base}/empty`, '--ecosystem', 'npm', '--db', db, '--allow-shrink'], { cwd: dir, limitMs: LIMIT });
  assert.equal(r.code, 0, r.stderr);
});

test('a resumed download answered with the wrong Content-Range is discarded, not appended', async () => {
  const { dir, db } = await withDb();
  const before = sha(db);
  mkdirSync(`${db}.download`, { recursive: true });
  writeFileSync(join(`${db}.download`, 'npm.zip.part'), GOOD.subarray(0, Math.floor(GOOD.length / 2)));
  const r = await runCli(['db', 'update', '--url', `${base}/badrange`, '--ecosystem', 'npm', '--db', db], { cwd: dir, limitMs: LIMIT });
  assert.equal(r.code, 2, r.stderr);
  assert.ok(oneLine(r.stderr), r.stderr);
  assert.match(r.stderr, /Content-Range/);
  assert.equal(sha(db), before);
  assert.equal(existsSync(join(`${db}.download`, 'npm.zip.part')), false);
  // A correct resume still works.
  writeFileSync(join(`${db}.download`, 'npm.zip.part'), GOOD.subarray(0, Math.floor(GOOD.length / 2)));
  const ok = await runCli(['db', 'update', '--url', `${base}/good`, '--ecosystem', 'npm', '--db', db], { cwd: dir, limitMs: LIMIT });
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /resumed/);
});

test('a corrupt database named by PIPEGUARD_DB is a failed deps scanner and fails the gate', async () => {
  const dir = makeDir({
    'package-lock.json': JSON.stringify({ name: 'a', lockfileVersion: 3, packages: { '': { name: 'a' }, 'node_modules/lodash': { version: '4.17.20' } } }),
    'corrupt.db': 'SQLite format 3\0' + 'x'.repeat(5000),
  });
  const r = await runCli(['scan', '.', '--scanners', 'deps', '--format', 'json'], { cwd: dir, env: { PIPEGUARD_DB: join(dir, 'corrupt.db') }, limitMs: LIMIT });
  assert.equal(r.code, 1, r.stderr);
  const report = JSON.parse(r.stdout) as { statuses: { scanner: string; status: string }[] };
  assert.equal(report.statuses.find((s) => s.scanner === 'deps')?.status, 'failed');
});
