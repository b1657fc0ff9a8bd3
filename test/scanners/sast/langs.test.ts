import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileLoc } from '../../helpers/fixtures.js';
import { builtinRules } from '../../../src/scanners/sast/index.js';
import { scanDir } from './helpers.js';

// The language fixtures themselves run in the one rule tester (test/rules/suites.ts).

test('at least 15 built-in rules per language, each with a CWE', async () => {
  const rules = await builtinRules();
  for (const lang of ['python', 'go', 'java'] as const) {
    const mine = rules.filter((r) => r.languages.includes(lang));
    assert.ok(mine.length >= 15, `${lang}: ${mine.length} rules`);
    for (const r of mine) assert.ok(r.cwe.length > 0, `${r.id} has no CWE`);
  }
});

test('a Python/Go/Java file with a syntax error is a file error, and the rules still match the rest of it (as Semgrep does)', async () => {
  const { makeDir } = await import('../../helpers/tmp.js');
  const dir = makeDir({ 'partly.py': 'import os\ndef f(:\n  pass\n\nos.system(cmd)\n' });
  const r = await scanDir(dir);
  assert.deepEqual(r.errors, [{ path: 'partly.py', message: 'line 2: parse error (python)' }]);
  assert.deepEqual(r.findings.map((f) => `${f.ruleId} ${fileLoc(f.location).startLine}`), ['py-os-system 5']);
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
