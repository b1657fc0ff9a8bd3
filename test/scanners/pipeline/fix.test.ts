import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeDir } from '../../helpers/tmp.js';
import { fixCommand } from '../../../src/cli/commands/fix.js';
import { auditText } from '../../../src/scanners/pipeline/scanner.js';
import { applyEdits, planFixes, unifiedDiff } from '../../../src/scanners/pipeline/fix.js';
import { capturedIO } from '../../helpers/cli.js';


const WF = `name: triage # keep me
on:
  issues:
    types: [opened]

# the jobs
jobs:
  greet:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11 # v4.1.1
      - name: hello
        run: |
          echo "Title: \${{ github.event.issue.title }}"
          echo \${{ github.event.issue.body }} | wc -c
          echo 'single \${{ github.event.issue.title }}'
      - env:
          FOO: bar
        run: echo "\${{ github.event.issue.title }}"
`;

const rulesOf = (text: string) => auditText('.github/workflows/t.yml', text, 'workflow').findings.map((f) => `${f.ruleId}:${f.location.startLine}`);

test('dry run prints a diff and changes nothing; a real run fixes in place, keeping comments', async () => {
  const dir = makeDir({ '.github/workflows/t.yml': WF });
  const file = join(dir, '.github/workflows/t.yml');
  const dry = capturedIO(dir);
  assert.equal(await fixCommand.run(['--dry-run'], dry.io), 0);
  assert.equal(readFileSync(file, 'utf8'), WF);
  assert.match(dry.out(), /^--- a\/\.github\/workflows\/t\.yml\n\+\+\+ b\/\.github\/workflows\/t\.yml\n@@ /);
  assert.match(dry.out(), /^\+permissions:$/m);
  assert.match(dry.out(), /^-          echo "Title: \$\{\{ github\.event\.issue\.title \}\}"$/m);
  assert.match(dry.err(), /skipped \.github\/workflows\/t\.yml:16 {2}gha-template-injection {2}the expression sits inside single quotes/);
  assert.match(dry.err(), /would apply 5 fixes in 1 of 1 file/);

  const real = capturedIO(dir);
  assert.equal(await fixCommand.run([], real.io), 0);
  const after = readFileSync(file, 'utf8');
  assert.equal(
    after,
    `name: triage # keep me
on:
  issues:
    types: [opened]

permissions:
  contents: read

# the jobs
jobs:
  greet:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11 # v4.1.1
        with:
          persist-credentials: false
      - name: hello
        run: |
          echo "Title: \${ISSUE_TITLE}"
          echo "\${ISSUE_BODY}" | wc -c
          echo 'single \${{ github.event.issue.title }}'
        env:
          ISSUE_TITLE: \${{ github.event.issue.title }}
          ISSUE_BODY: \${{ github.event.issue.body }}
      - env:
          ISSUE_TITLE: \${{ github.event.issue.title }}
          FOO: bar
        run: echo "\${ISSUE_TITLE}"
`,
  );
  // Only the finding that could not be fixed safely is left.
  assert.deepEqual(rulesOf(after), ['gha-template-injection:21']);
  assert.match(real.out(), /fixed {3}\.github\/workflows\/t\.yml:7 {2}gha-missing-permissions/);
  // Idempotent.
  const again = capturedIO(dir);
  await fixCommand.run([], again.io);
  assert.equal(readFileSync(file, 'utf8'), after);
  assert.match(again.err(), /applied 0 fixes in 0 of 1 file/);
});

test('fixes that could change meaning are skipped with a reason', () => {
  const wf = `on: issues
jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11
      - run: git tag v1 && git push --tags
  win:
    runs-on: windows-latest
    steps:
      - run: echo "\${{ github.event.issue.title }}"
  pwsh:
    runs-on: ubuntu-latest
    steps:
      - shell: pwsh
        run: Write-Host "\${{ github.event.issue.title }}"
  heredoc:
    runs-on: ubuntu-latest
    steps:
      - run: |
          cat <<EOF
          \${{ github.event.issue.title }}
          EOF
  quoted:
    runs-on: ubuntu-latest
    steps:
      - run: "echo \${{ github.event.issue.title }}"
`;
  const plan = planFixes('.github/workflows/a.yml', wf, 'workflow');
  assert.equal(plan.after, wf);
  assert.deepEqual(plan.applied, []);
  const reasons = plan.skipped.map((s) => `${s.ruleId}:${s.line}:${s.description.split(';')[0]}`);
  assert.deepEqual(reasons, [
    'gha-missing-permissions:2:not adding workflow permissions: job release may need more than contents: read (its script runs `git tag v1 && git push`, which may need write access)',
    'gha-template-injection:11:the runner may be Windows (default shell pwsh)',
    'gha-template-injection:16:shell pwsh is not bash/sh',
    'gha-template-injection:22:the script uses a here-document',
    'gha-template-injection:27:run: is a quoted YAML string',
  ]);
});

test('--rule limits the fixes; unknown rules are usage errors', async () => {
  const dir = makeDir({ '.github/workflows/t.yml': WF });
  const r = capturedIO(dir);
  await fixCommand.run(['--rule', 'gha-checkout-persist-credentials'], r.io);
  const after = readFileSync(join(dir, '.github/workflows/t.yml'), 'utf8');
  assert.equal(after, WF.replace('# v4.1.1\n', '# v4.1.1\n        with:\n          persist-credentials: false\n'));
  await assert.rejects(fixCommand.run(['--rule', 'gha-curl-pipe-shell'], capturedIO(dir).io), /no fix for rule gha-curl-pipe-shell/);
});

