import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeDir } from '../../helpers/tmp.js';
import { openDirectory } from '../../../src/targets/directory.js';
import { runScan } from '../../../src/engine/run.js';
import { configSchema } from '../../../src/config/schema.js';
import { pipelineScanner, auditText } from '../../../src/scanners/pipeline/scanner.js';
import { pipelineConfigSchema } from '../../../src/scanners/pipeline/config.js';
import { GHA_RULES, GITLAB_RULES, PIPELINE_RULES } from '../../../src/scanners/pipeline/rules.js';
import { fileLoc } from '../../helpers/fixtures.js';

async function scan(tree: Record<string, string>, pipeline: Record<string, unknown> = {}) {
  const dir = makeDir(tree);
  const target = await openDirectory(dir);
  return runScan({ target, config: configSchema.parse({ scanners: { pipeline } }), registry: [pipelineScanner], now: () => new Date(0) });
}

const INJECT = `name: t
on: issues
permissions:
  contents: read
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - run: |
          echo "title: \${{ github.event.issue.title }}"
      - run: "echo \${{github.event.issue.body}}"
`;

test('exact line and column for expressions in block and quoted scalars', () => {
  const { findings } = auditText('.github/workflows/t.yml', INJECT, 'workflow');
  const inj = findings.filter((f) => f.ruleId === 'gha-template-injection');
  assert.equal(inj.length, 2);
  // `github.event.issue.title` starts at column 25 of line 10 (after `echo "title: ${{ `).
  assert.deepEqual(
    { l: fileLoc(inj[0]!.location).startLine, c: fileLoc(inj[0]!.location).startColumn, el: fileLoc(inj[0]!.location).endLine, ec: fileLoc(inj[0]!.location).endColumn },
    { l: 10, c: 28, el: 10, ec: 52 },
  );
  const line10 = INJECT.split('\n')[9]!;
  assert.equal(line10.slice(27, 51), 'github.event.issue.title');
  const line11 = INJECT.split('\n')[10]!;
  assert.equal(line11.slice(fileLoc(inj[1]!.location).startColumn! - 1, fileLoc(inj[1]!.location).endColumn! - 1), 'github.event.issue.body');
});

test('identity does not depend on line numbers', () => {
  const a = auditText('.github/workflows/t.yml', INJECT, 'workflow').findings;
  const b = auditText('.github/workflows/t.yml', `# a comment\n\n${INJECT}`, 'workflow').findings;
  assert.deepEqual(a.map((f) => f.identity), b.map((f) => f.identity));
  assert.notDeepEqual(a.map((f) => fileLoc(f.location).startLine), b.map((f) => fileLoc(f.location).startLine));
});

test('scans workflows, actions, dependabot and GitLab files only; malformed YAML is a file error and the scan goes on', async () => {
  const report = await scan({
    '.github/workflows/ok.yml': INJECT,
    '.github/workflows/broken.yml': 'on: push\njobs:\n  a:\n    steps: [\n',
    '.github/workflows/dup.yml': 'on: push\non: pull_request\njobs: {}\n',
    '.github/actions/setup/action.yml': 'name: s\nruns:\n  using: composite\n  steps:\n    - shell: bash\n      run: echo ${{ inputs.v }}\n',
    '.github/dependabot.yml': 'version: 2\nupdates:\n  - package-ecosystem: npm\n    directory: /\n    insecure-external-code-execution: allow\n',
    'docs/example-workflow.yml': INJECT,
    '.gitlab-ci.yml': 'include:\n  - local: /ci/jobs.yml\nbuild:\n  image: node\n  script: [make]\n',
    'ci/jobs.yml': 'lint:\n  variables:\n    CI_DEBUG_TRACE: "true"\n  script: [make lint]\n',
    'ci/not-included.yml': 'lint:\n  variables:\n    CI_DEBUG_TRACE: "true"\n  script: [make lint]\n',
  });
  const st = report.statuses.find((s) => s.scanner === 'pipeline')!;
  assert.equal(st.status, 'partial');
  assert.deepEqual(st.fileErrors.map((e) => e.path).sort(), ['.github/workflows/broken.yml', '.github/workflows/dup.yml']);
  for (const e of st.fileErrors) assert.match(e.message, /^line \d+: /);
  assert.match(st.fileErrors.find((e) => e.path.endsWith('dup.yml'))!.message, /^line 2: /);
  const byPath = (p: string) => report.findings.filter((f) => fileLoc(f.location).path === p).map((f) => f.ruleId);
  assert.ok(byPath('.github/workflows/ok.yml').includes('gha-template-injection'));
  assert.ok(byPath('.github/actions/setup/action.yml').includes('gha-input-injection'));
  assert.deepEqual(byPath('.github/dependabot.yml'), ['gha-dependabot-cooldown', 'gha-dependabot-insecure-execution']);
  assert.deepEqual(byPath('docs/example-workflow.yml'), []);
  assert.deepEqual(byPath('.gitlab-ci.yml'), ['gl-image-latest']);
  assert.deepEqual(byPath('ci/jobs.yml'), ['gl-debug-trace']);
  assert.deepEqual(byPath('ci/not-included.yml'), []);
  // SARIF-ready: every finding has a full region and a fingerprint.
  for (const f of report.findings) {
    assert.ok(fileLoc(f.location).startLine && fileLoc(f.location).startColumn && fileLoc(f.location).endLine && fileLoc(f.location).endColumn, f.ruleId);
    assert.ok(f.fingerprint);
  }
});

