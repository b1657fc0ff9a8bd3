import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configSchema } from '../../src/config/schema.js';
import type { Scanner } from '../../src/core/types.js';
import { loadScanners } from '../../src/scanners/index.js';
import { checkRegistry, mitigationStatus } from '../../src/threatmodel/checks.js';
import { compileCondition } from '../../src/core/cel.js';
import { findThreats } from '../../src/threatmodel/engine.js';
import { parseModel } from '../../src/threatmodel/load.js';
import { loadRuleSet } from '../../src/threatmodel/rules/load.js';
import { assess } from '../../src/threatmodel/status.js';
import { declaredKeys } from '../../src/threatmodel/declared.js';
import { makeDir } from '../helpers/tmp.js';

const scanners = (await loadScanners()) as Scanner<unknown>[];
const TODAY = '2026-01-02';

function status(cfg: unknown, m: Parameters<typeof mitigationStatus>[0], severity: 'critical' | 'high' | 'medium' | 'low' = 'high') {
  const config = configSchema.parse(cfg);
  return mitigationStatus(m, severity, checkRegistry(scanners, config), config, TODAY);
}

test('a mitigation is live when its scanner is enabled and gates at the threat severity', () => {
  assert.equal(status({}, { scanner: 'sast', rules: ['js-sql-injection'] }).state, 'live');
  assert.equal(status({}, { scanner: 'secrets' }).state, 'live');
  assert.equal(status({ scanners: { sast: { enabled: false } } }, { scanner: 'sast', rules: ['js-sql-injection'] }).state, 'disabled');
  assert.equal(status({ thresholds: { sast: 'none' } }, { scanner: 'sast', rules: ['js-sql-injection'] }).state, 'not-gating');
  assert.equal(status({ failOn: 'critical' }, { scanner: 'sast', rules: ['js-sql-injection'] }, 'high').state, 'not-gating');
  assert.equal(status({ failOn: 'critical' }, { scanner: 'sast', rules: ['js-sql-injection'] }, 'critical').state, 'live');
  // gateAt: the secrets scanner must gate at high even for a critical threat.
  assert.equal(status({ thresholds: { secrets: 'critical' } }, { scanner: 'secrets', gateAt: 'high' }, 'critical').state, 'not-gating');
  assert.equal(status({ scanners: { sast: { disable: ['js-sql-injection'] } } }, { scanner: 'sast', rules: ['js-sql-injection'] }).state, 'rule-disabled');
  assert.equal(status({ scanners: { sast: { disable: ['js-sql-injection'] } } }, { scanner: 'sast', rules: ['js-sql-injection', 'js-nosql-injection'] }).state, 'live');
  const sup = status({ suppressions: [{ rule: 'js-sql-injection', reason: 'noisy for us' }] }, { scanner: 'sast', rules: ['js-sql-injection'] });
  assert.equal(sup.state, 'suppressed');
  assert.match(sup.detail, /suppressions\[0\]/);
  // A suppression limited to a path, or expired, does not turn the check off.
  assert.equal(status({ suppressions: [{ rule: 'js-sql-injection', path: 'test/**', reason: 'test code' }] }, { scanner: 'sast', rules: ['js-sql-injection'] }).state, 'live');
  assert.equal(status({ suppressions: [{ rule: 'js-sql-injection', reason: 'old one', expires: '2025-01-01' }] }, { scanner: 'sast', rules: ['js-sql-injection'] }).state, 'live');
  // A rule that reports below the gate does not gate.
  const low = status({}, { scanner: 'sast', rules: ['js-express-no-helmet'] });
  assert.deepEqual([low.state, low.detail], ['below-threshold', 'js-express-no-helmet reports low, below the gate (high)']);
  assert.equal(status({ failOn: 'low' }, { scanner: 'sast', rules: ['js-express-no-helmet'] }, 'low').state, 'live');
  assert.equal(status({}, { scanner: 'sign' }).state, 'not-built');
});

test('a `when` condition on the config gates the check (the exposure policy must be declared)', () => {
  const when = 'size(config.scanners.exposure.services) > 0';
  const m = { scanner: 'exposure', rules: ['exposure-undeclared-port'], when, whenFn: compileCondition(when) };
  assert.equal(status({}, m).state, 'inactive');
  assert.equal(status({ scanners: { exposure: { services: { api: { public: [443] } } } } }, m).state, 'live');
});

