import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { DiskCache } from '../../src/forge/cache.js';
import { ForgeDouble } from '../helpers/forge-double.js';
import { testAdvisoryDb } from '../helpers/advisories.js';
import { makeDir } from '../helpers/tmp.js';
import { assess, filesUnder, keys, recording } from './helpers.js';

const weak = new ForgeDouble(recording('gitlab-weak'));
const hardened = new ForgeDouble(recording('gitlab-hardened'));
before(async () => {
  await weak.start();
  await hardened.start();
});
after(async () => {
  await weak.stop();
  await hardened.stop();
});

// Look-alikes in the same recording that must not be flagged: DEPLOY_ENV (not a secret name), DB_PASSWORD
// (protected and masked), KUBECONFIG_DEV (a file variable scoped to dev, not a secret name), the shared runner,
// the protected group runner, dev-in (a group member), merge request !12 (approved by someone else).
const WEAK_EXPECTED = [
  'forge-admins-bypass branch:main',
  'forge-author-can-approve merge-requests',
  'forge-branch-unprotected branch:release-2024.10',
  'forge-deploy-key-write deploy-key:11',
  'forge-force-push-allowed branch:main',
  'forge-gitlab-runner-unprotected runner:92',
  'forge-gitlab-variable-unmasked variable:AWS_SECRET_ACCESS_KEY:*',
  'forge-gitlab-variable-unmasked variable:SLACK_TOKEN:production',
  'forge-gitlab-variable-unprotected variable:AWS_SECRET_ACCESS_KEY:*',
  'forge-no-required-reviews branch:main',
  'forge-no-required-status-checks branch:main',
  'forge-nonlinear-history branch:main',
  'forge-outside-collaborator-privileged collaborator:dev-ext',
  'forge-too-many-admins admins',
  'forge-unreviewed-changes change:11',
  'forge-unsigned-commits-allowed branch:main',
  'forge-webhook-insecure hook:71',
  'posture-ci-no-security-scan gitlab.com/platform/ci-tools',
  'posture-no-codeowners gitlab.com/platform/ci-tools',
  'posture-no-security-policy gitlab.com/platform/ci-tools',
];

test('gitlab: protected branches, approval rules, variables, runners, members and hooks of a neglected project', async () => {
  const cache = new DiskCache(makeDir());
  const run = await assess(weak, { kind: 'repo', name: 'platform/ci-tools' }, { cache });
  assert.deepEqual(keys(run.report.findings), WEAK_EXPECTED);
  const f = (id: string) => run.report.findings.find((x) => x.ruleId === id)!;
  assert.match(f('forge-admins-bypass').message, /Maintainers can push directly/);
  assert.match(f('forge-gitlab-runner-unprotected').message, /runner 92 \(deploy-runner\) runs jobs of unprotected branches and untagged jobs/);
  assert.match(f('forge-unreviewed-changes').message, /^Merge request !11 by dev-in/);
  assert.match(run.report.warnings!.join('\n'), /forge-push-protection-off not checked on platform\/ci-tools: the project does not show secret push protection/);
  // CI/CD variable values are dropped before they are cached or reported; hook URLs are cut to scheme and host.
  const everything = JSON.stringify(run) + filesUnder(cache.dir).map((p) => readFileSync(p, 'utf8')).join('\n');
  for (const secret of ['wJalrXUtnFEMI/K7MDENG', 'anonymised-Pa55w0rd-0002', 'xoxb-anonymised-0003', 'ANONYMISEDHOOKTOKEN']) assert.ok(!everything.includes(secret), `${secret} leaked`);
  assert.ok(weak.seen.every((s) => s.privateToken === 'test-token' && !s.authorization), 'GitLab gets the PRIVATE-TOKEN header');
  const sc = Object.fromEntries(run.repos[0]!.scorecard.map((c) => [c.name, c.score]));
  assert.equal(sc['Webhooks'], undefined, 'Scorecard has no Webhooks check on GitLab');
  // Tier 1 scores 1 of 4 (main blocks deletion, not force pushes; the release branch blocks neither): 3·1/4 → 0.
  assert.equal(sc['Branch-Protection'], 0);
  assert.equal(sc['Code-Review'], 3, 'one of two human changes unreviewed');
  assert.equal(sc['Signed-Releases'], -1);
});

test('gitlab: a hardened project gets no finding', async () => {
  const run = await assess(hardened, { kind: 'repo', name: 'platform/deployer' }, { config: { scanners: { deps: { db: testAdvisoryDb() } } } });
  assert.deepEqual(keys(run.report.findings), []);
  const sc = Object.fromEntries(run.repos[0]!.scorecard.map((c) => [c.name, c.score]));
  // Pinned-Dependencies is inconclusive, as in Scorecard: no workflow, Dockerfile or script pulls in a dependency.
  // Fuzzing 0: the project sets up no fuzzer. Vulnerabilities 10: cobra 1.8.0 (go.sum) has no advisory in the vendored database.
  // CII-Best-Practices not asked: an internal project's address is not sent to the Best Practices service.
  assert.deepEqual(sc, { 'Binary-Artifacts': 10, 'Branch-Protection': 10, 'CII-Best-Practices': -1, 'Code-Review': 10, 'Dependency-Update-Tool': 10, Fuzzing: 0, License: 10, Maintained: 10, 'Pinned-Dependencies': -1, 'Security-Policy': 10, 'Signed-Releases': 10, Vulnerabilities: 10 });
});

test('gitlab: a Reporter token sees no protected branches or variables, and says so per check', async () => {
  const ro = await new ForgeDouble(recording('gitlab-weak')).start();
  ro.tokens = { reporter: ['reporter'] };
  try {
    const run = await assess(ro, { kind: 'repo', name: 'platform/ci-tools' }, { token: 'reporter' });
    const notes = run.report.warnings!.join('\n');
    assert.match(notes, /forge-branch-unprotected not checked on platform\/ci-tools: forbidden for this token \(403: 403 Forbidden\)/);
    assert.match(notes, /forge-gitlab-variable-unmasked not checked/);
    assert.deepEqual(
      keys(run.report.findings).filter((k) => k.startsWith('forge-')),
      ['forge-author-can-approve merge-requests', 'forge-outside-collaborator-privileged collaborator:dev-ext', 'forge-too-many-admins admins', 'forge-unreviewed-changes change:11'],
    );
  } finally {
    await ro.stop();
  }
});

