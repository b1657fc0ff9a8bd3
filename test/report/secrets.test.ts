// Defence in depth: `data.secret` / `data.raw` (any depth, any case) never reach any output.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FORMATS, render } from '../../src/report/index.js';
import { stripSecrets } from '../../src/report/view.js';
import { F, PLANTED, sampleDecision, sampleReport } from './sample.js';

test('no format prints data keys named secret or raw', () => {
  const report = sampleReport();
  const decision = sampleDecision();
  // Also plant them in a suppressed finding and with other casings.
  report.findings[4]!.data = { Secret: PLANTED[0], RAW: { x: PLANTED[1] } };
  decision.suppressed[0]!.finding.data = report.findings[4]!.data;
  for (const format of FORMATS) {
    for (const verbose of [false, true]) {
      const out = render(format, report, decision, { color: false, verbose });
      for (const marker of PLANTED) assert.ok(!out.includes(marker), `${format} leaked ${marker}`);
    }
  }
});

test('stripSecrets keeps everything else', () => {
  assert.deepEqual(stripSecrets({ a: 1, secret: 'x', b: [{ raw: 'y', c: null }], rawValue: 'kept', d: { Secret: 'z' } }), {
    a: 1,
    b: [{ c: null }],
    rawValue: 'kept',
    d: {},
  });
});

test('the other data fields still reach JSON and SARIF', () => {
  const json = render('json', sampleReport(), sampleDecision(), { color: false });
  const sarif = render('sarif', sampleReport(), sampleDecision(), { color: false });
  for (const out of [json, sarif]) {
    assert.ok(out.includes('"valueHash": "sha256:4be1c0d9"'));
    assert.ok(out.includes('"advisoryId": "GHSA-35jh-r3h4-6jhm"'));
    assert.ok(out.includes(F.awsKey.evidence));
  }
});
