/**
 * The one way the scanner talks to the target. Every request is checked against the scope (redirects included),
 * paced per host (concurrency, token bucket, Retry-After), counted against the budget, sent with the exact path bytes, signed in as the user asked
 * for, and watched: a lost session is restored once or the scan fails; a target that stops answering stops the
 * scan with a reason; a 429 is waited out.
 */
import type http from 'node:http';
import { Limiter, sleep } from './limiter.js';
import { NetworkError, sendRaw, type RawResponse } from './raw.js';
import type { Scope } from './scope.js';

/** A request the scanner wants sent. */
export interface Req {
  method: string;
  /** Absolute URL; its path and query are sent exactly as written (no `..` collapsing, no re-encoding). */
  url: string;
  headers?: Record<string, string>;
  body?: string;
  /** The user to send it as (auth file); `null` for no credentials; undefined for the first user, if any. */
  as?: string | null;
  /** Follow redirects that stay in scope (default false: the 3xx is the answer). */
  follow?: boolean;
  timeoutMs?: number;
  /** A dedicated connection (timing probes run alone on one). */
  agent?: http.Agent;
  /** Do not run passive checks on the answer (probes of our own, e.g. the soft-404 fingerprint). */
  quiet?: boolean;
  /** A login request for this user: sent without credentials, the cookies it sets kept for the user. */
  login?: string;
  /** Do not keep the cookies the answer sets (probes: a login bypass must not change who the scan is). */
  noCookies?: boolean;
  /** The Host header to send instead of the URL's (host-header checks; the connection still goes to the URL's host). */
  hostHeader?: string;
}

/** A response, decoded. */
export interface Res extends Omit<RawResponse, 'body'> {
  body: string;
  bytes: Buffer;
  /** The URL that answered (after redirects). */
  url: string;
  /** The request as sent (credentials included: redact before showing). */
  sent: { method: string; url: string; headers: Record<string, string>; body?: string };
  /** Redirects followed, or the one not followed because it left the scope. */
  redirects: { from: string; status: number; location: string; refused?: string }[];
}

/** The scan cannot go on: the target is gone, the session lost, the budget spent, or the run aborted. */
export class ScanStop extends Error {
  constructor(
    readonly why: 'target-down' | 'auth-lost' | 'budget' | 'aborted',
    message: string,
  ) {
    super(message);
    this.name = 'ScanStop';
  }
}

/** A request the scope refused, or that failed without stopping the scan. */
export class RequestRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RequestRefused';
  }
}

/** How the client signs requests in and notices a lost session (implemented by the auth module). */
export interface Credentials {
  /** Names of the configured users, first one the default. */
  users(): string[];
  /** Headers (Authorization, Cookie...) for `user`. */
  headers(user: string | null): Record<string, string>;
  /** Cookies and tokens the response sets for `user`. */
  observe(user: string | null, res: Res): void;
  /** True when `res` says `user` is no longer signed in. */
  loggedOut(user: string, res: Res): boolean;
  /** Signs `user` in again; throws {@link ScanStop} `auth-lost` when it cannot. */
  relogin(user: string, client: HttpClient): Promise<void>;
  /**
   * After a signed-out answer: checks the session (the logged-in check, when there is one) and signs in again
   * when it is lost. Returns true when it signed in again (the request is worth sending once more).
   */
  restore(user: string, client: HttpClient): Promise<boolean>;
  /** Called after each request as `user`: a periodic signed-in check. */
  tick?(user: string | null, client: HttpClient): Promise<void>;
}

/** Options of {@link HttpClient}. */
export interface ClientOptions {
  scope: Scope;
  concurrency: number;
  rate: number;
  timeoutMs: number;
  maxRequests: number;
  /** `performance.now()` after which no request starts. */
  deadline: number;
  maxBodyBytes: number;
  tlsVerify: boolean;
  signal: AbortSignal;
  userAgent: string;
}

const MAX_REDIRECTS = 5;
const MAX_RETRY_AFTER_MS = 10_000;

/** Sends the scanner's requests; see the module comment. */
export class HttpClient {
  /** Pacing per host (`host:port`): each host of the scope gets its own concurrency, rate and Retry-After pause. */
  private readonly limiters = new Map<string, Limiter>();
  /** Requests sent (redirect hops and retries included). */
  sent = 0;
  credentials: Credentials | undefined;
  private readonly listeners: ((res: Res) => void)[] = [];
  private readonly signedOutAnyway = new Set<string>();
  private readonly throttled = new Set<string>();
  private healthCheck: Promise<void> | undefined;
  private down: ScanStop | undefined;
  private lastAnswer = 0;

  constructor(readonly o: ClientOptions) {}

