import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { assertFixtureFile, fileLoc } from '../../helpers/fixtures.js';
import { scanDir } from './helpers.js';

const ROOT = join(import.meta.dirname, 'fixtures', 'express-app');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

test('vulnerable Express+TS app: exactly the annotated cross-file findings', async () => {
  const dir = join(ROOT, 'vulnerable');
  const r = await scanDir(dir);
  assert.deepEqual(r.errors, []);
  const taint = r.findings.filter((f) => f.tags?.includes('taint'));
  const got = taint.map((f) => `${f.ruleId} ${fileLoc(f.location).path}:${fileLoc(f.location).startLine}`).sort();
  assert.deepEqual(got, [
    'js-code-injection src/lib/calc.ts:3',
    'js-code-injection src/routes/reports.ts:12',
    'js-command-injection src/lib/shell.ts:6',
    'js-ldap-injection src/routes/extras.ts:16',
    'js-nosql-injection src/data/reportStore.ts:12',
    'js-nosql-injection src/data/reportStore.ts:8',
    'js-nosql-injection src/data/sessions.ts:9',
    'js-open-redirect src/routes/misc.ts:24',
    'js-path-traversal src/lib/storage.ts:6',
    'js-path-traversal src/routes/extras.ts:38',
    'js-resource-exhaustion src/routes/extras.ts:31',
    'js-sql-injection src/data/userRepository.ts:14',
    'js-sql-injection src/data/userRepository.ts:8',
    'js-ssrf src/lib/http.ts:3',
    'js-ssrf src/routes/reports.ts:34',
    'js-unsafe-deserialization src/routes/reports.ts:18',
    'js-unsafe-reflection src/routes/extras.ts:26',
    'js-xpath-injection src/routes/extras.ts:21',
    'js-xss src/routes/misc.ts:14',
    'js-xxe src/routes/reports.ts:20',
  ]);
  let checked = 0;
  for (const file of walk(dir)) {
    const rel = relative(dir, file);
    const hits = r.findings.filter((f) => fileLoc(f.location).path === rel).map((f) => ({ ruleId: f.ruleId, line: fileLoc(f.location).startLine ?? 0 }));
    try {
      checked += assertFixtureFile(file, hits);
    } catch (e) {
      if (!/has no ruleid/.test((e as Error).message)) throw e;
      assert.equal(hits.length, 0, `${rel} has findings but no expectations`);
    }
  }
  assert.equal(checked, 21);
});

test('the SQL injection path crosses controller → service → repository (three functions, three files)', async () => {
  const r = await scanDir(join(ROOT, 'vulnerable'));
  const f = r.findings.find((x) => x.ruleId === 'js-sql-injection' && fileLoc(x.location).startLine === 8);
  assert.ok(f?.flow);
  const files = [...new Set(f.flow.map((s) => fileLoc(s.location).path))];
  assert.deepEqual(files, ['src/controllers/userController.ts', 'src/services/userService.ts', 'src/data/userRepository.ts']);
  assert.match(f.flow[0]!.message, /untrusted input: req\.params/);
  assert.match(f.flow.at(-1)!.message, /reaches this\.db\.query\(\)/);
  assert.match(f.message, /req\.params\.id/);
  assert.equal(f.identity.includes('8'), false, 'identity carries no line number');
  assert.deepEqual(f.cwe, ['CWE-89']);
  // the command injection goes through a CommonJS require in a fourth file
  const cmd = r.findings.find((x) => x.ruleId === 'js-command-injection');
  assert.deepEqual([...new Set(cmd!.flow!.map((s) => fileLoc(s.location).path))], ['src/routes/admin.ts', 'src/services/backupService.ts', 'src/lib/shell.ts']);
});

test('fixed twin: guards, parameterised queries and sanitisers leave no finding', async () => {
  const dir = join(ROOT, 'fixed');
  const r = await scanDir(dir);
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.findings.map((f) => `${f.ruleId} ${fileLoc(f.location).path}:${fileLoc(f.location).startLine}`), []);
  for (const file of walk(dir)) {
    const rel = relative(dir, file);
    try {
      assertFixtureFile(file, []);
    } catch (e) {
      if (!/has no ruleid/.test((e as Error).message)) throw e;
    }
    void rel;
  }
});
