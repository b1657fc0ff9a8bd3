// Files the CLI writes to paths the user names (--output and the like): regular files through a temporary file and a
// rename, FIFOs and devices in place, folders, sockets and symbolic links refused; several outputs all or nothing;
// no temporary file survives an error, SIGINT or SIGTERM. Real files, FIFOs, links and signals to a real child
// process (the other cases run the CLI in-process).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { cli } from '../helpers/cli.js';
import { makeDir } from '../helpers/tmp.js';
import { oneLine, runCli } from './helpers.js';

const LIMIT = 60_000;
const TOKEN = 'ghp_' + 'Zq8Yp2Lw4Rt6Uv1Xs3Bn5Mc7Kd9Jf0Hg2Aa4';

/** A folder to scan (one finding) with the outputs written beside it. */
function project(): string {
  return makeDir({ 'src/config.js': `const token = "${TOKEN}";\n` });
}

/** Names in `dir` that look like a temporary output file. */
function temps(dir: string): string[] {
  return readdirSync(dir).filter((n) => n.endsWith('.tmp'));
}

test('a report to a regular file replaces it whole and keeps its permission bits', async () => {
  const dir = project();
  writeFileSync(join(dir, 'out.json'), 'old\n');
  chmodSync(join(dir, 'out.json'), 0o600);
  const r = await cli(['secrets', 'src', '--format', 'json', '--output', 'out.json'], { cwd: dir });
  assert.equal(r.code, 1, r.stderr);
  const doc = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as { findings: unknown[] };
  assert.equal(doc.findings.length, 1);
  assert.equal(statSync(join(dir, 'out.json')).mode & 0o777, 0o600);
  assert.deepEqual(temps(dir), []);
});

test('a FIFO named as output is written in place and stays a FIFO', async () => {
  const dir = project();
  const fifo = join(dir, 'report.fifo');
  execFileSync('mkfifo', [fifo]);
  // the reader: a real process, as with `pipeguard ... -o fifo & consumer < fifo`
  const reader = spawn('cat', [fifo], { stdio: ['ignore', 'pipe', 'inherit'] });
  let got = '';
  reader.stdout.on('data', (c: Buffer) => (got += c.toString()));
  const readerDone = new Promise((res) => reader.on('close', res));
  const r = await cli(['secrets', 'src', '--format', 'sarif', '--output', 'report.fifo'], { cwd: dir });
  await readerDone;
  assert.equal(r.code, 1, r.stderr);
  assert.equal((JSON.parse(got) as { version: string }).version, '2.1.0');
  assert.ok(lstatSync(fifo).isFIFO(), 'the FIFO was replaced');
  assert.deepEqual(temps(dir), []);
});

test('a character device is written in place; /dev/full fails every output with one line naming it', async () => {
  const dir = project();
  const ok = await cli(['secrets', 'src', '--format', 'json', '--output', '/dev/null'], { cwd: dir });
  assert.equal(ok.code, 1, ok.stderr);
  assert.ok(statSync('/dev/null').isCharacterDevice());
  if (!existsSync('/dev/full')) return;
  const r = await cli(['secrets', 'src', '--format', 'json', '--output', 'a.json', '--format', 'sarif', '--output', '/dev/full', '--format', 'table'], { cwd: dir });
  assert.equal(r.code, 2, r.stderr);
  assert.ok(oneLine(r.stderr), r.stderr);
  assert.match(r.stderr, /\/dev\/full: cannot write \(no space left on the device, ENOSPC\)/);
  assert.equal(existsSync(join(dir, 'a.json')), false, 'a.json was written although /dev/full failed');
  assert.equal(r.stdout, '', 'the table was printed although an output failed');
  assert.deepEqual(temps(dir), []);
  assert.ok(statSync('/dev/full').isCharacterDevice());
});

test('a folder or a block device as output is refused before anything is written', async () => {
  const dir = project();
  mkdirSync(join(dir, 'reports'));
  const r = await cli(['secrets', 'src', '--format', 'json', '--output', 'first.json', '--format', 'sarif', '--output', 'reports'], { cwd: dir });
  assert.equal(r.code, 2, r.stderr);
  assert.ok(oneLine(r.stderr), r.stderr);
  assert.match(r.stderr, /^pipeguard: reports: is a folder/);
  assert.equal(existsSync(join(dir, 'first.json')), false);
  assert.deepEqual(readdirSync(join(dir, 'reports')), []);
  assert.deepEqual(temps(dir), []);
  const block = readdirSync('/dev').map((n) => join('/dev', n)).find((p) => {
    try {
      return lstatSync(p).isBlockDevice();
    } catch {
      return false;
    }
  });
  if (block) {
    const b = await cli(['secrets', 'src', '--format', 'json', '--output', block], { cwd: dir });
    assert.equal(b.code, 2, b.stderr);
    assert.ok(oneLine(b.stderr), b.stderr);
    assert.match(b.stderr, /is a block device/);
  }
});

