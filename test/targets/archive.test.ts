import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDeflateRaw, createGzip, deflateRawSync, gzipSync as zlibGzipSync } from 'node:zlib';
import { gzipSync, zipSync, strToU8 } from 'fflate';
import { InputError } from '../../src/core/errors.js';
import type { Limits, TargetFile } from '../../src/core/types.js';
import { isArchivePath, newArchiveBudget, openArchive, readArchive, archiveExpander } from '../../src/targets/archive.js';
import { openDirectory } from '../../src/targets/directory.js';
import { makeDir } from '../helpers/tmp.js';

const MiB = 1024 * 1024;
const LIMITS: Limits = { maxFileBytes: MiB, maxArchiveDepth: 4, maxArchiveMembers: 1000, maxArchiveExpandedBytes: 64 * MiB };

interface Note {
  path: string;
  message: string;
}

async function collect(
  name: string,
  bytes: Uint8Array,
  limits: Limits = LIMITS,
): Promise<{ files: { path: string; text: string; archive: string[] | undefined }[]; notes: Note[] }> {
  const notes: Note[] = [];
  const files: { path: string; text: string; archive: string[] | undefined }[] = [];
  for await (const f of readArchive(name, bytes, limits, newArchiveBudget(), (path, message) => notes.push({ path, message }))) {
    files.push({ path: f.path, text: await f.text(), archive: f.origin?.archive });
  }
  return { files, notes };
}

/** Runs a real command line tool. */
function run(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

// --- builders of hand-made archives (the parts real tools will not produce: lies and corruption) ---

function u16(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff];
}
function u32(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
}

interface RawMember {
  name: string;
  /** Compressed (method 8) or stored (method 0) data. */
  data: Uint8Array;
  method: 0 | 8;
  /** What the headers claim the member expands to. */
  declaredSize: number;
}

/** A zip whose headers say what we want them to say. */
function handZip(members: RawMember[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: number[] = [];
  let offset = 0;
  for (const m of members) {
    const name = Buffer.from(m.name, 'utf8');
    const local = [
      ...u32(0x04034b50), ...u16(20), ...u16(0x800), ...u16(m.method), ...u16(0), ...u16(0), ...u32(0),
      ...u32(m.data.length), ...u32(m.declaredSize), ...u16(name.length), ...u16(0),
    ];
    central.push(
      ...u32(0x02014b50), ...u16(20), ...u16(20), ...u16(0x800), ...u16(m.method), ...u16(0), ...u16(0), ...u32(0),
      ...u32(m.data.length), ...u32(m.declaredSize), ...u16(name.length), ...u16(0), ...u16(0), ...u16(0), ...u16(0),
      ...u32(0), ...u32(offset), ...name,
    );
    const head = Uint8Array.from([...local, ...name]);
    parts.push(head, m.data);
    offset += head.length + m.data.length;
  }
  const cd = Uint8Array.from(central);
  const eocd = Uint8Array.from([
    ...u32(0x06054b50), ...u16(0), ...u16(0), ...u16(members.length), ...u16(members.length),
    ...u32(cd.length), ...u32(offset), ...u16(0),
  ]);
  return Buffer.concat([...parts, cd, eocd]);
}

/** One ustar header block for `name` declaring `size` bytes (checksum computed). */
function tarHeader(name: string, size: number): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, 'utf8');
  h.write('0000644\0', 100, 'latin1');
  h.write('0000000\0', 108, 'latin1');
  h.write('0000000\0', 116, 'latin1');
  h.write(size.toString(8).padStart(11, '0') + '\0', 124, 'latin1');
  h.write('00000000000\0', 136, 'latin1');
  h.write('        ', 148, 'latin1');
  h[156] = 0x30;
  h.write('ustar\x0000', 257, 'latin1');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
  return h;
}

