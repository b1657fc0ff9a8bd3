/**
 * Every live-settings posture check, as data: id, severity, what it means and how to fix it. The checks that run
 * them are in checks/; the facts they read and the token permissions those need are in scopes.ts. Checks a local
 * file can answer (SECURITY.md, CODEOWNERS coverage of CI files, Dependabot/Renovate config, lockfiles, workflow
 * `permissions:`) are not here: they are the offline `posture` scanner's, which `pipeguard posture` runs on the
 * repository's tree through the API (or on `--path`).
 */
import { toRuleMeta, type RuleInfo } from '../core/rules.js';
import type { RuleMeta, Severity } from '../core/types.js';

/** The scanner id of every live-settings finding. */
export const FORGE_SCANNER = 'forge';

/** One posture check: the one rule shape, and the forges it applies to. */
export interface ForgeRule extends RuleInfo {
  /** Which forges it applies to. */
  forges: ('github' | 'gitlab')[];
}

const BOTH: ('github' | 'gitlab')[] = ['github', 'gitlab'];

/** Every posture check, by family: branches, owners, access, secrets, CI settings, features, hooks, review, org. */
export const FORGE_RULES: readonly ForgeRule[] = [
  { id: 'forge-branch-unprotected', title: 'Branch not protected', severity: 'high', forges: BOTH, cwe: ['CWE-284'], help: 'Protect the default and release branches (GitHub: a branch ruleset or protection rule; GitLab: Settings > Repository > Protected branches) so changes reach them only through reviewed merge requests.' },
  { id: 'forge-no-required-reviews', title: 'No approving review required', severity: 'high', forges: BOTH, cwe: ['CWE-284'], help: 'Require pull / merge requests with at least one approval before merging (GitHub: "Require a pull request before merging" with required approvals; GitLab: an approval rule with approvals required).' },
  { id: 'forge-fewer-than-two-approvals', title: 'Fewer than two approvals required', severity: 'low', forges: BOTH, help: 'Require two approvals on the default branch where the team allows it (CIS 1.1.3; Scorecard Branch-Protection tier 4).' },
  { id: 'forge-no-code-owner-review', title: 'Code-owner review not required', severity: 'medium', forges: BOTH, help: 'Require a review from code owners, so changes to CI definitions and pipeguard.yml need their owners\' approval (GitHub: "Require review from Code Owners"; GitLab: "Code owner approval" on the protected branch).' },
  { id: 'forge-stale-approvals-kept', title: 'Approvals survive new commits', severity: 'medium', forges: BOTH, help: 'Dismiss stale approvals when new commits are pushed (GitHub: "Dismiss stale pull request approvals"; GitLab: "Remove all approvals when commits are added").' },
  { id: 'forge-no-last-push-approval', title: 'Last push may go unapproved', severity: 'low', forges: ['github'], help: 'Require approval of the most recent reviewable push, so the last pusher cannot merge their own unreviewed change.' },
  { id: 'forge-admins-bypass', title: 'Administrators can bypass the branch rules', severity: 'medium', forges: BOTH, cwe: ['CWE-284'], help: 'Hold administrators to the rules (GitHub: "Do not allow bypassing the above settings", or no bypass actors on the ruleset; GitLab: allow "No one" to push directly to protected branches).' },
  { id: 'forge-no-required-status-checks', title: 'No required status checks', severity: 'medium', forges: BOTH, help: 'Require status checks (CI) to pass before merging (GitHub: required status checks; GitLab: "Pipelines must succeed").' },
  { id: 'forge-pipeguard-check-not-required', title: 'pipeguard gate not a required check', severity: 'low', forges: ['github'], help: 'Make the job that runs `pipeguard scan` a required status check, so a failing gate blocks the merge (the check name is matched against `forge.requiredCheck`).' },
  { id: 'forge-branch-not-up-to-date', title: 'Branches need not be up to date', severity: 'low', forges: ['github'], help: 'Require branches to be up to date before merging, so checks run on what will be merged.' },
  { id: 'forge-unsigned-commits-allowed', title: 'Unsigned commits allowed', severity: 'low', forges: BOTH, help: 'Require signed commits (GitHub: "Require signed commits"; GitLab Premium: push rule "Reject unsigned commits").' },
  { id: 'forge-nonlinear-history', title: 'Merge commits allowed', severity: 'low', forges: BOTH, help: 'Require linear history (GitHub: "Require linear history"; GitLab: fast-forward or semi-linear merge method).' },
  { id: 'forge-force-push-allowed', title: 'Force pushes allowed', severity: 'high', forges: BOTH, cwe: ['CWE-284'], help: 'Block force pushes to the branch, so published history cannot be rewritten.' },
  { id: 'forge-branch-deletion-allowed', title: 'Branch deletion allowed', severity: 'medium', forges: ['github'], help: 'Block deletion of the branch.' },
  { id: 'forge-unresolved-conversations-allowed', title: 'Unresolved review threads do not block merging', severity: 'low', forges: BOTH, help: 'Require conversation resolution before merging (GitLab: "All threads must be resolved").' },
  { id: 'forge-codeowners-errors', title: 'CODEOWNERS has errors', severity: 'medium', forges: ['github'], help: 'GitHub reports errors in CODEOWNERS (unknown users or teams, bad patterns): the lines with errors request no review. Fix them (see the repository\'s CODEOWNERS page).' },
  { id: 'forge-too-many-admins', title: 'Too many administrators', severity: 'medium', forges: BOTH, cwe: ['CWE-250'], help: 'Keep repository administrators (GitLab: owners and maintainers) to the few who need it (`forge.maxAdmins`).' },
  { id: 'forge-outside-collaborator-privileged', title: 'Outside collaborator with write access', severity: 'medium', forges: BOTH, cwe: ['CWE-269'], help: 'Review outside collaborators and external members with write, maintain or admin access; grant them read or triage, or make them members under the organisation\'s policies.' },
  { id: 'forge-deploy-key-write', title: 'Deploy key with write access', severity: 'medium', forges: BOTH, cwe: ['CWE-732'], help: 'Make deploy keys read-only unless a key must push; a write key bypasses review if it leaks.' },
  { id: 'forge-deploy-key-stale', title: 'Long-lived deploy key', severity: 'low', forges: BOTH, help: 'Rotate deploy keys older than `forge.deployKeyMaxAgeDays`, and remove unused ones.' },
  { id: 'forge-repo-level-secrets', title: 'Secrets at repository level', severity: 'low', forges: ['github'], help: 'Repository secrets reach every workflow on every branch. Move deployment credentials to an environment with required reviewers or a branch policy.' },
  { id: 'forge-environment-unprotected', title: 'Environment secrets without protection rules', severity: 'medium', forges: ['github'], cwe: ['CWE-284'], help: 'Add protection rules (required reviewers, a wait timer or a deployment branch policy) to environments that hold secrets.' },
  { id: 'forge-default-token-write', title: 'Default GITHUB_TOKEN can write', severity: 'high', forges: ['github'], cwe: ['CWE-272'], help: 'Set Actions > General > Workflow permissions to "Read repository contents and packages permissions" and grant writes per job with `permissions:`.' },
  { id: 'forge-workflows-can-approve-prs', title: 'Workflows can approve pull requests', severity: 'medium', forges: ['github'], cwe: ['CWE-284'], help: 'Turn off "Allow GitHub Actions to create and approve pull requests": a workflow approval can satisfy required reviews.' },
  { id: 'forge-fork-pr-approval-weak', title: 'Fork pull-request workflows run without approval', severity: 'medium', forges: ['github'], cwe: ['CWE-829'], help: 'Require approval for workflow runs from outside contributors (public: "Require approval for all external contributors"; private: do not send write tokens or secrets to fork pull requests, and require approval).' },
  { id: 'forge-actions-unrestricted', title: 'Any action may run', severity: 'low', forges: ['github'], cwe: ['CWE-829'], help: 'Allow only local, GitHub-owned, verified or listed actions (Actions > General > Actions permissions).' },
  { id: 'forge-secret-scanning-off', title: 'Secret scanning off', severity: 'medium', forges: BOTH, cwe: ['CWE-798'], help: 'Turn on secret scanning (GitHub: Code security > Secret scanning; GitLab Ultimate: secret detection).' },
  { id: 'forge-push-protection-off', title: 'Secret push protection off', severity: 'medium', forges: BOTH, cwe: ['CWE-798'], help: 'Turn on push protection so pushes holding a detected secret are blocked before they land.' },
  { id: 'forge-dependency-alerts-off', title: 'Dependency vulnerability alerts off', severity: 'medium', forges: ['github'], cwe: ['CWE-1395'], help: 'Turn on Dependabot alerts (Renovate\'s vulnerability PRs read them too).' },
  { id: 'forge-webhook-no-secret', title: 'Webhook without a secret', severity: 'high', forges: ['github'], cwe: ['CWE-345'], help: 'Set a secret on every webhook so the receiver can verify deliveries come from the forge.' },
  { id: 'forge-webhook-insecure', title: 'Webhook over plain HTTP or without TLS verification', severity: 'high', forges: BOTH, cwe: ['CWE-319'], help: 'Deliver webhooks over https with certificate verification on.' },
  { id: 'forge-unreviewed-changes', title: 'Changes merged without an independent approval', severity: 'medium', forges: BOTH, cwe: ['CWE-284'], help: 'Recent merged pull / merge requests had no approval from someone other than the author before merge (Scorecard Code-Review); require reviews and hold everyone to them.' },
  { id: 'forge-author-can-approve', title: 'Authors may approve their own merge requests', severity: 'medium', forges: ['gitlab'], cwe: ['CWE-284'], help: 'Turn on "Prevent approval by author" (Settings > Merge requests > Approval settings), so a change needs someone else\'s approval.' },
  { id: 'forge-gitlab-variable-unprotected', title: 'Secret CI/CD variable not protected', severity: 'medium', forges: ['gitlab'], cwe: ['CWE-522'], help: 'Mark CI/CD variables that hold secrets "Protected", so only pipelines of protected branches and tags receive them.' },
  { id: 'forge-gitlab-variable-unmasked', title: 'Secret CI/CD variable not masked', severity: 'medium', forges: ['gitlab'], cwe: ['CWE-532'], help: 'Mark CI/CD variables that hold secrets "Masked" (or "Masked and hidden") so job logs do not show them.' },
  { id: 'forge-gitlab-runner-unprotected', title: 'Project runner runs jobs of unprotected branches', severity: 'medium', forges: ['gitlab'], cwe: ['CWE-668'], help: 'Set project and group runners that hold deploy credentials or reach internal networks to "Protected" (jobs of protected branches only) and give them tags.' },
  { id: 'forge-org-2fa-not-required', title: 'Two-factor authentication not required', severity: 'high', forges: BOTH, cwe: ['CWE-308'], help: 'Require two-factor authentication for every member of the organisation or group.' },
  { id: 'forge-org-base-permission-write', title: 'Members can write to every repository', severity: 'medium', forges: ['github'], cwe: ['CWE-269'], help: 'Set the organisation\'s base repository permission to read or none, and grant write access per team.' },
];

/** Where each check is documented (its row in docs/posture.md). */
export const FORGE_DOCS_URL = 'https://github.com/pipeguard/pipeguard/blob/main/docs/posture.md';

/** RuleMeta of the checks not disabled, with severity overrides; tags name the forges a check applies to. */
export function forgeRuleMeta(disabled: ReadonlySet<string> = new Set(), severity: Record<string, Severity> = {}): RuleMeta[] {
  const rows = FORGE_RULES.map((r) => ({ ...r, tags: ['posture', ...r.forges], helpUri: `${FORGE_DOCS_URL}#${r.id}` }));
  return toRuleMeta(FORGE_SCANNER, rows, { disabled, severity });
}

/** The rule with this id. */
export function forgeRule(id: string): ForgeRule {
  const r = FORGE_RULES.find((x) => x.id === id);
  if (!r) throw new Error(`unknown posture check ${id}`);
  return r;
}
