import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configSchema } from '../../src/config/schema.js';
import type { Finding, Report, Severity } from '../../src/core/types.js';
import { evaluate } from '../../src/gate/evaluate.js';

function finding(fp: string, severity: Severity, extra: Partial<Finding> = {}): Finding {
  return { scanner: 'secrets', ruleId: 'r1', severity, message: 'm', location: { path: 'a/b.js', startLine: 1 }, identity: fp, fingerprint: fp, ...extra };
}
function report(findings: Finding[], extra: Partial<Report> = {}): Report {
  return { tool: { name: 'pipeguard', version: '0' }, target: { id: 'x', kind: 'directory' }, startedAt: '', finishedAt: '', rules: [], findings, statuses: [{ scanner: 'secrets', status: 'succeeded', fileErrors: [] }], ...extra };
}
const now = new Date('2026-06-01T12:00:00Z');
const policy = (o: object = {}) => configSchema.parse(o);

test('findings at or above failOn fail the gate; below pass', () => {
  const r = report([finding('a', 'medium'), finding('b', 'low')]);
  assert.equal(evaluate(r, { policy: policy(), now }).outcome, 'pass');
  const d = evaluate(r, { policy: policy({ failOn: 'medium' }), now });
  assert.equal(d.outcome, 'fail');
  assert.deepEqual(d.violations.map((f) => f.fingerprint), ['a']);
  assert.equal(evaluate(r, { policy: policy({ failOn: 'medium' }), failOn: 'none', now }).outcome, 'pass');
});

test('per-scanner thresholds override failOn', () => {
  const r = report([finding('a', 'low'), finding('b', 'medium', { scanner: 'deps' })]);
  const d = evaluate(r, { policy: policy({ thresholds: { secrets: 'low' } }), now });
  assert.deepEqual(d.violations.map((f) => f.fingerprint), ['a']);
});

test('suppressions match by rule, path glob and fingerprint; an expired one stops suppressing and says so', () => {
  const r = report([finding('a', 'high'), finding('b', 'high', { location: { path: 'test/x.js' } }), finding('c', 'high')]);
  const d = evaluate(r, {
    policy: policy({
      suppressions: [
        { path: 'test/**', reason: 'fixtures' },
        { fingerprint: 'c', reason: 'accepted risk', expires: '2026-12-31' },
        { fingerprint: 'a', reason: 'old exception', expires: '2026-01-01' },
        { rule: 'nope', reason: 'stale entry' },
      ],
    }),
    now,
  });
  assert.deepEqual(d.violations.map((f) => f.fingerprint), ['a']);
  assert.deepEqual(d.suppressed.map((s) => [s.finding.fingerprint, s.kind, s.reason]), [
    ['b', 'config', 'fixtures'],
    ['c', 'config', 'accepted risk (until 2026-12-31)'],
  ]);
  assert.ok(d.notes.some((n) => /expired on 2026-01-01/.test(n)), d.notes.join('\n'));
  assert.ok(d.notes.some((n) => /rule nope.*matched no finding/.test(n)), d.notes.join('\n'));
});

test('inline ignores and the ignore file suppress; unused ignore entries are reported', () => {
  const r = report([finding('a', 'high'), finding('b', 'high')], { inlineIgnored: { a: 'inline ignore comment' } });
  const d = evaluate(r, { policy: policy(), now, ignored: new Map([['b', 'rotated'], ['zz', '']]) });
  assert.equal(d.outcome, 'pass');
  assert.deepEqual(d.suppressed.map((s) => s.kind), ['inline', 'ignore-file']);
  assert.ok(d.notes.some((n) => n.includes('zz')));
});

test('with a baseline only new findings fail; states and absent findings are given', () => {
  const r = report([finding('old', 'high'), finding('new', 'high')]);
  const d = evaluate(r, { policy: policy(), now, baseline: new Set(['old', 'gone']) });
  assert.deepEqual(d.violations.map((f) => f.fingerprint), ['new']);
  assert.deepEqual(d.baselineState, { old: 'unchanged', new: 'new' });
  assert.deepEqual(d.absent, ['gone']);
});

test('a failed scanner fails the gate even with no findings', () => {
  const r = report([], { statuses: [{ scanner: 'sast', status: 'failed', reason: 'boom', fileErrors: [] }] });
  const d = evaluate(r, { policy: policy(), now });
  assert.equal(d.outcome, 'fail');
  assert.ok(d.notes.some((n) => n.includes('sast failed: boom')));
});

test('--fail-on from the command line overrides per-scanner thresholds too', () => {
  const r = report([finding('a', 'low')]);
  const p = policy({ thresholds: { secrets: 'low' } });
  assert.equal(evaluate(r, { policy: p, now }).outcome, 'fail');
  assert.equal(evaluate(r, { policy: p, now, failOn: 'none' }).outcome, 'pass');
  assert.equal(evaluate(r, { policy: p, now, failOn: 'medium' }).outcome, 'pass');
});

test('minConfidence keeps less sure findings (look-alikes that fail a checksum) from failing the gate, still reported', () => {
  const r = report([finding('sure', 'high', { confidence: 'high' }), finding('lookalike', 'high', { confidence: 'low' }), finding('keyword', 'high', { confidence: 'medium' })]);
  assert.deepEqual(evaluate(r, { policy: policy(), now }).violations.map((f) => f.fingerprint), ['sure', 'lookalike', 'keyword']);
  const d = evaluate(r, { policy: policy({ minConfidence: 'medium' }), now });
  assert.deepEqual(d.violations.map((f) => f.fingerprint), ['sure', 'keyword']);
  assert.deepEqual(d.findings.map((f) => f.fingerprint), ['lookalike']);
  assert.deepEqual(evaluate(r, { policy: policy({ minConfidence: 'high' }), now }).violations.map((f) => f.fingerprint), ['sure']);
});
