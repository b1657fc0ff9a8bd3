import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IAC_RULES, iacScanner } from '../../../src/scanners/iac/index.js';
import { EXPOSURE_RULES } from '../../../src/scanners/exposure/policy.js';
import { POSTURE_RULES } from '../../../src/scanners/posture/rules.js';
import { exposureScanner } from '../../../src/scanners/exposure/index.js';
import { postureScanner } from '../../../src/scanners/posture/index.js';

test('rule ids are unique, prefixed, and counts meet the floor (Dockerfile >= 25, Kubernetes >= 30)', () => {
  const ids = [...IAC_RULES, ...EXPOSURE_RULES, ...POSTURE_RULES].map((r) => r.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const r of IAC_RULES) assert.match(r.id, /^(?:docker|k8s|compose|tf)-[a-z0-9-]+$/);
  assert.ok(IAC_RULES.filter((r) => r.id.startsWith('docker-')).length >= 25);
  assert.ok(IAC_RULES.filter((r) => r.id.startsWith('k8s-')).length >= 30);
  for (const s of [iacScanner, exposureScanner, postureScanner]) {
    const rules = s.rules(undefined as never);
    assert.ok(rules.length > 0);
    for (const r of rules) assert.ok(r.title && r.help && r.severity, r.id);
  }
});
