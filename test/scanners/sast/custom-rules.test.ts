import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { InputError } from '../../../src/core/errors.js';
import { parseRuleFile } from '../../../src/scanners/sast/patterns/rules.js';
import { assertFixtureFile, fileLoc } from '../../helpers/fixtures.js';
import { makeDir } from '../../helpers/tmp.js';
import { scanDir } from './helpers.js';

const DIR = join(import.meta.dirname, 'fixtures', 'custom');

test('custom YAML rules: pattern, pattern-not, pattern-not-inside, pattern-inside, metavariable-regex, regex, taint mode', async () => {
  const r = await scanDir(DIR, { rules: ['rules.yml'] });
  assert.deepEqual(r.errors, []);
  for (const file of ['app.ts', 'vendor/lib.ts']) {
    const hits = r.findings.filter((f) => fileLoc(f.location).path === file).map((f) => ({ ruleId: f.ruleId, line: fileLoc(f.location).startLine ?? 0 }));
    assertFixtureFile(join(DIR, file), hits);
  }
  const legacy = r.findings.find((f) => f.ruleId === 'acme-legacy-query')!;
  assert.equal(legacy.message, 'legacy.runQuery(q) bypasses the query builder');
  assert.deepEqual(legacy.cwe, ['CWE-89']);
  assert.equal(legacy.severity, 'high');
  const debug = r.findings.find((f) => f.ruleId === 'acme-debug-flag')!;
  assert.equal(debug.message, 'debug mode enabled in start');
  const taint = r.findings.find((f) => f.ruleId === 'acme-tenant-taint')!;
  assert.ok(taint.flow && taint.flow.length >= 3, 'taint rule reports its path');
  assert.match(taint.flow[0]!.message, /getTenantHeader\(\)/);
});

test('custom rules are declared by rules() only when loaded, and built-in rules are unaffected', async () => {
  const r = await scanDir(DIR);
  assert.equal(r.findings.filter((f) => f.ruleId.startsWith('acme-')).length, 0);
});

test('bad rule files are input errors that name file and line', () => {
  const bad = (text: string, re: RegExp) => {
    assert.throws(() => parseRuleFile(text, 'r.yml'), (e: unknown) => e instanceof InputError && re.test(e.message) && e.file === 'r.yml');
  };
  bad('rules:\n  - id: x\n    message: m\n    languages: [cobol]\n    pattern: a()\n', /unsupported language cobol/);
  bad('rules:\n  - id: x\n    message: m\n    languages: [js]\n    pattern: a()\n    pattern-wat: b\n', /unsupported key `pattern-wat`/);
  bad('rules:\n  - id: x\n    message: m\n    languages: [js]\n', /exactly one of pattern/);
  bad('rules: [\n', /invalid YAML/);
  bad('rules:\n  - id: x\n    message: m\n    languages: [generic]\n    mode: taint\n    pattern-sources: [{pattern: a()}]\n    pattern-sinks: [{pattern: b()}]\n', /mode: taint in language generic/);
  try {
    parseRuleFile('rules:\n  - id: ok\n    message: m\n    languages: [js]\n    pattern: a()\n  - id: bad\n    message: m\n    languages: [js]\n', 'r.yml');
    assert.fail('should throw');
  } catch (e) {
    assert.ok(e instanceof InputError);
    assert.equal(e.line, 6);
  }
});

test('a pattern the engine cannot parse skips its rule with a warning; an unreadable rule file is an input error', async () => {
  const dir = makeDir({ 'r.yml': 'rules:\n  - id: broken\n    message: m\n    languages: [js]\n    pattern: foo(((\n  - id: fine\n    message: m\n    languages: [js]\n    pattern: foo(1)\n', 'a.js': 'foo(1)\n' });
  const r = await scanDir(dir, { rules: ['r.yml'] });
  assert.deepEqual(r.findings.map((f) => f.ruleId), ['fine']);
  assert.equal(r.warnings.length, 1);
  assert.match(r.warnings[0]!, /^r\.yml:2: rule broken skipped: pattern `foo\(\(\(` does not parse as javascript\/typescript/);
  await assert.rejects(scanDir(dir, { rules: ['missing.yml'] }), (e: unknown) => e instanceof InputError && /cannot read rule file/.test(e.message));
});

test('a rule with an unsupported Semgrep construct is skipped with one warning naming file, line, rule and construct; the others run', async () => {
  const rules = [
    'rules:',
    '  - id: uses-metavariable-name',
    '    message: m',
    '    languages: [js]',
    '    patterns:',
    '      - pattern: foo($X)',
    '      - metavariable-name: {metavariable: $X, module: os}',
    '  - id: uses-backreference',
    '    message: m',
    '    languages: [js]',
    "    pattern-regex: '(fo)\\1'",
    '  - id: uses-side-effect-only',
    '    message: m',
    '    languages: [js]',
    '    mode: taint',
    '    pattern-sources: [{pattern: src()}]',
    '    pattern-sanitizers: [{pattern: check($X), by-side-effect: only}]',
    '    pattern-sinks: [{pattern: sink(...)}]',
    '  - id: uses-join',
    '    message: m',
    '    languages: [js]',
    '    mode: join',
    '    pattern: a()',
    '  - id: uses-extract',
    '    message: m',
    '    languages: [js]',
    '    mode: extract',
    '    pattern: a()',
    '  - id: plain',
    '    message: legacy call',
    '    languages: [js]',
    '    pattern: legacyCall(...)',
  ].join('\n');
  const dir = makeDir({ 'r.yml': rules + '\n', 'a.js': 'legacyCall(1);\nfoo(bar(2));\n' });
  const r = await scanDir(dir, { rules: ['r.yml'] });
  assert.deepEqual(r.findings.map((f) => f.ruleId), ['plain']);
  assert.equal(r.warnings.length, 5);
  assert.match(r.warnings[4]!, /^r\.yml:24: rule uses-extract skipped: unsupported mode extract/);
  assert.match(r.warnings[0]!, /^r\.yml:2: rule uses-metavariable-name skipped: unsupported operator `metavariable-name`/);
  // lookaheads of the common forms run (lookahead.ts); a backreference has no linear-time form
  assert.match(r.warnings[1]!, /^r\.yml:8: rule uses-backreference skipped: unsupported regex `\(fo\)\\1`: backreferences/);
  assert.match(r.warnings[2]!, /^r\.yml:12: rule uses-side-effect-only skipped: unsupported taint option `by-side-effect: only`/);
  assert.match(r.warnings[3]!, /^r\.yml:19: rule uses-join skipped: unsupported mode join/);
});
