import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../../src/core/errors.js';
import type { FileFilter, FileTarget } from '../../src/core/types.js';
import { openGitHistory, openStaged, parseAddedLines, unquoteGitPath } from '../../src/targets/git.js';
import { git, makeDir, makeRepo, writeTree } from '../helpers/tmp.js';

interface Seen {
  path: string;
  text: string;
  commit: string | undefined;
  message: string | undefined;
  contentId: string | undefined;
  changed: number[] | undefined;
}

async function all(t: FileTarget, filter?: FileFilter): Promise<Seen[]> {
  const out: Seen[] = [];
  for await (const f of t.files(filter)) {
    out.push({
      path: f.path,
      text: await f.text(),
      commit: f.origin?.commit,
      message: f.origin?.message,
      contentId: f.contentId,
      changed: f.changedLines ? [...f.changedLines].sort((a, b) => a - b) : undefined,
    });
  }
  await t.dispose();
  return out;
}

const rev = (dir: string, r: string) => git(dir, ['rev-parse', r]).trim();

async function rejectsInput(p: Promise<unknown>, formatted: string | RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof InputError, `not an InputError: ${String(e)}`);
    if (typeof formatted === 'string') assert.equal(e.format(), formatted);
    else assert.match(e.format(), formatted);
    return true;
  });
}

test('history: every blob of every ref once, with the commit that introduced it', async () => {
  const dir = makeRepo([
    { files: { 'app.txt': 'v1\n', 'keep.txt': 'same\n' }, message: 'first\n\nbody text', author: 'Ada', email: 'ada@example.test' },
    { files: { 'app.txt': 'v2\n' }, message: 'second' },
    { files: { 'app.txt': 'v1\n', 'copy.txt': 'same\n' }, message: 'back to v1, copy' },
    { files: { 'app.txt': 'v2\n' }, message: 'v2 again' },
    { files: { 'app.txt': 'v1\n' }, message: 'v1 a third time' },
    { files: { 'side.txt': 'only on the side branch\n' }, branch: 'side', message: 'side work' },
  ]);
  git(dir, ['checkout', '-q', '--detach', 'main']);
  writeTree(dir, { 'tagged.txt': 'only in a tag\n' });
  git(dir, ['add', 'tagged.txt']);
  git(dir, ['commit', '-q', '-m', 'tag only']);
  git(dir, ['tag', 'v9']);
  git(dir, ['checkout', '-q', 'main']);
  const first = rev(dir, 'main~4');
  const seen = await all(await openGitHistory(dir, { maxFileBytes: 1024 }));
  const byPath = seen.map((s) => `${s.path}=${s.text.trim()}@${s.message}`).sort();
  assert.deepEqual(byPath, [
    'app.txt=v1@first',
    'app.txt=v2@second',
    'copy.txt=same@back to v1, copy',
    'keep.txt=same@first',
    'side.txt=only on the side branch@side work',
    'tagged.txt=only in a tag@tag only',
  ]);
  const v1 = seen.find((s) => s.path === 'app.txt' && s.text === 'v1\n')!;
  assert.equal(v1.commit, first);
  assert.equal(v1.contentId, git(dir, ['rev-parse', `${first}:app.txt`]).trim());
  const keep = seen.find((s) => s.path === 'keep.txt')!;
  const copy = seen.find((s) => s.path === 'copy.txt')!;
  assert.equal(keep.contentId, copy.contentId, 'same blob at two paths shares its contentId');

  const t = await openGitHistory(dir, { maxFileBytes: 1024 });
  for await (const f of t.files({ path: (p) => p === 'app.txt' })) {
    if (f.origin?.commit === first) {
      assert.equal(f.origin.author, 'Ada');
      assert.equal(f.origin.email, 'ada@example.test');
      assert.equal(f.origin.date, '2024-01-01T00:00:00+00:00');
      assert.equal(f.origin.message, 'first');
    }
  }
  assert.equal(t.kind, 'git-history');
});

