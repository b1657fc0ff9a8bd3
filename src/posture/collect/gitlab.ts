/** Reads one GitLab project's live settings into {@link RepoFacts} (REST API v4). */
import { InputError } from '../../core/errors.js';
import { ApiError, OfflineMiss } from '../../forge/errors.js';
import { known, unknown, type BranchRules, type Collaborator, type Fact, type OrgFacts, type RepoFacts } from '../facts.js';
import { activitySince, daysSince, fact, isBotName, MAX_BRANCHES, memo, releaseBranches, schemeAndHost, type CollectContext } from './common.js';

/** The parts of GET /projects/:id the checks read. */
export interface GitLabProject {
  id: number;
  path_with_namespace: string;
  web_url: string;
  default_branch?: string | null;
  visibility?: string;
  archived?: boolean;
  created_at?: string;
  namespace?: { id: number; full_path: string; kind?: string };
  merge_method?: string;
  only_allow_merge_if_pipeline_succeeds?: boolean;
  only_allow_merge_if_all_discussions_are_resolved?: boolean;
  license?: { key?: string } | null;
  pre_receive_secret_detection_enabled?: boolean;
  secret_push_protection_enabled?: boolean;
}

interface ProtectedBranch {
  name: string;
  push_access_levels?: { access_level?: number | null; access_level_description?: string; user_id?: number | null; group_id?: number | null; deploy_key_id?: number | null }[];
  allow_force_push?: boolean;
  code_owner_approval_required?: boolean;
}

interface ApprovalRule {
  name: string;
  rule_type?: string;
  approvals_required?: number;
  protected_branches?: { name: string }[];
  applies_to_all_protected_branches?: boolean;
}

const ROLE: Record<number, string> = { 10: 'guest', 15: 'planner', 20: 'reporter', 30: 'developer', 40: 'maintainer', 50: 'owner', 60: 'admin' };

