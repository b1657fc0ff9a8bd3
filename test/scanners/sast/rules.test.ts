import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertFixtureFile, parseExpectations, fileLoc } from '../../helpers/fixtures.js';
import { sastScanner } from '../../../src/scanners/sast/index.js';
import { sastConfigSchema } from '../../../src/scanners/sast/config.js';
import { scanDir, type SastRun } from './helpers.js';

const DIR = join(import.meta.dirname, 'fixtures', 'rules');
let run: SastRun | undefined;
async function result(): Promise<SastRun> {
  return (run ??= await scanDir(DIR));
}

const files = readdirSync(DIR).sort();

for (const name of files) {
  test(`fixture ${name}`, async () => {
    const r = await result();
    const hits = r.findings.filter((f) => fileLoc(f.location).path === name).map((f) => ({ ruleId: f.ruleId, line: fileLoc(f.location).startLine ?? 0 }));
    assert.ok(assertFixtureFile(join(DIR, name), hits) > 0);
  });
}

test('fixture run has no file errors', async () => {
  assert.deepEqual((await result()).errors, []);
});

test('every JS rule has a true positive and a look-alike that must stay silent', () => {
  const exp = files.flatMap((f) => parseExpectations(readFileSync(join(DIR, f), 'utf8')));
  for (const rule of sastScanner.rules(sastConfigSchema.parse({}))) {
    if (!rule.id.startsWith('js-')) continue;
    assert.ok(exp.some((e) => e.kind === 'ruleid' && e.ruleId === rule.id), `${rule.id} has no ruleid: fixture`);
    assert.ok(exp.some((e) => e.kind === 'ok' && e.ruleId === rule.id), `${rule.id} has no ok: fixture`);
    assert.ok(rule.help.length > 40, `${rule.id} needs help text`);
  }
});

test('every emitted rule id is declared in rules()', async () => {
  const declared = new Set(sastScanner.rules(sastConfigSchema.parse({})).map((r) => r.id));
  for (const f of (await result()).findings) assert.ok(declared.has(f.ruleId), f.ruleId);
});