/** `count` MiB of zeros, deflated (raw or gzip) as a stream, never held expanded. */
async function compressedZeros(count: number, kind: 'raw' | 'gzip', before?: Uint8Array): Promise<Buffer> {
  const z = kind === 'raw' ? createDeflateRaw({ level: 9 }) : createGzip({ level: 9 });
  const out: Buffer[] = [];
  z.on('data', (c: Buffer) => out.push(c));
  const done = new Promise((r) => z.on('end', r));
  if (before) z.write(before);
  const mib = Buffer.alloc(MiB);
  for (let i = 0; i < count; i++) {
    if (!z.write(mib)) await new Promise((r) => z.once('drain', r));
  }
  z.end();
  await done;
  return Buffer.concat(out);
}

// --- tests ---

test('isArchivePath knows the zip family, tar, tar.gz/tgz and gz', () => {
  for (const p of ['a.zip', 'lib/x.JAR', 'app.war', 'b.ear', 'c.apk', 'd.nupkg', 'e-1.0-py3-none-any.whl', 'f.tar', 'g.tar.gz', 'h.tgz', 'i.log.gz']) {
    assert.ok(isArchivePath(p), p);
  }
  for (const p of ['a.txt', 'zip', 'archive.zipx', 'x.gzip', 'README.md', 'a.tar.bz2']) assert.ok(!isArchivePath(p), p);
});

test('zip built by fflate: members named outer!inner with origin.archive, dirs not yielded', async () => {
  const zip = zipSync({
    'config/app.properties': strToU8('db.password=hunter2-not-real\n'),
    'README.md': strToU8('# hello\n'),
    'empty/': new Uint8Array(0),
  });
  const { files, notes } = await collect('dist/app.zip', zip);
  assert.deepEqual(notes, []);
  assert.deepEqual(files.map((f) => f.path).sort(), ['dist/app.zip!README.md', 'dist/app.zip!config/app.properties']);
  const props = files.find((f) => f.path.endsWith('app.properties'))!;
  assert.equal(props.text, 'db.password=hunter2-not-real\n');
  assert.deepEqual(props.archive, ['dist/app.zip']);
});

test('zip made by the real zip tool (deflated and stored members, directory entries)', async () => {
  const dir = makeDir({ 'src/pkg/a.txt': 'alpha '.repeat(500), 'src/b.txt': 'b\n', 'src/pkg/deep/c.yml': 'key: value\n' });
  run('zip', ['-q', '-r', 'out.zip', 'src'], dir);
  run('zip', ['-q', '-0', 'stored.zip', 'src/b.txt'], dir);
  const { files, notes } = await collect('out.zip', readFileSync(join(dir, 'out.zip')));
  assert.deepEqual(notes, []);
  assert.deepEqual(files.map((f) => f.path).sort(), ['out.zip!src/b.txt', 'out.zip!src/pkg/a.txt', 'out.zip!src/pkg/deep/c.yml']);
  assert.equal(files.find((f) => f.path.endsWith('a.txt'))!.text, 'alpha '.repeat(500));
  const stored = await collect('stored.zip', readFileSync(join(dir, 'stored.zip')));
  assert.deepEqual(stored.files.map((f) => [f.path, f.text]), [['stored.zip!src/b.txt', 'b\n']]);
});

test('jar, war, whl and nupkg are read as zips', async () => {
  const zip = zipSync({ 'META-INF/MANIFEST.MF': strToU8('Manifest-Version: 1.0\n') });
  for (const n of ['lib.jar', 'app.war', 'pkg-1.0-py3-none-any.whl', 'Pkg.1.0.0.nupkg']) {
    const { files } = await collect(n, zip);
    assert.deepEqual(files.map((f) => f.path), [`${n}!META-INF/MANIFEST.MF`]);
  }
});