  /**
   * The limiter of one host (`host:port`, as sent in the Host header): `concurrency` requests in flight and `rate`
   * starts a second to each host, so a second host of the scope neither waits for the first nor doubles its load,
   * and a 429 from one host pauses only the requests to it.
   */
  limiter(host: string = splitUrl(this.o.scope.base.href).host): Limiter {
    const key = host.toLowerCase();
    let l = this.limiters.get(key);
    if (!l) this.limiters.set(key, (l = new Limiter(this.o.concurrency, this.o.rate)));
    return l;
  }

  /** Calls `fn` with every response to a non-quiet request (passive checks). */
  onResponse(fn: (res: Res) => void): void {
    this.listeners.push(fn);
  }

  /** The base URL's origin, e.g. `http://127.0.0.1:3000`. */
  get origin(): string {
    return this.o.scope.base.origin;
  }

  /** Resolves `path` (raw, not normalised) against the target's origin. */
  url(path: string): string {
    return /^https?:\/\//i.test(path) ? path : this.origin + (path.startsWith('/') ? path : `/${path}`);
  }

  /** Sends `req` (as its user, following redirects in scope when asked). Throws {@link ScanStop} or {@link RequestRefused}. */
  async send(req: Req): Promise<Res> {
    const user = req.login !== undefined ? null : req.as === undefined ? (this.credentials?.users()[0] ?? null) : req.as;
    let res = await this.sendAs(req, user);
    if (user !== null && this.credentials?.loggedOut(user, res) && !this.signedOutAnyway.has(pathOf(req.url).split('?')[0]!)) {
      // A signed-out answer: the session may be lost (sign in again, or fail the scan), or this endpoint answers
      // so whoever asks (a login form refusing a wrong password). Without a logged-in check to tell, an endpoint
      // that still answers signed out right after a fresh sign-in is remembered as one of the latter.
      if (await this.credentials.restore(user, this)) {
        res = await this.sendAs(req, user);
        if (this.credentials.loggedOut(user, res)) this.signedOutAnyway.add(pathOf(req.url).split('?')[0]!);
      }
    }
    if (user !== null) await this.credentials?.tick?.(user, this);
    if (!req.quiet) for (const l of this.listeners) l(res);
    return res;
  }

  private async sendAs(req: Req, user: string | null): Promise<Res> {
    const redirects: Res['redirects'] = [];
    let cur = { method: req.method.toUpperCase(), url: req.url, body: req.body, headers: req.headers ?? {} };
    for (let hop = 0; ; hop++) {
      const res = await this.once(cur, req, user);
      res.redirects = redirects;
      const loc = header(res.headers, 'location');
      if (!req.follow || res.status < 300 || res.status > 399 || !loc || hop >= MAX_REDIRECTS) return res;
      let next: string;
      try {
        next = new URL(loc, cur.url).href;
      } catch {
        return res;
      }
      const refused = this.o.scope.refuse('GET', next);
      redirects.push({ from: cur.url, status: res.status, location: next, ...(refused ? { refused } : {}) });
      if (refused) return res;
      const keep = res.status === 307 || res.status === 308;
      cur = keep ? { ...cur, url: next } : { method: 'GET', url: next, body: undefined, headers: stripBodyHeaders(cur.headers) };
    }
  }

  /** One request, no redirect: scope, budget, pacing, 429, health. */
  private async once(cur: { method: string; url: string; body: string | undefined; headers: Record<string, string> }, req: Req, user: string | null): Promise<Res> {
    const refused = this.o.scope.refuse(cur.method, cur.url);
    if (refused) throw new RequestRefused(`${cur.method} ${cur.url}: ${refused}`);
    const target = splitUrl(cur.url);
    for (let attempt = 0; ; attempt++) {
      this.checkGo();
      const headers: Record<string, string> = {
        'user-agent': this.o.userAgent,
        accept: '*/*',
        ...lower(this.credentials?.headers(user) ?? {}),
        ...lower(cur.headers),
        host: req.hostHeader ?? target.host,
      };
      const cookie = mergeCookies(this.credentials?.headers(user)['cookie'] ?? this.credentials?.headers(user)['Cookie'], cur.headers['cookie'] ?? cur.headers['Cookie']);
      if (cookie) headers['cookie'] = cookie;
      this.sent++;
      let raw: RawResponse;
      try {
        raw = await this.limiter(target.host).run(() =>
          sendRaw({
            method: cur.method,
            protocol: target.protocol,
            hostname: target.hostname,
            port: target.port,
            path: target.path,
            headers,
            ...(cur.body !== undefined ? { body: cur.body } : {}),
            timeoutMs: req.timeoutMs ?? this.o.timeoutMs,
            maxBytes: this.o.maxBodyBytes,
            ...(req.agent ? { agent: req.agent } : {}),
            tlsVerify: this.o.tlsVerify,
          }),
        );
      } catch (e) {
        if (!(e instanceof NetworkError)) throw e;
        if (e.code === 'EINVAL' || e.code === 'ERR_UNESCAPED_CHARACTERS' || e.code === 'ERR_INVALID_CHAR') throw new RequestRefused(`${cur.method} ${cur.url}: ${e.message}`);
        // A request that got no answer: is the target still there?
        await this.health(`${e.code} on ${cur.method} ${pathOf(cur.url)}`);
        throw new RequestRefused(`${cur.method} ${pathOf(cur.url)}: ${e.code}`);
      }
      this.lastAnswer = performance.now();
      const res: Res = {
        ...raw,
        body: raw.body.toString('utf8'),
        bytes: raw.body,
        url: cur.url,
        sent: { method: cur.method, url: cur.url, headers, ...(cur.body !== undefined ? { body: cur.body } : {}) },
        redirects: [],
      };
      if (!req.noCookies) this.credentials?.observe(req.login ?? user, res);
      if (raw.status === 429) {
        // Wait out a 429 (Retry-After, capped) and try again; a path still refused after that is left alone:
        // its later requests get the 429 at once rather than stalling the scan.
        const key = target.path.split('?')[0]!;
        if (attempt >= 1 || this.throttled.has(key)) {
          this.throttled.add(key);
          return res;
        }
        this.limiter(target.host).pause(retryAfter(header(raw.headers, 'retry-after')));
        continue;
      }
      return res;
    }
  }

