import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixCommand } from '../../../src/cli/commands/fix.js';
import { scanCommand } from '../../../src/cli/commands/scan.js';
import { UsageError } from '../../../src/core/errors.js';
import { makeDir } from '../../helpers/tmp.js';
import { capturedIO } from '../../helpers/cli.js';


const RULES = `rules:
  - id: weak-hash
    message: md5 is weak
    severity: WARNING
    languages: [javascript, typescript]
    pattern: crypto.createHash('md5')
    fix: crypto.createHash('sha256')
  - id: eval-json
    message: eval of $X parses JSON with eval
    severity: ERROR
    languages: [javascript]
    patterns:
      - pattern: eval($X)
      - metavariable-regex:
          metavariable: $X
          regex: (?i)json
    fix: JSON.parse($X)
  - id: plain-http
    message: plain http URL
    severity: INFO
    languages: [javascript, python]
    pattern-regex: "[\\"']http://[a-z.]+"
    fix-regex:
      regex: http://([a-z.]+)
      replacement: https://\\1
  - id: py-yaml-load
    message: yaml.load without a safe loader
    severity: ERROR
    languages: [python]
    pattern: yaml.load($D)
    fix: yaml.safe_load($D)
`;

const APP = `const crypto = require('crypto');
// a comment that stays
const h = crypto.createHash('md5');
const ok = crypto.createHash('sha256');
const cfg = eval(jsonText);
const other = eval(code);
fetch('http://example.com/a');
`;

const PY = `import yaml
doc = yaml.load(text)
safe = yaml.safe_load(text)
url = "http://example.org"
`;

test('fix applies SAST rules\' fix: and fix-regex: (dry run shows the diff and writes nothing; then writes; then has nothing left)', async () => {
  const dir = makeDir({ 'rules/fixes.yml': RULES, 'src/app.js': APP, 'tools/job.py': PY, 'pipeguard.yml': 'scanners:\n  sast:\n    rules: [rules/fixes.yml]\n' });
  const dry = capturedIO(dir);
  assert.equal(await fixCommand.run(['.', '--dry-run'], dry.io), 0);
  assert.equal(readFileSync(join(dir, 'src/app.js'), 'utf8'), APP, 'dry run writes nothing');
  assert.match(dry.out(), /^-const h = crypto\.createHash\('md5'\);\n\+const h = crypto\.createHash\('sha256'\);$/m);
  assert.match(dry.out(), /^\+const cfg = JSON\.parse\(jsonText\);$/m);
  assert.match(dry.out(), /^\+fetch\('https:\/\/example\.com\/a'\);$/m);
  assert.match(dry.out(), /^\+doc = yaml\.safe_load\(text\)$/m);
  assert.match(dry.err(), /would apply 5 fixes in 2 of 2 files/);

  const run = capturedIO(dir);
  assert.equal(await fixCommand.run(['.'], run.io), 0);
  assert.equal(readFileSync(join(dir, 'src/app.js'), 'utf8'), [
    "const crypto = require('crypto');",
    '// a comment that stays',
    "const h = crypto.createHash('sha256');",
    "const ok = crypto.createHash('sha256');",
    'const cfg = JSON.parse(jsonText);',
    'const other = eval(code);',
    "fetch('https://example.com/a');",
    '',
  ].join('\n'));
  assert.equal(readFileSync(join(dir, 'tools/job.py'), 'utf8'), 'import yaml\ndoc = yaml.safe_load(text)\nsafe = yaml.safe_load(text)\nurl = "https://example.org"\n');
  assert.match(run.out(), /^fixed {3}src\/app\.js:3 {2}weak-hash {2}replace `crypto\.createHash\('md5'\)` with `crypto\.createHash\('sha256'\)`/m);

  const again = capturedIO(dir);
  assert.equal(await fixCommand.run(['.'], again.io), 0);
  assert.match(again.err(), /applied 0 fixes in 0 of 0 files/);
});

test('fix --rule keeps to one SAST rule; --sast-rules names a rule file; an unknown rule is a usage error', async () => {
  const dir = makeDir({ 'r.yml': RULES, 'app.js': APP });
  const one = capturedIO(dir);
  assert.equal(await fixCommand.run(['.', '--sast-rules', 'r.yml', '--rule', 'eval-json'], one.io), 0);
  const after = readFileSync(join(dir, 'app.js'), 'utf8');
  assert.match(after, /JSON\.parse\(jsonText\)/);
  assert.match(after, /createHash\('md5'\)/, 'other rules untouched');
  await assert.rejects(fixCommand.run(['.', '--sast-rules', 'r.yml', '--rule', 'nope'], capturedIO(dir).io), (e: unknown) => e instanceof UsageError && /no fix for rule nope .*eval-json/.test(e.message));
});