test('a symbolic link as output is neither replaced nor written through', async () => {
  const dir = project();
  const outside = makeDir({ 'precious.txt': 'keep me\n' });
  symlinkSync(join(outside, 'precious.txt'), join(dir, 'out.json'));
  symlinkSync(join(outside, 'missing.txt'), join(dir, 'dangling.json'));
  for (const name of ['out.json', 'dangling.json']) {
    const r = await cli(['secrets', 'src', '--format', 'json', '--output', name], { cwd: dir });
    assert.equal(r.code, 2, r.stderr);
    assert.ok(oneLine(r.stderr), r.stderr);
    assert.match(r.stderr, new RegExp(`${name}: is a symbolic link`));
    assert.ok(lstatSync(join(dir, name)).isSymbolicLink(), `${name} was replaced`);
  }
  assert.equal(readFileSync(join(outside, 'precious.txt'), 'utf8'), 'keep me\n');
  assert.equal(existsSync(join(outside, 'missing.txt')), false);
  assert.deepEqual(temps(dir), []);
});

test('a symbolic link among the folders below the working folder is refused (a repository can plant one)', async () => {
  const dir = project();
  const outside = makeDir();
  symlinkSync(outside, join(dir, 'reports'));
  const r = await cli(['secrets', 'src', '--format', 'json', '--output', 'reports/out.json'], { cwd: dir });
  assert.equal(r.code, 2, r.stderr);
  assert.ok(oneLine(r.stderr), r.stderr);
  assert.match(r.stderr, /reports\/out\.json: reports is a symbolic link/);
  assert.deepEqual(readdirSync(outside), []);
  // a folder above the working folder is the user's own: an absolute path through a link there is written
  const linked = join(makeDir(), 'via');
  symlinkSync(outside, linked);
  const ok = await cli(['secrets', 'src', '--format', 'json', '--output', join(linked, 'out.json')], { cwd: dir });
  assert.equal(ok.code, 1, ok.stderr);
  assert.ok(existsSync(join(outside, 'out.json')));
});

test('several outputs are all or nothing: a missing folder for the last one leaves none written', async () => {
  const dir = project();
  writeFileSync(join(dir, 'a.json'), 'previous\n');
  const r = await runCli(
    ['secrets', 'src', '--format', 'json', '--output', 'a.json', '--format', 'junit', '--output', 'b.xml', '--format', 'sarif', '--output', 'no/such/folder/c.sarif'],
    { cwd: dir, limitMs: LIMIT },
  );
  assert.equal(r.code, 2, r.stderr);
  assert.ok(oneLine(r.stderr), r.stderr);
  assert.match(r.stderr, /^pipeguard: no\/such\/folder\/c\.sarif: cannot write \(its folder does not exist, ENOENT\)/);
  assert.equal(readFileSync(join(dir, 'a.json'), 'utf8'), 'previous\n', 'a.json was replaced');
  assert.equal(existsSync(join(dir, 'b.xml')), false, 'b.xml was written');
  assert.deepEqual(temps(dir), []);
  // the same file twice is a usage mistake, said before anything is written
  const twice = await cli(['secrets', 'src', '--format', 'json', '--output', 'x.json', '--format', 'json', '--output', './x.json'], { cwd: dir });
  assert.equal(twice.code, 2, twice.stderr);
  assert.match(twice.stderr, /named twice as an output/);
  assert.equal(existsSync(join(dir, 'x.json')), false);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  test(`${signal} while outputs are being written removes every temporary file and writes none`, async () => {
    const dir = project();
    // the FIFO has no reader, so the run waits there with a.json's temporary file complete beside it: a slow write
    execFileSync('mkfifo', [join(dir, 'slow.fifo')]);
    let pid = 0;
    const run = runCli(['secrets', 'src', '--format', 'json', '--output', 'a.json', '--format', 'sarif', '--output', 'slow.fifo'], {
      cwd: dir,
      limitMs: LIMIT,
      onSpawn: (p) => (pid = p),
    });
    let seen = false;
    for (let i = 0; i < 600 && !seen; i++) {
      seen = temps(dir).length > 0;
      if (!seen) await sleep(100);
    }
    assert.ok(seen, 'no temporary file appeared');
    process.kill(pid, signal);
    const r = await run;
    assert.equal(r.hung, false, 'the run did not stop on the signal');
    assert.equal(r.code, signal === 'SIGINT' ? 130 : 143, r.stderr);
    assert.ok(oneLine(r.stderr), r.stderr);
    assert.match(r.stderr, new RegExp(`stopped by ${signal}`));
    assert.deepEqual(temps(dir), [], 'a temporary file survived the signal');
    assert.equal(existsSync(join(dir, 'a.json')), false);
    assert.ok(lstatSync(join(dir, 'slow.fifo')).isFIFO());
  });
}

test('sbom -o follows the same rules', async () => {
  const dir = makeDir({ 'package-lock.json': JSON.stringify({ name: 'x', version: '1.0.0', lockfileVersion: 3, packages: { '': { name: 'x', version: '1.0.0' } } }) });
  const outside = makeDir({ 'keep.json': 'keep\n' });
  symlinkSync(join(outside, 'keep.json'), join(dir, 'sbom.json'));
  const r = await cli(['sbom', '.', '-o', 'sbom.json'], { cwd: dir });
  assert.equal(r.code, 2, r.stderr);
  assert.ok(oneLine(r.stderr), r.stderr);
  assert.match(r.stderr, /sbom\.json: is a symbolic link/);
  assert.equal(readFileSync(join(outside, 'keep.json'), 'utf8'), 'keep\n');
  const ok = await cli(['sbom', '.', '-o', 'bom.json'], { cwd: dir });
  assert.equal(ok.code, 0, ok.stderr);
  assert.ok(JSON.parse(readFileSync(join(dir, 'bom.json'), 'utf8')));
  assert.deepEqual(temps(dir), []);
});