test('tar made by the real tar tool in gnu, pax and ustar formats, with long and unicode names', async () => {
  const long = `${'d'.repeat(60)}/${'e'.repeat(60)}/file-with-a-long-name.txt`;
  const dir = makeDir({ [`t/${long}`]: 'long one\n', 't/ünï cödé.txt': 'unicode\n', 't/short.txt': 'short\n' });
  for (const format of ['gnu', 'pax', 'ustar']) {
    run('tar', [`--format=${format}`, '-cf', `${format}.tar`, 't'], dir);
    const { files, notes } = await collect(`${format}.tar`, readFileSync(join(dir, `${format}.tar`)));
    assert.deepEqual(notes, [], format);
    assert.deepEqual(
      files.map((f) => f.path).sort(),
      [`${format}.tar!t/${long}`, `${format}.tar!t/short.txt`, `${format}.tar!t/ünï cödé.txt`].sort(),
      format,
    );
    assert.equal(files.find((f) => f.path.endsWith('long-name.txt'))!.text, 'long one\n');
  }
  run('tar', ['-czf', 'both.tar.gz', 't'], dir);
  const tgz = await collect('both.tar.gz', readFileSync(join(dir, 'both.tar.gz')));
  assert.equal(tgz.files.length, 3);
});

test('a real npm pack tarball is read as tgz', async () => {
  const dir = makeDir({
    'package.json': JSON.stringify({ name: 'tiny-pipeguard-fixture', version: '1.2.3', main: 'index.js' }),
    'index.js': 'module.exports = { endpoint: "https://example.test" };\n',
  });
  run('npm', ['pack', '--silent', '--offline'], dir);
  const name = 'tiny-pipeguard-fixture-1.2.3.tgz';
  const { files, notes } = await collect(name, readFileSync(join(dir, name)));
  assert.deepEqual(notes, []);
  assert.deepEqual(files.map((f) => f.path).sort(), [`${name}!package/index.js`, `${name}!package/package.json`]);
  assert.match(files.find((f) => f.path.endsWith('index.js'))!.text, /example\.test/);
});

test('single-file .gz is one member named without .gz', async () => {
  const { files } = await collect('logs/app.log.gz', gzipSync(strToU8('line one\nline two\n')));
  assert.deepEqual(files.map((f) => [f.path, f.text]), [['logs/app.log.gz!app.log', 'line one\nline two\n']]);
});

test('nested zip in tar in zip: a.zip!b.tar!c.zip!d.properties with the chain in origin', async () => {
  const inner = zipSync({ 'd.properties': strToU8('token=nested\n') });
  const dir = makeDir({ 'c.zip': inner, 'note.txt': 'n\n' });
  run('tar', ['-cf', 'b.tar', 'c.zip', 'note.txt'], dir);
  const outer = zipSync({ 'lib/b.tar': readFileSync(join(dir, 'b.tar')) });
  const { files, notes } = await collect('a.zip', outer);
  assert.deepEqual(notes, []);
  const d = files.find((f) => f.path.endsWith('d.properties'))!;
  assert.equal(d.path, 'a.zip!lib/b.tar!c.zip!d.properties');
  assert.deepEqual(d.archive, ['a.zip', 'lib/b.tar', 'c.zip']);
  assert.equal(d.text, 'token=nested\n');
  assert.ok(files.some((f) => f.path === 'a.zip!lib/b.tar!note.txt'));
});

test('depth limit: archives nested deeper than maxArchiveDepth are not opened, with a note', async () => {
  let z = zipSync({ 'leaf.txt': strToU8('leaf\n') });
  for (let i = 3; i >= 1; i--) z = zipSync({ [`l${i}.zip`]: z });
  const deep = await collect('top.zip', z, { ...LIMITS, maxArchiveDepth: 3 });
  assert.deepEqual(deep.files.map((f) => f.path), ['top.zip!l1.zip!l2.zip!l3.zip!leaf.txt']);
  const shallow = await collect('top.zip', z, { ...LIMITS, maxArchiveDepth: 1 });
  assert.deepEqual(shallow.files, []);
  assert.deepEqual(shallow.notes, [{ path: 'top.zip!l1.zip!l2.zip', message: 'nested archive not opened: depth limit of 1 reached' }]);
});

