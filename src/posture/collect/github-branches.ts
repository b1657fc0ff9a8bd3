/**
 * GitHub branch rules: classic branch protection (admin-only) and rulesets (readable by anyone who can read the
 * repository), merged into one {@link BranchRules} per branch. A setting any source turns on is on; a setting only the
 * admin-only endpoint could show, when the token cannot read it, is left unknown rather than guessed.
 */
import { ApiError, unavailableReason } from '../../forge/errors.js';
import type { BranchRules } from '../facts.js';
import type { CollectContext } from './common.js';

interface Protection {
  required_status_checks?: { strict?: boolean; contexts?: string[]; checks?: { context: string }[] } | null;
  enforce_admins?: { enabled?: boolean } | null;
  required_pull_request_reviews?: {
    dismiss_stale_reviews?: boolean;
    require_code_owner_reviews?: boolean;
    required_approving_review_count?: number;
    require_last_push_approval?: boolean;
  } | null;
  required_signatures?: { enabled?: boolean } | null;
  required_linear_history?: { enabled?: boolean } | null;
  allow_force_pushes?: { enabled?: boolean } | null;
  allow_deletions?: { enabled?: boolean } | null;
  required_conversation_resolution?: { enabled?: boolean } | null;
}

interface Rule {
  type: string;
  ruleset_id?: number;
  ruleset_source?: string;
  parameters?: Record<string, unknown>;
}

interface Ruleset {
  id: number;
  name: string;
  enforcement?: string;
  bypass_actors?: { actor_id?: number | null; actor_type?: string; bypass_mode?: string }[];
  current_user_can_bypass?: string;
}

/** What GraphQL's `refUpdateRule` shows anyone who can read the repository about a branch's classic rule. */
interface RefUpdateRule {
  allowsDeletions?: boolean;
  allowsForcePushes?: boolean;
  requiredApprovingReviewCount?: number | null;
  requiredStatusCheckContexts?: string[] | null;
  requiresCodeOwnerReviews?: boolean;
  requiresLinearHistory?: boolean;
  requiresSignatures?: boolean;
}

const REF_RULE_QUERY = `query($owner: String!, $name: String!, $ref: String!) {
  repository(owner: $owner, name: $name) {
    ref(qualifiedName: $ref) {
      refUpdateRule { allowsDeletions allowsForcePushes requiredApprovingReviewCount requiredStatusCheckContexts requiresCodeOwnerReviews requiresLinearHistory requiresSignatures }
    }
  }
}`;

interface BranchInfo {
  name: string;
  protected?: boolean;
  commit?: { sha?: string };
  protection?: { required_status_checks?: { contexts?: string[]; checks?: { context: string }[] } };
}

