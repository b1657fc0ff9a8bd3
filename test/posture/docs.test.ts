import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { configSchema } from '../../src/config/schema.js';
import { checksMarkdown, replaceSection, scopesMarkdown } from '../../src/posture/docs.js';
import { FORGE_RULES, forgeRuleMeta } from '../../src/posture/rules.js';
import { loadScanners } from '../../src/scanners/index.js';

const doc = readFileSync(new URL('../../docs/posture.md', import.meta.url), 'utf8');

test('docs/posture.md lists every posture check with its framework controls and the token scopes (run scripts/gen-posture-docs.ts to update)', async () => {
  const [posture] = await loadScanners(['posture']);
  const rules = posture!.rules(configSchema.parse({}).scanners.posture);
  const regenerated = replaceSection(replaceSection(doc, 'checks', checksMarkdown(rules)), 'scopes', scopesMarkdown());
  assert.equal(doc, regenerated);
  for (const r of FORGE_RULES) assert.ok(doc.includes(`<a id="${r.id}"></a>`), `${r.id} has no anchor (its helpUri points there)`);
  for (const m of forgeRuleMeta()) assert.equal(m.helpUri, `https://github.com/pipeguard/pipeguard/blob/main/docs/posture.md#${m.id}`);
});
