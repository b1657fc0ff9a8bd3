/** Reads one GitHub repository's live settings into {@link RepoFacts}. */
import { InputError } from '../../core/errors.js';
import { ApiError, OfflineMiss } from '../../forge/errors.js';
import { known, unknown, type ActionsSettings, type BranchRules, type Environment, type Fact, type ForkPolicy, type OrgFacts, type RepoFacts } from '../facts.js';
import { activitySince, daysSince, decodeBase64, fact, MAINTAINER_ASSOCIATIONS, MAX_BRANCHES, memo, releaseBranches, schemeAndHost, type CollectContext } from './common.js';
import { githubBranchRules } from './github-branches.js';
import { githubMergedChanges } from './github-reviews.js';

/** The parts of GET /repos/{owner}/{repo} the checks read. */
export interface GitHubRepo {
  full_name: string;
  name: string;
  html_url: string;
  owner: { login: string; type?: string };
  default_branch: string;
  private?: boolean;
  visibility?: string;
  archived?: boolean;
  created_at?: string;
  license?: { spdx_id?: string | null } | null;
  permissions?: { admin?: boolean; maintain?: boolean; push?: boolean };
  security_and_analysis?: {
    secret_scanning?: { status?: string };
    secret_scanning_push_protection?: { status?: string };
  } | null;
}