/** The rules of `branch` in `slug`. Throws only what {@link unavailableReason} does not understand. */
export async function githubBranchRules(ctx: CollectContext, slug: string, branch: string, role: BranchRules['role'], isAdmin: boolean | undefined): Promise<{ rules: BranchRules; sha?: string; notes: string[] }> {
  const enc = encodeURIComponent(branch);
  const notes: string[] = [];
  const info = await ctx.http.get<BranchInfo>(`/repos/${slug}/branches/${enc}`);
  // Classic protection: 200, 404 "Branch not protected", or a permission error (unknown).
  let classic: Protection | null | undefined;
  try {
    const a = await ctx.http.get<Protection & { message?: string }>(`/repos/${slug}/branches/${enc}/protection`, { ok: [404] });
    if (a.status === 200) classic = a.body;
    else if (/branch not protected/i.test(String(a.body?.message ?? '')) || isAdmin === true || info.body.protected === false) classic = null;
    else {
      classic = undefined;
      notes.push(`classic branch protection of ${branch} not visible (404: needs admin rights)`);
    }
  } catch (e) {
    const why = unavailableReason(e);
    // The read-only branch endpoint says whether a classic rule exists at all.
    classic = info.body.protected === false ? null : undefined;
    if (classic === undefined) notes.push(`classic branch protection of ${branch} not visible: ${why}`);
  }
  // Without admin rights, GraphQL's refUpdateRule still shows most of a classic rule (as Scorecard reads it).
  let view: RefUpdateRule | undefined;
  if (classic === undefined && ctx.authenticated) {
    try {
      const [owner, name] = slug.split('/') as [string, string];
      const d = await ctx.http.graphql<{ repository: { ref: { refUpdateRule: RefUpdateRule | null } | null } | null }>(REF_RULE_QUERY, { owner, name, ref: `refs/heads/${branch}` }, ctx.graphqlPath);
      view = d.repository?.ref?.refUpdateRule ?? undefined;
    } catch (e) {
      notes.push(`the rules of ${branch} are not visible through GraphQL either: ${unavailableReason(e)}`);
    }
  }
  // Rulesets that apply to the branch: readable with read access.
  let rules: Rule[] = [];
  try {
    rules = (await ctx.http.getAll<Rule>(`/repos/${slug}/rules/branches/${enc}?per_page=100`, { maxPages: 3 })).items;
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 404)) notes.push(`rulesets of ${branch} not visible: ${unavailableReason(e)}`);
  }
  const rulesetIds = [...new Set(rules.map((r) => r.ruleset_id).filter((id): id is number => typeof id === 'number'))];
  const rulesets: (Ruleset | undefined)[] = await Promise.all(
    rulesetIds.slice(0, 10).map(async (id) => {
      try {
        return (await ctx.http.get<Ruleset>(`/repos/${slug}/rulesets/${id}`)).body;
      } catch (e) {
        notes.push(`ruleset ${id} not visible: ${unavailableReason(e)}`);
        return undefined;
      }
    }),
  );
  return { rules: merge(branch, role, info.body, classic, rules, rulesets, view), ...(info.body.commit?.sha ? { sha: info.body.commit.sha } : {}), notes };
}

