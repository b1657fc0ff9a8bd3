import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileBatches } from '../../src/core/types.js';
import { openDirectory } from '../../src/targets/directory.js';
import { makeDir } from '../helpers/tmp.js';

async function paths(root: string, opts = {}): Promise<string[]> {
  const t = await openDirectory(root, opts);
  const out: string[] = [];
  for await (const f of t.files()) out.push(f.path);
  return out;
}

test('honours nested .gitignore files and excludes, skips .git', async () => {
  const dir = makeDir({
    '.gitignore': 'dist/\n*.log\n',
    'a.js': 'a',
    'dist/x.js': 'x',
    'err.log': 'e',
    'sub/.gitignore': 'local.txt\n!keep.log\n',
    'sub/local.txt': 'l',
    'sub/keep.log': 'k',
    'sub/ok.txt': 'o',
    'vendor/lib.js': 'v',
    '.git/config': 'c',
  });
  assert.deepEqual(await paths(dir, { exclude: ['vendor/**'] }), ['.gitignore', 'a.js', 'sub/.gitignore', 'sub/keep.log', 'sub/ok.txt']);
  assert.deepEqual(await paths(dir, { gitignore: false }), [
    '.gitignore', 'a.js', 'dist/x.js', 'err.log', 'sub/.gitignore', 'sub/keep.log', 'sub/local.txt', 'sub/ok.txt', 'vendor/lib.js',
  ]);
});

test('lists files in sorted path order while walking, and two readers share one listing', async () => {
  const dir = makeDir({ 'a/x': '1', 'a-b': '2', 'a.b': '3', 'a0/y': '4', 'b/c/d/e': '5', 'b/c.txt': '6', 'B': '7', 'a/z/q': '8' });
  const all = await paths(dir);
  assert.deepEqual(all, [...all].sort());
  assert.equal(all.length, 8);
  // Interleaved readers of the same target see the same files.
  const t = await openDirectory(dir);
  const [one, two] = [t.files()[Symbol.asyncIterator](), t.files()[Symbol.asyncIterator]()];
  const got: [string[], string[]] = [[], []];
  for (;;) {
    const [x, y] = [await one.next(), await two.next()];
    if (!x.done) got[0].push(x.value.path);
    if (!y.done) got[1].push(y.value.path);
    if (x.done && y.done) break;
  }
  assert.deepEqual(got, [all, all]);
});

test('never follows a symlink, in or out of the root', async () => {
  const outside = makeDir({ 'secret.txt': 'outside' });
  const dir = makeDir({ 'in.txt': 'in' });
  symlinkSync(join(outside, 'secret.txt'), join(dir, 'link.txt'));
  symlinkSync(outside, join(dir, 'linkdir'));
  assert.deepEqual(await paths(dir), ['in.txt']);
});

test('skips binary files and reports files over the size limit', async () => {
  const dir = makeDir({ 'bin.dat2': new Uint8Array([1, 0, 2, 3]), 'img.png': 'not really', 'big.txt': 'x'.repeat(2000), 'small.txt': 'hi' });
  const skipped: string[] = [];
  assert.deepEqual(await paths(dir, { maxFileBytes: 1000, onSkip: (p: string, r: string) => skipped.push(`${p}: ${r}`) }), ['small.txt']);
  assert.equal(skipped.length, 1);
  assert.match(skipped[0]!, /^big\.txt: skipped: 2000 bytes is over the 1000-byte/);
});

test('a missing path or a file is an input error', async () => {
  const dir = makeDir({ 'f.txt': 'x' });
  await assert.rejects(openDirectory(join(dir, 'nope')), /no such file or directory/);
  await assert.rejects(openDirectory(join(dir, 'f.txt')), /not a directory/);
  mkdirSync(join(dir, 'empty'));
  writeFileSync(join(dir, 'empty', '.gitignore'), '*\n');
  assert.deepEqual(await paths(join(dir, 'empty')), []);
});

test('batches: the files of files(), in order, up to 256 deferred files a batch, files with bytes one a batch', async () => {
  const tree: Record<string, string> = { 'z.bin.png': 'x', 'big.txt': 'y'.repeat(64) };
  for (let i = 0; i < 600; i++) tree[`d${i % 3}/f${String(i).padStart(3, '0')}.txt`] = `file ${i}\n`;
  const dir = makeDir(tree);
  const skips: string[] = [];
  const target = await openDirectory(dir, { maxFileBytes: 32, onSkip: (p) => skips.push(p) });
  const paths = async (it: AsyncIterable<{ path: string }>) => {
    const out: string[] = [];
    for await (const f of it) out.push(f.path);
    return out;
  };
  for (const deferRead of [true, false]) {
    const flat = await paths(target.files({ deferRead }));
    const sizes: number[] = [];
    const batched: string[] = [];
    for await (const b of target.batches!({ deferRead })) {
      sizes.push(b.length);
      batched.push(...b.map((f) => f.path));
    }
    assert.deepEqual(batched, flat, `deferRead ${deferRead}`);
    assert.ok(!flat.includes('z.bin.png'));
    if (deferRead) {
      // Deferred files are not sized here: the reader applies the limit.
      assert.equal(flat.length, 601);
      assert.deepEqual(sizes, [256, 256, 89]);
    } else {
      assert.equal(flat.length, 600);
      assert.ok(sizes.every((n) => n === 1));
    }
  }
  assert.ok(skips.includes('big.txt'));
  // A target without batches is read one file a batch, through files().
  const { batches: _own, ...plain } = target;
  const one: string[][] = [];
  for await (const b of fileBatches(plain, { path: (p) => p.startsWith('d0/f00') })) one.push(b.map((f) => f.path));
  assert.deepEqual(one, [['d0/f000.txt'], ['d0/f003.txt'], ['d0/f006.txt'], ['d0/f009.txt']]);
});
