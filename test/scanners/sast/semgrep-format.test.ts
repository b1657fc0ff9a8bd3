import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { assertFixtureFile, fileLoc } from '../../helpers/fixtures.js';
import { scanDir } from './helpers.js';

/*
 * Semgrep-format constructs, one folder each under fixtures/semgrep/: a `rules.yml` written for these tests in
 * Semgrep's format, and code files annotated with `ruleid:`/`ok:` (positive and look-alike lines).
 */
const ROOT = join(import.meta.dirname, 'fixtures', 'semgrep');

for (const dir of readdirSync(ROOT, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()) {
  test(`Semgrep-format construct: ${dir}`, async () => {
    const abs = join(ROOT, dir);
    const ids = new Set((parse(readFileSync(join(abs, 'rules.yml'), 'utf8')) as { rules: { id: string }[] }).rules.map((r) => r.id));
    const r = await scanDir(abs, { rules: ['rules.yml'] });
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.warnings, [], 'every rule of the folder loads');
    const files = readdirSync(abs).filter((f) => f !== 'rules.yml');
    for (const file of files) {
      const hits = r.findings.filter((f) => fileLoc(f.location).path === file).map((f) => ({ ruleId: f.ruleId, line: fileLoc(f.location).startLine ?? 0 }));
      assertFixtureFile(join(abs, file), hits, { rules: ids });
    }
  });
}
