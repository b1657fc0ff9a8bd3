import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertFixture, parseExpectations, fileLoc } from '../../helpers/fixtures.js';
import { IAC_RULES, scanIacText, scanTerraform } from '../../../src/scanners/iac/index.js';
import { iacConfigSchema } from '../../../src/scanners/iac/config.js';

const dir = join(import.meta.dirname, 'fixtures');
const cfg = iacConfigSchema.parse({});
const covered = new Set<string>();

for (const kind of ['docker', 'k8s', 'compose', 'tf']) {
  for (const name of readdirSync(join(dir, kind)).sort()) {
    if (name.startsWith('malformed')) continue;
    test(`iac fixture ${kind}/${name}`, () => {
      const text = readFileSync(join(dir, kind, name), 'utf8');
      const errors: string[] = [];
      const path = `${kind}/${name}`;
      const findings = kind === 'tf' ? scanTerraform([{ path, text }], cfg, (_p, m) => errors.push(m)) : scanIacText(path, text, cfg, (_p, m) => errors.push(m));
      assert.deepEqual(errors, [], 'fixture parses cleanly');
      const mentioned = new Set(parseExpectations(text).map((e) => e.ruleId));
      for (const e of parseExpectations(text)) if (e.kind === 'ruleid') covered.add(e.ruleId);
      for (const f of findings) {
        assert.ok(fileLoc(f.location).startLine && fileLoc(f.location).startColumn && fileLoc(f.location).endLine && fileLoc(f.location).endColumn, `${f.ruleId} has a full position`);
        assert.ok(!/\b\d+\b.*line/.test(f.identity));
      }
      assertFixture(path, text, findings.map((f) => ({ ruleId: f.ruleId, line: fileLoc(f.location).startLine! })), { rules: mentioned });
      // Identities survive line moves: shift the whole file down and compare.
      const shifted = '\n\n\n' + text;
      const again = kind === 'tf' ? scanTerraform([{ path, text: shifted }], cfg, () => {}) : scanIacText(path, shifted, cfg, () => {});
      const ids = (fs: typeof findings) => fs.map((f) => `${f.ruleId}|${f.identity}`).sort();
      assert.deepEqual(ids(again), ids(findings));
      const dup = ids(findings).filter((x, i, a) => a.indexOf(x) !== i);
      assert.deepEqual(dup, [], 'two findings of one rule share an identity (the engine would merge them)');
      assert.deepEqual(again.map((f) => fileLoc(f.location).startLine! - 3).sort(), findings.map((f) => fileLoc(f.location).startLine!).sort());
    });
  }
}

test('every iac rule has at least one true-positive fixture', () => {
  const missing = IAC_RULES.map((r) => r.id).filter((id) => !covered.has(id));
  assert.deepEqual(missing, []);
});
