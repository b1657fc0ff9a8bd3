/**
 * The one HTTP client every forge call goes through: the token in a header (never in a URL, a log or a cache key),
 * conditional requests against the disk cache (ETag / Last-Modified, so a warm run costs 304s, which GitHub does not
 * count against the rate limit), `Link` pagination that never leaves the API's origin, waits for primary and
 * secondary rate limits (`Retry-After`, `x-ratelimit-reset`, `RateLimit-Reset`) within a budget, retries of
 * transient failures, a timeout and a size limit on every answer, and `--offline` answers from the cache alone.
 */
import { ApiError, ForgeUnavailable, OfflineMiss } from './errors.js';
import type { CacheEntry, DiskCache } from './cache.js';
import { nextLink } from './link.js';

/** How a {@link ForgeHttp} talks to one API. */
export interface ForgeHttpOptions {
  /** The API root, e.g. `https://api.github.com` or `https://gitlab.example.com/api/v4`. */
  baseUrl: string;
  token?: string;
  /** How the token is sent: `Authorization: Bearer` (GitHub) or `PRIVATE-TOKEN` (GitLab). */
  auth: 'bearer' | 'private-token';
  cache?: DiskCache;
  /** Answer from the cache only; a request it cannot answer is an {@link OfflineMiss}. */
  offline?: boolean;
  signal?: AbortSignal;
  /** Per request (default 30 s). */
  timeoutMs?: number;
  /** Largest answer read (default 20 MiB). */
  maxBytes?: number;
  /** Longest total wait for rate limits in this run (default 15 minutes); a longer one ends the run. */
  maxWaitMs?: number;
  /** Retries of a transient failure or a rate-limited request (default 4). */
  maxRetries?: number;
  /** Injected for tests; defaults to a timer honouring `signal`. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Milliseconds since the epoch (default `Date.now`). */
  now?: () => number;
  /** Sent on every request. */
  headers?: Record<string, string>;
  /** Told about every wait (rate limit or retry), for a warning line. */
  onWait?: (ms: number, why: string) => void;
  /** Requests in flight at once (default 6; GitHub asks clients not to hammer it in parallel). */
  maxInFlight?: number;
}

/** What one run cost. */
export interface ForgeStats {
  /** HTTP requests sent (each retry counts). */
  requests: number;
  /** Of which answered 304 Not Modified from the cache's validators. */
  notModified: number;
  /** Answers taken from the cache without a request (immutable objects, `--offline`). */
  fromCache: number;
  rateLimitWaits: number;
  waitedMs: number;
  /** Bytes of answer bodies read from the network. */
  bytes: number;
}

/** Options of one GET. */
export interface GetOptions {
  /** Error statuses that are answers here (404 for "branch not protected"), returned instead of thrown. */
  ok?: number[];
  /** Applied to the body before it is cached or returned: drop what must never be stored (secrets). */
  scrub?: (body: unknown) => unknown;
  /** The answer can never change (a blob or a tree by its hash): a cached copy is used without asking. */
  immutable?: boolean;
  /** Read the body as text rather than JSON. */
  raw?: boolean;
  accept?: string;
}

/** One answer. */
export interface Answer<T> {
  status: number;
  body: T;
  /** The `Link` header, for pagination. */
  link?: string;
  headers: Record<string, string>;
  /** True when no request was sent, or the server said 304. */
  cached: boolean;
}

/** A listing read page by page. */
export interface Listing<T> {
  items: T[];
  /** True when the page limit stopped it before the last page. */
  truncated: boolean;
}

/** Network failures worth another try. */
const TRANSIENT = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'timed out']);

const KEPT_HEADERS = ['x-accepted-github-permissions', 'x-accepted-oauth-scopes', 'x-oauth-scopes', 'x-github-sso', 'x-total', 'x-next-page'];

/** The HTTP client of one forge API. Not shared between tokens. */
export class ForgeHttp {
  readonly stats: ForgeStats = { requests: 0, notModified: 0, fromCache: 0, rateLimitWaits: 0, waitedMs: 0, bytes: 0 };
  private readonly base: URL;
  private readonly tokenId: string;
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private inFlight = 0;
  private readonly queue: (() => void)[] = [];

  constructor(readonly o: ForgeHttpOptions) {
    this.base = new URL(o.baseUrl.replace(/\/+$/, '') + '/');
    this.now = o.now ?? Date.now;
    this.sleep = o.sleep ?? defaultSleep;
    // Cache entries are per identity (two tokens may see different things), keyed by a hash of the token.
    this.tokenId = o.token ? `t:${o.cache ? o.cache.key(['token', o.token]).slice(0, 24) : 'x'}` : 'anonymous';
  }