test('member limit ends the archive with one note', async () => {
  const members: Record<string, Uint8Array> = {};
  for (let i = 0; i < 50; i++) members[`f${String(i).padStart(2, '0')}.txt`] = strToU8(`file ${i}\n`);
  const { files, notes } = await collect('many.zip', zipSync(members), { ...LIMITS, maxArchiveMembers: 10 });
  assert.equal(files.length, 10);
  assert.deepEqual(notes, [{ path: 'many.zip', message: 'member limit of 10 reached; the rest of the archive was not read' }]);
  const dirsFirst: Record<string, Uint8Array> = {};
  for (let i = 0; i < 30; i++) dirsFirst[`d${i}/`] = new Uint8Array(0);
  for (let i = 0; i < 5; i++) dirsFirst[`z${i}.txt`] = strToU8(`z${i}`);
  const d = await collect('dirs.zip', zipSync(dirsFirst), { ...LIMITS, maxArchiveMembers: 10 });
  assert.equal(d.files.length, 5, 'directory entries do not count as members');
  assert.deepEqual(d.notes, []);
});

test('zip bomb: 300 MiB of zeros stops at the expanded-size budget, memory stays bounded', async () => {
  const deflated = await compressedZeros(300, 'raw');
  assert.ok(deflated.length < 2 * MiB);
  const bomb = handZip([
    { name: 'ok.txt', data: deflateRawSync(Buffer.from('fine\n')), method: 8, declaredSize: 5 },
    { name: 'zeros.bin', data: deflated, method: 8, declaredSize: 300 * MiB },
    { name: 'after.txt', data: deflateRawSync(Buffer.from('never read\n')), method: 8, declaredSize: 11 },
  ]);
  const before = process.memoryUsage().rss;
  const limits = { ...LIMITS, maxFileBytes: 1024 * MiB, maxArchiveExpandedBytes: 16 * MiB };
  const { files, notes } = await collect('bomb.zip', bomb, limits);
  const grown = process.memoryUsage().rss - before;
  assert.deepEqual(files.map((f) => f.path), ['bomb.zip!ok.txt']);
  assert.deepEqual(notes, [{ path: 'bomb.zip', message: `expanded size limit of ${16 * MiB} bytes reached; the rest of the archive was not read` }]);
  assert.ok(grown < 150 * MiB, `rss grew by ${Math.round(grown / MiB)} MiB`);
});

test('zip member whose header lies about its size is cut at maxFileBytes, the archive goes on', async () => {
  const liar = handZip([
    { name: 'small-they-say.txt', data: await compressedZeros(8, 'raw'), method: 8, declaredSize: 10 },
    { name: 'next.txt', data: deflateRawSync(Buffer.from('still read\n')), method: 8, declaredSize: 11 },
  ]);
  const { files, notes } = await collect('liar.zip', liar);
  assert.deepEqual(files.map((f) => [f.path, f.text]), [['liar.zip!next.txt', 'still read\n']]);
  assert.deepEqual(notes, [{ path: 'liar.zip!small-they-say.txt', message: `skipped: more than ${MiB} (declared 10) bytes is over the ${MiB}-byte file size limit` }]);
});

test('tar.gz bomb: a member declaring 300 MiB is skipped and the streamed gunzip stops at the budget', async () => {
  const tgz = await compressedZeros(300, 'gzip', tarHeader('zeros.bin', 300 * MiB));
  const { files, notes } = await collect('bomb.tgz', tgz, { ...LIMITS, maxArchiveExpandedBytes: 8 * MiB });
  assert.deepEqual(files, []);
  assert.deepEqual(notes, [
    { path: 'bomb.tgz!zeros.bin', message: `skipped: ${300 * MiB} bytes is over the ${MiB}-byte file size limit` },
    { path: 'bomb.tgz', message: `expanded size limit of ${8 * MiB} bytes reached; the rest of the archive was not read` },
  ]);
});