test('config: disable, severity overrides and allowRefPin', async () => {
  const wf = 'on: push\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-node@v4\n      - uses: acme/tool@v1\n      - uses: other/tool@v2\n';
  const base = await scan({ '.github/workflows/a.yml': wf });
  assert.deepEqual(base.findings.map((f) => f.ruleId).sort(), ['gha-unpinned-action', 'gha-unpinned-action', 'gha-unpinned-first-party-action']);
  const tuned = await scan({ '.github/workflows/a.yml': wf }, { disable: ['gha-unpinned-first-party-action'], severity: { 'gha-unpinned-action': 'critical' }, allowRefPin: ['acme/*'] });
  assert.deepEqual(tuned.findings.map((f) => `${f.ruleId}:${f.severity}:${fileLoc(f.location).startLine}`), ['gha-unpinned-action:critical:9']);
  const rules = tuned.rules.filter((r) => r.scanner === 'pipeline');
  assert.ok(!rules.some((r) => r.id === 'gha-unpinned-first-party-action'));
  assert.equal(rules.find((r) => r.id === 'gha-unpinned-action')!.severity, 'critical');
  assert.throws(() => pipelineConfigSchema.parse({ disable: ['gha-no-such-rule'] }), /unknown pipeline rule id/);
  assert.throws(() => pipelineConfigSchema.parse({ severity: { 'gha-no-such-rule': 'low' } }), /unknown pipeline rule id/);
});

test('inline ignores: only real YAML comments count, by rule id', () => {
  const wf = `on: issues
permissions: {}
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - uses: acme/tool@v1 # pipeguard: ignore[gha-unpinned-action]
      - uses: acme/tool@v2 # pipeguard: ignore[gha-some-other-rule]
      # pipeguard: ignore
      - uses: acme/tool@v3
      - run: |
          # pipeguard: ignore[gha-template-injection]
          echo "\${{ github.event.issue.title }}"
      # pipeguard: ignore[gha-template-injection]
      - run: |
          echo "\${{ github.event.issue.body }}"
`;
  // Covered findings are kept, marked suppressed with the comment's reason; the engine and gate list them.
  const f = auditText('.github/workflows/a.yml', wf, 'workflow').findings;
  assert.deepEqual(
    f.filter((x) => !x.suppressed).map((x) => `${x.ruleId}:${fileLoc(x.location).startLine}`),
    ['gha-unpinned-action:8', 'gha-template-injection:13'],
  );
  assert.deepEqual(
    f.filter((x) => x.suppressed).map((x) => `${x.ruleId}:${fileLoc(x.location).startLine} ${x.suppressed!.reason}`),
    ['gha-unpinned-action:7 inline ignore comment', 'gha-unpinned-action:10 inline ignore comment', 'gha-template-injection:16 inline ignore comment'],
  );
});

test('inline ignores read as the engine reads them: a rule id as a word limits the comment, the other words are the reason', () => {
  const wf = `on: issues
permissions: {}
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      # pipeguard:ignore gha-unpinned-action vendored fork, pinned by tag on purpose
      - uses: acme/tool@v1
      # pipeguard:ignore gha-template-injection
      - uses: acme/tool@v2
`;
  const f = auditText('.github/workflows/a.yml', wf, 'workflow').findings.filter((x) => x.ruleId === 'gha-unpinned-action');
  assert.deepEqual(
    f.map((x) => `${fileLoc(x.location).startLine} ${x.suppressed?.reason ?? 'active'}`),
    ['8 inline ignore: vendored fork, pinned by tag on purpose', '10 active'],
  );
});

