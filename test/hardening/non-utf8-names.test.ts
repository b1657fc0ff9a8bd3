// A file whose name is not valid UTF-8 (Linux allows any bytes but `/` and NUL) is read by its bytes and its content
// scanned; its path is reported with each invalid byte as `\xNN` in every format (in SARIF URIs: `%NN`, the byte
// itself). Real files with such names, in a folder and in a real git repository (history and the index).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeName, isUtf8Name } from '../../src/core/byte-names.js';
import { pathToUri } from '../../src/report/sarif.js';
import { cli } from '../helpers/cli.js';
import { git, makeDir } from '../helpers/tmp.js';

const TOKEN = 'ghp_' + 'Zq8Yp2Lw4Rt6Uv1Xs3Bn5Mc7Kd9Jf0Hg2Aa4';

/** A Buffer path under `dir` (a string path would name another file). */
function bytePath(dir: string, ...parts: Buffer[]): Buffer {
  return Buffer.concat([Buffer.from(dir), ...parts.flatMap((p) => [Buffer.from('/'), p])]);
}

const LATIN1_NAME = Buffer.from([0x73, 0x65, 0x63, 0xff, 0xfe, 0x2e, 0x74, 0x78, 0x74]); // sec\xff\xfe.txt
const LATIN1_DIR = Buffer.from([0x64, 0x69, 0x72, 0xe9]); // dir\xe9 (é in Latin-1)

/** A folder holding a secret in `sec\xff\xfe.txt` and in `dir\xe9/inner.txt`, beside a clean UTF-8 one. */
function tree(): string {
  const dir = makeDir({ 'café.txt': 'nothing here\n' });
  writeFileSync(bytePath(dir, LATIN1_NAME), `token = "${TOKEN}"\n`);
  mkdirSync(bytePath(dir, LATIN1_DIR));
  writeFileSync(bytePath(dir, LATIN1_DIR, Buffer.from('inner.txt')), `token = "${TOKEN}"\n`);
  return dir;
}

test('the text form of a name escapes exactly the bytes that are not UTF-8', () => {
  assert.equal(decodeName(Buffer.from('café/naïve.txt')), 'café/naïve.txt');
  assert.equal(decodeName(LATIN1_NAME), 'sec\\xff\\xfe.txt');
  // an overlong encoding, a surrogate, a truncated sequence, a lone continuation byte, a code point past U+10FFFF
  assert.equal(decodeName(Buffer.from([0xc0, 0xaf])), '\\xc0\\xaf');
  assert.equal(decodeName(Buffer.from([0xed, 0xa0, 0x80])), '\\xed\\xa0\\x80');
  assert.equal(decodeName(Buffer.from([0x61, 0xe2, 0x82])), 'a\\xe2\\x82');
  assert.equal(decodeName(Buffer.from([0x80, 0x61])), '\\x80a');
  assert.equal(decodeName(Buffer.from([0xf4, 0x90, 0x80, 0x80])), '\\xf4\\x90\\x80\\x80');
  // a valid name holding U+FFFD itself is unchanged
  assert.equal(decodeName(Buffer.from('a\uFFFDb')), 'a\uFFFDb');
  assert.equal(isUtf8Name(Buffer.from('a\uFFFDb')), true);
  assert.equal(isUtf8Name(LATIN1_NAME), false);
  assert.equal(pathToUri('dir\\xe9/sec\\xff\\xfe.txt'), 'dir%E9/sec%FF%FE.txt');
});