  /** Throws when the run was aborted, the target is down, or the budget is spent. */
  checkGo(): void {
    if (this.down) throw this.down;
    if (this.o.signal.aborted) throw new ScanStop('aborted', 'the scan was aborted');
    if (this.sent >= this.o.maxRequests) throw new ScanStop('budget', `request budget of ${this.o.maxRequests} spent`);
    if (performance.now() > this.o.deadline) throw new ScanStop('budget', 'time budget spent');
  }

  /**
   * Probes the base URL (three tries, half a second apart) after a request got no answer. When none answers, the
   * target is down: this and every later request throws {@link ScanStop} `target-down`.
   */
  async health(cause: string): Promise<void> {
    if (this.down) throw this.down;
    // Requests failing together share one probe.
    this.healthCheck ??= (async () => {
      const started = performance.now();
      for (let i = 0; i < 3; i++) {
        if (this.lastAnswer > started) return;
        const t = splitUrl(this.o.scope.base.href);
        try {
          await sendRaw({ method: 'GET', protocol: t.protocol, hostname: t.hostname, port: t.port, path: t.path, headers: { host: t.host, 'user-agent': this.o.userAgent }, timeoutMs: 5000, maxBytes: 1024, tlsVerify: this.o.tlsVerify });
          return;
        } catch {
          await sleep(500);
        }
      }
      this.down = new ScanStop('target-down', `target stopped answering after ${this.sent} requests (${cause})`);
    })().finally(() => {
      this.healthCheck = undefined;
    });
    await this.healthCheck;
    if (this.down) throw this.down;
  }
}

/** The value of a header (first one when repeated). */
export function header(h: Record<string, string | string[]>, name: string): string | undefined {
  const v = h[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** Every value of a header (set-cookie). */
export function headerAll(h: Record<string, string | string[]>, name: string): string[] {
  const v = h[name.toLowerCase()];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** Protocol, host and the raw request target of an absolute URL, without normalising its path. */
export function splitUrl(url: string): { protocol: string; host: string; hostname: string; port: number; path: string } {
  const m = /^(https?:)\/\/([^/?#]*)([^#]*)/i.exec(url);
  if (!m) throw new RequestRefused(`not an absolute http(s) URL: ${url}`);
  const protocol = m[1]!.toLowerCase();
  const u = new URL(`${protocol}//${m[2]}/`);
  let path = m[3] || '/';
  if (!path.startsWith('/')) path = `/${path}`;
  return { protocol, host: u.host, hostname: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port || (protocol === 'https:' ? 443 : 80)), path };
}

/** The raw path and query of an absolute URL. */
export function pathOf(url: string): string {
  try {
    return splitUrl(url).path;
  } catch {
    return url;
  }
}

function retryAfter(v: string | undefined): number {
  if (!v) return 1000;
  const n = Number(v);
  if (Number.isFinite(n)) return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, n * 1000));
  const d = Date.parse(v);
  return Number.isFinite(d) ? Math.min(MAX_RETRY_AFTER_MS, Math.max(0, d - Date.now())) : 1000;
}

function lower(h: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (k.toLowerCase() !== 'cookie') out[k.toLowerCase()] = v;
  return out;
}

function mergeCookies(a: string | undefined, b: string | undefined): string | undefined {
  if (!a) return b;
  if (!b) return a;
  const names = new Set(b.split(';').map((p) => p.split('=')[0]!.trim()));
  return [...a.split(';').map((p) => p.trim()).filter((p) => p && !names.has(p.split('=')[0]!.trim())), b].join('; ');
}

function stripBodyHeaders(h: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (!/^content-(type|length)$/i.test(k)) out[k] = v;
  return out;
}