test('YAML anchors and merge keys are followed', () => {
  const wf = `on: pull_request_target
permissions: {}
x-checkout: &co
  uses: actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11
  with:
    ref: \${{ github.event.pull_request.head.sha }}
    persist-credentials: false
jobs:
  a:
    if: github.event.label.name == 'ok'
    runs-on: ubuntu-latest
    steps:
      - *co
      - run: make
`;
  const f = auditText('.github/workflows/a.yml', wf, 'workflow').findings;
  // guarded by a label condition: no finding; without the guard the aliased checkout is found.
  assert.deepEqual(f.filter((x) => x.ruleId.startsWith('gha-untrusted')), []);
  const g = auditText('.github/workflows/a.yml', wf.replace("    if: github.event.label.name == 'ok'\n", ''), 'workflow').findings;
  // Reported where the alias is used (line 12 once the guard line is gone), not at the anchor.
  assert.deepEqual(g.filter((x) => x.ruleId.startsWith('gha-untrusted')).map((x) => `${x.ruleId}:${fileLoc(x.location).startLine}`), ['gha-untrusted-checkout-exec:12', 'gha-untrusted-checkout-exec:13']);
});

test('rule table: at least 35 GitHub Actions audits, unique kebab-case ids, help and confidence on each', () => {
  assert.ok(GHA_RULES.length >= 35, `only ${GHA_RULES.length} GitHub Actions rules`);
  assert.ok(GITLAB_RULES.length >= 6);
  const ids = PIPELINE_RULES.map((r) => r.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const r of PIPELINE_RULES) {
    assert.match(r.id, /^(gha|gl|precommit|azp|tkn|bb)-[a-z0-9]+(-[a-z0-9]+)*$/);
    assert.ok(r.help.length > 40 && r.title.length > 5, r.id);
    assert.ok(['high', 'medium', 'low'].includes(r.confidence));
  }
  assert.deepEqual(pipelineScanner.rules(pipelineConfigSchema.parse({})).map((r) => r.id), ids);
});

test('zizmor.yml: rules.<audit>.ignore entries (file, file:line, file:line:col) and disable suppress the equivalent rules', async () => {
  const wf = `name: z
on: push
permissions: {}
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/setup-node@v4
      - run: gem install rake
      - run: npm install lodash
      - run: echo "\${{ github.event.head_commit.message }}"
`;
  const report = await scan({
    '.github/workflows/z.yml': wf,
    '.github/workflows/other.yml': wf,
    'zizmor.yml': 'rules:\n  unpinned-uses:\n    ignore:\n      - z.yml\n  adhoc-packages:\n    ignore:\n      - z.yml:9\n  template-injection:\n    disable: true\n',
  });
  const open = (p: string) => report.findings.filter((f) => fileLoc(f.location).path === p && !report.configIgnored?.[f.fingerprint]).map((f) => `${f.ruleId}:${fileLoc(f.location).startLine}`);
  assert.deepEqual(open('.github/workflows/z.yml'), ['gha-adhoc-package-install:10']);
  assert.deepEqual(open('.github/workflows/other.yml'), ['gha-unpinned-first-party-action:8', 'gha-adhoc-package-install:9', 'gha-adhoc-package-install:10']);
  const reasons = Object.values(report.configIgnored ?? {});
  assert.ok(reasons.includes('zizmor.yml: rules.adhoc-packages.ignore z.yml:9'), reasons.join('; '));
  assert.ok(reasons.includes('zizmor.yml: rules.template-injection.disable'));
});

test('a malformed zizmor.yml is a file error; the workflows are still audited', async () => {
  const report = await scan({ '.github/workflows/z.yml': 'on: push\npermissions: {}\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: gem install rake\n', 'zizmor.yml': 'rules:\n  unpinned-uses:\n    ignore: nope\n' });
  const st = report.statuses.find((s) => s.scanner === 'pipeline')!;
  assert.deepEqual(st.fileErrors.map((e) => e.path), ['zizmor.yml']);
  assert.match(st.fileErrors[0]!.message, /rules\.unpinned-uses\.ignore/);
  assert.ok(report.findings.some((f) => f.ruleId === 'gha-adhoc-package-install'));
});

