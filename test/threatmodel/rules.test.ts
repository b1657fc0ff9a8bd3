import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { configSchema } from '../../src/config/schema.js';
import { InputError } from '../../src/core/errors.js';
import type { Scanner } from '../../src/core/types.js';
import { loadScanners } from '../../src/scanners/index.js';
import { checkRegistry, validateReferences } from '../../src/threatmodel/checks.js';
import { findThreats } from '../../src/threatmodel/engine.js';
import { parseModel } from '../../src/threatmodel/load.js';
import { BUILTIN_THREAT_RULES } from '../../src/threatmodel/rules/builtin.js';
import { PRIVACY_THREAT_RULES } from '../../src/threatmodel/rules/privacy.js';
import { loadRuleSet } from '../../src/threatmodel/rules/load.js';
import { assertFixture, parseExpectations } from '../helpers/fixtures.js';
import { makeDir } from '../helpers/tmp.js';

const FIXTURE = new URL('./fixtures/stride.yml', import.meta.url);

test('every built-in rule finds its positive cases and none of its negative ones', () => {
  const text = readFileSync(FIXTURE, 'utf8');
  const model = parseModel(text, 'stride.yml');
  const { rules } = loadRuleSet();
  const hits = findThreats(model, rules).map((t) => ({ ruleId: t.rule.id, line: t.target.line }));
  const n = assertFixture('stride.yml', text, hits, { strict: false });
  assert.ok(n > 50, `${n} expectations`);
});

test('every built-in rule has a positive and a negative case in the fixture', () => {
  const exp = parseExpectations(readFileSync(FIXTURE, 'utf8'));
  for (const r of BUILTIN_THREAT_RULES) {
    assert.ok(exp.some((e) => e.kind === 'ruleid' && e.ruleId === r.id), `${r.id} has no ruleid case`);
    assert.ok(exp.some((e) => e.kind === 'ok' && e.ruleId === r.id), `${r.id} has no ok case`);
  }
});

test('every check a built-in rule names is a registered scanner rule', async () => {
  const config = configSchema.parse({});
  const registry = checkRegistry((await loadScanners()) as Scanner<unknown>[], config);
  const { rules } = loadRuleSet({ privacy: true });
  validateReferences(rules, registry);
  for (const r of rules) {
    assert.ok(r.linddun !== undefined || r.mitigations.length > 0 || ['tm-flow-cleartext-internal', 'tm-process-repudiation', 'tm-external-repudiation', 'tm-flow-single-factor-human'].includes(r.id), `${r.id} names no check`);
    for (const m of r.mitigations) assert.ok(registry.scanners.has(m.scanner), `${r.id}: ${m.scanner}`);
    assert.ok(r.cwe.length > 0, `${r.id} has no CWE`);
  }
});

function ruleFileFails(text: string, re: RegExp, line?: number): void {
  const dir = makeDir({ 'rules.yml': text });
  try {
    loadRuleSet({ files: [{ path: `${dir}/rules.yml`, shown: 'rules.yml' }] });
  } catch (e) {
    assert.ok(e instanceof InputError, String(e));
    assert.match(e.format(), re);
    if (line !== undefined) assert.equal(e.line, line, e.format());
    return;
  }
  assert.fail('rule file accepted');
}

const RULE = (cond: string) => `rules:
  - id: acme-admin-exposed
    title: Admin panel on the internet
    stride: elevation-of-privilege
    appliesTo: [process]
    condition: ${JSON.stringify(cond)}
    description: The admin panel can be reached from the internet.
    advice: Keep it behind the VPN.
    likelihood: high
    impact: high
    cwe: [CWE-284]
`;

test('user rule files: bad CEL, unknown fields and bad keys are errors naming the file and line', () => {
  ruleFileFails(RULE('element.internetFacing &&'), /^rules\.yml:6: rules\[0\]\.condition: invalid CEL/, 6);
  ruleFileFails(RULE('element.internetFacng'), /rules\.yml:6: .*the condition fails on a process: .*internetFacng/, 6);
  ruleFileFails(RULE('element.id'), /gave string, not true or false/);
  ruleFileFails(RULE('true').replace('likelihood: high', 'likelihood: hgh'), /rules\.yml:9: rules\[0\]\.likelihood/, 9);
  ruleFileFails(RULE('true').replace('id: acme-admin-exposed', 'id: tm-process-injection'), /rule tm-process-injection is already defined/);
  ruleFileFails('mitigations:\n  - threat: tm-nope\n    checks: [{ scanner: sast }]\n', /rules\.yml:2: mitigations\[0\]\.threat: unknown threat rule tm-nope/, 2);
  ruleFileFails('rules: [\n', /rules\.yml:\d+: invalid YAML/);
});

