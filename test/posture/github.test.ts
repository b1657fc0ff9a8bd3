import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { DiskCache } from '../../src/forge/cache.js';
import { ForgeDouble, type Recording } from '../helpers/forge-double.js';
import { makeDir } from '../helpers/tmp.js';
import { assess, filesUnder, keys, recording } from './helpers.js';

const weak = new ForgeDouble(recording('github-weak'));
const hardened = new ForgeDouble(recording('github-hardened'));
before(async () => {
  await weak.start();
  await hardened.start();
});
after(async () => {
  await weak.stop();
  await hardened.stop();
});

// What the neglected repository must get: one line per finding (`rule identity` for live settings, `rule path` for
// files). Look-alikes in the same recording that must not be flagged: auditor-jane (read access), the read-only
// mirror key's write rule, the staging environment (required reviewers), hook 4002 (https with a secret), hook 4004
// (inactive), pull request #41 (approved by someone else before the merge), branches develop and feature/login.
const WEAK_EXPECTED = [
  'forge-actions-unrestricted actions/allowed',
  'forge-admins-bypass branch:release/1.x',
  'forge-branch-deletion-allowed branch:release/1.x',
  'forge-branch-unprotected branch:main',
  'forge-codeowners-errors codeowners',
  'forge-default-token-write actions/default-token',
  'forge-dependency-alerts-off vulnerability-alerts',
  'forge-deploy-key-stale deploy-key:302',
  'forge-deploy-key-write deploy-key:301',
  'forge-environment-unprotected environment:production',
  'forge-fewer-than-two-approvals branch:release/1.x',
  'forge-force-push-allowed branch:release/1.x',
  'forge-fork-pr-approval-weak actions/fork-pr',
  'forge-no-code-owner-review branch:release/1.x',
  'forge-no-last-push-approval branch:release/1.x',
  'forge-no-required-status-checks branch:release/1.x',
  'forge-nonlinear-history branch:release/1.x',
  'forge-outside-collaborator-privileged collaborator:contractor-dev',
  'forge-outside-collaborator-privileged collaborator:freelance-bob',
  'forge-push-protection-off security_and_analysis/secret_scanning_push_protection',
  'forge-repo-level-secrets repo-secret:NPM_TOKEN',
  'forge-repo-level-secrets repo-secret:PROD_DB_URL',
  'forge-secret-scanning-off security_and_analysis/secret_scanning',
  'forge-stale-approvals-kept branch:release/1.x',
  'forge-too-many-admins admins',
  'forge-unresolved-conversations-allowed branch:release/1.x',
  'forge-unreviewed-changes change:37',
  'forge-unreviewed-changes change:39',
  'forge-unreviewed-changes change:40',
  'forge-unsigned-commits-allowed branch:release/1.x',
  'forge-webhook-insecure hook:4001',
  'forge-webhook-insecure hook:4003',
  'forge-webhook-no-secret hook:4001',
  'forge-workflows-can-approve-prs actions/approve-prs',
  'posture-binary-artifact bin/tool.exe',
  'posture-ci-no-security-scan github.com/acme/legacy-api',
  'posture-codeowners-ci-uncovered CODEOWNERS',
  'posture-missing-lockfile package.json',
  'posture-no-dependency-updates github.com/acme/legacy-api',
  'posture-no-security-policy github.com/acme/legacy-api',
  'posture-unpinned-dependencies Dockerfile',
  'posture-workflow-no-permissions .github/workflows/ci.yml',
];

