import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { matchPackage } from '../../src/advisories/group.js';
import { compareRpm, comparatorFor } from '../../src/advisories/versions/index.js';

// Generated once from the real rpm 4.18 (Debian's `rpm` package) by scripts/gen-rpm-vectors.mjs.
const VECTORS = fileURLToPath(new URL('./fixtures/rpm-versions.txt', import.meta.url));

test('RPM order agrees with rpm 4.18 on every generated vector, both ways round', () => {
  const wrong: string[] = [];
  let n = 0;
  for (const raw of readFileSync(VECTORS, 'utf8').split('\n')) {
    if (!raw || raw.startsWith('#')) continue;
    const m = /^(\S+) ([<=>]) (\S+)$/.exec(raw);
    assert.ok(m, `unreadable vector line ${raw}`);
    n++;
    const want = m[2] === '<' ? -1 : m[2] === '>' ? 1 : 0;
    const got = Math.sign(compareRpm(m[1]!, m[3]!));
    const back = Math.sign(compareRpm(m[3]!, m[1]!));
    if (got !== want || back !== -want) wrong.push(`${raw} (got ${got}, reversed ${back})`);
  }
  assert.ok(n > 6000, `only ${n} vectors`);
  assert.deepEqual(wrong.slice(0, 20), []);
});

test('RPM-based OSV ecosystems use the RPM order; a Rocky advisory matches its release only', () => {
  for (const eco of ['Rocky Linux:9', 'AlmaLinux:8', 'Red Hat:enterprise_linux:9::appstream', 'openSUSE:Leap 15.5']) assert.equal(comparatorFor(eco), compareRpm, eco);
  const rec = {
    id: 'RLSA-2024:0001',
    affected: [{ package: { ecosystem: 'Rocky Linux:9', name: 'glibc' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.34-83.el9_3.7' }] }] }],
  };
  assert.equal(matchPackage([rec], { ecosystem: 'Rocky Linux:9', name: 'glibc', version: '2.34-83.el9' }).vulnerabilities.length, 1);
  assert.equal(matchPackage([rec], { ecosystem: 'Rocky Linux:9', name: 'glibc', version: '2.34-83.el9_3.7' }).vulnerabilities.length, 0);
  assert.equal(matchPackage([rec], { ecosystem: 'Rocky Linux:8', name: 'glibc', version: '2.28-1.el8' }).vulnerabilities.length, 0);
});