test('known-vulnerable actions: uses: refs (a tag, or the version commented beside a SHA) matched against the local advisory database', async () => {
  const { testAdvisoryDb } = await import('../../helpers/advisories.js');
  const dbPath = testAdvisoryDb();
  const wf = `on: push
permissions: {}
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - uses: tj-actions/changed-files@v45
      - uses: tj-actions/changed-files@0e58ed8671d6b60d0890c21b07f8835ace038e67 # v45.0.7
      - uses: tj-actions/changed-files@v46
      - uses: actions/download-artifact@v4.1.2
      - uses: actions/download-artifact@fa0a91b85d4f404e444e00e005971372dc801d16 # v4.1.8
      - uses: actions/download-artifact@v3
`;
  const dir = makeDir({ '.github/workflows/a.yml': wf });
  const target = await openDirectory(dir);
  const report = await runScan({ target, config: configSchema.parse({}), registry: [pipelineScanner], now: () => new Date(0), options: { env: { PIPEGUARD_DB: dbPath } } });
  const hits = report.findings.filter((f) => f.ruleId === 'gha-known-vulnerable-action').map((f) => `${fileLoc(f.location).startLine}`);
  assert.deepEqual(hits, ['7', '8', '10']);
  const msg = report.findings.find((f) => f.ruleId === 'gha-known-vulnerable-action' && fileLoc(f.location).startLine === 8)!.message;
  assert.match(msg, /GHSA-mrrh-fwg8-r2c3/);
  assert.match(msg, /comment beside the SHA/);
  assert.match(msg, /46\.0\.1/);
  // Without a database the rule is silent (nothing is downloaded).
  const none = await runScan({ target: await openDirectory(dir), config: configSchema.parse({}), registry: [pipelineScanner], now: () => new Date(0), options: { env: { PIPEGUARD_DB: `${dir}/none.db` } } });
  assert.equal(none.findings.filter((f) => f.ruleId === 'gha-known-vulnerable-action').length, 0);
});

test('each finding names its enclosing step (or job) as a related location; SARIF renders relatedLocations', async () => {
  const { findings } = auditText('.github/workflows/t.yml', INJECT, 'workflow');
  const f = findings.find((x) => x.ruleId === 'gha-template-injection')!;
  const rel = (f.data as { related: { path: string; startLine: number; message: string }[] }).related;
  assert.deepEqual(rel.map((r) => [r.path, r.startLine, r.message]), [['.github/workflows/t.yml', 9, 'step 1 of job a']]);
  const perms = auditText('.github/workflows/t.yml', 'on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n', 'workflow').findings.find((x) => x.ruleId === 'gha-missing-permissions' && x.location.startLine === 3)!;
  assert.equal((perms.data as { related: { message: string }[] }).related[0]!.message, 'job build');
  const report = await scan({ '.github/workflows/t.yml': INJECT });
  const { renderSarif } = await import('../../../src/report/sarif.js');
  const { evaluate } = await import('../../../src/gate/evaluate.js');
  const decision = evaluate(report, { policy: { failOn: 'high', thresholds: {}, suppressions: [] } as never, now: new Date(0) });
  const sarif = JSON.parse(renderSarif(report, decision)) as { runs: { results: { ruleId: string; relatedLocations?: { id: number; message: { text: string }; physicalLocation: { region: { startLine: number } } }[] }[] }[] };
  const r = sarif.runs[0]!.results.find((x) => x.ruleId === 'gha-template-injection')!;
  assert.equal(r.relatedLocations?.[0]?.message.text, 'step 1 of job a');
  assert.equal(r.relatedLocations?.[0]?.physicalLocation.region.startLine, 9);
});

test('a single file named on the command line is read by its content, wherever it sits; in a folder only known paths count', async () => {
  const { openTarget } = await import('../../../src/targets/open.js');
  const { DEFAULT_LIMITS } = await import('../../../src/engine/run.js');
  const dir = makeDir({ 'test-data/bot.yml': "on: pull_request_target\npermissions: {}\njobs:\n  a:\n    runs-on: ubuntu-latest\n    if: github.actor == 'dependabot[bot]'\n    steps:\n      - run: echo hi\n", 'notes/list.yml': 'items: [a, b]\n' });
  const opts = { cwd: dir, gitignore: false, exclude: [], limits: DEFAULT_LIMITS, archives: true, onSkip: () => undefined };
  const one = await runScan({ target: await openTarget('test-data/bot.yml', opts), config: configSchema.parse({}), registry: [pipelineScanner], now: () => new Date(0) });
  assert.deepEqual(one.findings.map((f) => f.ruleId).sort(), ['gha-bot-actor-condition', 'gha-dangerous-trigger']);
  const other = await runScan({ target: await openTarget('notes/list.yml', opts), config: configSchema.parse({}), registry: [pipelineScanner], now: () => new Date(0) });
  assert.deepEqual(other.findings, []);
  const folder = await runScan({ target: await openDirectory(dir), config: configSchema.parse({}), registry: [pipelineScanner], now: () => new Date(0) });
  assert.deepEqual(folder.findings, []);
});