function merge(branch: string, role: BranchRules['role'], info: BranchInfo, classic: Protection | null | undefined, rules: Rule[], rulesets: (Ruleset | undefined)[], view?: RefUpdateRule): BranchRules {
  // The readable view of a classic rule stands in for it where it says something; admin-only settings stay unknown.
  const viewed = classic === undefined && view !== undefined;
  if (viewed) classic = fromView(view!);
  /** A setting only the admin-only endpoint shows: unknown when the rule was read through refUpdateRule. */
  const adminOnly = (v: boolean | undefined): boolean | undefined => (viewed ? undefined : v);
  const has = (type: string) => rules.find((r) => r.type === type);
  const pr = has('pull_request')?.parameters ?? undefined;
  const checksRule = rules.filter((r) => r.type === 'required_status_checks');
  const sources: string[] = [];
  if (classic) sources.push('branch protection');
  for (const rs of rulesets) if (rs) sources.push(`ruleset "${rs.name}"`);
  for (const id of new Set(rules.map((r) => r.ruleset_id))) if (id !== undefined && !rulesets.some((rs) => rs?.id === id)) sources.push(`ruleset ${id}`);
  const protectedAny = classic != null || rules.length > 0 || info.protected === true;
  // What the classic rule says, or undefined when it may exist but cannot be read.
  const cl = <T>(read: (p: Protection) => T, none: T): T | undefined => (classic === null ? none : classic === undefined ? undefined : read(classic));
  // A setting is on when any source turns it on; off when every source is known and none does; else unknown.
  const either = (fromClassic: boolean | undefined, fromRules: boolean): boolean | undefined => (fromRules || fromClassic === true ? true : fromClassic === undefined ? undefined : false);

  const rpr = cl((p) => p.required_pull_request_reviews ?? null, null);
  const classicApprovals = rpr === undefined ? undefined : rpr === null ? 0 : rpr.required_approving_review_count ?? 0;
  const ruleApprovals = pr ? Number(pr['required_approving_review_count'] ?? 0) : 0;
  const requiredApprovals = classicApprovals === undefined ? (pr ? ruleApprovals : undefined) : Math.max(classicApprovals, ruleApprovals);

  const classicChecks = cl((p) => [...(p.required_status_checks?.contexts ?? []), ...(p.required_status_checks?.checks ?? []).map((c) => c.context)], [] as string[]);
  const readChecks = [...(info.protection?.required_status_checks?.contexts ?? []), ...(info.protection?.required_status_checks?.checks ?? []).map((c) => c.context)];
  const ruleChecks = checksRule.flatMap((r) => ((r.parameters?.['required_status_checks'] as { context: string }[] | undefined) ?? []).map((c) => c.context));
  const allChecks = [...new Set([...(classicChecks ?? []), ...readChecks, ...ruleChecks])].sort();
  const statusChecks = allChecks.length || classicChecks !== undefined ? allChecks : undefined;

  // Admins: the classic rule's enforce_admins; a ruleset lets through its bypass actors (visible to admins only).
  const bypass: string[] = [];
  let rulesetBypassKnown = true;
  for (const rs of rulesets) {
    if (!rs) {
      rulesetBypassKnown = false;
      continue;
    }
    if (rs.bypass_actors === undefined) rulesetBypassKnown = false;
    for (const a of rs.bypass_actors ?? []) bypass.push(`${a.actor_type ?? 'actor'}${a.actor_id != null ? ` ${a.actor_id}` : ''} (ruleset "${rs.name}", ${a.bypass_mode ?? 'always'})`);
  }
  if (classic && !viewed && classic.enforce_admins?.enabled !== true) bypass.unshift('administrators (branch protection does not include administrators)');
  let enforceAdmins: boolean | undefined;
  if (!protectedAny || bypass.length) enforceAdmins = false;
  else if ((classic === undefined || viewed) && info.protected === true) enforceAdmins = undefined;
  else enforceAdmins = rulesetBypassKnown ? true : undefined;

  return {
    branch,
    role,
    protected: protectedAny,
    sources,
    ...(requiredApprovals !== undefined ? { requiredApprovals } : {}),
    ...opt('pullRequestRequired', either(rpr === undefined ? undefined : rpr !== null, !!pr)),
    ...opt('codeOwnerReview', either(rpr === undefined ? undefined : rpr?.require_code_owner_reviews === true, pr?.['require_code_owner_review'] === true)),
    ...opt('dismissStaleApprovals', either(rpr === undefined ? undefined : adminOnly(rpr?.dismiss_stale_reviews === true), pr?.['dismiss_stale_reviews_on_push'] === true)),
    ...opt('lastPushApproval', either(rpr === undefined ? undefined : adminOnly(rpr?.require_last_push_approval === true), pr?.['require_last_push_approval'] === true)),
    ...opt('enforceAdmins', enforceAdmins),
    ...(bypass.length ? { bypass } : {}),
    ...(statusChecks !== undefined ? { statusChecks } : {}),
    ...opt('upToDate', either(adminOnly(cl((p) => p.required_status_checks?.strict === true, false)), checksRule.some((r) => r.parameters?.['strict_required_status_checks_policy'] === true))),
    ...opt('signedCommits', either(cl((p) => p.required_signatures?.enabled === true, false), !!has('required_signatures'))),
    ...opt('linearHistory', either(cl((p) => p.required_linear_history?.enabled === true, false), !!has('required_linear_history'))),
    ...opt('forcePushBlocked', either(cl((p) => p.allow_force_pushes?.enabled !== true, false), !!has('non_fast_forward'))),
    ...opt('deletionBlocked', either(cl((p) => p.allow_deletions?.enabled !== true, false), !!has('deletion'))),
    ...opt('conversationResolution', either(adminOnly(cl((p) => p.required_conversation_resolution?.enabled === true, false)), pr?.['required_review_thread_resolution'] === true)),
  };
}

/** A classic rule as far as refUpdateRule shows it (merge() treats the admin-only settings as unknown). */
function fromView(v: RefUpdateRule): Protection {
  const count = v.requiredApprovingReviewCount ?? 0;
  return {
    required_status_checks: v.requiredStatusCheckContexts?.length ? { contexts: v.requiredStatusCheckContexts } : null,
    required_pull_request_reviews: count > 0 || v.requiresCodeOwnerReviews ? { required_approving_review_count: count, require_code_owner_reviews: v.requiresCodeOwnerReviews === true } : null,
    required_signatures: { enabled: v.requiresSignatures === true },
    required_linear_history: { enabled: v.requiresLinearHistory === true },
    allow_force_pushes: { enabled: v.allowsForcePushes === true },
    allow_deletions: { enabled: v.allowsDeletions === true },
  };
}

function opt<K extends string>(key: K, v: boolean | undefined): Partial<Record<K, boolean>> {
  return v === undefined ? {} : ({ [key]: v } as Record<K, boolean>);
}
