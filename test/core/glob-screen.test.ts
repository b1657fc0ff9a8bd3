import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RE2JS } from 're2js';
import { globMatcher, requiredText } from '../../src/core/glob.js';

// Globs are matched on RE2JS behind a screen (issue 24): a path without any glob's required text is refused without
// running RE2. The screen must never refuse a path RE2 would match. Checked here against the plain translation
// (picomatch's `makeRe` would do too, but its dialect differs on `**` edge cases) on many random globs and paths.

let seed = 7;
const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
const pick = <T>(xs: readonly T[]): T => xs[rnd(xs.length)]!;
const GLOB_PARTS = ['a', 'b', 'ab', 'src', '.', '-', '*', '**', '?', '/', '**/', '/**', 'x.y'];
const PATH_PARTS = ['a', 'b', 'ab', 'src', '.', '-', '/', 'x.y', 'ba', 'aab'];

function randomGlob(): string {
  let g = '';
  for (let i = 0, n = 1 + rnd(6); i < n; i++) g += pick(GLOB_PARTS);
  return g;
}
function randomPath(): string {
  let p = '';
  for (let i = 0, n = 1 + rnd(8); i < n; i++) p += pick(PATH_PARTS);
  return p;
}

test('the required text of a glob is in every path the glob matches', () => {
  let screened = 0;
  for (let i = 0; i < 400; i++) {
    const glob = randomGlob();
    const text = requiredText(glob);
    const m = globMatcher(glob);
    for (let j = 0; j < 60; j++) {
      const path = randomPath();
      if (m(path) && text !== undefined) assert.ok(path.includes(text), `${glob} matches ${path} without ${text}`);
      if (text !== undefined && !path.includes(text)) screened++;
    }
  }
  assert.ok(screened > 1000, `the screen refuses many paths (${screened})`);
});

test('a screened set answers as RE2 does, for the same path asked twice and for sets of globs', () => {
  for (let i = 0; i < 200; i++) {
    const globs = [randomGlob(), randomGlob(), randomGlob()];
    const screened = globMatcher(globs);
    // A glob with braces has no required text, so this set runs RE2 on every path; `zzzz` is no random path.
    const plain = globMatcher([...globs, '{zzzz,zzzz}']);
    for (let j = 0; j < 40; j++) {
      const path = randomPath();
      const want = plain(path);
      assert.equal(screened(path), want, `${globs.join(' ')} on ${path}`);
      assert.equal(screened(path), want, `${globs.join(' ')} on ${path}, asked again`);
    }
  }
});

test('globs with braces, classes, extglobs or escapes have no required text', () => {
  for (const g of ['{a,b}/c', 'a[bc]d', '@(x|y)z', 'a\\*b']) assert.equal(requiredText(g), undefined, g);
  assert.equal(requiredText('**/node_modules/**'), 'node_modules');
  assert.equal(requiredText('src/analyzers/secrets/rules/**'), 'analyzers');
  assert.equal(requiredText('**'), undefined);
  // `a/**` matches `a` itself: the `/` is not required.
  assert.equal(requiredText('a/**'), 'a');
  assert.ok(globMatcher('a/**')('a'));
});

test('RE2 agrees on a long path the screen lets through', () => {
  const m = globMatcher('**/*a*a*a*a*a*a*a*b');
  assert.equal(m('x/' + 'a'.repeat(5000)), false);
  assert.equal(RE2JS.compile('^a$').matches('a'), true);
});

test('a glob RE2 refuses is refused where it is given, plain globs compile when first needed', () => {
  // RE2 refuses an inverted class range: such a glob is not plain, so it is compiled (and refused) at once.
  assert.throws(() => globMatcher('src/[z-a].js'), /invalid glob/);
  const m = globMatcher(['**/node_modules/pipeguard/**', 'dist/*.map']);
  assert.equal(m('src/a.ts'), false);
  assert.equal(m('x/node_modules/pipeguard/y.js'), true);
  assert.equal(m('dist/a.js.map'), true);
  assert.equal(m('dist/sub/a.js.map'), false);
});
