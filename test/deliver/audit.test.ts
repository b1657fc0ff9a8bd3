import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { InputError } from '../../src/core/errors.js';
import { GENESIS, hashEntry, type AuditEntry } from '../../src/deliver/audit/entry.js';
import { AuditLog, readHead } from '../../src/deliver/audit/log.js';
import { readAuditEntries } from '../../src/deliver/audit/read.js';
import { generateSigningKey, publicKeyFromPem, signerFromPem } from '../../src/deliver/audit/signer.js';
import { verifyAuditLog } from '../../src/deliver/audit/verify.js';
import { makeDir } from '../helpers/tmp.js';

const actor = { user: 'tester', host: 'ci-1' };
const key = generateSigningKey();
const signer = signerFromPem(key.privatePem);

async function makeLog(n: number, opts: { signed?: boolean; every?: number } = {}): Promise<string> {
  const path = join(makeDir(), 'audit.jsonl');
  let t = Date.UTC(2026, 0, 1);
  const log = new AuditLog({ path, actor, now: () => new Date((t += 1000)), checkpointEvery: opts.every ?? 100, ...(opts.signed ? { signer } : {}), fsync: false });
  for (let i = 0; i < n; i++) await log.append('step.finished', { step: `s${i}`, exitCode: i % 3 }, { run: 'r1' });
  return path;
}

const lines = (p: string) => readFileSync(p, 'utf8').split('\n').slice(0, -1);
const write = (p: string, ls: string[]) => writeFileSync(p, ls.map((l) => l + '\n').join(''));

test('appends link each entry to the one before by the SHA-256 of its canonical form', async () => {
  const path = await makeLog(5);
  const got: AuditEntry[] = [];
  for await (const r of readAuditEntries(path)) got.push(r.entry);
  assert.deepEqual(got.map((e) => e.seq), [1, 2, 3, 4, 5]);
  assert.equal(got[0]!.prev, GENESIS);
  for (let i = 1; i < got.length; i++) assert.equal(got[i]!.prev, hashEntry(got[i - 1]!));
  assert.deepEqual(got[2]!.data, { step: 's2', exitCode: 2 });
  assert.equal(got[2]!.run, 'r1');
  assert.deepEqual(readHead(path), { seq: 5, hash: hashEntry(got[4]!), time: got[4]!.time });
  const r = await verifyAuditLog(path);
  assert.equal(r.ok, true);
  assert.equal(r.entries, 5);
  assert.match(r.notes.join('\n'), /no signed checkpoints/);
});

test('signed checkpoints every N entries verify, pinned to the public key; another key is refused', async () => {
  const path = await makeLog(12, { signed: true, every: 5 });
  const entries: AuditEntry[] = [];
  for await (const r of readAuditEntries(path)) entries.push(r.entry);
  const cps = entries.filter((e) => e.type === 'checkpoint');
  assert.deepEqual(cps.map((e) => e.seq), [6, 11]); // after the entries numbered 5 and 10
  assert.equal(cps[0]!.data['covers'], 5);
  const pub = publicKeyFromPem(key.publicPem);
  const r = await verifyAuditLog(path, { publicKeys: [pub] });
  assert.equal(r.ok, true, r.problem?.message);
  assert.equal(r.checkpoints, 2);
  assert.equal(r.signedThrough, 11);
  assert.equal(r.lastSeq, 14);
  const other = publicKeyFromPem(generateSigningKey().publicPem);
  const bad = await verifyAuditLog(path, { publicKeys: [other] });
  assert.equal(bad.ok, false);
  assert.match(bad.problem!.message, /checkpoint entry 6 \(line 6\) is signed by key [0-9a-f]{16}, not a trusted key/);
});

test('an edited entry is named: the next entry recorded another hash for it', async () => {
  const path = await makeLog(8);
  const ls = lines(path);
  ls[3] = ls[3]!.replace('"exitCode":0', '"exitCode":1');
  write(path, ls);
  const r = await verifyAuditLog(path);
  assert.equal(r.ok, false);
  assert.equal(r.problem!.seq, 4);
  assert.equal(r.problem!.message, 'entry 4 (line 4) was changed: entry 5 recorded a different hash for it');
});

