import assert from 'node:assert/strict';
import { test } from 'node:test';
import { builtinPackItems } from '../../../src/scanners/sast/pack-items.js';
import { BUILTIN_PACKS } from '../../../src/scanners/sast/packs/index.js';
import { parseRuleFile, parseRuleItems } from '../../../src/scanners/sast/patterns/rules.js';
import { builtinRules } from '../../../src/scanners/sast/load-rules.js';

// The bundle embeds the packs' rule entries as JSON (scripts/bundle.mjs, issue 24) instead of parsing their YAML at
// every start: the rules made from the entries, after a JSON round trip, are the rules made from the YAML.
test('the built-in packs give the same rules from their JSON entries as from their YAML', () => {
  const packs = JSON.parse(JSON.stringify(builtinPackItems())) as ReturnType<typeof builtinPackItems>;
  assert.deepEqual(packs.map((p) => p.name), BUILTIN_PACKS.map((p) => p.name));
  for (const [i, p] of packs.entries()) {
    assert.deepEqual(parseRuleItems(p.items, `builtin:${p.name}`), parseRuleFile(BUILTIN_PACKS[i]!.yaml, `builtin:${p.name}`), p.name);
  }
});

test('rules for some languages are the rules of those languages (and generic ones) among all', async () => {
  // Python first: its entries are parsed then, the others only when all are asked for.
  const py = await builtinRules(['python']);
  const all = await builtinRules();
  assert.ok(py.length > 0 && py.length < all.length);
  assert.deepEqual(py, all.filter((r) => r.languages.some((l) => l === 'python' || l === 'generic')));
});
