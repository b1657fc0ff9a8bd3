/**
 * What the scan may send a request to: hosts and path prefixes allowed, paths excluded, and the requests that
 * could harm the target (logout, DELETE, destructive POSTs) held back unless enabled. Checked for every request
 * the client sends, redirects included.
 */
import { globMatcher } from '../../../core/glob.js';

/** The scope a {@link Scope} is built from. */
export interface ScopeOptions {
  /** The base URL: its origin is always in scope, its path is the default prefix. */
  baseUrl: string;
  /** More hosts (`api.example.test`, `*.example.test`, with `:port` to pin a port). */
  hosts: string[];
  /** Path prefixes allowed (default: the base URL's path). */
  paths: string[];
  /** Globs of paths never requested (`/admin/**`). */
  exclude: string[];
  /** Globs of paths that log out: never requested. */
  logout: string[];
  /** Globs of paths a POST to is destructive. */
  destructive: string[];
  /** Send DELETE, and POST to destructive paths, anyway. */
  allowDestructive: boolean;
}

/** Why a request is not sent, or undefined when it may be. */
export type Refusal = string | undefined;

/** Answers whether a request may be sent. */
export class Scope {
  private readonly origin: URL;
  private readonly hostMatchers: ((hostPort: string) => boolean)[];
  private readonly prefixes: string[];
  private readonly excluded: (p: string) => boolean;
  private readonly logout: (p: string) => boolean;
  private readonly destructive: (p: string) => boolean;
  private readonly allowDestructive: boolean;

  constructor(o: ScopeOptions) {
    this.origin = new URL(o.baseUrl);
    const base = this.origin.pathname.replace(/[^/]*$/, '') || '/';
    this.prefixes = o.paths.length ? o.paths : [base];
    const own = `${this.origin.hostname}:${portOf(this.origin)}`;
    this.hostMatchers = [(h) => h === own, ...o.hosts.map(hostMatcher)];
    const glob = (g: string[]) => (g.length ? globMatcher(g) : () => false);
    this.excluded = glob(o.exclude);
    this.logout = glob(o.logout);
    this.destructive = glob(o.destructive);
    this.allowDestructive = o.allowDestructive;
  }

  /** The base URL's origin. */
  get base(): URL {
    return this.origin;
  }

  /** Why `method url` may not be sent, or undefined. `url` may hold a raw (unnormalised) path. */
  refuse(method: string, url: string): Refusal {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return 'not a URL';
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return `scheme ${u.protocol} not allowed`;
    if (u.username || u.password) return 'URL holds credentials';
    if (!this.hostMatchers.some((m) => m(`${u.hostname}:${portOf(u)}`))) return `host ${u.host} out of scope`;
    // Prefix and exclusion are decided on the normalised path (what the server will route).
    const path = safeDecode(u.pathname);
    if (!this.prefixes.some((p) => path === p.replace(/\/$/, '') || path.startsWith(p.endsWith('/') ? p : `${p}/`) || p === '/')) {
      return `path ${u.pathname} outside ${this.prefixes.join(', ')}`;
    }
    if (this.excluded(path)) return `path ${u.pathname} excluded`;
    if (this.logout(path)) return `path ${u.pathname} logs out`;
    const m = method.toUpperCase();
    if (!this.allowDestructive) {
      if (m === 'DELETE') return 'DELETE not enabled (allowDestructive)';
      if ((m === 'POST' || m === 'PUT' || m === 'PATCH') && this.destructive(path)) return `${m} ${u.pathname} is destructive (allowDestructive)`;
    }
    return undefined;
  }
}

function portOf(u: URL): string {
  return u.port || (u.protocol === 'https:' ? '443' : '80');
}

function hostMatcher(spec: string): (hostPort: string) => boolean {
  const s = spec.toLowerCase();
  const withPort = /:\d+$/.test(s);
  const re = new RegExp(`^${s.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^.:]+')}${withPort ? '' : ':\\d+'}$`);
  return (h) => re.test(h.toLowerCase());
}

function safeDecode(p: string): string {
  try {
    return decodeURIComponent(p);
  } catch {
    return p;
  }
}