test('an edited last entry is caught by the head', async () => {
  const path = await makeLog(4);
  const ls = lines(path);
  ls[3] = ls[3]!.replace('"step":"s3"', '"step":"sX"');
  write(path, ls);
  const r = await verifyAuditLog(path);
  assert.equal(r.problem!.message, 'entry 4 (line 4, the last) was changed: the head records a different hash');
});

test('a deleted entry leaves a gap that names it', async () => {
  const path = await makeLog(8);
  const ls = lines(path);
  ls.splice(2, 1);
  write(path, ls);
  const r = await verifyAuditLog(path);
  assert.equal(r.problem!.seq, 3);
  assert.equal(r.problem!.message, 'entry 3 is missing: line 3 holds entry 4 after entry 2');
  const first = await makeLog(3);
  write(first, lines(first).slice(1));
  assert.match((await verifyAuditLog(first)).problem!.message, /entries 1 to 1 are missing|entry 1/);
});

test('an inserted or moved entry is out of order', async () => {
  const path = await makeLog(6);
  const ls = lines(path);
  ls.splice(4, 0, ls[1]!); // a copy of entry 2 inserted after entry 4
  write(path, ls);
  const r = await verifyAuditLog(path);
  assert.equal(r.problem!.message, 'line 5 holds entry 2 after entry 4: an entry was inserted or entries were moved');
  const p2 = await makeLog(6);
  const l2 = lines(p2);
  [l2[2], l2[3]] = [l2[3]!, l2[2]!];
  write(p2, l2);
  const r2 = await verifyAuditLog(p2);
  assert.equal(r2.problem!.seq, 3);
  assert.match(r2.problem!.message, /entry 3 is missing: line 3 holds entry 4 after entry 2/);
});

test('a forged entry with the right number but a wrong link is named', async () => {
  const path = await makeLog(6);
  const ls = lines(path);
  const e = JSON.parse(ls[2]!) as AuditEntry;
  e.data = { step: 'forged', exitCode: 0 };
  e.prev = 'f'.repeat(64);
  ls[2] = JSON.stringify(e);
  write(path, ls);
  const r = await verifyAuditLog(path);
  assert.equal(r.problem!.message, 'entry 3 (line 3) was changed or replaced: it does not link to entry 2');
});

test('a cut tail is caught: fewer entries than the head records, or an incomplete last line', async () => {
  const path = await makeLog(6);
  write(path, lines(path).slice(0, 4));
  const r = await verifyAuditLog(path);
  assert.equal(r.problem!.message, 'the log ends at entry 4 but its head records 6: the tail was cut (entries 5 to 6 were removed)');
  const p2 = await makeLog(3);
  const text = readFileSync(p2, 'utf8');
  writeFileSync(p2, text.slice(0, text.length - 20));
  assert.equal((await verifyAuditLog(p2)).problem!.message, 'line 3 is incomplete: the tail was cut or a write was interrupted');
  // and an append refuses to build on it
  const log = new AuditLog({ path: p2, actor });
  await assert.rejects(log.append('x', {}), (e: unknown) => e instanceof InputError && /ends in an incomplete line/.test(e.message));
});

test('a rewritten chain (every later link recomputed) still fails the signed checkpoint', async () => {
  const path = await makeLog(10, { signed: true, every: 4 });
  const entries = lines(path).map((l) => JSON.parse(l) as AuditEntry);
  entries[1]!.data = { step: 'rewritten', exitCode: 0 };
  for (let i = 2; i < entries.length; i++) entries[i]!.prev = hashEntry(entries[i - 1]!);
  write(path, entries.map((e) => JSON.stringify(e)));
  const r = await verifyAuditLog(path, { noHead: true });
  assert.equal(r.problem!.message, 'checkpoint entry 5 (line 5) has a bad signature: it or the entries before it were rewritten');
});