  /** The origin of the API, e.g. `https://api.github.com`. */
  get origin(): string {
    return this.base.origin;
  }

  /** The absolute URL of an API path (`/repos/a/b`) or a URL on the API's origin (a `Link` target). */
  url(pathOrUrl: string): URL {
    const u = /^https?:\/\//i.test(pathOrUrl) ? new URL(pathOrUrl) : new URL(pathOrUrl.replace(/^\/+/, ''), this.base);
    if (u.origin !== this.base.origin) throw new ForgeUnavailable(`the API pointed to another host (${u.origin}); not following it with the token`);
    return u;
  }

  /** GET one resource. Error statuses not in `opts.ok` throw {@link ApiError}. */
  async get<T>(pathOrUrl: string, opts: GetOptions = {}): Promise<Answer<T>> {
    const url = this.url(pathOrUrl);
    return this.request<T>('GET', url, undefined, opts);
  }

  /** POST a GraphQL query to `path` (default `/graphql`). Cached for `--offline`, never revalidated (POST). */
  async graphql<T>(query: string, variables: Record<string, unknown>, path = '/graphql'): Promise<T> {
    const url = this.url(path);
    const a = await this.request<{ data?: T; errors?: { message: string; type?: string }[] }>('POST', url, JSON.stringify({ query, variables }), {});
    const errs = a.body.errors ?? [];
    if (errs.length || !a.body.data) {
      const msg = errs.map((e) => e.message).join('; ') || 'no data';
      throw new ApiError(a.status, url.pathname, `GraphQL: ${msg}`, errs.some((e) => e.type === 'INSUFFICIENT_SCOPES') ? 'a scope the query needs' : undefined);
    }
    return a.body.data;
  }

  /**
   * Every item of a paginated listing, following `Link: rel="next"` up to `maxPages` pages. `itemsKey` names the
   * array in an object answer (`{ total_count, secrets: [...] }`).
   */
  async getAll<T>(pathOrUrl: string, opts: GetOptions & { maxPages?: number; itemsKey?: string } = {}): Promise<Listing<T>> {
    const items: T[] = [];
    let next: string | undefined = pathOrUrl;
    const maxPages = opts.maxPages ?? 10;
    for (let page = 0; next !== undefined; page++) {
      if (page === maxPages) return { items, truncated: true };
      const a: Answer<unknown> = await this.get<unknown>(next, opts);
      const body = opts.itemsKey ? (a.body as Record<string, unknown> | null)?.[opts.itemsKey] : a.body;
      if (!Array.isArray(body)) throw new ApiError(a.status, this.url(next).pathname, 'expected a list in the answer');
      items.push(...(body as T[]));
      next = nextLink(a.link);
    }
    return { items, truncated: false };
  }

  private async request<T>(method: 'GET' | 'POST', url: URL, body: string | undefined, opts: GetOptions): Promise<Answer<T>> {
    const cache = this.o.cache;
    const key = cache?.key([method, url.href, body ?? '', this.tokenId, opts.raw ? 'raw' : 'json']);
    const cached = key ? cache!.get(key) : undefined;
    if (this.o.offline) {
      if (!cached) throw new OfflineMiss(url.pathname + url.search);
      this.stats.fromCache++;
      return this.fromEntry<T>(url, cached, opts);
    }
    if (cached && opts.immutable && cached.status === 200) {
      this.stats.fromCache++;
      return this.fromEntry<T>(url, cached, opts);
    }
    const headers: Record<string, string> = {
      'user-agent': 'pipeguard',
      accept: opts.accept ?? (opts.raw ? 'text/plain, */*' : 'application/json'),
      ...this.o.headers,
    };
    if (this.o.token) {
      if (this.o.auth === 'bearer') headers['authorization'] = `Bearer ${this.o.token}`;
      else headers['private-token'] = this.o.token;
    }
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (method === 'GET' && cached && cached.status === 200) {
      if (cached.etag) headers['if-none-match'] = cached.etag;
      if (cached.lastModified) headers['if-modified-since'] = cached.lastModified;
    }
    await this.acquire();
    let res: Response;
    let text = '';
    try {
      res = await this.send(method, url, headers, body);
      if (res.status === 304 && cached) {
        await res.body?.cancel();
        this.stats.notModified++;
        return this.fromEntry<T>(url, cached, opts);
      }
      text = await this.readBody(res, url);
    } finally {
      this.release();
    }
    let parsed: unknown = text;
    if (!opts.raw || res.status >= 400) {
      try {
        parsed = text.length ? JSON.parse(text) : null;
      } catch {
        if (res.status < 400) throw new ApiError(res.status, url.pathname, 'the answer is not JSON');
        parsed = { message: text.slice(0, 200) };
      }
    }
    if (opts.scrub && res.status < 300) parsed = opts.scrub(parsed);
    const kept: Record<string, string> = {};
    for (const h of KEPT_HEADERS) {
      const v = res.headers.get(h);
      if (v !== null) kept[h] = v;
    }
    const entry: CacheEntry = {
      v: 1,
      url: url.href,
      status: res.status,
      body: parsed,
      storedAt: new Date(this.now()).toISOString(),
      ...(res.headers.get('etag') ? { etag: res.headers.get('etag')! } : {}),
      ...(res.headers.get('last-modified') ? { lastModified: res.headers.get('last-modified')! } : {}),
      ...(res.headers.get('link') ? { link: res.headers.get('link')! } : {}),
      ...(Object.keys(kept).length ? { headers: kept } : {}),
    };
    // Permission errors are kept too, so `--offline` gives the same notes as the run that filled the cache.
    if (key && (res.status < 300 || res.status === 401 || res.status === 403 || res.status === 404 || res.status === 410)) cache!.set(key, entry);
    return this.fromEntry<T>(url, entry, opts, false);
  }