/** Reads `path` (`group/sub/project`). A project the token cannot see is an InputError (exit 2). */
export async function collectGitLab(ctx: CollectContext, path: string): Promise<{ facts: RepoFacts; notes: string[] }> {
  const notes: string[] = [];
  const id = encodeURIComponent(path);
  let p: GitLabProject;
  try {
    p = (await ctx.http.get<GitLabProject>(`/projects/${id}?license=true`)).body;
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 401 || e.status === 403)) throw new InputError(`GitLab project ${path} not found or not visible to the token (${e.status}: ${e.message})`);
    if (e instanceof OfflineMiss) throw new InputError(`GitLab project ${path} is not in the offline cache: run once without --offline`);
    throw e;
  }
  const pid = p.id;
  const full = p.path_with_namespace;
  const host = new URL(p.web_url).host;
  const defaultBranch = p.default_branch ?? 'main';
  const head = await fact(async () => (await ctx.http.get<{ commit?: { id?: string } }>(`/projects/${pid}/repository/branches/${encodeURIComponent(defaultBranch)}`)).body.commit?.id ?? '');
  const headSha = head.ok && head.value ? head.value : undefined;

  const [protectedBranches, approvalRules, approvals, pushRule, branchNames] = await Promise.all([
    fact(async () => (await ctx.http.getAll<ProtectedBranch>(`/projects/${pid}/protected_branches?per_page=100`, { maxPages: 3 })).items),
    fact(async () => (await ctx.http.getAll<ApprovalRule>(`/projects/${pid}/approval_rules?per_page=100`, { maxPages: 2 })).items),
    fact(async () => (await ctx.http.get<{ approvals_before_merge?: number; reset_approvals_on_push?: boolean; merge_requests_author_approval?: boolean }>(`/projects/${pid}/approvals`)).body),
    fact(async () => {
      const a = await ctx.http.get<{ reject_unsigned_commits?: boolean } | null>(`/projects/${pid}/push_rule`, { ok: [404] });
      return a.status === 404 ? null : a.body;
    }),
    fact(async () => (await ctx.http.getAll<{ name: string }>(`/projects/${pid}/repository/branches?per_page=100`, { maxPages: 3 })).items.map((b) => b.name)),
  ]);
  const names = [defaultBranch, ...(branchNames.ok ? releaseBranches(branchNames.value, ctx.config.releaseBranches, defaultBranch, MAX_BRANCHES - 1) : [])];
  const branches: Fact<BranchRules[]> = protectedBranches.ok
    ? known(names.map((b, i) => branchRules(b, i === 0 ? 'default' : 'release', p, protectedBranches.value, approvalRules, approvals, pushRule)))
    : protectedBranches;
  if (!approvalRules.ok) notes.push(`approval rules not visible (${approvalRules.reason}; they need GitLab Premium)`);

  const [tree, members, deployKeys, ciVariables, runners, webhooks, mergedChanges, releases, activity] = await Promise.all([
    fact(async () => {
      const l = await ctx.http.getAll<{ id: string; path: string; type: string }>(`/projects/${pid}/repository/tree?recursive=true&per_page=100&ref=${encodeURIComponent(headSha ?? defaultBranch)}`, { maxPages: 100, immutable: headSha !== undefined });
      return { files: l.items.filter((e) => e.type === 'blob').map((e) => ({ path: e.path, sha: e.id, size: 0 })), truncated: l.truncated };
    }),
    fact(async () => (await ctx.http.getAll<{ username: string; access_level: number; state?: string }>(`/projects/${pid}/members/all?per_page=100`, { maxPages: 10 })).items.filter((m) => m.state !== 'blocked')),
    fact(async () =>
      (await ctx.http.getAll<{ id: number; title: string; can_push?: boolean; created_at?: string; expires_at?: string | null }>(`/projects/${pid}/deploy_keys?per_page=100`, { scrub: dropKeyMaterial })).items.map((k) => ({
        id: String(k.id),
        title: k.title,
        readOnly: k.can_push !== true,
        ...(k.created_at ? { createdAt: k.created_at } : {}),
        ...(k.expires_at ? { expiresAt: k.expires_at } : {}),
      })),
    ),
    fact(async () =>
      (await ctx.http.getAll<{ key: string; protected?: boolean; masked?: boolean; environment_scope?: string }>(`/projects/${pid}/variables?per_page=100`, { scrub: dropValues, maxPages: 5 })).items.map((v) => ({
        key: v.key,
        protected: v.protected === true,
        masked: v.masked === true,
        environment: v.environment_scope ?? '*',
      })),
    ),
    fact(async () => {
      const list = await ctx.http.getAll<{ id: number; description?: string; is_shared?: boolean; runner_type?: string; online?: boolean }>(`/projects/${pid}/runners?per_page=100`, { maxPages: 2 });
      return Promise.all(
        list.items.slice(0, 30).map(async (r) => {
          const scope = r.runner_type === 'instance_type' || r.is_shared ? 'instance' : r.runner_type === 'group_type' ? 'group' : 'project';
          const base = { id: String(r.id), description: r.description ?? '', scope: scope as 'instance' | 'group' | 'project', ...(r.online !== undefined ? { online: r.online } : {}) };
          if (scope === 'instance') return base;
          const d = (await ctx.http.get<{ access_level?: string; run_untagged?: boolean }>(`/runners/${r.id}`)).body;
          return { ...base, unprotected: d.access_level !== 'ref_protected', runUntagged: d.run_untagged === true };
        }),
      );
    }),
    fact(async () =>
      (await ctx.http.getAll<{ id: number; url: string; enable_ssl_verification?: boolean }>(`/projects/${pid}/hooks?per_page=100`, { scrub: scrubHooks })).items.map((h) => ({
        id: String(h.id),
        target: h.url,
        https: h.url.startsWith('https:'),
        tlsVerified: h.enable_ssl_verification !== false,
        active: true,
      })),
    ),
    fact(async () => mergeRequests(ctx, pid)),
    fact(async () =>
      (await ctx.http.get<{ tag_name: string; assets?: { links?: { name: string }[] } }[]>(`/projects/${pid}/releases?per_page=5`)).body.slice(0, 5).map((r) => ({ tag: r.tag_name, assets: (r.assets?.links ?? []).map((l) => l.name) })),
    ),
    fact(async () => {
      const since = activitySince(ctx.now);
      const [commits, issues] = await Promise.all([
        ctx.http.get<unknown[]>(`/projects/${pid}/repository/commits?ref_name=${encodeURIComponent(defaultBranch)}&since=${since}&per_page=100`),
        // Issues a maintainer (Developer or above) opened are not told apart here: GitLab lists authors, not their roles.
        ctx.http.get<unknown[]>(`/projects/${pid}/issues?updated_after=${since}&per_page=100`),
      ]);
      const created = daysSince(p.created_at, ctx.now);
      return { commits: Array.isArray(commits.body) ? commits.body.length : 0, issues: Array.isArray(issues.body) ? issues.body.length : 0, ...(created !== undefined ? { createdDaysAgo: created } : {}) };
    }),
  ]);
  const groupMembers = p.namespace?.kind === 'group' ? await fact(async () => groupMemberNames(ctx, p.namespace!.id)) : known(new Set<string>());
  const admins: Fact<Collaborator[]> = members.ok ? known(members.value.filter((m) => m.access_level >= 40).map((m) => ({ login: m.username, role: ROLE[m.access_level] ?? String(m.access_level) }))) : members;
  const outsideCollaborators: Fact<Collaborator[]> = !members.ok ? members : !groupMembers.ok ? groupMembers : known(members.value.filter((m) => m.access_level >= 30 && !groupMembers.value.has(m.username)).map((m) => ({ login: m.username, role: ROLE[m.access_level] ?? String(m.access_level) })));
  const pushProtection = typeof p.secret_push_protection_enabled === 'boolean' ? known(p.secret_push_protection_enabled) : typeof p.pre_receive_secret_detection_enabled === 'boolean' ? known(p.pre_receive_secret_detection_enabled) : unknown<boolean>('the project does not show secret push protection (GitLab Ultimate, 17.1 or later)');
  const notApplicable = unknown<never>('not a GitLab setting');
  const facts: RepoFacts = {
    forge: 'gitlab',
    repository: `${host}/${full}`,
    slug: full,
    url: p.web_url,
    owner: p.namespace?.full_path ?? full.split('/').slice(0, -1).join('/'),
    defaultBranch,
    visibility: (p.visibility === 'public' ? 'public' : p.visibility === 'internal' ? 'internal' : 'private') as RepoFacts['visibility'],
    archived: p.archived === true,
    ...(headSha ? { headSha } : {}),
    branches,
    tree,
    codeownersErrors: notApplicable,
    admins,
    outsideCollaborators,
    deployKeys,
    repoSecrets: notApplicable,
    environments: notApplicable,
    actions: notApplicable,
    // On GitLab, secret detection is a CI job (the pipeline audit sees it), not a project setting.
    secretScanning: unknown('secret detection is a CI job on GitLab, not a project setting'),
    pushProtection,
    dependencyAlerts: notApplicable,
    webhooks,
    mergedChanges,
    releases,
    license: known(p.license?.key ? p.license.key.toUpperCase() : null),
    inheritedSecurityPolicy: known(null),
    activity,
    ciVariables,
    runners,
    authorCanApprove: approvals.ok ? known(approvals.value.merge_requests_author_approval === true) : approvals,
  };
  return { facts, notes };
}