test('a line that is not an entry is an input error naming the line', async () => {
  const path = await makeLog(3);
  const ls = lines(path);
  ls[1] = '{not json';
  write(path, ls);
  await assert.rejects(verifyAuditLog(path), (e: unknown) => e instanceof InputError && e.line === 2 && /not JSON/.test(e.message));
  await assert.rejects(verifyAuditLog(join(makeDir(), 'none.jsonl')), /no such audit log/);
});

test('two processes appending at once never interleave lines or fork the chain', async () => {
  const dir = makeDir();
  const path = join(dir, 'audit.jsonl');
  const keyFile = join(dir, 'key.pem');
  writeFileSync(keyFile, key.privatePem);
  const writer = fileURLToPath(new URL('./helpers/audit-writer.ts', import.meta.url));
  const run = (name: string) =>
    new Promise<number>((resolve, reject) => {
      const p = spawn(process.execPath, ['--import', 'tsx', writer, path, name, '150', keyFile], { stdio: ['ignore', 'inherit', 'inherit'] });
      p.on('error', reject);
      p.on('exit', (code) => resolve(code ?? -1));
    });
  const both = Promise.all([run('a'), run('b')]);
  // both processes wait for this file before appending
  setTimeout(() => writeFileSync(`${path}.go`, ''), 1500);
  assert.deepEqual(await both, [0, 0]);
  const entries: AuditEntry[] = [];
  for await (const r of readAuditEntries(path)) entries.push(r.entry);
  const events = entries.filter((e) => e.type === 'test.event');
  assert.equal(events.length, 300);
  assert.equal(events.filter((e) => e.actor.user === 'a').length, 150);
  // the writers' appends interleave (they ran at the same time), yet the chain is whole
  const switches = events.filter((e, i) => i > 0 && e.actor.user !== events[i - 1]!.actor.user).length;
  assert.ok(switches > 1, `expected the two writers to interleave, saw ${switches} switches`);
  const r = await verifyAuditLog(path, { publicKeys: [publicKeyFromPem(key.publicPem)] });
  assert.equal(r.ok, true, r.problem?.message);
  assert.equal(r.lastSeq, entries.length);
});

test('audit verify on the command line: 0 intact, 1 broken (naming the entry), 2 unreadable; keys pinned with --public-key', async () => {
  const { cli } = await import('../helpers/cli.js');
  const path = await makeLog(6, { signed: true, every: 3 });
  const dir = join(path, '..');
  const pubFile = join(dir, 'pub.pem');
  writeFileSync(pubFile, key.publicPem);
  const ok = await cli(['audit', 'verify', 'audit.jsonl', '--public-key', 'pub.pem'], { cwd: dir });
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.stdout, 'audit.jsonl: intact: 8 entries, 2 signed checkpoint(s), signed through entry 7\n  note: entry 8 is not yet covered by a signed checkpoint\n');
  const json = JSON.parse((await cli(['audit', 'verify', 'audit.jsonl', '--json'], { cwd: dir })).stdout) as { ok: boolean; notes: string[] };
  assert.equal(json.ok, true);
  assert.match(json.notes.join('\n'), /pin it with --public-key/);
  const ls = lines(path);
  ls[5] = ls[5]!.replace('"exitCode":1', '"exitCode":0');
  write(path, ls);
  const broken = await cli(['audit', 'verify', 'audit.jsonl', '--public-key', 'pub.pem'], { cwd: dir });
  assert.equal(broken.code, 1);
  assert.equal(broken.stdout, 'audit.jsonl: BROKEN at line 6: entry 6 (line 6) was changed: entry 7 recorded a different hash for it\n');
  ls[4] = '{"half": ';
  write(path, ls);
  const corrupt = await cli(['audit', 'verify', 'audit.jsonl'], { cwd: dir });
  assert.equal(corrupt.code, 2);
  assert.equal(corrupt.stderr, 'pipeguard: audit.jsonl:5: not JSON: the audit log is corrupt here\n');
  const badKey = await cli(['audit', 'verify', 'audit.jsonl', '--public-key', 'audit.jsonl'], { cwd: dir });
  assert.equal(badKey.code, 2);
  assert.match(badKey.stderr, /^pipeguard: audit\.jsonl: not an Ed25519 public key/);
});