test('threats are mitigated, accepted (until expiry) or open; manual controls count until they expire', () => {
  const model = parseModel(
    `elements:
  a: { kind: process, internetFacing: true, authenticates: true, logs: true }
  b: { kind: process, internetFacing: true, authenticates: true, logs: true }
controls:
  cdn:
    mitigates: [tm-process-denial-of-service]
    elements: [a]
    evidence: CDN rate limit rule 42
accepted:
  - threat: tm-process-information-leak@a
    reason: a serves static pages only
    expires: 2026-06-30
  - threat: tm-process-information-leak@b
    reason: was fine last year
    expires: 2025-06-30
  - threat: tm-process-injection
    reason: nobody will ever see this note
`,
    'm.yml',
  );
  const config = configSchema.parse({});
  const { rules } = loadRuleSet();
  const a = assess(model, findThreats(model, rules), checkRegistry(scanners, config), config, TODAY);
  const st = (id: string) => a.threats.find((t) => t.id === id)?.state;
  assert.equal(st('tm-process-denial-of-service@a'), 'mitigated');
  assert.equal(st('tm-process-denial-of-service@b'), 'open');
  assert.equal(st('tm-process-information-leak@a'), 'accepted');
  assert.equal(st('tm-process-information-leak@b'), 'open');
  assert.equal(st('tm-process-injection@a'), 'mitigated');
  assert.ok(a.notes.some((n) => /m\.yml:\d+: accepted risk tm-process-information-leak@b expired on 2025-06-30/.test(n)), a.notes.join('\n'));
  assert.ok(a.notes.some((n) => /accepted risk tm-process-injection matches no open threat/.test(n)), a.notes.join('\n'));
  const later = assess(model, findThreats(model, rules), checkRegistry(scanners, config), config, '2026-07-01');
  assert.equal(later.threats.find((t) => t.id === 'tm-process-information-leak@a')!.state, 'open');
});

test('DAST counts as a mitigation once pipeguard.yml configures scanners.dast, and gates at the threat severity', async () => {
  const dir = makeDir({ 'with.yml': 'scanners:\n  dast:\n    openapi: openapi.yml\n', 'without.yml': 'failOn: high\n', 'off.yml': 'scanners:\n  dast:\n    enabled: false\n' });
  assert.deepEqual(declaredKeys(`${dir}/with.yml`), ['scanners', 'scanners.dast', 'scanners.dast.openapi']);
  assert.deepEqual(declaredKeys(undefined), []);
  const model = parseModel('elements:\n  api: { kind: process, internetFacing: true, logs: true }\n', 'm.yml');
  const { rules } = loadRuleSet();
  const state = (file: string, cfg: unknown) => {
    const config = configSchema.parse(cfg);
    const a = assess(model, findThreats(model, rules), checkRegistry(scanners, config), config, TODAY, declaredKeys(`${dir}/${file}`));
    const t = a.threats.find((x) => x.id === 'tm-process-unauthenticated-entry@api')!;
    return [t.state, t.checks.find((c) => c.scanner === 'dast')!.state];
  };
  assert.deepEqual(state('without.yml', {}), ['open', 'inactive']);
  assert.deepEqual(state('with.yml', { scanners: { dast: { openapi: 'openapi.yml' } } }), ['mitigated', 'live']);
  assert.deepEqual(state('off.yml', { scanners: { dast: { enabled: false } } }), ['open', 'disabled']);
  // The threat is high; DAST gating only from critical does not mitigate it.
  assert.deepEqual(state('with.yml', { scanners: { dast: { openapi: 'openapi.yml' } }, thresholds: { dast: 'critical' } }), ['open', 'not-gating']);
  // A DAST rule turned off in scanners.dast.rules does not count; another of the list still does.
  const only = configSchema.parse({ scanners: { dast: { rules: { 'dast-admin-console': 'off', 'dast-bola': 'off', 'dast-jwt-none': 'off' } } } });
  const m = rules.find((r) => r.id === 'tm-process-unauthenticated-entry')!.mitigations.find((x) => x.scanner === 'dast')!;
  const s = mitigationStatus(m, 'high', checkRegistry(scanners, only), only, TODAY, ['scanners.dast']);
  assert.deepEqual([s.state, s.liveRules], ['live', ['dast-jwt-weak-secret']]);
});

test('image scanning and signing mitigate the image supply chain; signing counts when build.require asks for it', () => {
  const model = parseModel('elements:\n  api: { kind: process, container: true }\n', 'm.yml');
  const { rules } = loadRuleSet();
  const checksOf = (cfg: unknown) => {
    const config = configSchema.parse(cfg);
    const a = assess(model, findThreats(model, rules), checkRegistry(scanners, config), config, TODAY);
    return a.threats.find((x) => x.id === 'tm-process-image-supply-chain@api')!.checks.map((c) => `${c.scanner}:${c.state}`);
  };
  assert.deepEqual(checksOf({}), ['image:live', 'deps:live', 'integrity:inactive', 'integrity:inactive', 'iac:live']);
  assert.deepEqual(checksOf({ build: { require: ['signed'], key: 'cosign.pub' } }), ['image:live', 'deps:live', 'integrity:live', 'integrity:inactive', 'iac:live']);
  assert.deepEqual(checksOf({ build: { require: ['signed', 'provenance'], key: 'cosign.pub' }, scanners: { image: { enabled: false } } }), ['image:disabled', 'deps:live', 'integrity:live', 'integrity:live', 'iac:live']);
});