const POLICY_WF = `name: p
on: push
permissions: {}
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2
      - uses: acme/tool/sub@0b93645e9fea7318ecaed2b359559ac225c90de2 # v2
      - uses: evil/thing@0b93645e9fea7318ecaed2b359559ac225c90de2 # v1
      - uses: $/.github/actions/local
      - uses: docker://alpine@sha256:0b93645e9fea7318ecaed2b359559ac225c90de20b93645e9fea7318ecaed2b3
`;

test('forbiddenUses: an allow-list reports every other action, a deny-list the matching ones; local and docker uses never', () => {
  const lines = (cfg: Record<string, unknown>) =>
    auditText('.github/workflows/p.yml', POLICY_WF, 'workflow', cfg).findings.filter((f) => f.ruleId === 'gha-forbidden-uses').map((f) => fileLoc(f.location).startLine);
  assert.deepEqual(lines({}), [], 'no policy, no finding');
  assert.deepEqual(lines({ forbiddenUses: { allow: ['actions/*', 'acme/tool'] } }), [10]);
  assert.deepEqual(lines({ forbiddenUses: { allow: ['actions/checkout@v4.2.2'] } }), [8, 9, 10], 'a ref in a pattern must equal the ref used');
  assert.deepEqual(lines({ forbiddenUses: { deny: ['evil/*', 'acme/tool/sub'] } }), [9, 10]);
  assert.deepEqual(lines({ forbiddenUses: { deny: ['*'] } }), [8, 9, 10]);
});

test('forbiddenUses in pipeguard.yml: allow or deny, not both, not another key', () => {
  assert.ok(pipelineConfigSchema.safeParse({ forbiddenUses: { allow: ['actions/*'] } }).success);
  assert.ok(pipelineConfigSchema.safeParse({ forbiddenUses: { deny: ['evil/*'] } }).success);
  assert.ok(!pipelineConfigSchema.safeParse({ forbiddenUses: { allow: ['a/*'], deny: ['b/*'] } }).success);
  assert.ok(!pipelineConfigSchema.safeParse({ forbiddenUses: { block: ['b/*'] } }).success);
});

test("zizmor's newest audit names (and renamed ones) in ignore comments suppress the matching rules", () => {
  const wf = `name: z
on: issue_comment
permissions: {}
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - uses: ./.github/actions/x # zizmor: ignore[self-repository]
      - uses: anthropics/claude-code-action@0b93645e9fea7318ecaed2b359559ac225c90de2 # v1
        with:
          prompt: "\${{ github.event.comment.body }}" # zizmor: ignore[agentic-actions]
`;
  const f = auditText('.github/workflows/z.yml', wf, 'workflow').findings;
  const live = f.filter((x) => !x.suppressed).map((x) => x.ruleId);
  assert.ok(!live.includes('gha-self-repository') && !live.includes('gha-agentic-prompt-injection'), live.join(','));
  assert.ok(live.includes('gha-agentic-untrusted-trigger'), 'the trigger finding sits on on:, which has no ignore');
});

test('the rule docs map every zizmor audit pipeguard knows, to the same rules', async () => {
  const { readFileSync } = await import('node:fs');
  const { ZIZMOR_AUDITS } = await import('../../../src/scanners/pipeline/zizmor.js');
  const doc = readFileSync(new URL('../../../docs/rules/pipeline.md', import.meta.url), 'utf8');
  for (const [audit, rules] of ZIZMOR_AUDITS) {
    const row = doc.split('\n').find((l) => l.startsWith(`| \`${audit}\``) || new RegExp(`^\\| \`[a-z-]+\` \\(formerly \`${audit}\``).test(l));
    assert.ok(row, `docs/rules/pipeline.md has a row for ${audit}`);
    for (const r of rules) assert.ok(row.includes(`\`${r}\``), `${audit}'s row names ${r}`);
  }
});
