// JUnit: well-formed XML that a real parser reads, with counts that match the testcases.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { renderJunit } from '../../src/report/junit.js';
import type { Decision, Report } from '../../src/core/types.js';
import { F, sampleDecision, sampleReport } from './sample.js';

type Attrs = Record<string, string>;
interface Case {
  classname: string;
  name: string;
  failure?: unknown;
  skipped?: unknown;
  error?: unknown;
  'system-out'?: unknown;
}
interface Suite {
  testcase: Case[];
  'system-err'?: string;
}

function parse(xml: string): { root: Attrs & { testsuite: (Suite & Attrs)[] } } {
  const valid = XMLValidator.validate(xml);
  assert.equal(valid, true, JSON.stringify(valid));
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseAttributeValue: false,
    isArray: (name) => name === 'testsuite' || name === 'testcase',
  });
  const doc = parser.parse(xml) as { testsuites: Attrs & { testsuite: (Suite & Attrs)[] } };
  return { root: doc.testsuites };
}

function text(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && '#text' in v) return String((v as { '#text': unknown })['#text']);
  return '';
}

test('counts in every suite and in the root match the testcases', () => {
  const { root } = parse(renderJunit(sampleReport(), sampleDecision()));
  let tests = 0;
  let failures = 0;
  let skipped = 0;
  let errors = 0;
  for (const s of root.testsuite) {
    const f = s.testcase.filter((c) => c.failure !== undefined).length;
    const sk = s.testcase.filter((c) => c.skipped !== undefined).length;
    const e = s.testcase.filter((c) => c.error !== undefined).length;
    assert.equal(Number(s.tests), s.testcase.length, s.name);
    assert.equal(Number(s.failures), f, s.name);
    assert.equal(Number(s.skipped), sk, s.name);
    assert.equal(Number(s.errors), e, s.name);
    tests += s.testcase.length;
    failures += f;
    skipped += sk;
    errors += e;
  }
  assert.deepEqual([Number(root.tests), Number(root.failures), Number(root.skipped), Number(root.errors)], [tests, failures, skipped, errors]);
  // 3 violations in 3 (rule, file) pairs; 2 suppressed pairs + the skipped licenses scanner.
  assert.equal(failures, 3);
  assert.equal(skipped, 3);
  assert.equal(root.time, '3.250');
});

test('suites per scanner; testcases per (rule, file); clean scanners get a passing case', () => {
  const { root } = parse(renderJunit(sampleReport(), sampleDecision()));
  assert.deepEqual(root.testsuite.map((s) => s.name), ['secrets', 'sast', 'deps', 'pipeline', 'licenses']);
  const secrets = root.testsuite[0]!;
  const aws = secrets.testcase.find((c) => c.classname === 'secrets.aws-access-key')!;
  assert.equal(aws.name, 'config/settings.py');
  assert.match(text(aws.failure), /^12:15 critical AWS access key ID/);
  const slack = secrets.testcase.find((c) => c.classname === 'secrets.slack-webhook')!;
  assert.equal(slack.failure, undefined);
  assert.match(text(slack['system-out']), /\[baseline\]/);
  const pk = secrets.testcase.find((c) => c.classname === 'secrets.private-key')!;
  assert.match((pk.skipped as Attrs).message ?? "", /^suppressed \(inline\): test fixture key/);
  const pipeline = root.testsuite[3]!;
  assert.deepEqual(pipeline.testcase.map((c) => [c.classname, c.name, c.failure]), [['pipeline', 'no findings', undefined]]);
  assert.match(root.testsuite[1]!['system-err'] ?? '', /src\/legacy\/broken\.js: parse error/);
});

test('several findings of one rule in one file make one testcase listing each', () => {
  const report = sampleReport();
  const second = { ...F.awsKey, fingerprint: 'second-aws', location: { ...F.awsKey.location, startLine: 40, startColumn: 3 } };
  report.findings.splice(1, 0, second);
  const decision = sampleDecision();
  decision.violations.push(second);
  const { root } = parse(renderJunit(report, decision));
  const cases = root.testsuite[0]!.testcase.filter((c) => c.classname === 'secrets.aws-access-key');
  assert.equal(cases.length, 1);
  assert.equal((cases[0]!.failure as Attrs).message, '2 violations of aws-access-key');
  assert.equal(text(cases[0]!.failure).split('\n').length, 2);
});

test('hostile text is escaped and control characters dropped', () => {
  const report: Report = sampleReport();
  const evil = 'a <b> & "c" \'d\' \u0000\u0007\u001b[31m ]]> \ud800 end';
  const finding = { ...F.awsKey, message: evil, location: { path: 'x"<>&.txt', startLine: 1 } };
  report.findings = [finding];
  report.statuses = [{ scanner: 'secrets', status: 'partial', fileErrors: [{ path: 'y&z', message: evil }] }];
  const decision: Decision = { ...sampleDecision(), violations: [finding], findings: [], suppressed: [], baselineState: undefined };
  const xml = renderJunit(report, decision);
  assert.ok(!/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(xml));
  const { root } = parse(xml);
  const c = root.testsuite[0]!.testcase[0]!;
  assert.equal(c.name, 'x"<>&.txt');
  assert.equal(text(c.failure), '1 critical a <b> & "c" \'d\' [31m ]]>  end');
});

test('a failed scanner is an error testcase', () => {
  const report = sampleReport();
  report.statuses.push({ scanner: 'dast', status: 'failed', reason: 'target unreachable', fileErrors: [] });
  const { root } = parse(renderJunit(report, sampleDecision()));
  const dast = root.testsuite.find((s) => s.name === 'dast')!;
  assert.equal(dast.errors, '1');
  assert.equal((dast.testcase[0]!.error as Attrs).message, 'target unreachable');
});

test('testcases about a file carry it in a `file` attribute: the archive for a member, none for a setting', () => {
  const report = sampleReport();
  const setting = { ...F.weakHash, scanner: 'forge', ruleId: 'forge-force-push-allowed', location: { kind: 'repository' as const, repository: 'github.com/a/b', setting: 'branches/main/protection' }, fingerprint: 'ff'.repeat(16) };
  report.findings.push(setting);
  const decision = sampleDecision();
  decision.findings.push(setting);
  const { root } = parse(renderJunit(report, decision));
  const cases = root.testsuite.flatMap((s) => s.testcase) as (Case & Attrs)[];
  const byClass = (c: string): Case & Attrs => cases.find((x) => x.classname === c)!;
  assert.equal(byClass('secrets.aws-access-key').file, 'config/settings.py');
  assert.equal(byClass('deps.vulnerable-dependency').file, 'package-lock.json');
  assert.equal(byClass('secrets.slack-webhook').file, 'vendor/release 1.zip');
  assert.equal(byClass('forge.forge-force-push-allowed').file, undefined);
  assert.equal(byClass('forge.forge-force-push-allowed').name, 'github.com/a/b branches/main/protection');
  assert.equal(root.testsuite.find((s) => s.name === 'licenses')!.testcase[0]!.classname, 'licenses');
  assert.equal((root.testsuite.find((s) => s.name === 'licenses')!.testcase[0] as Case & Attrs).file, undefined);
});