/** Reads `slug` (`owner/name`). A repository the token cannot see is an InputError (exit 2). */
export async function collectGitHub(ctx: CollectContext, slug: string, preread?: GitHubRepo): Promise<{ facts: RepoFacts; notes: string[] }> {
  const notes: string[] = [];
  let repo: GitHubRepo;
  if (preread && preread.permissions !== undefined) repo = preread;
  else {
    try {
      repo = (await ctx.http.get<GitHubRepo>(`/repos/${slug}`)).body;
    } catch (e) {
      if (e instanceof ApiError && (e.status === 404 || e.status === 401 || e.status === 403)) {
        throw new InputError(`GitHub repository ${slug} not found or not visible to the token (${e.status}: ${e.message})`);
      }
      if (e instanceof OfflineMiss) throw new InputError(`GitHub repository ${slug} is not in the offline cache: run once without --offline`);
      throw e;
    }
  }
  const full = repo.full_name;
  const host = new URL(repo.html_url).host;
  const isAdmin = repo.permissions?.admin;
  const visibility = (repo.visibility ?? (repo.private ? 'private' : 'public')) as RepoFacts['visibility'];

  const branches = await fact(async () => branchesOf(ctx, full, repo, isAdmin, notes));
  const headSha = branches.ok ? branches.value.sha : undefined;
  const [tree, codeownersErrors, admins, outsideCollaborators, deployKeys, repoSecrets, environments, actions, dependencyAlerts, webhooks, mergedChanges, releases, activity, contributors] = await Promise.all([
    fact(async () => {
      const t = await ctx.http.get<{ truncated?: boolean; tree: { path: string; type: string; sha: string; size?: number }[] }>(
        `/repos/${full}/git/trees/${headSha ?? encodeURIComponent(repo.default_branch)}?recursive=1`,
        { immutable: headSha !== undefined },
      );
      return { files: t.body.tree.filter((e) => e.type === 'blob').map((e) => ({ path: e.path, sha: e.sha, size: e.size ?? 0 })), truncated: t.body.truncated === true };
    }),
    fact(async () => {
      const a = await ctx.http.get<{ errors?: { line: number; path: string; message: string }[] }>(`/repos/${full}/codeowners/errors`, { ok: [404] });
      return a.status === 404 ? [] : (a.body.errors ?? []).map((e) => ({ line: e.line, path: e.path, message: e.message.split('\n')[0]! }));
    }),
    fact(async () => (await ctx.http.getAll<{ login: string; role_name?: string }>(`/repos/${full}/collaborators?affiliation=all&permission=admin&per_page=100`)).items.map((c) => ({ login: c.login, role: 'admin' }))),
    fact(async () =>
      (await ctx.http.getAll<{ login: string; role_name?: string; permissions?: Record<string, boolean> }>(`/repos/${full}/collaborators?affiliation=outside&per_page=100`)).items.map((c) => ({ login: c.login, role: c.role_name ?? roleOf(c.permissions) })),
    ),
    fact(async () =>
      (await ctx.http.getAll<{ id: number; title: string; read_only: boolean; created_at?: string; last_used?: string | null }>(`/repos/${full}/keys?per_page=100`, { scrub: dropKeys })).items.map((k) => ({
        id: String(k.id),
        title: k.title,
        readOnly: k.read_only,
        ...(k.created_at ? { createdAt: k.created_at } : {}),
        ...(k.last_used ? { lastUsed: k.last_used } : {}),
      })),
    ),
    fact(async () => (await ctx.http.getAll<{ name: string }>(`/repos/${full}/actions/secrets?per_page=100`, { itemsKey: 'secrets' })).items.map((s) => s.name)),
    fact(async () => environmentsOf(ctx, full)),
    fact(async () => actionsOf(ctx, full, visibility)),
    fact(async () => {
      // 204: on. 404: off, when the token is known to be an admin; otherwise the 404 may only mean "not allowed".
      const a = await ctx.http.get<unknown>(`/repos/${full}/vulnerability-alerts`, { ok: [204, 404] });
      if (a.status === 404 && isAdmin !== true) throw new ApiError(404, `/repos/${full}/vulnerability-alerts`, 'not visible without admin rights', 'Administration: read (fine-grained token) or admin rights');
      return a.status !== 404;
    }),
    fact(async () =>
      (await ctx.http.getAll<{ id: number; active: boolean; config: { url?: string; insecure_ssl?: string | number; secret?: unknown } }>(`/repos/${full}/hooks?per_page=100`, { scrub: scrubHooks })).items.map((h) => ({
        id: String(h.id),
        target: String(h.config.url),
        https: String(h.config.url).startsWith('https:'),
        secret: h.config.secret === true,
        tlsVerified: String(h.config.insecure_ssl ?? '0') === '0',
        active: h.active,
      })),
    ),
    fact(async () => githubMergedChanges(ctx, full, ctx.config.reviewSample)),
    fact(async () => (await githubReleases(ctx, full)).slice(0, 5).map((x) => ({ tag: x.tag_name, assets: (x.assets ?? []).map((a) => a.name) }))),
    fact(async () => githubActivity(ctx, full, repo)),
    fact(async () => githubContributors(ctx, full)),
  ]);
  const sa = repo.security_and_analysis;
  const saReason = 'the security_and_analysis settings are shown to repository admins only (Administration: read)';
  const secretScanning: Fact<boolean> = sa?.secret_scanning?.status ? known(sa.secret_scanning.status === 'enabled') : unknown(saReason);
  const pushProtection: Fact<boolean> = sa?.secret_scanning_push_protection?.status ? known(sa.secret_scanning_push_protection.status === 'enabled') : unknown(saReason);
  const license: Fact<string | null> = known(repo.license ? (repo.license.spdx_id ?? 'NOASSERTION') : null);
  const inheritedSecurityPolicy = await fact(async () => orgSecurityPolicy(ctx, repo.owner.login, full));
  const facts: RepoFacts = {
    forge: 'github',
    repository: `${host}/${full}`,
    slug: full,
    url: repo.html_url,
    owner: repo.owner.login,
    defaultBranch: repo.default_branch,
    visibility,
    archived: repo.archived === true,
    ...(headSha ? { headSha } : {}),
    branches: branches.ok ? known(branches.value.rules) : branches,
    tree,
    codeownersErrors,
    admins,
    outsideCollaborators,
    deployKeys,
    repoSecrets,
    environments,
    actions,
    secretScanning,
    pushProtection,
    dependencyAlerts,
    webhooks,
    mergedChanges,
    releases,
    license,
    inheritedSecurityPolicy,
    activity,
    contributors,
  };
  return { facts, notes };
}

/** Contributors with at least this many commits are looked up (organisations, company), at most {@link MAX_PROFILES}. */
const MIN_CONTRIBUTIONS = 5;
const MAX_PROFILES = 30;

