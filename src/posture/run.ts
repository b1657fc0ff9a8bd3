/**
 * `pipeguard posture` as a library call: collect the facts of one repository or of every repository of an
 * organisation, run the checks, and build a {@link Report} every reporter and the gate understand, plus the review
 * rates and Scorecard scores. Checks that could not run become notes (grouped by rule and reason), never failures.
 */
import type { Config } from '../config/schema.js';
import { InputError } from '../core/errors.js';
import type { Finding, RawFinding, Report, RuleMeta, ScannerStatus } from '../core/types.js';
import { compareFindings, dedupe, fingerprintAll } from '../engine/fingerprint.js';
import { VERSION } from '../core/version.js';
import type { DiskCache } from '../forge/cache.js';
import { ApiError, OfflineMiss } from '../forge/errors.js';
import type { ForgeEndpoint } from '../forge/endpoint.js';
import { ForgeHttp, type ForgeStats } from '../forge/http.js';
import { ORG_CHECKS } from './checks/index.js';
import type { RuleResult } from './checks/types.js';
import type { CollectContext } from './collect/common.js';
import { collectGitHub, collectGitHubOrg, listGitHubRepos, type GitHubRepo } from './collect/github.js';
import { collectGitLab, collectGitLabGroup, listGitLabProjects } from './collect/gitlab.js';
import type { OrgFacts, RepoFacts } from './facts.js';
import { repositoryLocation } from './location.js';
import { assessRepo, hitsToFindings, type FileChecks, type RepoPosture } from './repo.js';
import { FORGE_SCANNER, forgeRuleMeta } from './rules.js';

/** What to assess. */
export type PostureSubject = { kind: 'repo'; name: string } | { kind: 'org'; name: string };

