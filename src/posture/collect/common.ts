/** What the GitHub and GitLab collectors share: reading a fact safely, cutting URLs, matching branch globs. */
import { globMatcher } from '../../core/glob.js';
import { unavailableReason } from '../../forge/errors.js';
import type { ForgeHttp } from '../../forge/http.js';
import type { ForgeConfig } from '../config.js';
import { known, unknown, type Fact } from '../facts.js';

/** What a collector needs for one run. */
export interface CollectContext {
  http: ForgeHttp;
  config: ForgeConfig;
  now: Date;
  /** GitHub GraphQL path on the API origin. */
  graphqlPath?: string;
  /** Whether a token was given (GitHub GraphQL needs one). */
  authenticated: boolean;
  /** Look-ups shared by the repositories of one run (an owner's `.github` repository, organisation settings). */
  memo: Map<string, Promise<unknown>>;
}

/** Runs `fn`; a permission problem or an offline cache miss becomes an unknown fact with the reason. */
export async function fact<T>(fn: () => Promise<T>): Promise<Fact<T>> {
  try {
    return known(await fn());
  } catch (e) {
    return unknown(unavailableReason(e));
  }
}

/** `https://hooks.slack.com/services/T0/B0/XYZ?x=1` → `https://hooks.slack.com`: hook URLs carry tokens in paths. */
export function schemeAndHost(url: unknown): string {
  if (typeof url !== 'string') return '(no URL)';
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return '(unparsable URL)';
  }
}

/** The value of a shared look-up, computed once per run. */
export function memo<T>(ctx: CollectContext, key: string, fn: () => Promise<T>): Promise<T> {
  let p = ctx.memo.get(key) as Promise<T> | undefined;
  if (!p) {
    p = fn();
    ctx.memo.set(key, p);
  }
  return p;
}

/** Release branches among `names` by the configured globs, newest-looking first (by name), at most `max`. */
export function releaseBranches(names: string[], globs: string[], defaultBranch: string, max: number): string[] {
  const m = globMatcher(globs);
  return names
    .filter((n) => n !== defaultBranch && m(n))
    .sort((a, b) => b.localeCompare(a, 'en', { numeric: true }))
    .slice(0, max);
}

/** True for a bot account name (`dependabot[bot]`, `renovate-bot`, `project_123_bot_…`). */
export function isBotName(login: string): boolean {
  return /\[bot\]$|^(?:dependabot|renovate|renovate-bot|github-actions|greenkeeper|snyk-bot|mergify)$|^project_\d+_bot|^group_\d+_bot/i.test(login);
}

/** Decodes a base64 body (`contents` and `blobs` answers). */
export function decodeBase64(content: unknown): string {
  return typeof content === 'string' ? Buffer.from(content.replace(/\s+/g, ''), 'base64').toString('utf8') : '';
}

/** Most branches checked per repository (the default branch and up to this many minus one release branches). */
export const MAX_BRANCHES = 5;

/** Maintainers in GitHub's `author_association` terms. */
export const MAINTAINER_ASSOCIATIONS = new Set(['OWNER', 'MEMBER', 'COLLABORATOR']);

/** The start of the 90-day window Scorecard's Maintained looks at, as ISO 8601 (whole seconds). */
export function activitySince(now: Date): string {
  return new Date(now.getTime() - 90 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Whole days from `iso` to `now`, or undefined when `iso` is not a time. */
export function daysSince(iso: string | undefined, now: Date): number | undefined {
  const t = iso ? Date.parse(iso) : NaN;
  return Number.isNaN(t) ? undefined : Math.floor((now.getTime() - t) / 86_400_000);
}