test('github: a neglected repository gets each live-settings finding and each file finding, and nothing else', async () => {
  const run = await assess(weak, { kind: 'repo', name: 'acme/legacy-api' });
  assert.deepEqual(keys(run.report.findings), WEAK_EXPECTED);
  assert.deepEqual(run.report.warnings, []);
  const f = (id: string, identity?: string) => run.report.findings.find((x) => x.ruleId === id && (identity === undefined || x.identity === identity))!;
  assert.equal(f('forge-outside-collaborator-privileged', 'collaborator:contractor-dev').severity, 'high', 'an outside admin is worse than an outside writer');
  assert.equal(f('forge-outside-collaborator-privileged', 'collaborator:freelance-bob').severity, 'medium');
  assert.equal(f('forge-fork-pr-approval-weak').severity, 'high', 'secrets sent to fork pull requests');
  assert.match(f('forge-deploy-key-stale').message, /1453 days old/);
  assert.match(f('forge-unreviewed-changes', 'change:40').message, /1 of 4 recent human changes reviewed, 25%/);
  assert.match(f('posture-codeowners-ci-uncovered').message, /pipeguard\.yml/);
  assert.deepEqual(f('forge-branch-unprotected').location, { kind: 'repository', repository: 'github.com/acme/legacy-api', setting: 'branches/main/protection', url: 'https://github.com/acme/legacy-api/settings/branches' });
  // Scorecard, as its checks.md scores this repository.
  const sc = Object.fromEntries(run.repos[0]!.scorecard.map((c) => [c.name, c.score]));
  // Token-Permissions 0: no permissions at the top and none on its job. Pinned-Dependencies 0: actions/checkout@v4,
  // `npm install` in the workflow and the Dockerfile, and `FROM node:20` are all unpinned. Maintained 1: 2 commits and
  // no maintainer issue activity in 90 days (2 of 12). No dangerous pattern. Vulnerabilities 10: no lockfile, so no
  // known vulnerable locked dependency (as osv-scanner finds none for Scorecard). CI-Tests 6: #41 and #38 passed
  // GitHub Actions and #37 a Jenkins status; #40 failed and #39 ran nothing (3 of 5). SAST 0: no SAST app checked a
  // pull request and no workflow runs a SAST tool. Fuzzing 0: no fuzzer set up. Packaging inconclusive: nothing publishes.
  // Contributors 0: the one regular contributor names no organisation or company, and CODEOWNERS names only teams.
  // CII-Best-Practices not asked: a private repository's address is not sent to the Best Practices service.
  assert.deepEqual(sc, { 'Binary-Artifacts': 9, 'Branch-Protection': 0, 'CI-Tests': 6, 'CII-Best-Practices': -1, 'Code-Review': 0, Contributors: 0, 'Dangerous-Workflow': 10, 'Dependency-Update-Tool': 0, Fuzzing: 0, License: 0, Maintained: 1, Packaging: -1, 'Pinned-Dependencies': 0, SAST: 0, 'Security-Policy': 0, 'Signed-Releases': 0, 'Token-Permissions': 0, Vulnerabilities: 10, Webhooks: 5 });
  const pinned = run.repos[0]!.scorecard.find((c) => c.name === 'Pinned-Dependencies')!;
  assert.ok(pinned.details.includes('Warn: containerImage not pinned by hash: Dockerfile:1: node:20'), pinned.details.join('\n'));
  assert.ok(pinned.details.includes('Warn: npmCommand not pinned by hash: Dockerfile:4: npm install'), pinned.details.join('\n'));
  assert.ok(pinned.details.includes('Warn: GitHub-owned GitHubAction not pinned by hash: .github/workflows/ci.yml:7: actions/checkout@v4'), pinned.details.join('\n'));
  assert.deepEqual(run.repos[0]!.reviews && { rate: run.repos[0]!.reviews.rate, human: run.repos[0]!.reviews.human }, { rate: 0.25, human: 4 });
  // Hook URLs hold tokens in their paths and queries: only scheme and host are ever shown.
  const text = JSON.stringify(run.report);
  assert.ok(!text.includes('ANONYMISEDWEBHOOKPATH0001') && !text.includes('ANONYMISEDQUERYTOKEN') && !text.includes('ci.acme.internal/hooks'), 'a webhook path or query leaked');
  assert.match(f('forge-webhook-insecure', 'hook:4001').message, /to http:\/\/ci\.acme\.internal over plain HTTP/);
});

test('github: a hardened repository (rulesets on main, classic rules on the release branch) gets no finding and Scorecard 10s', async () => {
  const run = await assess(hardened, { kind: 'repo', name: 'acme/payments' });
  assert.deepEqual(keys(run.report.findings), []);
  assert.deepEqual(run.report.warnings, []);
  assert.equal(run.report.statuses.find((s) => s.scanner === 'forge')!.status, 'succeeded');
  const main = run.repos[0]!.facts.branches.ok && run.repos[0]!.facts.branches.value[0]!;
  assert.ok(main && main.sources.includes('ruleset "main protection"') && !main.sources.includes('branch protection'), 'main && main.sources.includes(\'ruleset "main protection"\') && !main.sources.includes(\'branch prot');
  for (const c of run.repos[0]!.scorecard) assert.equal(c.score, 10, `${c.name}: ${c.reason}`);
  assert.equal(run.repos[0]!.reviews!.rate, 1);
});

