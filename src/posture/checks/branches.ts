/**
 * Branch rules on the default and release branches: protection at all, required reviews (and how many), code-owner
 * review, stale approvals, last-push approval, admin bypass, required status checks (and the pipeguard gate among
 * them), up-to-date branches, signed commits, linear history, force pushes, deletion, unresolved conversations.
 * An unprotected branch is one finding, not fifteen. A setting the token could not see is a note on that rule.
 */
import type { BranchRules, RepoFacts } from '../facts.js';
import { forgeRule } from '../rules.js';
import { settingsUrl, type CheckContext, type Hit, type RepoCheck, type RuleResult } from './types.js';

const RULES = [
  'forge-branch-unprotected',
  'forge-no-required-reviews',
  'forge-fewer-than-two-approvals',
  'forge-no-code-owner-review',
  'forge-stale-approvals-kept',
  'forge-no-last-push-approval',
  'forge-admins-bypass',
  'forge-no-required-status-checks',
  'forge-pipeguard-check-not-required',
  'forge-branch-not-up-to-date',
  'forge-unsigned-commits-allowed',
  'forge-nonlinear-history',
  'forge-force-push-allowed',
  'forge-branch-deletion-allowed',
  'forge-unresolved-conversations-allowed',
] as const;

/** One condition on a protected branch: the setting it reads, when it applies, and the message when it fails. */
interface Condition {
  rule: (typeof RULES)[number];
  setting: string;
  /** undefined: the setting could not be read. */
  ok(b: BranchRules, ctx: CheckContext): boolean | undefined;
  /** Only asked when this holds (e.g. stale approvals only matter when approvals are required). */
  when?(b: BranchRules): boolean;
  message(b: BranchRules, ctx: CheckContext): string;
}

const requiresReview = (b: BranchRules) => (b.requiredApprovals ?? 0) > 0;

const CONDITIONS: Condition[] = [
  { rule: 'forge-no-required-reviews', setting: 'required_pull_request_reviews', ok: (b) => (b.requiredApprovals === undefined ? undefined : b.requiredApprovals > 0), message: (b) => `${name(b)} can be changed without an approving review${b.pullRequestRequired ? ' (pull requests are required, but with 0 approvals)' : ''}.` },
  { rule: 'forge-fewer-than-two-approvals', setting: 'required_pull_request_reviews.required_approving_review_count', when: requiresReview, ok: (b) => (b.requiredApprovals ?? 0) >= 2, message: (b) => `${name(b)} requires only ${b.requiredApprovals} approval.` },
  { rule: 'forge-no-code-owner-review', setting: 'required_pull_request_reviews.require_code_owner_reviews', when: requiresReview, ok: (b) => b.codeOwnerReview, message: (b) => `${name(b)} does not require a code owner's review.` },
  { rule: 'forge-stale-approvals-kept', setting: 'required_pull_request_reviews.dismiss_stale_reviews', when: requiresReview, ok: (b) => b.dismissStaleApprovals, message: (b) => `Approvals on ${name(b)} survive new commits pushed after them.` },
  { rule: 'forge-no-last-push-approval', setting: 'required_pull_request_reviews.require_last_push_approval', when: requiresReview, ok: (b) => b.lastPushApproval, message: (b) => `The most recent push to a pull request into ${name(b)} need not be approved by someone else.` },
  { rule: 'forge-admins-bypass', setting: 'enforce_admins', ok: (b) => b.enforceAdmins, message: (b) => `The rules of ${name(b)} can be bypassed: ${(b.bypass ?? ['administrators']).slice(0, 3).join('; ')}.` },
  { rule: 'forge-no-required-status-checks', setting: 'required_status_checks', ok: (b) => (b.statusChecks === undefined ? undefined : b.statusChecks.length > 0), message: (b) => `${name(b)} requires no status check (CI) to pass before merging.` },
  {
    rule: 'forge-pipeguard-check-not-required',
    setting: 'required_status_checks.contexts',
    when: (b) => (b.statusChecks?.length ?? 0) > 0,
    ok: (b, ctx) => b.statusChecks!.some((c) => c.toLowerCase().includes(ctx.config.requiredCheck.toLowerCase())),
    message: (b, ctx) => `None of the required checks of ${name(b)} (${b.statusChecks!.slice(0, 4).join(', ')}) is the pipeguard gate (a check named like "${ctx.config.requiredCheck}").`,
  },
  { rule: 'forge-branch-not-up-to-date', setting: 'required_status_checks.strict', when: (b) => (b.statusChecks?.length ?? 0) > 0, ok: (b) => b.upToDate, message: (b) => `Pull requests into ${name(b)} may merge without being up to date with it.` },
  { rule: 'forge-unsigned-commits-allowed', setting: 'required_signatures', ok: (b) => b.signedCommits, message: (b) => `${name(b)} accepts unsigned commits.` },
  { rule: 'forge-nonlinear-history', setting: 'required_linear_history', ok: (b) => b.linearHistory, message: (b) => `${name(b)} accepts merge commits (linear history is not required).` },
  { rule: 'forge-force-push-allowed', setting: 'allow_force_pushes', ok: (b) => b.forcePushBlocked, message: (b) => `Force pushes to ${name(b)} are allowed: its history can be rewritten.` },
  { rule: 'forge-branch-deletion-allowed', setting: 'allow_deletions', ok: (b) => b.deletionBlocked, message: (b) => `${name(b)} can be deleted.` },
  { rule: 'forge-unresolved-conversations-allowed', setting: 'required_conversation_resolution', when: (b) => b.pullRequestRequired !== false, ok: (b) => b.conversationResolution, message: (b) => `Pull requests into ${name(b)} may merge with unresolved review threads.` },
];

