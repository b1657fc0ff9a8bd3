/**
 * CI settings: the default GITHUB_TOKEN's permissions (deferring to the workflow files: when every workflow declares
 * `permissions:`, the default is never used), workflows approving pull requests, fork pull-request workflows,
 * allowed actions; GitLab project and group runners that take jobs from unprotected branches.
 */
import type { RepoFacts } from '../facts.js';
import { fromFact, settingsUrl, type CheckContext, type Hit, type RepoCheck, type RuleResult } from './types.js';

/** GitHub Actions settings and GitLab runner exposure. */
export const actionsCheck: RepoCheck = {
  rules: ['forge-default-token-write', 'forge-workflows-can-approve-prs', 'forge-fork-pr-approval-weak', 'forge-actions-unrestricted', 'forge-gitlab-runner-unprotected'],
  run(f: RepoFacts, ctx: CheckContext): RuleResult[] {
    if (f.forge === 'gitlab') {
      return fromFact(f.runners ?? { ok: false, reason: 'not read' }, ['forge-gitlab-runner-unprotected'], (runners) =>
        runners
          .filter((r) => r.scope !== 'instance' && r.unprotected === true)
          .map((r) => ({
            ruleId: 'forge-gitlab-runner-unprotected',
            identity: `runner:${r.id}`,
            message: `${r.scope === 'group' ? 'Group' : 'Project'} runner ${r.id}${r.description ? ` (${r.description})` : ''} runs jobs of unprotected branches${r.runUntagged ? ' and untagged jobs' : ''}: any developer's branch pipeline can use what it can reach.`,
            setting: `runners/${r.id}/access_level`,
            url: settingsUrl(f, 'ci'),
            data: { runner: r.id, scope: r.scope },
          })),
      );
    }
    if (!f.actions.ok) return this.rules.filter((r) => r !== 'forge-gitlab-runner-unprotected').map((ruleId) => ({ ruleId, ran: false, reason: (f.actions as { reason: string }).reason, hits: [] }));
    const a = f.actions.value;
    const url = settingsUrl(f, 'actions');
    const out: RuleResult[] = [];
    if (!a.enabled) {
      // Actions off: none of its settings matter.
      return ['forge-default-token-write', 'forge-workflows-can-approve-prs', 'forge-fork-pr-approval-weak', 'forge-actions-unrestricted'].map((ruleId) => ({ ruleId, ran: true, hits: [] }));
    }
    out.push(
      ...fromFact(a.defaultTokenWrite, ['forge-default-token-write'], (write) => {
        if (!write) return [];
        // Defer to the workflow files: if each declares `permissions:`, the default is never used.
        if (ctx.workflowsWithoutPermissions === 0 || ctx.workflowCount === 0) return [];
        const which = ctx.workflowsWithoutPermissions ? ` (${ctx.workflowsWithoutPermissions} workflow${ctx.workflowsWithoutPermissions === 1 ? '' : 's'} declare no permissions and get it)` : '';
        return [{ ruleId: 'forge-default-token-write', identity: 'actions/default-token', message: `The default GITHUB_TOKEN has read and write permissions${which}.`, setting: 'actions/permissions/workflow/default_workflow_permissions', url }];
      }),
    );
    out.push(
      ...fromFact(a.canApprovePullRequests, ['forge-workflows-can-approve-prs'], (yes) =>
        yes ? [{ ruleId: 'forge-workflows-can-approve-prs', identity: 'actions/approve-prs', message: 'GitHub Actions may create and approve pull requests: a workflow approval can satisfy the required review.', setting: 'actions/permissions/workflow/can_approve_pull_request_reviews', url }] : [],
      ),
    );
    out.push(
      ...fromFact(a.forkPolicy, ['forge-fork-pr-approval-weak'], (p): Hit[] => {
        const base = { ruleId: 'forge-fork-pr-approval-weak', identity: 'actions/fork-pr', url };
        if (p.visibility === 'public') {
          if (p.approval === 'all_external_contributors') return [];
          const who = p.approval === 'first_time_contributors' ? 'only first-time contributors' : 'only first-time contributors who are new to GitHub';
          return [{ ...base, message: `Workflow runs on pull requests from forks need approval for ${who}; anyone who has contributed once runs workflows unreviewed.`, setting: 'actions/permissions/fork-pr-contributor-approval', severity: p.approval === 'first_time_contributors' ? 'low' : 'medium' }];
        }
        if (!p.runs) return [];
        const gives = [p.writeTokens && 'write tokens', p.secrets && 'secrets'].filter(Boolean) as string[];
        if (gives.length) return [{ ...base, message: `Workflows of fork pull requests run with ${gives.join(' and ')}${p.approvalRequired ? '' : ', without approval'}.`, setting: 'actions/permissions/fork-pr-workflows-private-repos', severity: 'high' }];
        if (!p.approvalRequired) return [{ ...base, message: 'Workflows of fork pull requests run without approval.', setting: 'actions/permissions/fork-pr-workflows-private-repos' }];
        return [];
      }),
    );
    out.push({
      ruleId: 'forge-actions-unrestricted',
      ran: a.allowedActions !== undefined,
      ...(a.allowedActions === undefined ? { reason: 'allowed actions not shown' } : {}),
      hits: a.allowedActions === 'all' ? [{ ruleId: 'forge-actions-unrestricted', identity: 'actions/allowed', message: 'Any action or reusable workflow from any repository may run.', setting: 'actions/permissions/allowed_actions', url }] : [],
    });
    return out;
  },
};
