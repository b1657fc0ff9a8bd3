import assert from 'node:assert/strict';
import { test } from 'node:test';
import picomatch from 'picomatch';
import { configSchema } from '../../src/config/schema.js';
import { rulesByControl, matches } from '../../src/compliance/evaluate.js';
import { FRAMEWORKS } from '../../src/compliance/frameworks/index.js';
import { CI_MAPPING, RULE_MAPPING, UNMAPPED, type FrameworkId } from '../../src/compliance/mapping.js';
import type { RuleMeta } from '../../src/core/types.js';
import { forgeRuleMeta } from '../../src/posture/rules.js';
import { loadScanners } from '../../src/scanners/index.js';

const config = configSchema.parse({});
const RULES: RuleMeta[] = [...(await loadScanners()).flatMap((s) => s.rules((config.scanners as Record<string, unknown>)[s.id])), ...forgeRuleMeta()];
const FW_IDS = FRAMEWORKS.map((f) => f.id as FrameworkId);

test('every registered rule id is mapped to a control, or explicitly unmapped with a reason', () => {
  const unmapped = UNMAPPED.map((u) => ({ ...u, m: picomatch(u.match) }));
  const missing: string[] = [];
  const reach = new Map<string, string[]>();
  for (const fw of FW_IDS) for (const [c, rs] of rulesByControl(fw, RULES)) for (const r of rs) reach.set(r.id, [...(reach.get(r.id) ?? []), `${fw}:${c}`]);
  for (const r of RULES) {
    const isUnmapped = unmapped.some((u) => u.m(r.id));
    const controls = reach.get(r.id) ?? [];
    if (!isUnmapped && controls.length === 0) missing.push(`${r.scanner}/${r.id}`);
    if (isUnmapped) assert.equal(controls.length, 0, `${r.id} is unmapped but still reaches ${controls.join(', ')}`);
  }
  assert.deepEqual(missing, [], 'rules with no control and no reason: add them to src/compliance/mapping.ts');
  assert.ok(RULES.length > 600, `the registry holds every scanner's rules (${RULES.length})`);
});

test('every unmapped entry names a registered rule and gives a reason', () => {
  for (const u of UNMAPPED) {
    assert.ok(RULES.some((r) => picomatch(u.match)(r.id)), `UNMAPPED ${u.match} matches no rule`);
    assert.ok(u.reason.length > 10, `UNMAPPED ${u.match} has no reason`);
  }
});

test('every mapping entry matches a rule, and every control it names exists in its framework', () => {
  for (const m of RULE_MAPPING) {
    for (const one of m.match) assert.ok(RULES.some((r) => matches([one], r)), `${one} matches no registered rule`);
    for (const [fw, ids] of Object.entries(m.controls)) {
      const f = FRAMEWORKS.find((x) => x.id === fw);
      assert.ok(f, `unknown framework ${fw}`);
      for (const id of ids!) assert.ok(f.controls.some((c) => c.id === id), `${fw}:${id} (for ${m.match.join(', ')}) is not a control of ${f.name}`);
    }
  }
  for (const m of CI_MAPPING) for (const [fw, ids] of Object.entries(m.controls)) for (const id of ids!) assert.ok(FRAMEWORKS.find((x) => x.id === fw)!.controls.some((c) => c.id === id), `${m.signal}: ${fw}:${id}`);
});

test('every control is reached by some evidence, or says why none exists; frameworks name their versions', () => {
  for (const f of FRAMEWORKS) {
    assert.match(f.version, /^\d+\.\d+ \(\w+ \d{4}\)$/, `${f.id} names its version and date`);
    const byRule = rulesByControl(f.id as FrameworkId, RULES);
    const ids = new Set(f.controls.map((c) => c.id));
    assert.equal(ids.size, f.controls.length, `${f.id}: duplicate control ids`);
    for (const c of f.controls) {
      const reached = (byRule.get(c.id)?.length ?? 0) > 0 || CI_MAPPING.some((m) => m.controls[f.id as FrameworkId]?.includes(c.id));
      assert.ok(reached !== Boolean(c.manual), `${f.id}:${c.id} ${reached ? 'is reached by evidence but marked manual' : 'is reached by no evidence and not marked manual'}`);
      assert.ok(c.guidance.length > 10 && c.title.length > 3, 'c.guidance.length > 10 && c.title.length > 3');
    }
  }
  assert.deepEqual(FW_IDS, ['ssdf', 'cis-supply-chain', 'slsa', 'samm']);
  assert.equal(FRAMEWORKS.find((f) => f.id === 'ssdf')!.controls.length, 42, 'every SSDF 1.1 task');
  assert.equal(FRAMEWORKS.find((f) => f.id === 'samm')!.controls.length, 30, 'every SAMM 2.0 stream');
});
