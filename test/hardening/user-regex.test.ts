// User-supplied patterns run in linear time: custom secret rules, allowlist regexes, Semgrep-format
// pattern-regex / metavariable-regex and exclude globs, each given a pattern that backtracks exponentially on a
// backtracking engine (minutes to hours on this text), through the CLI as a user runs it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeDir } from '../helpers/tmp.js';
import { runCli } from './helpers.js';

const EVIL = '(a+)+$';
const LIMIT = 90_000;

function finished(r: { hung: boolean; code: number | null; stderr: string }, what: string): void {
  assert.equal(r.hung, false, `${what}: still running after ${LIMIT / 1000}s`);
  assert.ok(r.code === 0 || r.code === 1, `${what}: exit ${r.code}: ${r.stderr}`);
}

test('a custom secret rule with nested quantifiers runs in linear time', async () => {
  const dir = makeDir({
    'pipeguard.yml': `scanners:\n  secrets:\n    rules:\n      - id: evil\n        title: Evil\n        regex: '${EVIL}'\n        keywords: [aaaa]\n        severity: high\n`,
    'x.txt': 'a'.repeat(60) + '!\n',
  });
  finished(await runCli(['secrets', '.', '--format', 'json'], { cwd: dir, limitMs: LIMIT }), 'custom rule');
});

test('allowlist regexes run in linear time', async () => {
  const secret = 'k3j9x0q2m8v7b1n4c6z5l0p9o8i7u6y5t4r3e2w1';
  const dir = makeDir({
    'pipeguard.yml':
      'scanners:\n  secrets:\n    rules:\n      - id: tok\n        title: Token\n        regex: \'tok_([a-z0-9]{30,60}!)\'\n        keywords: [tok_]\n        severity: high\n' +
      "    allowlist:\n      regexes: ['([a-z0-9]+)+$']\n",
    'x.txt': `value = tok_${secret}!\n`,
  });
  finished(await runCli(['secrets', '.', '--format', 'json'], { cwd: dir, limitMs: LIMIT }), 'allowlist');
});

test('Semgrep-format pattern-regex and metavariable-regex run in linear time', async () => {
  const rules = `rules:\n  - id: evil-regex\n    message: evil\n    severity: WARNING\n    languages: [generic]\n    pattern-regex: '${EVIL}'\n` +
    `  - id: evil-mv\n    message: evil\n    severity: WARNING\n    languages: [python]\n    patterns:\n      - pattern: $F(...)\n      - metavariable-regex:\n          metavariable: $F\n          regex: '^(a|aa)+$'\n`;
  const dir = makeDir({
    'pipeguard.yml': 'scanners:\n  sast:\n    rules: [rules.yml]\n',
    'rules.yml': rules,
    'x.txt': 'a'.repeat(60) + '!\n',
    'y.py': `${'a'.repeat(60)}b()\n`,
  });
  finished(await runCli(['scan', '.', '--scanners', 'sast', '--format', 'json'], { cwd: dir, limitMs: LIMIT }), 'sast');
});

test('exclude globs are matched without backtracking', async () => {
  const dir = makeDir({ [`${'a'.repeat(60)}.txt`]: 'hello\n' });
  finished(await runCli(['secrets', '.', '--exclude', '**/*a*a*a*a*a*a*a*a*a*a*a*b', '--format', 'json'], { cwd: dir, limitMs: LIMIT }), 'exclude');
});

test('a pattern the linear engine cannot run is refused at load, naming the config line', async () => {
  const dir = makeDir({
    'pipeguard.yml': "scanners:\n  secrets:\n    rules:\n      - id: la\n        title: Lookahead\n        regex: 'key(?=[0-9]{8})'\n        keywords: [key]\n        severity: high\n",
  });
  const r = await runCli(['secrets', '.'], { cwd: dir, limitMs: LIMIT });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr.trim(), /^pipeguard: pipeguard\.yml:6: .*lookahead.*linear time/);
});