test('edits and diffs', () => {
  assert.equal(applyEdits('abcdef', [{ start: 3, end: 3, text: 'X' }, { start: 0, end: 1, text: 'A' }, { start: 3, end: 3, text: 'Y' }]), 'AbcXYdef');
  assert.throws(() => applyEdits('abc', [{ start: 0, end: 2, text: '' }, { start: 1, end: 3, text: '' }]), /overlapping/);
  assert.equal(unifiedDiff('f', 'a\nb\n', 'a\nb\n'), '');
  assert.equal(unifiedDiff('f', 'a\nb\nc\n', 'a\nB\nc\n'), '--- a/f\n+++ b/f\n@@ -1,4 +1,4 @@\n a\n-b\n+B\n c\n \n');
});

test('tags are pinned to the commit the repository already pins for that exact tag', async () => {
  const a = `on: push
permissions:
  contents: read
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/setup-node@60edb5dd545a775178f52524783378180af0d1f8 # v4.0.2
      - uses: docker/login-action@343f7c4344506bcbf9b4de18042ae17996df046d # v3.0.0
`;
  const b = `on: push
permissions:
  contents: read
jobs:
  b:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/setup-node@v4.0.2
      - uses: docker/login-action@v3.0.0 # login
      - uses: docker/login-action@v3
`;
  const dir = makeDir({ '.github/workflows/a.yml': a, '.github/workflows/b.yml': b });
  const r = capturedIO(dir);
  await fixCommand.run(['--rule', 'gha-unpinned-action,gha-unpinned-first-party-action'], r.io);
  const after = readFileSync(join(dir, '.github/workflows/b.yml'), 'utf8');
  assert.equal(
    after,
    b
      .replace('actions/setup-node@v4.0.2', 'actions/setup-node@60edb5dd545a775178f52524783378180af0d1f8 # v4.0.2')
      .replace('docker/login-action@v3.0.0 # login', 'docker/login-action@343f7c4344506bcbf9b4de18042ae17996df046d # login'),
  );
  // @v3 is a different (moving) tag: left alone.
  assert.deepEqual(rulesOf(after).filter((x) => x.startsWith('gha-unpinned')), ['gha-unpinned-action:10']);
  assert.equal(readFileSync(join(dir, '.github/workflows/a.yml'), 'utf8'), a);
});

test('github-script: an injected expression moves into env: and is read as process.env, in code, strings and template literals (a login, not attacker text, stays)', () => {
  const wf = `on: issue_comment
permissions:
  contents: read
jobs:
  reply:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/github-script@60a0d83039c74a4aee543508d2ffcb1c3799cdea # v7.0.1
        with:
          script: |
            const body = \${{ toJSON(github.event.comment.body) }};
            core.info('title: \${{ github.event.issue.title }}');
            core.info(\`by \${{ github.event.comment.user.login }} on \${{ github.event.issue.title }}\`);
            // \${{ github.event.issue.body }}
`;
  const plan = planFixes('.github/workflows/a.yml', wf, 'workflow');
  assert.equal(plan.after, `on: issue_comment
permissions:
  contents: read
jobs:
  reply:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/github-script@60a0d83039c74a4aee543508d2ffcb1c3799cdea # v7.0.1
        with:
          script: |
            const body = process.env.COMMENT_BODY;
            core.info('title: ' + process.env.ISSUE_TITLE + '');
            core.info(\`by \${{ github.event.comment.user.login }} on \${process.env.ISSUE_TITLE}\`);
            // \${{ github.event.issue.body }}
        env:
          COMMENT_BODY: \${{ toJSON(github.event.comment.body) }}
          ISSUE_TITLE: \${{ github.event.issue.title }}
`);
  assert.ok(plan.skipped.some((s) => s.line === 14 && /JavaScript comment/.test(s.description)));
  // The result is audited again: the moved expressions are gone.
  const left = auditText('.github/workflows/a.yml', plan.after, 'workflow').findings.filter((f) => f.ruleId === 'gha-template-injection');
  assert.deepEqual(left.map((f) => f.location.startLine), [14]);
});

test('gha-self-repository: ./ becomes $/ only when the rule is asked for, quoted paths too', () => {
  const wf = `name: s
on: push
permissions: {}
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - uses: ./.github/actions/setup # local
      - uses: "./tools/lint"
  b:
    uses: ./.github/workflows/reuse.yml
`;
  assert.equal(planFixes('.github/workflows/s.yml', wf, 'workflow').after, wf, 'not a default fix: it changes which copy runs');
  const plan = planFixes('.github/workflows/s.yml', wf, 'workflow', new Set(['gha-self-repository']));
  assert.equal(plan.after, wf.replace('uses: ./.github/actions', 'uses: $/.github/actions').replace('"./tools', '"$/tools').replace('uses: ./.github/workflows', 'uses: $/.github/workflows'));
  assert.deepEqual(plan.applied.map((a) => a.line), [8, 9, 11]);
  assert.ok(!auditText('.github/workflows/s.yml', plan.after, 'workflow').findings.some((f) => f.ruleId === 'gha-self-repository'));
});