/** The first page of contributors; the organisations and company of those with 5 or more commits (at most 30). */
async function githubContributors(ctx: CollectContext, full: string): Promise<{ login: string; contributions: number; orgs?: string[]; company?: string }[]> {
  const list = (await ctx.http.get<{ login?: string; type?: string; contributions?: number }[]>(`/repos/${full}/contributors?per_page=100`)).body;
  const users = (Array.isArray(list) ? list : []).filter((u) => u.login && u.type !== 'Bot').map((u) => ({ login: u.login!, contributions: u.contributions ?? 0 }));
  const profiled = users.filter((u) => u.contributions >= MIN_CONTRIBUTIONS).slice(0, MAX_PROFILES);
  const profiles = await Promise.all(
    profiled.map(async (u) => {
      const [user, orgs] = await Promise.all([
        memo(ctx, `github-user:${u.login}`, async () => (await ctx.http.get<{ company?: string | null }>(`/users/${encodeURIComponent(u.login)}`)).body),
        memo(ctx, `github-user-orgs:${u.login}`, async () => (await ctx.http.get<{ login: string }[]>(`/users/${encodeURIComponent(u.login)}/orgs?per_page=100`)).body),
      ]);
      return [u.login, { orgs: (Array.isArray(orgs) ? orgs : []).map((o) => o.login).filter(Boolean), ...(user.company ? { company: user.company } : {}) }] as const;
    }),
  );
  const byLogin = new Map(profiles);
  return users.map((u) => ({ ...u, ...(byLogin.get(u.login) ?? {}) }));
}

/** Commits on the default branch and maintainers' issues (not pull requests) updated in the last 90 days, one page each. */
async function githubActivity(ctx: CollectContext, full: string, repo: GitHubRepo): Promise<{ commits: number; issues: number; createdDaysAgo?: number }> {
  const since = activitySince(ctx.now);
  const [commits, issues] = await Promise.all([
    ctx.http.get<unknown[]>(`/repos/${full}/commits?sha=${encodeURIComponent(repo.default_branch)}&since=${since}&per_page=100`),
    ctx.http.get<{ author_association?: string; pull_request?: unknown; updated_at?: string }[]>(`/repos/${full}/issues?state=all&since=${since}&per_page=100`),
  ]);
  const created = daysSince(repo.created_at, ctx.now);
  return {
    commits: Array.isArray(commits.body) ? commits.body.length : 0,
    issues: Array.isArray(issues.body) ? issues.body.filter((i) => !i.pull_request && MAINTAINER_ASSOCIATIONS.has(i.author_association ?? '')).length : 0,
    ...(created !== undefined ? { createdDaysAgo: created } : {}),
  };
}

async function branchesOf(ctx: CollectContext, full: string, repo: GitHubRepo, isAdmin: boolean | undefined, notes: string[]): Promise<{ rules: BranchRules[]; sha?: string }> {
  const names = [repo.default_branch];
  try {
    const [list, rel] = await Promise.all([
      ctx.http.getAll<{ name: string }>(`/repos/${full}/branches?per_page=100`, { maxPages: 3 }),
      githubReleases(ctx, full),
    ]);
    const listed = list.items.map((b) => b.name);
    const fromReleases = rel.map((r) => r.target_commitish ?? '').filter((t) => t && !/^[0-9a-f]{40}$/i.test(t) && t !== repo.default_branch && listed.includes(t));
    const globbed = releaseBranches(listed, ctx.config.releaseBranches, repo.default_branch, MAX_BRANCHES);
    for (const b of [...new Set([...fromReleases, ...globbed])].slice(0, MAX_BRANCHES - 1)) names.push(b);
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    notes.push(`release branches not listed (${e.status}: ${e.message}); only ${repo.default_branch} is checked`);
  }
  const out = await Promise.all(names.map((b, i) => githubBranchRules(ctx, full, b, i === 0 ? 'default' : 'release', isAdmin)));
  for (const o of out) notes.push(...o.notes);
  return { rules: out.map((o) => o.rules), ...(out[0]?.sha ? { sha: out[0].sha } : {}) };
}

