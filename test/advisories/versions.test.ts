import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  compareAlpine,
  compareDebian,
  compareMaven,
  compareNuget,
  comparePackagist,
  comparePypi,
  compareRubygems,
  compareSemver,
  type VersionComparator,
} from '../../src/advisories/versions/index.js';
import { TEST_DATA } from '../helpers/test-data.js';

/** Reads `A <op> B` lines; returns the lines our comparator gets wrong (in both directions). */
function failures(file: string, cmp: VersionComparator): { lines: number; wrong: string[] } {
  const wrong: string[] = [];
  let lines = 0;
  for (const raw of readFileSync(join(TEST_DATA, 'version-vectors', file), 'utf8').split('\n')) {
    const t = raw.trim();
    if (!t || t.startsWith('#') || t.startsWith('//')) continue;
    const m = /^(.*?) ([<=>]) (.*)$/.exec(t);
    assert.ok(m, `unreadable vector line ${t}`);
    lines++;
    const want = m[2] === '<' ? -1 : m[2] === '>' ? 1 : 0;
    const got = Math.sign(cmp(m[1] as string, m[3] as string));
    const back = Math.sign(cmp(m[3] as string, m[1] as string));
    if (got !== want || back !== -want) wrong.push(`${t} (got ${got}, reversed ${back})`);
  }
  return { lines, wrong };
}

const CASES: [string, VersionComparator][] = [
  ['semver-versions.txt', compareSemver],
  ['pypi-versions.txt', comparePypi],
  ['pypi-versions-generated.txt', comparePypi],
  ['maven-versions.txt', compareMaven],
  ['maven-versions-generated.txt', compareMaven],
  ['nuget-versions.txt', compareNuget],
  ['packagist-versions.txt', comparePackagist],
  ['packagist-versions-generated.txt', comparePackagist],
  ['rubygems-versions.txt', compareRubygems],
  ['rubygems-versions-generated.txt', compareRubygems],
  ['debian-versions.txt', compareDebian],
  ['debian-versions-generated.txt', compareDebian],
  ['alpine-versions.txt', compareAlpine],
  ['alpine-versions-generated.txt', compareAlpine],
];

for (const [file, cmp] of CASES) {
  test(`version order matches every vector in ${file}`, () => {
    const { lines, wrong } = failures(file, cmp);
    assert.ok(lines > 0);
    assert.deepEqual(wrong, []);
  });
}

test('semver comparator handles numbers beyond 2^53 and more than three parts', () => {
  assert.equal(compareSemver('999999999999999999999999999991', '999999999999999999999999999999'), -1);
  assert.equal(compareSemver('1.1.3.4.5', '1.1.3.4.5'), 0);
  assert.equal(compareSemver('v1.2.3', '1.2.3'), 0);
  assert.equal(compareSemver('1.2.3-rc.1', '1.2.3'), -1);
});

test('PEP 440: legacy versions sort before valid ones; local versions after the public one', () => {
  assert.equal(comparePypi('foobar', '0.0.1'), -1);
  assert.equal(comparePypi('1.0+local', '1.0'), 1);
  assert.equal(comparePypi('1.0.dev1', '1.0a1'), -1);
  assert.equal(comparePypi('1.0.post1', '1.0'), 1);
  assert.equal(comparePypi('1!0.1', '2.0'), 1);
});
