import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { defaultCodeCacheDir, readInPieces } from '../../src/core/code-cache.js';
import { makeDir } from '../helpers/tmp.js';

// Issue 24: each SAST thread compiled the TypeScript compiler (9 MB) from source; a V8 code cache written once
// lets the next threads and runs skip that. The module must behave exactly as under `require` either way. Each load
// runs in a process of its own (as each run of the CLI does): within one process V8 reuses a script compiled from the
// same source whatever the cache holds.

const MODULE = pathToFileURL(join(import.meta.dirname, '../../src/core/code-cache.ts')).href;

/** Loads `demo` from `from` with `dir` in a new Node process, saves, and returns what it saw. */
function load(from: string, dir: string | undefined, transform?: string): { twice: number; where: string; self: boolean; cached: boolean } {
  const code =
    `import { requireCached } from ${JSON.stringify(MODULE)};\n` +
    `const m = requireCached(${JSON.stringify(from)}, 'demo', ${dir === undefined ? 'undefined' : JSON.stringify(dir)}${transform ? `, ${transform}` : ''});\n` +
    'm.save();\n' +
    'console.log(JSON.stringify({ twice: m.exports.twice(21), where: m.exports.where, self: m.exports.self, cached: m.cached }));\n';
  return JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { encoding: 'utf8' })) as ReturnType<typeof load>;
}

/** A folder with a CommonJS package `demo` (using the wrapper's names), and a file to resolve it from. */
function demo(version = '1.2.3'): { from: string; root: string } {
  const root = makeDir({
    'node_modules/demo/package.json': JSON.stringify({ name: 'demo', version, main: 'index.js' }),
    'node_modules/demo/index.js':
      "const path = require('node:path');\nconst helper = require('./helper');\n" +
      'exports.twice = (x) => helper.double(x);\nexports.where = path.basename(__dirname) + "/" + path.basename(__filename);\n' +
      'module.exports.self = this === exports;\n',
    'node_modules/demo/helper.js': 'module.exports = { double: (x) => x * 2 };\n',
    'main.js': '',
  });
  return { from: join(root, 'main.js'), root };
}

test('without a folder it is require; with one the first load compiles and writes, the next loads from the cache', () => {
  const { from, root } = demo();
  assert.deepEqual(load(from, undefined), { twice: 42, where: 'demo/index.js', self: true, cached: false });
  const dir = join(root, 'cache');
  assert.deepEqual(load(from, dir), { twice: 42, where: 'demo/index.js', self: true, cached: false });
  const files = readdirSync(dir);
  assert.equal(files.length, 1, 'one cache file, no temporary left');
  assert.match(files[0]!, new RegExp(`^demo-1\\.2\\.3-node${process.version.replace(/\./g, '\\.')}-${process.platform}-${process.arch}\\.v8cache$`));
  assert.deepEqual(load(from, dir), { twice: 42, where: 'demo/index.js', self: true, cached: true }, 'V8 took the cached code');
});

test('a damaged cache is refused and rewritten; a folder that cannot be written changes nothing', () => {
  const { from, root } = demo('2.0.0');
  const dir = join(root, 'cache');
  load(from, dir);
  const [name] = readdirSync(dir);
  writeFileSync(join(dir, name!), 'not V8 code');
  assert.deepEqual(load(from, dir), { twice: 42, where: 'demo/index.js', self: true, cached: false });
  assert.equal(load(from, dir).cached, true, 'rewritten');
  // a file where the folder should be: nothing written, nothing thrown
  const blocked = join(root, 'blocked');
  writeFileSync(blocked, '');
  assert.deepEqual(load(from, join(blocked, 'cache')), { twice: 42, where: 'demo/index.js', self: true, cached: false });
  assert.deepEqual(readdirSync(root).sort(), ['blocked', 'cache', 'main.js', 'node_modules']);
});

test('a transformed source is what runs, with or without a folder, and its cache is named by the transform', () => {
  const { from, root } = demo('3.0.0');
  // the helper's source is not transformed (only the module required)
  const triple = "{ tag: 'x3', apply: (s) => s.replace('helper.double(x)', 'helper.double(x) + x') }";
  assert.deepEqual(load(from, undefined, triple), { twice: 63, where: 'demo/index.js', self: true, cached: false });
  const dir = join(root, 'cache');
  assert.equal(load(from, dir).twice, 42);
  assert.deepEqual(load(from, dir, triple), { twice: 63, where: 'demo/index.js', self: true, cached: false }, 'the plain source\'s cache is not used');
  assert.deepEqual(load(from, dir, triple), { twice: 63, where: 'demo/index.js', self: true, cached: true });
  assert.deepEqual(readdirSync(dir).map((f) => f.replace(/-node.*/, '')).sort(), ['demo-3.0.0', 'demo-3.0.0-x3']);
});

test('a source read in pieces is the text readFileSync gives: a BOM, characters across piece boundaries, bad bytes', () => {
  const dir = makeDir({});
  const text = '\uFEFF' + 'é€😀x'.repeat(50_000) + '\n';
  const path = join(dir, 'm.js');
  writeFileSync(path, Buffer.concat([Buffer.from(text), Buffer.from([0xff, 0xc3])]));
  assert.equal(readInPieces(path), readFileSync(path, 'utf8'));
  writeFileSync(path, '');
  assert.equal(readInPieces(path), '');
});

test('the default folder follows XDG_CACHE_HOME, else HOME', () => {
  assert.equal(defaultCodeCacheDir({ XDG_CACHE_HOME: '/x', HOME: '/h' }), join('/x', 'pipeguard', 'code-cache'));
  assert.equal(defaultCodeCacheDir({ HOME: '/h' }), join('/h', '.cache', 'pipeguard', 'code-cache'));
});
