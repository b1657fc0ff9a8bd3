import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { test } from 'node:test';
import { configSchema } from '../../src/config/schema.js';
import { SCANNER_CONFIGS } from '../../src/scanners/configs.js';
import { loadScanners, SCANNER_IDS } from '../../src/scanners/index.js';

const SCANNERS = await loadScanners();

const dir = new URL('../../src/scanners/', import.meta.url);

test('every scanner folder is registered, with a config section', () => {
  const folders = readdirSync(dir).filter((f) => statSync(new URL(f, dir)).isDirectory());
  const ids = SCANNERS.map((s) => s.id);
  for (const f of folders) {
    assert.ok(ids.includes(f), `src/scanners/${f} is not in SCANNERS`);
    assert.ok(f in SCANNER_CONFIGS, `src/scanners/${f} has no config section in SCANNER_CONFIGS`);
    // The CLI and the stages reach a scanner only through its entry (npm run lint checks the imports).
    assert.ok(readdirSync(new URL(f, dir)).includes('index.ts'), `src/scanners/${f} has no index.ts entry`);
  }
  assert.equal(new Set(ids).size, ids.length, 'scanner ids are unique');
  assert.deepEqual(ids, [...SCANNER_IDS], 'each registry entry loads the scanner with its id');
});

test('every rule is documented, kebab-case and unique across scanners', () => {
  const config = configSchema.parse({});
  const seen = new Map<string, string>();
  for (const s of SCANNERS) {
    const rules = s.rules((config.scanners as Record<string, unknown>)[s.id]);
    assert.ok(rules.length > 0, `${s.id} declares no rules`);
    for (const r of rules) {
      assert.match(r.id, /^[a-z0-9]+(-[a-z0-9]+)*$/, `${s.id}: ${r.id} is not kebab-case`);
      assert.ok(!seen.has(r.id), `${r.id} is declared by both ${seen.get(r.id)} and ${s.id}`);
      seen.set(r.id, s.id);
      assert.equal(r.scanner, s.id, `${r.id} names scanner ${r.scanner}`);
      assert.ok(r.title.trim().length > 3, `${r.id} has no title`);
      assert.ok(r.help.trim().length > 20, `${r.id} has no help text`);
    }
  }
});
