import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mismatches, runSuite, type SuiteResult } from '../helpers/rule-tester.js';
import { SUITES } from './suites.js';

const results = new Map<string, Promise<SuiteResult>>();
/** Each suite runs once; its files' tests share the run. */
export function suiteResult(name: string): Promise<SuiteResult> {
  let r = results.get(name);
  if (!r) results.set(name, (r = runSuite(SUITES.find((s) => s.name === name)!)));
  return r;
}

for (const suite of SUITES) {
  test(`fixtures: ${suite.name}`, async (t) => {
    const r = await suiteResult(suite.name);
    assert.ok(r.files.length > 0, 'the suite has annotated fixtures');
    assert.deepEqual(r.problems, []);
    for (const f of r.files) {
      await t.test(f.rel, () => {
        const lines = mismatches(f);
        assert.ok(lines.length === 0, `fixture ${f.rel} does not match its expectations:\n${lines.join('\n')}`);
      });
    }
  });
}
