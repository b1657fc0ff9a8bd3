/**
 * Which API to talk to and with which token: GitHub (github.com or GitHub Enterprise Server) or GitLab (gitlab.com
 * or self-managed). Tokens come from the environment only (`GITHUB_TOKEN`, `GITLAB_TOKEN`), never from a flag, so
 * they stay out of shell history and process listings.
 */
import { UsageError } from '../core/errors.js';

/** A forge API and the credentials for it. */
export interface ForgeEndpoint {
  kind: 'github' | 'gitlab';
  /** REST root: `https://api.github.com`, `https://ghe.example.com/api/v3`, `https://gitlab.com/api/v4`. */
  apiUrl: string;
  /** GitHub GraphQL endpoint (path relative to the API origin). */
  graphqlPath?: string;
  token?: string;
  /** The environment variable the token came from, for messages. */
  tokenVar: string;
}

/** The GitHub API: `--api-url`, else `$GITHUB_API_URL` (set in GitHub Actions and for GHES), else api.github.com. */
export function githubEndpoint(env: Record<string, string | undefined>, apiUrl?: string): ForgeEndpoint {
  const url = checkUrl(apiUrl ?? env['GITHUB_API_URL'] ?? 'https://api.github.com', '--api-url');
  const u = new URL(url);
  // GitHub Enterprise Server: REST under /api/v3, GraphQL at /api/graphql. github.com and others: /graphql.
  const graphqlPath = /\/api\/v3\/?$/.test(u.pathname) ? u.pathname.replace(/\/api\/v3\/?$/, '/api/graphql') : `${u.pathname.replace(/\/+$/, '')}/graphql`;
  const token = env['GITHUB_TOKEN'] || env['GH_TOKEN'] || undefined;
  return { kind: 'github', apiUrl: url, graphqlPath, ...(token ? { token } : {}), tokenVar: !env['GITHUB_TOKEN'] && env['GH_TOKEN'] ? 'GH_TOKEN' : 'GITHUB_TOKEN' };
}

/** The GitLab API: `--api-url`, else `$CI_API_V4_URL` (set in GitLab CI), else gitlab.com. */
export function gitlabEndpoint(env: Record<string, string | undefined>, apiUrl?: string): ForgeEndpoint {
  const url = checkUrl(apiUrl ?? env['CI_API_V4_URL'] ?? 'https://gitlab.com/api/v4', '--api-url');
  const token = env['GITLAB_TOKEN'] || undefined;
  return { kind: 'gitlab', apiUrl: url, ...(token ? { token } : {}), tokenVar: 'GITLAB_TOKEN' };
}

function checkUrl(url: string, flag: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`${flag} takes an http(s) URL, not ${JSON.stringify(url)}`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new UsageError(`${flag} takes an http(s) URL, not ${JSON.stringify(url)}`);
  if (u.username || u.password) throw new UsageError(`${flag} must not hold credentials: give the token in the environment`);
  return url.replace(/\/+$/, '');
}
