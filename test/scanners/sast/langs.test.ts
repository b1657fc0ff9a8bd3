import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertFixtureFile, parseExpectations, fileLoc } from '../../helpers/fixtures.js';
import { builtinRules } from '../../../src/scanners/sast/index.js';
import { scanDir, type SastRun } from './helpers.js';

const DIR = join(import.meta.dirname, 'fixtures', 'langs');
let run: SastRun | undefined;
async function result(): Promise<SastRun> {
  return (run ??= await scanDir(DIR));
}
const files = readdirSync(DIR).sort();

for (const name of files) {
  test(`language fixture ${name}`, async () => {
    const r = await result();
    const hits = r.findings.filter((f) => fileLoc(f.location).path === name).map((f) => ({ ruleId: f.ruleId, line: fileLoc(f.location).startLine ?? 0 }));
    assert.ok(assertFixtureFile(join(DIR, name), hits) > 0);
  });
}

test('language fixtures parse', async () => {
  assert.deepEqual((await result()).errors, []);
});

test('at least 15 built-in rules per language, each with a true positive and a look-alike', async () => {
  const rules = await builtinRules();
  const exp = files.flatMap((f) => parseExpectations(readFileSync(join(DIR, f), 'utf8')));
  for (const lang of ['python', 'go', 'java'] as const) {
    const mine = rules.filter((r) => r.languages.includes(lang));
    assert.ok(mine.length >= 15, `${lang}: ${mine.length} rules`);
    for (const r of mine) {
      assert.ok(exp.some((e) => e.kind === 'ruleid' && e.ruleId === r.id), `${r.id} has no ruleid: fixture`);
      assert.ok(exp.some((e) => e.kind === 'ok' && e.ruleId === r.id), `${r.id} has no ok: fixture`);
      assert.ok(r.cwe.length > 0, `${r.id} has no CWE`);
    }
  }
});

test('a file that does not parse is a file error and the scan goes on', async () => {
  const { makeDir } = await import('../../helpers/tmp.js');
  const dir = makeDir({
    'bad.py': 'def f(:\n  pass\n',
    'bad.ts': 'const x = ;\nfunction (\n',
    'good.py': 'import os\nos.system(cmd)\n',
  });
  const r = await scanDir(dir);
  assert.deepEqual(r.errors.map((e) => e.path).sort(), ['bad.py', 'bad.ts']);
  assert.match(r.errors.find((e) => e.path === 'bad.ts')!.message, /^line 1: parse error/);
  assert.match(r.errors.find((e) => e.path === 'bad.py')!.message, /^line 1: parse error/);
  assert.deepEqual(r.findings.map((f) => `${f.ruleId} ${fileLoc(f.location).path}:${fileLoc(f.location).startLine}`), ['py-os-system good.py:2']);
});