test('github: a read-only token gives notes per check, partial status, and no failure', async () => {
  const rec: Recording = structuredClone(recording('github-hardened'));
  const repo = rec.routes['GET /repos/acme/payments']!.body as Record<string, unknown>;
  delete repo['security_and_analysis'];
  (repo['permissions'] as Record<string, boolean>)['admin'] = false;
  const ro = await new ForgeDouble(rec).start();
  ro.tokens = { 'ro-token': ['metadata', 'contents'] };
  try {
    const run = await assess(ro, { kind: 'repo', name: 'acme/payments' }, { token: 'ro-token' });
    assert.deepEqual(keys(run.report.findings), [], 'nothing unseen is reported as a problem');
    const notes = run.report.warnings!.join('\n');
    assert.match(notes, /forge-deploy-key-write not checked on acme\/payments: the token lacks Administration: read \(fine-grained token\)/);
    assert.match(notes, /forge-webhook-no-secret not checked on acme\/payments: the token lacks Webhooks: read/);
    assert.match(notes, /forge-repo-level-secrets not checked on acme\/payments: the token lacks Secrets: read/);
    assert.match(notes, /forge-secret-scanning-off not checked on acme\/payments: the security_and_analysis settings are shown to repository admins only/);
    assert.match(notes, /forge-admins-bypass not checked on acme\/payments/);
    assert.match(notes, /classic branch protection of release\/2\.0 not visible: the token lacks Administration: read/);
    const status = run.report.statuses.find((s) => s.scanner === 'forge')!;
    assert.equal(status.status, 'partial');
    assert.ok((status.stats!['checksNotRun'] ?? 0) >= 8, '(status.stats![\'checksNotRun\'] ?? 0) >= 8');
    const sc = Object.fromEntries(run.repos[0]!.scorecard.map((c) => [c.name, c.score]));
    assert.equal(sc['Webhooks'], -1, 'inconclusive, as Scorecard says when it cannot read hooks');
    // Rulesets and refUpdateRule are readable without admin rights; the admin-only settings do not count (as in Scorecard).
    assert.equal(sc['Branch-Protection'], 10);
    const rel = run.repos[0]!.facts.branches.ok && run.repos[0]!.facts.branches.value[1]!;
    assert.ok(rel && rel.requiredApprovals === 2 && rel.forcePushBlocked === true && rel.dismissStaleApprovals === undefined && rel.enforceAdmins === undefined, 'rel && rel.requiredApprovals === 2 && rel.forcePushBlocked === true && rel.dismissStaleApprovals ===');
  } finally {
    await ro.stop();
  }
});

test('github: without a token, reviews come from REST (GraphQL needs one) and give the same rate', async () => {
  const run = await assess(weak, { kind: 'repo', name: 'acme/legacy-api' }, { token: '' });
  assert.equal(run.repos[0]!.reviews!.rate, 0.25);
  assert.ok(weak.seen.some((s) => s.path === '/repos/acme/legacy-api/pulls/40/reviews' && !s.authorization), 'weak.seen.some((s) => s.path === \'/repos/acme/legacy-api/pulls/40/reviews\' && !s.authorization)');
  assert.match(run.report.warnings!.join('\n'), /no GITHUB_TOKEN in the environment/);
});

test('github: a warm cache revalidates with 304s, --offline makes no request and gives the same report', async () => {
  const cache = new DiskCache(makeDir());
  const cold = await assess(hardened, { kind: 'repo', name: 'acme/payments' }, { cache });
  const m0 = hardened.seen.length;
  const warm = await assess(hardened, { kind: 'repo', name: 'acme/payments' }, { cache });
  assert.ok(cold.stats.requests > 20, 'cold.stats.requests > 20');
  const seen = hardened.seen.slice(m0);
  // Every GET that answered 200 cold is revalidated warm: sent with If-None-Match and answered 304.
  assert.deepEqual(seen.filter((s) => s.method === 'GET' && s.status === 200).map((s) => s.path), []);
  assert.ok(seen.filter((s) => s.status === 304).every((s) => s.ifNoneMatch), 'seen.filter((s) => s.status === 304).every((s) => s.ifNoneMatch)');
  assert.ok(warm.stats.notModified >= 20, 'warm.stats.notModified >= 20');
  assert.ok(warm.stats.fromCache >= 5, 'blobs and the tree by sha are not asked again');
  assert.ok(warm.stats.requests < cold.stats.requests, 'warm.stats.requests < cold.stats.requests');
  const n = hardened.seen.length;
  const offline = await assess(hardened, { kind: 'repo', name: 'acme/payments' }, { cache, offline: true });
  assert.equal(hardened.seen.length, n, 'no request offline');
  assert.deepEqual(offline.report.findings, cold.report.findings);
  assert.deepEqual(offline.repos[0]!.scorecard, cold.repos[0]!.scorecard);
  // Offline with an empty cache: every check becomes a note; nothing fails.
  await assert.rejects(assess(hardened, { kind: 'repo', name: 'acme/payments' }, { cache: new DiskCache(makeDir()), offline: true }), /acme\/payments is not in the offline cache: run once without --offline/);
  for (const f of filesUnder(cache.dir)) assert.ok(!readFileSync(f, 'utf8').includes('test-token'), '!readFileSync(f, \'utf8\').includes(\'test-token\')');
});

test('github: an unknown repository is one clear input error', async () => {
  await assert.rejects(assess(weak, { kind: 'repo', name: 'acme/nope' }), /GitHub repository acme\/nope not found or not visible to the token \(404/);
  await assert.rejects(assess(weak, { kind: 'repo', name: 'not-a-slug' }), /expected OWNER\/REPO/);
});