test('history: deleted and renamed files are still seen; odd names survive', async () => {
  const odd = 'dir with space/ünïcödé\nnewline "q".txt';
  const dir = makeRepo([
    { files: { 'gone.txt': 'deleted later\n', 'old/name.txt': 'moving\n', [odd]: 'odd name\n' } },
    { files: { 'gone.txt': null } },
  ]);
  git(dir, ['mv', 'old', 'new']);
  git(dir, ['commit', '-q', '-m', 'rename']);
  const renameCommit = rev(dir, 'HEAD');
  const seen = await all(await openGitHistory(dir, { maxFileBytes: 1024 }));
  assert.deepEqual(seen.map((s) => s.path).sort(), [odd, 'gone.txt', 'new/name.txt', 'old/name.txt'].sort());
  assert.equal(seen.find((s) => s.path === 'new/name.txt')!.commit, renameCommit);
  assert.equal(seen.find((s) => s.path === odd)!.text, 'odd name\n');
});

test('history: a conflict resolution made in a merge commit is seen, attributed to the merge', async () => {
  const dir = makeRepo([
    { files: { 'f.txt': 'base\n' } },
    { files: { 'f.txt': 'side\n' }, branch: 'side' },
  ]);
  git(dir, ['checkout', '-q', 'main']);
  writeTree(dir, { 'f.txt': 'main\n' });
  git(dir, ['commit', '-q', '-am', 'main change']);
  assert.throws(() => git(dir, ['merge', '-q', 'side']));
  writeTree(dir, { 'f.txt': 'resolved\n' });
  git(dir, ['commit', '-q', '-am', 'merge side']);
  const seen = await all(await openGitHistory(dir, { maxFileBytes: 1024 }));
  assert.deepEqual(seen.map((s) => s.text.trim()).sort(), ['base', 'main', 'resolved', 'side']);
  assert.equal(seen.find((s) => s.text === 'resolved\n')!.commit, rev(dir, 'HEAD'));
  assert.equal(seen.find((s) => s.text === 'side\n')!.commit, rev(dir, 'side'));
});

test('history: --since and --commits ranges', async () => {
  const dir = makeRepo([
    { files: { 'a.txt': 'one\n' } },
    { files: { 'a.txt': 'two\n' } },
    { files: { 'a.txt': 'three\n' } },
    { files: { 'b.txt': 'branch\n' }, branch: 'feature' },
  ]);
  git(dir, ['tag', 'base', 'main~1']);
  const since = await all(await openGitHistory(dir, { since: 'base', maxFileBytes: 1024 }));
  assert.deepEqual(since.map((s) => s.text.trim()).sort(), ['branch', 'three']);
  const range = await all(await openGitHistory(dir, { commits: 'main~2..main~1', maxFileBytes: 1024 }));
  assert.deepEqual(range.map((s) => s.text.trim()), ['two']);
  const toHead = await all(await openGitHistory(dir, { commits: 'main..', maxFileBytes: 1024 }));
  assert.deepEqual(toHead.map((s) => s.text.trim()), ['branch']);
});

test('history: binaries skipped unless asked; large blobs skipped with a note', async () => {
  const dir = makeRepo([{ files: { 'img.bin': Uint8Array.from([0x89, 0x50, 0, 1, 2]), 'big.txt': 'x'.repeat(5000), 'ok.txt': 'ok\n' } }]);
  const notes: string[] = [];
  const t = await openGitHistory(dir, { maxFileBytes: 4096, skipped: (p, r) => notes.push(`${p}: ${r}`) });
  assert.deepEqual((await all(t)).map((s) => s.path), ['ok.txt']);
  assert.equal(notes.length, 1);
  assert.match(notes[0]!, /^big\.txt: skipped: 5000 bytes is over the 4096 bytes file size limit \(blob [0-9a-f]{12}, commit [0-9a-f]{12}\)$/);
  const t2 = await openGitHistory(dir, { maxFileBytes: 4096 });
  const withAll = await all(t2, { includeBinary: true, includeLarge: true });
  assert.deepEqual(withAll.map((s) => s.path).sort(), ['big.txt', 'img.bin', 'ok.txt']);
});

