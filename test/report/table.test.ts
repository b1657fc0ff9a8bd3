// Terminal table: colours only when asked, no terminal control from findings, wrapping to width.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderTable, truncate, wrap } from '../../src/report/table.js';
import { F, sampleDecision, sampleReport } from './sample.js';

const ANSI = /\u001b\[/;

test('no escape codes at all when color is false, even for hostile input', () => {
  const report = sampleReport();
  report.findings[0]!.message = 'evil \u001b[2J\u001b]0;title\u0007 message';
  report.findings[0]!.evidence = 'ev\u001b[31mred';
  report.statuses[1]!.fileErrors.push({ path: 'bad\u001b[1m.js', message: 'x\ry' });
  const decision = sampleDecision();
  decision.violations[0] = report.findings[0]!;
  decision.notes.push('note \u001b[5m blink');
  for (const verbose of [false, true]) {
    const out = renderTable(report, decision, { color: false, verbose, width: 80 });
    assert.ok(!ANSI.test(out), 'found an escape sequence');
    assert.ok(!/[\u0000-\u0009\u000b-\u001f\u007f]/.test(out), 'found a control character');
  }
});

test('colours by severity when color is true, and hostile escapes are still neutralised', () => {
  const report = sampleReport();
  report.findings[0]!.message = 'evil \u001b[2J';
  const out = renderTable(report, sampleDecision(), { color: true, showAll: true });
  assert.ok(out.includes('\u001b[1;35mCRITICAL'));
  assert.ok(out.includes('\u001b[31mHIGH'));
  assert.ok(out.includes('\u001b[33mMEDIUM'));
  assert.ok(out.includes('\u001b[34mLOW'));
  assert.ok(out.includes('\u001b[2mINFO'));
  assert.ok(out.includes('\u001b[1;31mFAIL\u001b[0m (fail-on: high)'));
  assert.ok(!out.includes('\u001b[2J'));
});

test('lines fit the width (messages wrap, evidence is cut)', () => {
  const out = renderTable(sampleReport(), sampleDecision(), { color: false, width: 72, showAll: true });
  for (const line of out.split('\n')) assert.ok(line.length <= 72, `${line.length}: ${line}`);
  assert.ok(out.includes('hooks.slack.com'));
});

test('grouped by file with the evidence line beneath; PASS/FAIL and statuses', () => {
  const out = renderTable(sampleReport(), sampleDecision(), { color: false });
  const lines = out.split('\n');
  const i = lines.indexOf('config/settings.py');
  assert.ok(i >= 0);
  assert.match(lines[i + 1]!, /^ {2}12:15 +CRITICAL +aws-access-key +AWS access key ID/);
  assert.ok(lines[i + 2]!.trim() === F.awsKey.evidence);
  assert.ok(out.includes('7 findings (1 critical, 3 high, 1 medium, 1 low, 1 info), 3 violations, 2 suppressed, 4 new'));
  assert.ok(out.includes('FAIL (fail-on: high)'));
  assert.match(out, /sast +partial, 2 file errors/);
  assert.ok(!out.includes('key.pem'), 'suppressed findings only with --verbose');
  const pass = renderTable(sampleReport(), { ...sampleDecision(), outcome: 'pass', violations: [] }, { color: false });
  assert.ok(pass.includes('PASS (fail-on: high)'));
});

test('by default only what fails the gate is listed, the rest counted by severity on one line; showAll lists all', () => {
  const report = sampleReport();
  const decision = sampleDecision();
  const out = renderTable(report, decision, { color: false });
  const below = decision.findings;
  assert.ok(below.length > 0, 'the sample has findings below the threshold');
  for (const f of decision.violations) assert.ok(out.includes(f.ruleId), f.ruleId);
  for (const f of below) assert.ok(!new RegExp(`\\s${f.ruleId}\\s`).test(out), `${f.ruleId} is below the gate and listed`);
  assert.match(out, new RegExp(`\n${below.length} more not failing the gate \\((\\d+ (critical|high|medium|low|info)(, )?)+\\): --show-all lists them\n`));
  const all = renderTable(report, decision, { color: false, showAll: true });
  for (const f of below) assert.ok(all.includes(f.ruleId), f.ruleId);
  assert.doesNotMatch(all, /more not failing the gate/);
});

test('verbose adds suppressed findings, fingerprints, origins, flows and fixes', () => {
  const out = renderTable(sampleReport(), sampleDecision(), { color: false, verbose: true });
  assert.ok(out.includes('[suppressed: test fixture key, used nowhere]'));
  assert.ok(out.includes(`fingerprint: ${F.sqli.fingerprint}`));
  assert.ok(out.includes(`commit: ${F.ghToken.origin.commit} by Dev Example`));
  assert.ok(out.includes('flow 1: src/api/users.ts:30 source: req.params.id'));
  assert.ok(out.includes('fix: Upgrade lodash to 4.17.21. (upgrade to 4.17.21)'));
});

test('showSecrets puts a warning on top', () => {
  const out = renderTable(sampleReport(), sampleDecision(), { color: false, showSecrets: true });
  assert.ok(out.startsWith('warning: --show-secrets is on'));
});

test('wrap and truncate', () => {
  assert.deepEqual(wrap('aaa bbb ccc ddd eee fff ggg hhh', 20), ['aaa bbb ccc ddd eee', 'fff ggg hhh']);
  assert.deepEqual(wrap('x'.repeat(45), 20), ['x'.repeat(20), 'x'.repeat(20), 'x'.repeat(5)]);
  assert.deepEqual(wrap('short', undefined), ['short']);
  assert.equal(truncate('y'.repeat(30), 25), 'y'.repeat(24) + '…');
  assert.equal(truncate('fits', 25), 'fits');
});