  private fromEntry<T>(url: URL, e: CacheEntry, opts: GetOptions, cached = true): Answer<T> {
    const headers = e.headers ?? {};
    if (e.status >= 300 && !(opts.ok ?? []).includes(e.status)) throw apiError(e.status, url.pathname, e.body, headers);
    return { status: e.status, body: e.body as T, headers, cached, ...(e.link ? { link: e.link } : {}) };
  }

  private async acquire(): Promise<void> {
    if (this.inFlight < (this.o.maxInFlight ?? 6)) {
      this.inFlight++;
      return;
    }
    await new Promise<void>((resolve) => this.queue.push(resolve));
  }

  private release(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.inFlight--;
  }

  /** Sends one request, waiting out rate limits and retrying transient failures. */
  private async send(method: string, url: URL, headers: Record<string, string>, body: string | undefined): Promise<Response> {
    const maxRetries = this.o.maxRetries ?? 4;
    for (let attempt = 0; ; attempt++) {
      this.o.signal?.throwIfAborted();
      let res: Response;
      try {
        this.stats.requests++;
        const timeout = AbortSignal.timeout(this.o.timeoutMs ?? 30_000);
        res = await fetch(url, {
          method,
          headers,
          ...(body !== undefined ? { body } : {}),
          redirect: 'manual',
          signal: this.o.signal ? AbortSignal.any([this.o.signal, timeout]) : timeout,
        });
      } catch (e) {
        this.o.signal?.throwIfAborted();
        const why = networkReason(e);
        // Connection resets and timeouts may pass; a refused connection gets one more try; anything else is final.
        const tries = TRANSIENT.has(why) ? Math.min(maxRetries, 3) : why === 'ECONNREFUSED' ? Math.min(maxRetries, 1) : 0;
        if (attempt >= tries) throw new ForgeUnavailable(`cannot reach ${this.base.origin}: ${why}`);
        await this.pause(Math.min(250 * 2 ** attempt, 2000));
        continue;
      }
      const limited = await this.rateLimitWait(res, attempt);
      if (limited !== undefined) {
        await res.body?.cancel();
        if (attempt >= maxRetries) throw new ForgeUnavailable(`rate limit of ${this.base.origin} still reached after ${attempt + 1} attempts`);
        const left = (this.o.maxWaitMs ?? 15 * 60_000) - this.stats.waitedMs;
        if (limited.ms > left) {
          throw new ForgeUnavailable(
            `rate limit of ${this.base.origin} reached${limited.reset ? `; it resets at ${new Date(limited.reset).toISOString()}` : ''} (a wait of ${Math.ceil(limited.ms / 1000)} s exceeds --max-wait)`,
          );
        }
        this.stats.rateLimitWaits++;
        await this.wait(limited.ms, limited.why);
        continue;
      }
      if (res.status >= 500 && attempt < Math.min(maxRetries, 2)) {
        await res.body?.cancel();
        await this.pause(Math.min(500 * 2 ** attempt, 2000));
        continue;
      }
      if (res.status >= 300 && res.status < 400 && res.status !== 304) {
        await res.body?.cancel();
        throw new ApiError(res.status, url.pathname, `redirected to ${res.headers.get('location') ?? 'elsewhere'} (not followed)`);
      }
      return res;
    }
  }