test('history: stopping early and dispose end the git processes', async () => {
  const commits = Array.from({ length: 40 }, (_, i) => ({ files: { [`f${i}.txt`]: `file ${i}\n` } }));
  const dir = makeRepo(commits);
  const t = await openGitHistory(dir, { maxFileBytes: 1024 });
  let n = 0;
  for await (const _f of t.files()) if (++n === 3) break;
  assert.equal(n, 3);
  const again = await all(t);
  assert.equal(again.length, 40);
  const ac = new AbortController();
  const t3 = await openGitHistory(dir, { maxFileBytes: 1024, signal: ac.signal });
  ac.abort();
  await assert.rejects(all(t3));
});

test('history: errors are one-line InputErrors', async () => {
  const plain = makeDir({ 'a.txt': 'a' });
  await rejectsInput(openGitHistory(plain, { maxFileBytes: 1 }), `${plain}: not a git repository (--history needs one)`);
  await rejectsInput(openGitHistory(join(plain, 'nope'), { maxFileBytes: 1 }), `${join(plain, 'nope')}: no such directory`);
  const empty = makeRepo([]);
  await rejectsInput(openGitHistory(empty, { maxFileBytes: 1 }), `${empty}: repository has no commits`);
  const dir = makeRepo([{ files: { 'a.txt': 'a' } }]);
  await rejectsInput(openGitHistory(dir, { since: 'foo', maxFileBytes: 1 }), `${dir}: bad revision 'foo'`);
  await rejectsInput(openGitHistory(dir, { since: '--all', maxFileBytes: 1 }), `${dir}: bad revision '--all'`);
  await rejectsInput(openGitHistory(dir, { commits: 'main..nope', maxFileBytes: 1 }), `${dir}: bad revision 'nope'`);
  await rejectsInput(openGitHistory(dir, { commits: 'main', maxFileBytes: 1 }), `${dir}: bad commit range 'main' (expected A..B)`);
});

test('staged: the index content, not the work tree, with the added line numbers', async () => {
  const dir = makeRepo([{ files: { 'a.txt': 'l1\nl2\nl3\n', 'move.txt': 'moved\n', 'del.txt': 'bye\n', 'link.txt': 'x\n' } }]);
  writeTree(dir, { 'a.txt': 'l1\n++ plus\nl2\nl3\nEND\n', 'new file.txt': 'brand\nnew\n', 'unstaged.txt': 'not added\n' });
  git(dir, ['add', 'a.txt', 'new file.txt']);
  git(dir, ['mv', 'move.txt', 'moved.txt']);
  git(dir, ['rm', '-q', 'del.txt']);
  writeTree(dir, { 'a.txt': 'work tree only\n' });
  const t = await openStaged(dir, { maxFileBytes: 1024 });
  assert.equal(t.kind, 'staged');
  const seen = await all(t);
  assert.deepEqual(
    seen.map((s) => [s.path, s.text, s.changed]).sort(),
    [
      ['a.txt', 'l1\n++ plus\nl2\nl3\nEND\n', [2, 5]],
      ['moved.txt', 'moved\n', []],
      ['new file.txt', 'brand\nnew\n', undefined],
    ],
  );
});

test('staged: first commit (no HEAD) yields every index entry', async () => {
  const dir = makeRepo([], { 'a.txt': 'first\n', 'sub/b.txt': 'second\n' });
  git(dir, ['add', '-A']);
  const seen = await all(await openStaged(dir, { maxFileBytes: 1024 }));
  assert.deepEqual(seen.map((s) => [s.path, s.changed]).sort(), [['a.txt', undefined], ['sub/b.txt', undefined]]);
});