function branchRules(
  branch: string,
  role: BranchRules['role'],
  p: GitLabProject,
  protectedBranches: ProtectedBranch[],
  approvalRules: Fact<ApprovalRule[]>,
  approvals: Fact<{ approvals_before_merge?: number; reset_approvals_on_push?: boolean }>,
  pushRule: Fact<{ reject_unsigned_commits?: boolean } | null>,
): BranchRules {
  const matching = protectedBranches.filter((pb) => wildcard(pb.name)(branch));
  if (!matching.length) {
    return { branch, role, protected: false, sources: [], requiredApprovals: 0, pullRequestRequired: false, codeOwnerReview: false, enforceAdmins: false, statusChecks: [], forcePushBlocked: false, deletionBlocked: false, linearHistory: linear(p), conversationResolution: p.only_allow_merge_if_all_discussions_are_resolved === true, ...signed(pushRule) };
  }
  const pushers = matching.flatMap((pb) => pb.push_access_levels ?? []).filter((l) => (l.access_level ?? 0) > 0 || l.user_id != null || l.group_id != null);
  const bypass = pushers.map((l) => `${l.access_level_description ?? ROLE[l.access_level ?? 0] ?? 'someone'} can push directly`);
  let requiredApprovals: number | undefined;
  if (approvalRules.ok) {
    const applies = approvalRules.value.filter((r) => r.rule_type !== 'report_approver' && (r.applies_to_all_protected_branches || !(r.protected_branches?.length) || r.protected_branches.some((b) => wildcard(b.name)(branch))));
    requiredApprovals = Math.max(0, ...applies.map((r) => r.approvals_required ?? 0), approvals.ok ? approvals.value.approvals_before_merge ?? 0 : 0);
  }
  return {
    branch,
    role,
    protected: true,
    sources: matching.map((pb) => `protected branch ${pb.name}`),
    ...(requiredApprovals !== undefined ? { requiredApprovals } : {}),
    pullRequestRequired: pushers.length === 0,
    codeOwnerReview: matching.some((pb) => pb.code_owner_approval_required === true),
    ...(approvals.ok ? { dismissStaleApprovals: approvals.value.reset_approvals_on_push === true } : {}),
    enforceAdmins: pushers.length === 0,
    ...(bypass.length ? { bypass: [...new Set(bypass)] } : {}),
    statusChecks: p.only_allow_merge_if_pipeline_succeeds ? ['pipeline must succeed'] : [],
    forcePushBlocked: !matching.some((pb) => pb.allow_force_push === true),
    deletionBlocked: true,
    linearHistory: linear(p),
    conversationResolution: p.only_allow_merge_if_all_discussions_are_resolved === true,
    ...signed(pushRule),
  };
}

function linear(p: GitLabProject): boolean {
  return p.merge_method === 'ff' || p.merge_method === 'rebase_merge';
}