test('42.zip-style nesting is stopped by the shared budget', async () => {
  const leaf = zipSync({ 'zeros.txt': new Uint8Array(MiB) }, { level: 9 });
  let level = leaf;
  for (let d = 0; d < 3; d++) {
    const copies: Record<string, Uint8Array> = {};
    for (let i = 0; i < 16; i++) copies[`c${i}.zip`] = level;
    level = zipSync(copies, { level: 9 });
  }
  assert.ok(level.length < 4 * MiB);
  const budget = newArchiveBudget();
  const notes: Note[] = [];
  let n = 0;
  const limits = { ...LIMITS, maxArchiveDepth: 10, maxArchiveExpandedBytes: 40 * MiB, maxArchiveMembers: 100000 };
  for await (const _f of readArchive('42.zip', level, limits, budget, (path, message) => notes.push({ path, message }), 0, { includeBinary: true })) n++;
  assert.ok(n > 0 && n < 40, `read ${n} leaves`);
  assert.deepEqual(notes, [{ path: '42.zip', message: `expanded size limit of ${40 * MiB} bytes reached; the rest of the archive was not read` }]);
  assert.ok(budget.expandedBytes > 40 * MiB && budget.expandedBytes < 48 * MiB);
});

test('members over maxFileBytes are skipped with a note; binary members are dropped unless asked for', async () => {
  const zip = zipSync({ 'big.txt': new Uint8Array(2 * MiB).fill(0x61), 'bin.dat': Uint8Array.from([1, 0, 2]), 'ok.txt': strToU8('ok') });
  const { files, notes } = await collect('x.zip', zip);
  assert.deepEqual(files.map((f) => f.path), ['x.zip!ok.txt']);
  assert.deepEqual(notes, [{ path: 'x.zip!big.txt', message: `skipped: ${2 * MiB} bytes is over the ${MiB}-byte file size limit` }]);
  const all: string[] = [];
  for await (const f of readArchive('x.zip', zip, LIMITS, newArchiveBudget(), () => undefined, 0, { includeBinary: true })) all.push(f.path);
  assert.deepEqual(all.sort(), ['x.zip!bin.dat', 'x.zip!ok.txt']);
});

test('path traversal names are only names', async () => {
  const zip = handZip([{ name: '../../etc/passwd', data: Buffer.from('root:x:0:0\n'), method: 0, declaredSize: 11 }]);
  const { files } = await collect('evil.zip', zip);
  assert.deepEqual(files.map((f) => f.path), ['evil.zip!../../etc/passwd']);
});

test('corrupt archives: a note inside a scan, nested corruption does not stop the outer archive', async () => {
  const notes: Note[] = [];
  for await (const _f of readArchive('bad.zip', Buffer.from('PK\x03\x04 this is not really a zip'), LIMITS, newArchiveBudget(), (path, message) => notes.push({ path, message }))) {
    assert.fail('nothing to yield');
  }
  assert.deepEqual(notes, [{ path: 'bad.zip', message: 'corrupt archive: not a valid zip archive (end of central directory not found)' }]);

  const good = zipSync({ 'a.txt': strToU8('a\n') });
  const truncatedGz = zlibGzipSync(Buffer.concat([tarHeader('x.txt', 3000), Buffer.alloc(3000, 0x62)])).subarray(0, 60);
  const outer = zipSync({ 'inner.zip': good.subarray(0, good.length - 10), 'in.tgz': truncatedGz, 'plain.txt': strToU8('p\n') });
  const r = await collect('outer.zip', outer);
  assert.deepEqual(r.files.map((f) => f.path), ['outer.zip!plain.txt']);
  assert.equal(r.notes.length, 2);
  assert.equal(r.notes[0]!.path, 'outer.zip!inner.zip');
  assert.match(r.notes[0]!.message, /^corrupt archive: /);
  assert.equal(r.notes[1]!.path, 'outer.zip!in.tgz');
  assert.match(r.notes[1]!.message, /^corrupt archive: /);

  const badTar = Buffer.concat([tarHeader('ok.txt', 3), Buffer.from('abc'), Buffer.alloc(509), Buffer.alloc(512, 0x41)]);
  const t = await collect('bad.tar', badTar);
  assert.deepEqual(t.notes, [{ path: 'bad.tar', message: 'corrupt archive: bad tar header checksum at offset 1024' }]);
});