test('staged: GIT_INDEX_FILE selects the index', async () => {
  const dir = makeRepo([{ files: { 'a.txt': 'base\n' } }]);
  const alt = join(makeDir(), 'alt-index');
  copyFileSync(join(dir, '.git', 'index'), alt);
  writeTree(dir, { 'a.txt': 'base\nalt only\n' });
  git(dir, ['add', 'a.txt'], { GIT_INDEX_FILE: alt });
  writeTree(dir, { 'a.txt': 'base\n' });
  assert.deepEqual(await all(await openStaged(dir, { maxFileBytes: 1024, env: { ...process.env, GIT_INDEX_FILE: undefined } })), []);
  const seen = await all(await openStaged(dir, { maxFileBytes: 1024, env: { ...process.env, GIT_INDEX_FILE: alt } }));
  assert.deepEqual(seen.map((s) => [s.path, s.text, s.changed]), [['a.txt', 'base\nalt only\n', [2]]]);
});

test('staged: a real pre-commit hook sees what `commit -a` and `commit <path>` commit', async () => {
  const dir = makeRepo([{ files: { 'a.txt': 'one\n', 'b.txt': 'bee\n' } }]);
  const hook = join(dir, '.git', 'hooks', 'pre-commit');
  const fixture = fileURLToPath(new URL('./fixtures/staged-hook.ts', import.meta.url));
  const tsx = import.meta.resolve('tsx');
  writeFileSync(hook, `#!/bin/sh\nexec "${process.execPath}" --import "${tsx}" "${fixture}"\n`);
  chmodSync(hook, 0o755);
  const out = join(makeDir(), 'out.json');
  writeTree(dir, { 'a.txt': 'one\ntwo\n' });
  git(dir, ['commit', '-q', '-am', 'commit -a'], { HOOK_OUT: out });
  assert.deepEqual(JSON.parse(readFileSync(out, 'utf8')), [{ path: 'a.txt', text: 'one\ntwo\n', changed: [2] }]);
  // A partial commit: git builds a temporary index and hands it to the hook through GIT_INDEX_FILE.
  writeTree(dir, { 'a.txt': 'one\ntwo\nthree\n', 'b.txt': 'bee\nsting\n' });
  git(dir, ['add', 'a.txt']);
  git(dir, ['commit', '-q', '-m', 'only b', 'b.txt'], { HOOK_OUT: out });
  assert.deepEqual(JSON.parse(readFileSync(out, 'utf8')), [{ path: 'b.txt', text: 'bee\nsting\n', changed: [2] }]);
});

test('staged: errors', async () => {
  const plain = makeDir({});
  await rejectsInput(openStaged(plain, { maxFileBytes: 1 }), `${plain}: not a git repository (--staged needs one)`);
});

test('parseAddedLines reads -U0 hunks, quoted names and added lines that look like headers', () => {
  const patch = [
    'diff --git a/x.txt b/x.txt',
    'index 1..2 100644',
    '--- a/x.txt',
    '+++ b/x.txt',
    '@@ -1,0 +2,2 @@',
    '+++ b/not-a-header',
    '+second',
    '@@ -5 +7 @@',
    '-old',
    '+new',
    '\\ No newline at end of file',
    'diff --git "a/t\\tab" "b/t\\tab"',
    '--- "a/t\\tab"',
    '+++ "b/t\\tab"',
    '@@ -1,2 +1 @@',
    '-a',
    '-b',
    '+c',
    'diff --git a/s p.txt b/s p.txt',
    '--- a/s p.txt\t',
    '+++ b/s p.txt\t',
    '@@ -3,1 +3,0 @@',
    '-gone',
    '',
  ].join('\n');
  const m = parseAddedLines(patch);
  assert.deepEqual([...m.keys()], ['x.txt', 't\tab', 's p.txt']);
  assert.deepEqual([...m.get('x.txt')!], [2, 3, 7]);
  assert.deepEqual([...m.get('t\tab')!], [1]);
  assert.deepEqual([...m.get('s p.txt')!], []);
  assert.equal(unquoteGitPath('"\\303\\274n\\"q\\\\"'), 'ün"q\\');
});