function name(b: BranchRules): string {
  return `${b.role === 'default' ? 'The default branch' : 'Release branch'} ${b.branch}`;
}

/** The branch checks. */
export const branchCheck: RepoCheck = {
  rules: RULES,
  run(f: RepoFacts, ctx: CheckContext): RuleResult[] {
    const applicable = RULES.filter((r) => forgeRule(r).forges.includes(f.forge));
    if (!f.branches.ok) {
      const reason = f.branches.reason;
      return applicable.map((ruleId) => ({ ruleId, ran: false, reason, hits: [] }));
    }
    const results = new Map<string, RuleResult>(applicable.map((r) => [r, { ruleId: r, ran: true, hits: [] }]));
    const unseen = new Map<string, string[]>();
    for (const b of f.branches.value) {
      const url = settingsUrl(f, 'branches');
      if (!b.protected) {
        results.get('forge-branch-unprotected')!.hits.push({
          ruleId: 'forge-branch-unprotected',
          identity: `branch:${b.branch}`,
          message: `${name(b)} is not protected: anyone with write access can push to it, force-push or delete it, with no review and no checks.`,
          setting: `branches/${b.branch}/protection`,
          url,
          data: { branch: b.branch },
        });
        continue;
      }
      for (const c of CONDITIONS) {
        const r = results.get(c.rule);
        if (!r) continue;
        if (c.when && !c.when(b)) continue;
        const ok = c.ok(b, ctx);
        if (ok === undefined) {
          unseen.set(c.rule, [...(unseen.get(c.rule) ?? []), b.branch]);
          continue;
        }
        if (!ok) r.hits.push(hit(c, b, ctx, url));
      }
    }
    for (const [rule, branches] of unseen) {
      const r = results.get(rule)!;
      r.reason = `the ${CONDITIONS.find((c) => c.rule === rule)!.setting} setting of ${branches.join(', ')} is not visible to the token (needs Administration: read or admin rights)`;
      if (r.hits.length === 0 && branches.length === f.branches.value.filter((b) => b.protected).length) r.ran = false;
    }
    return [...results.values()];
  },
};

function hit(c: Condition, b: BranchRules, ctx: CheckContext, url: string): Hit {
  return {
    ruleId: c.rule,
    identity: `branch:${b.branch}`,
    message: c.message(b, ctx),
    setting: `branches/${b.branch}/${c.setting}`,
    url,
    data: { branch: b.branch, sources: b.sources },
  };
}