  /** How long to wait before retrying a rate-limited answer, or undefined when the answer is not one. */
  private async rateLimitWait(res: Response, attempt: number): Promise<{ ms: number; why: string; reset?: number } | undefined> {
    if (res.status !== 403 && res.status !== 429) return undefined;
    const retryAfter = res.headers.get('retry-after');
    if (retryAfter !== null) {
      const s = /^\d+$/.test(retryAfter.trim()) ? Number(retryAfter) * 1000 : Date.parse(retryAfter) - this.now();
      if (Number.isFinite(s)) return { ms: Math.max(0, s), why: `rate limited (retry-after ${retryAfter})` };
    }
    const remaining = res.headers.get('x-ratelimit-remaining') ?? res.headers.get('ratelimit-remaining');
    const reset = res.headers.get('x-ratelimit-reset') ?? res.headers.get('ratelimit-reset');
    if (remaining === '0' && reset !== null && /^\d+$/.test(reset)) {
      const at = Number(reset) * 1000;
      return { ms: Math.max(0, at - this.now()) + 1000, why: 'primary rate limit exhausted', reset: at };
    }
    // A 429, or GitHub's secondary limit without Retry-After: wait a minute, then longer (GitHub's guidance).
    if (res.status === 429) return { ms: 60_000 * 2 ** attempt, why: 'rate limited (429)' };
    const peek = await res
      .clone()
      .text()
      .catch(() => '');
    if (/secondary rate limit|abuse detection/i.test(peek.slice(0, 2000))) return { ms: 60_000 * 2 ** attempt, why: 'secondary rate limit' };
    return undefined;
  }

  /** A short pause before retrying a transient failure (not a rate-limit wait: not reported, not budgeted). */
  private async pause(ms: number): Promise<void> {
    await this.sleep(ms, this.o.signal);
  }

  private async wait(ms: number, why: string): Promise<void> {
    this.stats.waitedMs += ms;
    this.o.onWait?.(ms, why);
    await this.sleep(ms, this.o.signal);
  }

  private async readBody(res: Response, url: URL): Promise<string> {
    const max = this.o.maxBytes ?? 20 * 1024 * 1024;
    const declared = Number(res.headers.get('content-length') ?? NaN);
    if (declared > max) {
      await res.body?.cancel();
      throw new ApiError(res.status, url.pathname, `answer of ${declared} bytes is over the ${max}-byte limit`);
    }
    if (!res.body) return '';
    const chunks: Uint8Array[] = [];
    let n = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      n += chunk.byteLength;
      if (n > max) throw new ApiError(res.status, url.pathname, `answer over the ${max}-byte limit`);
      chunks.push(chunk);
    }
    this.stats.bytes += n;
    return Buffer.concat(chunks).toString('utf8');
  }
}

function apiError(status: number, path: string, body: unknown, headers: Record<string, string>): ApiError {
  const b = (body ?? {}) as { message?: unknown; error?: unknown; error_description?: unknown; scope?: unknown };
  let message = typeof b.message === 'string' ? b.message : typeof b.message === 'object' && b.message ? JSON.stringify(b.message) : typeof b.error_description === 'string' ? b.error_description : typeof b.error === 'string' ? b.error : `HTTP ${status}`;
  message = message.replace(/\s+/g, ' ').slice(0, 200);
  let needs: string | undefined;
  const fine = headers['x-accepted-github-permissions'];
  const classic = headers['x-accepted-oauth-scopes'];
  if (fine) needs = `${fine.split(/[;,]\s*/).filter(Boolean).map(permissionWords).join(' or ')} (fine-grained token)${classic ? ` or the ${classic} scope (classic token)` : ''}`;
  else if (b.error === 'insufficient_scope') needs = `the ${typeof b.scope === 'string' ? b.scope : 'read_api'} scope`;
  else if (status === 403 && /must have admin rights|admin access/i.test(message)) needs = 'admin rights on the repository';
  return new ApiError(status, path, message, needs);
}

/** `administration=read` → `Administration: read`. */
function permissionWords(p: string): string {
  const [name = '', level = ''] = p.split('=');
  const words = name.replace(/_/g, ' ').replace(/^\w/, (c) => c.toUpperCase());
  return level ? `${words}: ${level}` : words;
}

function networkReason(e: unknown): string {
  const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err?.name === 'TimeoutError') return 'timed out';
  return err?.cause?.code ?? err?.cause?.message ?? err?.message ?? String(e);
}

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(t);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