function signed(pushRule: Fact<{ reject_unsigned_commits?: boolean } | null>): { signedCommits?: boolean } {
  return pushRule.ok ? { signedCommits: pushRule.value?.reject_unsigned_commits === true } : {};
}

/** GitLab protected-branch names: `*` matches any characters, `/` included. */
function wildcard(pattern: string): (name: string) => boolean {
  const re = new RegExp(`^${pattern.split('*').map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return (name) => re.test(name);
}

async function mergeRequests(ctx: CollectContext, pid: number) {
  const n = ctx.config.reviewSample;
  const mrs = await ctx.http.get<{ iid: number; web_url: string; merged_at?: string | null; author?: { username: string } }[]>(`/projects/${pid}/merge_requests?state=merged&order_by=updated_at&sort=desc&per_page=${n}`);
  const out = [];
  for (const mr of mrs.body.filter((m) => m.merged_at).slice(0, n)) {
    const a = await ctx.http.get<{ approved_by?: { user?: { username?: string } }[] }>(`/projects/${pid}/merge_requests/${mr.iid}/approvals`);
    const author = mr.author?.username ?? 'ghost';
    const approvers = [...new Set((a.body.approved_by ?? []).map((x) => x.user?.username ?? '').filter((u) => u && u !== author))].sort();
    out.push({ number: mr.iid, url: mr.web_url, author, authorIsBot: isBotName(author), mergedAt: mr.merged_at!, approvers });
  }
  return out.sort((x, y) => (x.mergedAt < y.mergedAt ? 1 : x.mergedAt > y.mergedAt ? -1 : y.number - x.number));
}

function groupMemberNames(ctx: CollectContext, groupId: number): Promise<Set<string>> {
  return memo(ctx, `gitlab-group-members:${groupId}`, async () => new Set((await ctx.http.getAll<{ username: string }>(`/groups/${groupId}/members/all?per_page=100`, { maxPages: 20 })).items.map((m) => m.username)));
}

/** Group settings for `--org`: 2FA requirement and owners. */
export async function collectGitLabGroup(ctx: CollectContext, group: string): Promise<OrgFacts> {
  const g = await ctx.http.get<{ web_url?: string; full_path?: string; require_two_factor_authentication?: boolean }>(`/groups/${encodeURIComponent(group)}`);
  const host = g.body.web_url ? new URL(g.body.web_url).host : 'gitlab.com';
  return {
    forge: 'gitlab',
    organisation: `${host}/${g.body.full_path ?? group}`,
    url: g.body.web_url ?? `https://${host}/${group}`,
    twoFactorRequired: typeof g.body.require_two_factor_authentication === 'boolean' ? known(g.body.require_two_factor_authentication) : unknown('not shown to this token'),
    admins: await fact(async () => (await ctx.http.getAll<{ username: string; access_level: number }>(`/groups/${encodeURIComponent(group)}/members?per_page=100`)).items.filter((m) => m.access_level >= 50).map((m) => m.username)),
  };
}

/** Every project of a GitLab group and its subgroups. */
export async function listGitLabProjects(ctx: CollectContext, group: string, includeArchived: boolean): Promise<{ paths: string[]; truncated: boolean }> {
  let l;
  try {
    l = await ctx.http.getAll<{ path_with_namespace: string; archived?: boolean }>(`/groups/${encodeURIComponent(group)}/projects?include_subgroups=true&per_page=100${includeArchived ? '' : '&archived=false'}`, { maxPages: 50 });
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) throw new InputError(`GitLab group ${group} not found or not visible to the token`);
    if (e instanceof OfflineMiss) throw new InputError(`the projects of ${group} are not in the offline cache: run once without --offline`);
    throw e;
  }
  return { paths: l.items.filter((x) => includeArchived || !x.archived).map((x) => x.path_with_namespace).sort(), truncated: l.truncated };
}

/** CI/CD variable values are dropped before anything is cached or reported. */
function dropValues(body: unknown): unknown {
  return Array.isArray(body) ? body.map((v: Record<string, unknown>) => ({ key: v['key'], protected: v['protected'], masked: v['masked'], hidden: v['hidden'], environment_scope: v['environment_scope'], variable_type: v['variable_type'] })) : body;
}

function dropKeyMaterial(body: unknown): unknown {
  return Array.isArray(body) ? body.map((k: Record<string, unknown>) => ({ id: k['id'], title: k['title'], can_push: k['can_push'], created_at: k['created_at'], expires_at: k['expires_at'] ?? null })) : body;
}

function scrubHooks(body: unknown): unknown {
  return Array.isArray(body) ? body.map((h: Record<string, unknown>) => ({ id: h['id'], url: schemeAndHost(h['url']), enable_ssl_verification: h['enable_ssl_verification'] })) : body;
}