/** The last five releases, read once per run. */
function githubReleases(ctx: CollectContext, full: string): Promise<{ tag_name: string; target_commitish?: string; assets?: { name: string }[] }[]> {
  return memo(ctx, `github-releases:${full}`, async () => (await ctx.http.get<{ tag_name: string; target_commitish?: string; assets?: { name: string }[] }[]>(`/repos/${full}/releases?per_page=5`)).body);
}

async function environmentsOf(ctx: CollectContext, full: string): Promise<Environment[]> {
  const envs = await ctx.http.getAll<{ name: string; protection_rules?: { type: string; wait_timer?: number; reviewers?: unknown[] }[]; deployment_branch_policy?: unknown }>(
    `/repos/${full}/environments?per_page=100`,
    { itemsKey: 'environments', maxPages: 2 },
  );
  return Promise.all(
    envs.items.slice(0, 20).map(async (e) => {
      const protections: string[] = [];
      for (const r of e.protection_rules ?? []) {
        if (r.type === 'required_reviewers' && (r.reviewers?.length ?? 0) > 0) protections.push('required reviewers');
        else if (r.type === 'wait_timer' && (r.wait_timer ?? 0) > 0) protections.push(`wait timer ${r.wait_timer} min`);
      }
      if (e.deployment_branch_policy) protections.push('deployment branch policy');
      const secrets = await fact(async () => (await ctx.http.getAll<{ name: string }>(`/repos/${full}/environments/${encodeURIComponent(e.name)}/secrets?per_page=100`, { itemsKey: 'secrets' })).items.map((s) => s.name));
      return { name: e.name, protections, secrets };
    }),
  );
}

async function actionsOf(ctx: CollectContext, full: string, visibility: RepoFacts['visibility']): Promise<ActionsSettings> {
  const perms = (await ctx.http.get<{ enabled: boolean; allowed_actions?: string }>(`/repos/${full}/actions/permissions`)).body;
  const workflow = await fact(async () => (await ctx.http.get<{ default_workflow_permissions?: string; can_approve_pull_request_reviews?: boolean }>(`/repos/${full}/actions/permissions/workflow`)).body);
  const forkPolicy: Fact<ForkPolicy> = await fact(async () => {
    if (visibility === 'public') {
      const a = await ctx.http.get<{ approval_policy: string }>(`/repos/${full}/actions/permissions/fork-pr-contributor-approval`);
      return { visibility: 'public', approval: a.body.approval_policy };
    }
    const a = await ctx.http.get<{ run_workflows_from_fork_pull_requests?: boolean; send_write_tokens_to_workflows?: boolean; send_secrets_and_variables?: boolean; require_approval_for_fork_pr_workflows?: boolean }>(
      `/repos/${full}/actions/permissions/fork-pr-workflows-private-repos`,
    );
    return {
      visibility: 'private',
      runs: a.body.run_workflows_from_fork_pull_requests === true,
      writeTokens: a.body.send_write_tokens_to_workflows === true,
      secrets: a.body.send_secrets_and_variables === true,
      approvalRequired: a.body.require_approval_for_fork_pr_workflows === true,
    };
  });
  return {
    enabled: perms.enabled,
    ...(perms.allowed_actions ? { allowedActions: perms.allowed_actions } : {}),
    defaultTokenWrite: workflow.ok ? known(workflow.value.default_workflow_permissions === 'write') : workflow,
    canApprovePullRequests: workflow.ok ? known(workflow.value.can_approve_pull_request_reviews === true) : workflow,
    forkPolicy,
  };
}

/**
 * The owner's default SECURITY.md (GitHub shows one from the owner's `.github` repository, in its root, `.github/`
 * or `docs/`, on every repository that has none). Read once per owner.
 */