test('a tar member whose header claims more data than there is is a truncation error', async () => {
  const lying = Buffer.concat([tarHeader('short.txt', 100000), Buffer.alloc(512, 0x61)]);
  const { files, notes } = await collect('lying.tar', lying);
  assert.deepEqual(files, []);
  assert.deepEqual(notes, [{ path: 'lying.tar', message: 'corrupt archive: unexpected end of data (truncated archive?)' }]);
});

test('openArchive: target of kind archive; InputError for missing, non-archive and corrupt files', async () => {
  const dir = makeDir({ 'not.zip': 'hello', 'plain.txt': 'hello' });
  const tgz = Buffer.from(gzipSync(Buffer.concat([tarHeader('package/index.js', 4), Buffer.from('x=1\n'), Buffer.alloc(508), Buffer.alloc(1024)])));
  writeFileSync(join(dir, 'app.tgz'), tgz);
  writeFileSync(join(dir, 'cut.tgz'), tgz.subarray(0, tgz.length - 30));
  const t = await openArchive(join(dir, 'app.tgz'), LIMITS);
  assert.equal(t.kind, 'archive');
  const seen: TargetFile[] = [];
  for await (const f of t.files()) seen.push(f);
  assert.deepEqual(seen.map((f) => f.path), ['app.tgz!package/index.js']);
  const named = await openArchive(join(dir, 'app.tgz'), LIMITS, 'dist/app.tgz');
  for await (const f of named.files()) assert.equal(f.path, 'dist/app.tgz!package/index.js');
  for await (const f of named.files({ path: () => false })) assert.fail(`filtered out: ${f.path}`);
  await t.dispose();

  await assert.rejects(openArchive(join(dir, 'missing.zip'), LIMITS), (e: unknown) => e instanceof InputError && e.format().endsWith('missing.zip: no such file'));
  await assert.rejects(openArchive(join(dir, 'plain.txt'), LIMITS), (e: unknown) => e instanceof InputError && /not a zip, tar or gzip archive/.test(e.message));
  await assert.rejects(openArchive(join(dir, 'not.zip'), LIMITS), (e: unknown) => e instanceof InputError && e.format() === `${join(dir, 'not.zip')}: corrupt archive: not a valid zip archive (end of central directory not found)`);
  const cut = await openArchive(join(dir, 'cut.tgz'), LIMITS);
  await assert.rejects(
    (async () => {
      for await (const _f of cut.files()) void _f;
    })(),
    (e: unknown) => e instanceof InputError && e.file === join(dir, 'cut.tgz') && /^corrupt archive: /.test(e.message),
  );
});

test('archiveExpander plugs into the directory target', async () => {
  const dir = makeDir({ 'src/a.txt': 'a\n' });
  mkdirSync(join(dir, 'dist'));
  writeFileSync(join(dir, 'dist', 'app.zip'), zipSync({ 'conf/x.env': strToU8('X=1\n') }));
  const notes: Note[] = [];
  const t = await openDirectory(dir, { expandArchive: archiveExpander(LIMITS, (path, message) => notes.push({ path, message })) });
  const paths: string[] = [];
  for await (const f of t.files()) paths.push(f.path);
  assert.deepEqual(paths.sort(), ['dist/app.zip!conf/x.env', 'src/a.txt']);
  assert.deepEqual(notes, []);
});
