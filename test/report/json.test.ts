// JSON: round-trips, and keeps fingerprints where `--baseline previous.json` reads them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderJson } from '../../src/report/json.js';
import { F, sampleDecision, sampleReport } from './sample.js';

interface Doc {
  version: number;
  summary: { outcome: string; failOn: string; counts: Record<string, number>; violations: number; suppressed: number; new?: number };
  findings: { fingerprint: string; gate: string; baselineState?: string; ruleId: string; location: { path: string } }[];
  suppressed: { fingerprint: string; kind: string; reason: string }[];
  statuses: unknown[];
  notes: string[];
}

const doc = (): Doc => JSON.parse(renderJson(sampleReport(), sampleDecision())) as Doc;

test('pretty-printed with two spaces and a trailing newline; parses back', () => {
  const text = renderJson(sampleReport(), sampleDecision());
  assert.ok(text.startsWith('{\n  "version": 1,\n'));
  assert.ok(text.endsWith('}\n'));
  assert.equal(JSON.stringify(JSON.parse(text), null, 2) + '\n', text);
});

test('fingerprints sit at findings[].fingerprint and suppressed[].fingerprint', () => {
  const d = doc();
  const decision = sampleDecision();
  const active = [...decision.violations, ...decision.findings].map((f) => f.fingerprint).sort();
  assert.deepEqual(d.findings.map((f) => f.fingerprint).sort(), active);
  assert.deepEqual(d.suppressed.map((s) => s.fingerprint), decision.suppressed.map((s) => s.finding.fingerprint));
  assert.deepEqual(d.suppressed.map((s) => s.kind), ['config', 'inline']);
});

test('each finding carries the gate verdict and baseline state', () => {
  const byFp = new Map(doc().findings.map((f) => [f.fingerprint, f]));
  assert.equal(byFp.get(F.awsKey.fingerprint)!.gate, 'violation');
  assert.equal(byFp.get(F.sqli.fingerprint)!.gate, 'baseline');
  assert.equal(byFp.get(F.slack.fingerprint)!.gate, 'baseline');
  assert.equal(byFp.get(F.slack.fingerprint)!.baselineState, 'unchanged');
  assert.equal(byFp.get(F.weakHash.fingerprint)!.gate, 'below-threshold');
  assert.equal(byFp.get(F.weakHash.fingerprint)!.baselineState, 'new');
  assert.equal(byFp.get(F.lodash.fingerprint)!.baselineState, 'new');
});

test('summary counts active findings by severity', () => {
  const s = doc().summary;
  assert.deepEqual(s.counts, { critical: 1, high: 3, medium: 1, low: 1, info: 1 });
  assert.equal(s.violations, 3);
  assert.equal(s.suppressed, 2);
  assert.equal(s.new, 4);
  assert.equal(s.outcome, 'fail');
  assert.equal(s.failOn, 'high');
});

test('without a baseline there is no new count and no baseline state', () => {
  const decision = sampleDecision();
  delete decision.baselineState;
  const d = JSON.parse(renderJson(sampleReport(), decision)) as Doc;
  assert.equal(d.summary.new, undefined);
  assert.ok(d.findings.every((f) => f.baselineState === undefined && f.gate !== 'baseline'));
});