test('a user rule runs beside the built-in ones and user mitigations are checked against the registry', async () => {
  const dir = makeDir({
    'rules.yml': `${RULE('element.internetFacing && "admin" in element.tags')}    mitigations:\n      - scanner: sast\n        rules: [js-no-such-rule]\n`,
    'ok.yml': `${RULE('element.internetFacing && "admin" in element.tags')}mitigations:\n  - threat: tm-process-injection\n    checks:\n      - scanner: sast\n        rules: [js-code-injection]\n`,
  });
  const config = configSchema.parse({});
  const registry = checkRegistry((await loadScanners()) as Scanner<unknown>[], config);
  const bad = loadRuleSet({ files: [{ path: `${dir}/rules.yml`, shown: 'rules.yml' }] });
  assert.throws(() => validateReferences(bad.rules, registry), (e: unknown) => e instanceof InputError && /rules\.yml:\d+: threat rule acme-admin-exposed: scanner sast has no rule js-no-such-rule/.test(e.format()));
  const good = loadRuleSet({ files: [{ path: `${dir}/ok.yml`, shown: 'ok.yml' }] });
  validateReferences(good.rules, registry);
  const model = parseModel('elements:\n  admin: { kind: process, internetFacing: true, tags: [admin] }\n  site: { kind: process, internetFacing: true }\n', 'm.yml');
  const found = findThreats(model, good.rules).filter((t) => t.rule.id === 'acme-admin-exposed').map((t) => t.target.id);
  assert.deepEqual(found, ['admin']);
  assert.equal(good.rules.find((r) => r.id === 'tm-process-injection')!.mitigations.at(-1)!.source.file, 'ok.yml');
  // A user's file may not name a scanner this build lacks.
  const dast = loadRuleSet({ files: [{ path: `${makeDir({ 'd.yml': `${RULE('true')}    mitigations: [{ scanner: nosuch }]\n` })}/d.yml`, shown: 'd.yml' }] });
  assert.throws(() => validateReferences(dast.rules, registry), /unknown scanner nosuch/);
});

test('disabled rules do not run; an unknown id in disable is an error', () => {
  const { rules, known } = loadRuleSet({ disable: ['tm-process-repudiation'] });
  assert.ok(!rules.some((r) => r.id === 'tm-process-repudiation'));
  assert.ok(known.has('tm-process-repudiation'));
  assert.throws(() => loadRuleSet({ disable: ['tm-nope'] }), /unknown threat rule tm-nope/);
});

test('severity follows likelihood and impact; impact "data" follows the most sensitive asset', () => {
  const model = parseModel(
    `assets: { pub: { classification: public }, sec: { classification: restricted } }
elements:
  a: { kind: process, internetFacing: true, processes: [pub] }
  b: { kind: process, internetFacing: true, processes: [sec] }
`,
    'm.yml',
  );
  const { rules } = loadRuleSet();
  const inj = findThreats(model, rules).filter((t) => t.rule.id === 'tm-process-injection');
  assert.deepEqual(inj.map((t) => [t.target.id, t.impact, t.severity]), [['a', 'low', 'medium'], ['b', 'high', 'critical']]);
});

const LINDDUN_FIXTURE = new URL('./fixtures/linddun.yml', import.meta.url);

test('LINDDUN privacy rules: each finds its positive cases and none of its negative ones, and runs only when enabled', () => {
  const text = readFileSync(LINDDUN_FIXTURE, 'utf8');
  const model = parseModel(text, 'linddun.yml');
  const privacy = loadRuleSet({ privacy: true });
  const ids = new Set(PRIVACY_THREAT_RULES.map((r) => r.id));
  const hits = findThreats(model, privacy.rules).filter((t) => ids.has(t.rule.id)).map((t) => ({ ruleId: t.rule.id, line: t.target.line }));
  assertFixture('linddun.yml', text, hits, { strict: false });
  const exp = parseExpectations(text);
  for (const r of PRIVACY_THREAT_RULES) {
    assert.ok(exp.some((e) => e.kind === 'ruleid' && e.ruleId === r.id), `${r.id} has no ruleid case`);
    assert.ok(exp.some((e) => e.kind === 'ok' && e.ruleId === r.id), `${r.id} has no ok case`);
    assert.ok(r.linddun && !r.stride && (r.cwe ?? []).length > 0, r.id);
  }
  // Off by default; their ids are known either way (an acceptance or a disable may name them).
  const plain = loadRuleSet();
  assert.ok(!plain.rules.some((r) => ids.has(r.id)) && plain.known.has('tm-privacy-retention'));
  assert.doesNotThrow(() => loadRuleSet({ disable: ['tm-privacy-retention'] }));
});

test('a rule names a STRIDE or a LINDDUN category, not both and not neither', () => {
  ruleFileFails(RULE('true').replace('    stride: elevation-of-privilege\n', ''), /rules\.yml:\d+: rules\[0\]\.stride: give a rule either stride \(security\) or linddun \(privacy\)/);
  ruleFileFails(RULE('true').replace('    stride: elevation-of-privilege\n', '    stride: elevation-of-privilege\n    linddun: linking\n'), /give a rule either stride/);
  const dir = makeDir({ 'p.yml': RULE('element.pii').replace('stride: elevation-of-privilege', 'linddun: identifying') });
  const { rules } = loadRuleSet({ files: [{ path: `${dir}/p.yml`, shown: 'p.yml' }] });
  assert.equal(rules.find((r) => r.id === 'acme-admin-exposed')!.linddun, 'identifying');
});