/** Options of {@link runPosture}. */
export interface PostureOptions {
  subject: PostureSubject;
  endpoint: ForgeEndpoint;
  config: Config;
  cache?: DiskCache;
  offline?: boolean;
  files: FileChecks;
  includeArchived?: boolean;
  /** Repositories assessed at once with an organisation (default 4). */
  concurrency?: number;
  maxWaitMs?: number;
  now: () => Date;
  signal?: AbortSignal;
  /** Warnings while running (rate-limit waits). */
  warn?: (msg: string) => void;
  /** Injected for tests (rate-limit waits). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** The outcome of a posture run. */
export interface PostureRun {
  report: Report;
  repos: RepoPosture[];
  org?: { facts: OrgFacts; results: RuleResult[] };
  stats: ForgeStats;
}

/** Assesses the subject. Throws InputError for a repository or organisation that is not there, ForgeUnavailable when the API cannot be used. */
export async function runPosture(o: PostureOptions): Promise<PostureRun> {
  const startedAt = o.now().toISOString();
  const http = new ForgeHttp({
    baseUrl: o.endpoint.apiUrl,
    auth: o.endpoint.kind === 'github' ? 'bearer' : 'private-token',
    ...(o.endpoint.token ? { token: o.endpoint.token } : {}),
    ...(o.cache ? { cache: o.cache } : {}),
    ...(o.offline ? { offline: true } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.maxWaitMs !== undefined ? { maxWaitMs: o.maxWaitMs } : {}),
    ...(o.sleep ? { sleep: o.sleep } : {}),
    headers: o.endpoint.kind === 'github' ? { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' } : {},
    onWait: (ms, why) => o.warn?.(`${why}: waiting ${Math.ceil(ms / 1000)} s`),
  });
  const bestPracticesHttp = new ForgeHttp({
    baseUrl: o.config.forge.bestPracticesUrl.replace(/\/+$/, ''),
    auth: 'bearer',
    ...(o.cache ? { cache: o.cache } : {}),
    ...(o.offline ? { offline: true } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
    maxWaitMs: 0,
    headers: { accept: 'application/json' },
  });
  const ctx: CollectContext = {
    http,
    config: o.config.forge,
    now: o.now(),
    ...(o.endpoint.graphqlPath ? { graphqlPath: o.endpoint.graphqlPath } : {}),
    authenticated: !!o.endpoint.token,
    memo: new Map(),
  };
  const notes: string[] = [];
  if (!o.endpoint.token && !o.offline) notes.push(`no ${o.endpoint.tokenVar} in the environment: only public data was read, and most settings could not be checked`);
  const repos: RepoPosture[] = [];
  let org: PostureRun['org'];
  const github = o.endpoint.kind === 'github';

  const assessOne = async (name: string, preread?: GitHubRepo): Promise<RepoPosture> => {
    const { facts, notes: n } = github ? await collectGitHub(ctx, name, preread) : await collectGitLab(ctx, name);
    // Only a public repository's address is sent to the Best Practices service: a private one's name stays with its forge.
    facts.bestPractices =
      facts.visibility !== 'public'
        ? { ok: false, reason: `not asked for a ${facts.visibility} repository (its address is not sent to the Best Practices service)` }
        : await bestPracticesBadge(bestPracticesHttp, facts.url);
    return assessRepo({ facts, notes: n, http, config: o.config, files: o.files, now: ctx.now, ...(o.signal ? { signal: o.signal } : {}) });
  };

  if (o.subject.kind === 'repo') {
    if (!/^[^/\s]+(?:\/[^/\s]+)+$/.test(o.subject.name)) throw new InputError(`expected ${github ? 'OWNER/REPO' : 'GROUP/PROJECT'}, not ${JSON.stringify(o.subject.name)}`);
    repos.push(await assessOne(o.subject.name));
  } else {
    const name = o.subject.name;
    let list: { name: string; preread?: GitHubRepo }[];
    if (github) {
      const l = await listGitHubRepos(ctx, name, o.includeArchived === true);
      if (l.truncated) notes.push(`${name} has more repositories than one listing reads (5,000); the rest were not assessed`);
      list = l.repos.map((r) => ({ name: r.full_name, preread: r }));
    } else {
      const l = await listGitLabProjects(ctx, name, o.includeArchived === true);
      if (l.truncated) notes.push(`${name} has more projects than one listing reads (5,000); the rest were not assessed`);
      list = l.paths.map((p) => ({ name: p }));
    }
    const facts = github ? await collectGitHubOrg(ctx, name).catch(orgUnavailable) : await collectGitLabGroup(ctx, name).catch(orgUnavailable);
    if (facts) org = { facts, results: ORG_CHECKS.flatMap((c) => c.run(facts, { config: o.config.forge, now: ctx.now })).filter((r) => !o.config.forge.disable.includes(r.ruleId)) };
    else notes.push(`settings of ${name} not read: it is a user account or the token cannot see them`);
    const results = await pool(list, o.concurrency ?? 4, async (r) => {
      try {
        return await assessOne(r.name, r.preread);
      } catch (e) {
        if (e instanceof InputError) {
          notes.push(`${r.name} skipped: ${e.message}`);
          return undefined;
        }
        throw e;
      }
    });
    for (const r of results) if (r) repos.push(r);
  }
  const report = buildReport({ o, repos, ...(org ? { org } : {}), notes, startedAt, stats: http.stats });
  return { report, repos, ...(org ? { org } : {}), stats: http.stats };
}

/**
 * The repository's badge level from the OpenSSF Best Practices service (`GET /projects.json?url=`), through its own
 * client: no forge token is ever sent there, and the answer is cached and revalidated like the forge's (so
 * `--offline` answers from the cache).
 */
async function bestPracticesBadge(http: ForgeHttp, repoUrl: string): Promise<NonNullable<RepoFacts['bestPractices']>> {
  try {
    const r = await http.get<{ badge_level?: string }[]>(`/projects.json?url=${encodeURIComponent(repoUrl)}`);
    const level = Array.isArray(r.body) ? r.body[0]?.badge_level : undefined;
    return { ok: true, value: typeof level === 'string' ? level : null };
  } catch {
    // Unreachable, or (offline) never answered before: the same either way, so an offline run repeats an online one.
    return { ok: false, reason: 'no answer from the Best Practices service' };
  }
}

/** Organisation settings the token cannot read (or a user account) are a note, not a failure. */
function orgUnavailable(e: unknown): undefined {
  if (e instanceof ApiError || e instanceof OfflineMiss) return undefined;
  throw e;
}

function buildReport(a: { o: PostureOptions; repos: RepoPosture[]; org?: PostureRun['org']; notes: string[]; startedAt: string; stats: ForgeStats }): Report {
  const { o, repos } = a;
  const many = o.subject.kind === 'org';
  const severity = o.config.forge.severity;
  const raw: RawFinding[] = [];
  const fileStatuses: ScannerStatus[] = [];
  for (const r of repos) {
    raw.push(...hitsToFindings(r, severity, (setting, url) => repositoryLocation(r.facts.repository, setting, url)));
    // File findings keep their path inside the repository; with several repositories it is prefixed by the repository.
    for (const f of r.fileFindings) {
      const { fingerprint: _fp, ...rest } = f;
      const loc = f.location;
      const location = loc.kind === undefined || loc.kind === 'file' ? { ...loc, path: loc.path === '.' ? r.facts.repository : `${many ? `${r.facts.repository}/` : ''}${loc.path}` } : loc;
      raw.push({ ...rest, location, data: { ...(f.data ?? {}), repository: r.facts.repository } });
    }
    if (r.fileStatus) fileStatuses.push({ ...r.fileStatus, fileErrors: r.fileStatus.fileErrors.map((e) => ({ path: many ? `${r.facts.repository}/${e.path}` : e.path, message: e.message })) });
  }
  if (a.org) raw.push(...hitsToFindings({ repository: a.org.facts.organisation, results: a.org.results }, severity, (setting, url) => repositoryLocation(a.org!.facts.organisation, setting, url)));
  const findings: Finding[] = dedupe(fingerprintAll(raw)).sort(compareFindings);

  const warnings = [...a.notes, ...notRunNotes(repos, a.org), ...repos.flatMap((r) => r.notes.map((n) => (many ? `${r.facts.slug}: ${n}` : n)))];
  const checked = repos.flatMap((r) => r.results).concat(a.org?.results ?? []);
  const statuses: ScannerStatus[] = [
    {
      scanner: FORGE_SCANNER,
      status: checked.some((r) => !r.ran || r.reason) ? 'partial' : 'succeeded',
      ...(checked.some((r) => !r.ran) ? { reason: 'some checks could not run with this token (see the notes)' } : {}),
      fileErrors: [],
      stats: {
        repositories: repos.length,
        checksRun: checked.filter((r) => r.ran).length,
        checksNotRun: checked.filter((r) => !r.ran).length,
        requests: a.stats.requests,
        notModified: a.stats.notModified,
        fromCache: a.stats.fromCache,
        rateLimitWaits: a.stats.rateLimitWaits,
      },
    },
  ];
  if (fileStatuses.length) statuses.push(mergeStatuses(fileStatuses));
  const rules: RuleMeta[] = forgeRuleMeta(new Set(o.config.forge.disable), severity).filter((r) => r.tags?.includes(o.endpoint.kind));
  return {
    tool: { name: 'pipeguard', version: VERSION },
    target: { id: targetId(o, repos, a.org), kind: 'url' },
    startedAt: a.startedAt,
    finishedAt: o.now().toISOString(),
    rules: [...rules, ...uniqueRules(repos.flatMap((r) => r.fileRules))].sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0)),
    findings,
    statuses,
    inlineIgnored: {},
    warnings,
  };
}

function uniqueRules(rules: RuleMeta[]): RuleMeta[] {
  return [...new Map(rules.map((r) => [r.id, r])).values()];
}

function targetId(o: PostureOptions, repos: RepoPosture[], org: PostureRun['org']): string {
  if (o.subject.kind === 'repo' && repos[0]) return repos[0].facts.url;
  if (org) return org.facts.url;
  return `${o.endpoint.apiUrl} ${o.subject.name}`;
}

/** "check X not run on ...: reason", one line per (rule, reason), repositories listed up to three. */
function notRunNotes(repos: RepoPosture[], org: PostureRun['org']): string[] {
  const groups = new Map<string, string[]>();
  const add = (where: string, r: RuleResult) => {
    if (!r.reason) return;
    const k = `${r.ruleId}\0${r.ran ? 'partly' : 'not'}\0${r.reason}`;
    groups.set(k, [...(groups.get(k) ?? []), where]);
  };
  for (const repo of repos) for (const r of repo.results) add(repo.facts.slug, r);
  if (org) for (const r of org.results) add(org.facts.organisation, r);
  return [...groups].map(([k, where]) => {
    const [rule, how, reason] = k.split('\0') as [string, string, string];
    const list = where.length <= 3 ? where.join(', ') : `${where.slice(0, 3).join(', ')} and ${where.length - 3} more`;
    return `${rule} ${how === 'not' ? 'not checked' : 'checked in part'} on ${list}: ${reason}`;
  });
}

function mergeStatuses(list: ScannerStatus[]): ScannerStatus {
  const failed = list.find((s) => s.status === 'failed');
  const stats: Record<string, number> = {};
  for (const s of list) for (const [k, v] of Object.entries(s.stats ?? {})) stats[k] = (stats[k] ?? 0) + v;
  const fileErrors = list.flatMap((s) => s.fileErrors);
  return { scanner: 'posture', status: failed ? 'failed' : fileErrors.length ? 'partial' : 'succeeded', ...(failed?.reason ? { reason: failed.reason } : {}), fileErrors, stats };
}

/** Runs `fn` over `items`, `n` at a time, keeping the order of the results. */
async function pool<T, R>(items: T[], n: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(n, items.length)) }, worker));
  return out;
}