test('fix on one file applies only to that file; overlapping fixes: the first is applied, the other skipped with the reason', async () => {
  const rules = `rules:
  - id: outer
    message: m
    languages: [javascript]
    pattern: wrap(inner($X))
    fix: safeWrap($X)
  - id: inner
    message: m
    languages: [javascript]
    pattern: inner($X)
    fix: safeInner($X)
`;
  const dir = makeDir({ 'r.yml': rules, 'a.js': 'wrap(inner(1));\n', 'b.js': 'inner(2);\n' });
  const r = capturedIO(dir);
  assert.equal(await fixCommand.run([join(dir, 'a.js'), '--sast-rules', join(dir, 'r.yml')], r.io), 0);
  assert.equal(readFileSync(join(dir, 'a.js'), 'utf8'), 'safeWrap(1);\n');
  assert.equal(readFileSync(join(dir, 'b.js'), 'utf8'), 'inner(2);\n', 'a file not named is left alone');
  assert.match(r.err(), /^skipped a\.js:1 {2}inner {2}overlaps another fix/m);
});

test('fix templates: $...ARGS takes the arguments it matched; fix-regex with \\g<1>, $1 and count', async () => {
  const dir = makeDir({
    'r.yml': `rules:
  - id: log-to-logger
    message: m
    languages: [javascript]
    pattern: console.log($...ARGS)
    fix: logger.debug($...ARGS)
  - id: two-http
    message: m
    languages: [javascript]
    pattern: fetchAll($A)
    fix-regex:
      regex: http://([a-z]+)
      replacement: https://\\g<1>/$1
      count: 1
`,
    'a.js': "console.log('x',\n  y,   3);\nfetchAll('http://a http://b');\n",
  });
  assert.equal(await fixCommand.run(['.', '--sast-rules', 'r.yml'], capturedIO(dir).io), 0);
  assert.equal(readFileSync(join(dir, 'a.js'), 'utf8'), "logger.debug('x',\n  y,   3);\nfetchAll('https://a/a http://b');\n");
});

test("fix: on taint-mode rules applies to the sink a flow reaches (JS/TS and Python), not to sinks without a flow; SARIF carries the fix", async () => {
  const rules = `rules:
  - id: js-exec-taint
    message: request data reaches exec
    severity: ERROR
    languages: [javascript]
    mode: taint
    pattern-sources:
      - pattern: req.query.$P
    pattern-sinks:
      - patterns:
          - pattern: child_process.exec($CMD)
    fix: child_process.execFile('sh', ['-c', $CMD])
  - id: py-system-taint
    message: request data reaches os.system
    severity: ERROR
    languages: [python]
    mode: taint
    pattern-sources:
      - pattern: request.args.get(...)
    pattern-sinks:
      - pattern: os.system($C)
    fix: subprocess.run(shlex.split($C))
`;
  const js = "const child_process = require('child_process');\nfunction h(req) {\n  const c = req.query.cmd;\n  child_process.exec(c);\n  child_process.exec('ls');\n}\n";
  const py = 'import os\n\ndef h():\n    c = request.args.get("c")\n    os.system(c)\n    os.system("ls")\n';
  const dir = makeDir({ 'r.yml': rules, 'a.js': js, 'b.py': py, 'pipeguard.yml': 'scanners:\n  sast:\n    rules: [r.yml]\n' });
  const sarifRun = capturedIO(dir);
  await scanCommand.run(['.', '--scanners', 'sast', '--format', 'sarif'], sarifRun.io);
  const log = JSON.parse(sarifRun.out()) as { runs: { results: { ruleId: string; fixes?: { artifactChanges: { replacements: { insertedContent: { text: string } }[] }[] }[] }[] }[] };
  const fixed = log.runs[0]!.results.filter((r) => r.fixes).map((r) => `${r.ruleId}: ${r.fixes![0]!.artifactChanges[0]!.replacements[0]!.insertedContent.text}`).sort();
  assert.deepEqual(fixed, ["js-exec-taint: child_process.execFile('sh', ['-c', c])", 'py-system-taint: subprocess.run(shlex.split(c))']);

  assert.equal(await fixCommand.run(['.'], capturedIO(dir).io), 0);
  assert.equal(readFileSync(join(dir, 'a.js'), 'utf8'), js.replace('child_process.exec(c)', "child_process.execFile('sh', ['-c', c])"));
  assert.equal(readFileSync(join(dir, 'b.py'), 'utf8'), py.replace('os.system(c)', 'subprocess.run(shlex.split(c))'));
});
