import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { collectInventory } from '../../../src/analyzers/inventory/inventory.js';
import { openDirectory } from '../../../src/targets/directory.js';

// An accuracy estimate on a corpus of real-world-shaped files (test/scanners/deps/corpus/<format>/<case>/), each
// case with `expected.txt`: one `ecosystem name version` line per package the tools of that ecosystem install. A
// package counts as found when ecosystem, name and version all agree; anything else read is an extra. The
// per-format table is printed as test diagnostics; the gate is the goal (95% found, extras under 2%).

const CORPUS = fileURLToPath(new URL('./corpus', import.meta.url));

interface Score {
  expected: number;
  found: number;
  extra: number;
  misses: string[];
}

async function scoreCase(dir: string): Promise<Score> {
  const expected = new Set(readFileSync(join(dir, 'expected.txt'), 'utf8').split('\n').map((l) => l.trim()).filter(Boolean));
  const inv = await collectInventory(await openDirectory(dir, { gitignore: false }));
  const got = new Set(inv.lockfiles.flatMap((l) => l.packages.map((p) => `${p.ecosystem} ${p.name} ${p.version}`)));
  const misses = [...expected].filter((e) => !got.has(e)).map((e) => `missing ${e}`);
  const extras = [...got].filter((g) => !expected.has(g)).map((g) => `extra ${g}`);
  const errors = inv.errors.filter((e) => !/missing|not found|does not exist|no such/i.test(e.message)).map((e) => `error ${e.path}:${e.line ?? '?'} ${e.message}`);
  return { expected: expected.size, found: expected.size - misses.length, extra: extras.length, misses: [...misses, ...extras, ...errors] };
}

test('corpus: per-format share of expected packages read exactly (name, version, ecosystem), extras under 2%', async (t) => {
  const rows: string[] = [];
  let expected = 0;
  let found = 0;
  let extra = 0;
  const problems: string[] = [];
  for (const format of readdirSync(CORPUS).sort()) {
    const fdir = join(CORPUS, format);
    if (!statSync(fdir).isDirectory()) continue;
    const s: Score = { expected: 0, found: 0, extra: 0, misses: [] };
    for (const c of readdirSync(fdir).sort()) {
      const r = await scoreCase(join(fdir, c));
      s.expected += r.expected;
      s.found += r.found;
      s.extra += r.extra;
      problems.push(...r.misses.map((m) => `${format}/${c}: ${m}`));
    }
    rows.push(`${format.padEnd(22)} ${String(s.found).padStart(4)}/${String(s.expected).padEnd(4)} ${((100 * s.found) / Math.max(1, s.expected)).toFixed(1).padStart(5)}%  extra ${s.extra}`);
    expected += s.expected;
    found += s.found;
    extra += s.extra;
  }
  t.diagnostic(`corpus accuracy by format:\n${rows.join('\n')}\nall: ${found}/${expected} (${((100 * found) / expected).toFixed(1)}%), extras ${extra} (${((100 * extra) / Math.max(1, found + extra)).toFixed(1)}%)`);
  for (const p of problems) t.diagnostic(p);
  assert.ok(found / expected >= 0.95, `found ${found}/${expected}`);
  assert.ok(extra / (found + extra) < 0.02, `extras ${extra}`);
  assert.deepEqual(problems, [], 'every corpus case is read exactly');
});