test('a folder: such files are scanned, and every format names them in the escaped form', async () => {
  const dir = tree();
  const formats = ['table', 'json', 'sarif', 'junit', 'markdown', 'html', 'gitlab-secret-detection', 'gitlab-codequality'];
  for (const format of formats) {
    const r = await cli(['secrets', '.', '--format', format], { cwd: dir });
    assert.equal(r.code, 1, `${format}: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /unreadable/, format);
    assert.ok(!r.stdout.includes('\uFFFD'), `${format} printed U+FFFD`);
    if (format === 'sarif') {
      const uris = (JSON.parse(r.stdout) as { runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] }).runs[0]!.results.map(
        (x) => x.locations[0]!.physicalLocation.artifactLocation.uri,
      );
      assert.deepEqual(uris.sort(), ['dir%E9/inner.txt', 'sec%FF%FE.txt']);
      continue;
    }
    // the escaped form, as each format writes a backslash: JSON and Markdown escape it
    const escaped = format === 'json' || format.startsWith('gitlab') || format === 'markdown';
    const bs = escaped ? '\\\\' : '\\';
    for (const name of [`sec${bs}xff${bs}xfe.txt`, `dir${bs}xe9/inner.txt`]) {
      assert.ok(r.stdout.includes(name), `${format} does not name ${name}:\n${r.stdout.slice(0, 2000)}`);
    }
  }
  const json = JSON.parse((await cli(['secrets', '.', '--format', 'json'], { cwd: dir })).stdout) as { findings: { location: { path: string } }[] };
  assert.deepEqual(json.findings.map((f) => f.location.path).sort(), ['dir\\xe9/inner.txt', 'sec\\xff\\xfe.txt']);
});

test('an exclude glob matches the escaped form', async () => {
  const dir = tree();
  const r = await cli(['secrets', '.', '--format', 'json', '--exclude', 'sec*'], { cwd: dir });
  const json = JSON.parse(r.stdout) as { findings: { location: { path: string } }[] };
  assert.deepEqual(json.findings.map((f) => f.location.path), ['dir\\xe9/inner.txt']);
});

test('a git repository: git ls-files -z lists the raw bytes; history and staged scans report the escaped form', async () => {
  const dir = makeDir();
  git(dir, ['init', '-q', '-b', 'main']);
  writeFileSync(bytePath(dir, LATIN1_NAME), `token = "${TOKEN}"\n`);
  writeFileSync(join(dir, 'plain.txt'), 'hello\n');
  git(dir, ['add', '-A']);
  git(dir, ['commit', '-q', '-m', 'add files']);
  const listed = execFileSync('git', ['ls-files', '-z'], { cwd: dir });
  assert.ok(listed.includes(LATIN1_NAME), 'git did not keep the raw name');

  const work = await cli(['secrets', '.', '--format', 'json'], { cwd: dir });
  assert.deepEqual((JSON.parse(work.stdout) as { findings: { location: { path: string } }[] }).findings.map((f) => f.location.path), ['sec\\xff\\xfe.txt']);

  const history = await cli(['secrets', '--history', '.', '--format', 'json'], { cwd: dir });
  assert.equal(history.code, 1, history.stderr);
  assert.deepEqual((JSON.parse(history.stdout) as { findings: { location: { path: string } }[] }).findings.map((f) => f.location.path), ['sec\\xff\\xfe.txt']);

  // staged: only the added line is reported, which needs the diff's path to match the index's
  const second = 'ghp_' + 'Mn4Bv6Cx8Zl1Kj3Hg5Fd7Sa9Qw2Er4Ty6Ui8';
  writeFileSync(bytePath(dir, LATIN1_NAME), `token = "${TOKEN}"\nother = "${second}"\n`);
  git(dir, ['add', '-A']);
  const staged = await cli(['secrets', '--staged', '.', '--format', 'json'], { cwd: dir });
  assert.equal(staged.code, 1, staged.stderr);
  const found = (JSON.parse(staged.stdout) as { findings: { location: { path: string; startLine: number } }[] }).findings.map((f) => `${f.location.path}:${f.location.startLine}`);
  assert.deepEqual(found, ['sec\\xff\\xfe.txt:2']);
});

test('a tar archive member whose name is not UTF-8 is scanned and named in the escaped form', async (t) => {
  if (spawnSync('tar', ['--version']).error) return t.skip('needs tar');
  const dir = tree();
  const out = makeDir();
  execFileSync('tar', ['-cf', join(out, 'bundle.tar'), '-C', dir, '.']);
  const r = await cli(['secrets', 'bundle.tar', '--format', 'json'], { cwd: out });
  assert.equal(r.code, 1, r.stderr);
  const paths = (JSON.parse(r.stdout) as { findings: { location: { path: string } }[] }).findings.map((f) => f.location.path).sort();
  assert.deepEqual(paths, ['bundle.tar!./dir\\xe9/inner.txt', 'bundle.tar!./sec\\xff\\xfe.txt']);
});