async function orgSecurityPolicy(ctx: CollectContext, owner: string, full: string): Promise<{ path: string; text: string } | null> {
  if (full.toLowerCase() === `${owner}/.github`.toLowerCase()) return null;
  return memo(ctx, `github-policy:${owner}`, async () => {
    for (const p of ['SECURITY.md', '.github/SECURITY.md', 'docs/SECURITY.md']) {
      const a = await ctx.http.get<{ content?: string; type?: string }>(`/repos/${owner}/.github/contents/${p}`, { ok: [404] });
      if (a.status === 200 && a.body.type === 'file') return { path: `${owner}/.github/${p}`, text: decodeBase64(a.body.content) };
    }
    return null;
  });
}

/** Organisation settings for `--org`: 2FA requirement, base permission, owners. */
export async function collectGitHubOrg(ctx: CollectContext, org: string): Promise<OrgFacts> {
  const o = await ctx.http.get<{ html_url?: string; two_factor_requirement_enabled?: boolean | null; default_repository_permission?: string | null }>(`/orgs/${org}`);
  const ownersOnly = 'shown to organisation owners only (Organization Administration: read)';
  const host = o.body.html_url ? new URL(o.body.html_url).host : 'github.com';
  return {
    forge: 'github',
    organisation: `${host}/${org}`,
    url: o.body.html_url ?? `https://${host}/${org}`,
    twoFactorRequired: typeof o.body.two_factor_requirement_enabled === 'boolean' ? known(o.body.two_factor_requirement_enabled) : unknown(ownersOnly),
    basePermission: typeof o.body.default_repository_permission === 'string' ? known(o.body.default_repository_permission) : unknown(ownersOnly),
    admins: await fact(async () => (await ctx.http.getAll<{ login: string }>(`/orgs/${org}/members?role=admin&per_page=100`)).items.map((m) => m.login)),
  };
}

/** Every repository of a GitHub organisation (or user), as the listing gives them. */
export async function listGitHubRepos(ctx: CollectContext, org: string, includeArchived: boolean): Promise<{ repos: GitHubRepo[]; truncated: boolean }> {
  let l;
  try {
    l = await ctx.http.getAll<GitHubRepo>(`/orgs/${org}/repos?type=all&per_page=100`, { maxPages: 50 });
  } catch (e) {
    if (e instanceof OfflineMiss) throw new InputError(`the repositories of ${org} are not in the offline cache: run once without --offline`);
    if (!(e instanceof ApiError) || e.status !== 404) throw e;
    try {
      l = await ctx.http.getAll<GitHubRepo>(`/users/${org}/repos?type=owner&per_page=100`, { maxPages: 50 });
    } catch (e2) {
      if (e2 instanceof ApiError && e2.status === 404) throw new InputError(`GitHub organisation or user ${org} not found or not visible to the token`);
      throw e2;
    }
  }
  return { repos: l.items.filter((r) => includeArchived || !r.archived).sort((a, b) => a.full_name.localeCompare(b.full_name)), truncated: l.truncated };
}

function roleOf(p: Record<string, boolean> | undefined): string {
  if (!p) return 'read';
  for (const r of ['admin', 'maintain', 'push', 'triage', 'pull']) if (p[r]) return r === 'push' ? 'write' : r === 'pull' ? 'read' : r;
  return 'read';
}

/** Keeps only what the checks read of each deploy key (not the public key itself). */
function dropKeys(body: unknown): unknown {
  return Array.isArray(body) ? body.map((k: Record<string, unknown>) => ({ id: k['id'], title: k['title'], read_only: k['read_only'], created_at: k['created_at'], last_used: k['last_used'] ?? null })) : body;
}

/** Hook URLs are cut to scheme and host and the secret to "set or not" before anything is cached or reported. */
function scrubHooks(body: unknown): unknown {
  if (!Array.isArray(body)) return body;
  return body.map((h: { id?: unknown; active?: unknown; name?: unknown; config?: Record<string, unknown> }) => ({
    id: h.id,
    name: h.name,
    active: h.active,
    config: { url: schemeAndHost(h.config?.['url']), insecure_ssl: h.config?.['insecure_ssl'], secret: typeof h.config?.['secret'] === 'string' && h.config['secret'] !== '' },
  }));
}
