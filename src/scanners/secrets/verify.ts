/**
 * Opt-in live verification of found credentials (`pipeguard secrets --verify`): for providers with a harmless
 * read-only call, asks the provider whether a credential is accepted. The secret is sent only to its own
 * provider's endpoint, in a header (never in a URL), over HTTPS unless the endpoint is loopback, to hosts of the
 * allow-list only; requests are bounded in number, per host and in time. Nothing here ever prints a secret.
 */
import { endpointAllowed } from '../../analyzers/secrets/endpoint.js';
import { AZURE_STORAGE_VERSION, exoscaleAuthorization, sharedKeySignature } from './signing.js';
import { amzDate, signV4 } from './sigv4.js';

/** What verification says of one credential. */
export type Verified = 'live' | 'revoked' | 'unknown';

/** Providers with a read-only check. */
export const VERIFY_PROVIDERS = ['github', 'gitlab', 'slack', 'stripe', 'npm', 'openai', 'sendgrid', 'twilio', 'aws', 'azure-storage', 'exoscale'] as const;
export type VerifyProvider = (typeof VERIFY_PROVIDERS)[number];

/** Default base URLs (overridable per provider with `scanners.secrets.verifyEndpoints`). */
export const DEFAULT_ENDPOINTS: Record<VerifyProvider, string> = {
  github: 'https://api.github.com',
  gitlab: 'https://gitlab.com',
  slack: 'https://slack.com',
  stripe: 'https://api.stripe.com',
  npm: 'https://registry.npmjs.org',
  openai: 'https://api.openai.com',
  sendgrid: 'https://api.sendgrid.com',
  twilio: 'https://api.twilio.com',
  aws: 'https://sts.amazonaws.com',
  // The account's own blob endpoint: `{account}` is replaced by the storage account's name.
  'azure-storage': 'https://{account}.blob.core.windows.net',
  exoscale: 'https://api-ch-gva-2.exoscale.com',
};

/** Providers whose credential is a pair, checked by a method of their own ({@link Verifier.checkAws} and others). */
type PairProvider = 'aws' | 'twilio' | 'azure-storage' | 'exoscale';

/** Which provider checks a rule's secret (rules of pairs, AWS and Twilio, are handled by {@link pairedCheck}). */
export function providerOf(ruleId: string): VerifyProvider | undefined {
  if (/^github-(pat|oauth-token|user-to-server-token|app-installation-token|fine-grained-pat)$/.test(ruleId)) return 'github';
  if (ruleId === 'gitlab-pat') return 'gitlab';
  if (/^slack-(bot|user|legacy)-token$/.test(ruleId)) return 'slack';
  if (/^stripe-(live|test)-(secret|restricted)-key$/.test(ruleId)) return 'stripe';
  if (ruleId === 'npm-access-token') return 'npm';
  if (/^openai-(api|project|service-account)-key$/.test(ruleId)) return 'openai';
  if (ruleId === 'sendgrid-api-key') return 'sendgrid';
  return undefined;
}

/** One HTTP call to make. */
interface Call {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** Decides from the answer; the default: 200 live, 401/403 revoked, else unknown. */
  judge?: (status: number, body: string, headers: Record<string, string | string[] | undefined>) => Verified;
}

const bearer = (s: string) => ({ authorization: `Bearer ${s}` });
const basic = (user: string, pass: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}` });

function callFor(provider: Exclude<VerifyProvider, PairProvider>, secret: string): Call {
  switch (provider) {
    case 'github':
      // GitHub answers a spent rate limit with 403 too (x-ratelimit-remaining: 0): that says nothing of the token.
      return {
        method: 'GET',
        path: '/user',
        headers: { ...bearer(secret), accept: 'application/vnd.github+json' },
        judge: (s, _b, h) => (s === 200 ? 'live' : s === 401 || (s === 403 && h['x-ratelimit-remaining'] !== '0') ? 'revoked' : 'unknown'),
      };
    case 'gitlab':
      return { method: 'GET', path: '/api/v4/personal_access_tokens/self', headers: { 'private-token': secret } };
    case 'slack':
      // auth.test answers 200 for every token; the verdict is in the body.
      return {
        method: 'POST',
        path: '/api/auth.test',
        headers: { ...bearer(secret), 'content-type': 'application/x-www-form-urlencoded' },
        body: '',
        judge: (status, body) => {
          if (status === 401 || status === 403) return 'revoked';
          if (status !== 200) return 'unknown';
          const j = parseJson(body);
          if (j?.['ok'] === true) return 'live';
          return typeof j?.['error'] === 'string' && /^(invalid_auth|token_revoked|account_inactive|token_expired|not_authed)$/.test(j['error']) ? 'revoked' : 'unknown';
        },
      };
    case 'stripe':
      // Stripe: 401 = no valid key; 403 = a valid (restricted) key without read access to the balance.
      return { method: 'GET', path: '/v1/balance', headers: basic(secret, ''), judge: (s) => (s === 200 || s === 403 ? 'live' : s === 401 ? 'revoked' : 'unknown') };
    case 'npm':
      return { method: 'GET', path: '/-/whoami', headers: bearer(secret) };
    case 'openai':
      return { method: 'GET', path: '/v1/models', headers: bearer(secret) };
    case 'sendgrid':
      return { method: 'GET', path: '/v3/scopes', headers: bearer(secret) };
  }
}

function parseJson(s: string): Record<string, unknown> | undefined {
  try {
    const j: unknown = JSON.parse(s);
    return j && typeof j === 'object' ? (j as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Verification settings (from `scanners.secrets`). */
export interface VerifySettings {
  endpoints: Partial<Record<VerifyProvider, string>>;
  /** Hosts requests may go to (`host` or `host:port`). */
  hosts: string[];
  timeoutMs: number;
  maxRequests: number;
  maxPerHost: number;
  /** For tests: the clock for SigV4. */
  now?: () => Date;
}


/** Verifies credentials within the limits of one scan; the same secret is asked about once. */
export class Verifier {
  private total = 0;
  private readonly perHost = new Map<string, number>();
  private readonly cache = new Map<string, Promise<{ verified: Verified; reason: string }>>();
  /** Requests made (for tests and the summary). */
  get requests(): number {
    return this.total;
  }

  constructor(private readonly s: VerifySettings) {}

  /** A single-token credential. `key` identifies it for the cache (its hash). */
  check(provider: Exclude<VerifyProvider, PairProvider>, secret: string, key: string) {
    return this.once(`${provider}:${key}`, () => this.send(provider, callFor(provider, secret)));
  }

  /** An AWS access key id with its secret key: STS GetCallerIdentity, signed with SigV4. */
  checkAws(keyId: string, secret: string, key: string) {
    return this.once(`aws:${key}`, () => {
      const base = this.base('aws');
      const host = base ? new URL(base).host : '';
      const body = 'Action=GetCallerIdentity&Version=2011-06-15';
      const headers = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
      const date = amzDate((this.s.now ?? (() => new Date()))());
      const { authorization } = signV4({ method: 'POST', host, path: '/', query: '', headers, body, region: 'us-east-1', service: 'sts', amzDate: date }, keyId, secret);
      return this.send('aws', { method: 'POST', path: '/', headers: { ...headers, 'x-amz-date': date, authorization }, body });
    });
  }

  /** A Twilio account SID with its auth token: the account's own record. */
  checkTwilio(sid: string, token: string, key: string) {
    return this.once(`twilio:${key}`, () => this.send('twilio', { method: 'GET', path: `/2010-04-01/Accounts/${encodeURIComponent(sid)}.json`, headers: basic(sid, token) }));
  }

  /**
   * An Azure storage account name with one of its keys: List Containers (`GET /?comp=list`, one result), signed
   * with Shared Key. 403 (AuthenticationFailed) is a key the account does not accept.
   */
  checkAzureStorage(account: string, accountKey: string, key: string) {
    return this.once(`azure-storage:${key}`, async () => {
      const base = this.base('azure-storage', { account });
      const headers = { 'x-ms-date': (this.s.now ?? (() => new Date()))().toUTCString(), 'x-ms-version': AZURE_STORAGE_VERSION };
      const query = { comp: 'list', maxresults: '1' };
      const path = base ? `${new URL(base).pathname.replace(/\/+$/, '')}/` : '/';
      const signature = sharedKeySignature({ method: 'GET', account, path, query, headers }, accountKey);
      if (signature === undefined) return { verified: 'unknown' as const, reason: 'azure-storage: the key is not base64' };
      return this.send('azure-storage', { method: 'GET', path: '/?comp=list&maxresults=1', headers: { ...headers, authorization: `SharedKey ${account}:${signature}` } }, { account });
    });
  }

  /** An Exoscale API key (EXO…) with its secret: the list of zones, signed as API v2 requests are. */
  checkExoscale(apiKey: string, secret: string, key: string) {
    return this.once(`exoscale:${key}`, () => {
      const expires = Math.floor((this.s.now ?? (() => new Date()))().getTime() / 1000) + 300;
      const path = '/v2/zone';
      return this.send('exoscale', { method: 'GET', path, headers: { authorization: exoscaleAuthorization({ method: 'GET', path, body: '', expires }, apiKey, secret) } });
    });
  }

  private once(key: string, run: () => Promise<{ verified: Verified; reason: string }>) {
    let p = this.cache.get(key);
    if (!p) this.cache.set(key, (p = run()));
    return p;
  }

  /** The provider's base URL, `{account}` filled in (an account name is letters and digits only). */
  private base(provider: VerifyProvider, vars: { account?: string } = {}): string | undefined {
    let url = this.s.endpoints[provider] ?? DEFAULT_ENDPOINTS[provider];
    if (url.includes('{account}')) {
      if (!vars.account || !/^[a-z0-9]{3,24}$/.test(vars.account)) return undefined;
      url = url.replaceAll('{account}', vars.account);
    }
    return endpointAllowed(url) ? url.replace(/\/+$/, '') : undefined;
  }

  /** A host of the allow-list: `host`, `host:port`, or `*.suffix` for any name under it. */
  private hostAllowed(url: URL): boolean {
    return this.s.hosts.some((h) => h === url.host || h === url.hostname || (h.startsWith('*.') && url.hostname.endsWith(h.slice(1)) && url.hostname.length > h.length - 1));
  }

  private async send(provider: VerifyProvider, call: Call, vars: { account?: string } = {}): Promise<{ verified: Verified; reason: string }> {
    const base = this.base(provider, vars);
    if (!base) return { verified: 'unknown', reason: `the ${provider} endpoint is neither HTTPS nor loopback` };
    const url = new URL(base + call.path);
    if (!this.hostAllowed(url)) return { verified: 'unknown', reason: `${url.host} is not in scanners.secrets.verifyHosts` };
    if (this.total >= this.s.maxRequests) return { verified: 'unknown', reason: 'verification request limit reached' };
    const n = this.perHost.get(url.host) ?? 0;
    if (n >= this.s.maxPerHost) return { verified: 'unknown', reason: `request limit for ${url.host} reached` };
    this.total++;
    this.perHost.set(url.host, n + 1);
    const answer = await this.http(url, call);
    if ('error' in answer) return { verified: 'unknown', reason: `${provider}: ${answer.error}` };
    if (answer.status === 429) return { verified: 'unknown', reason: `${provider}: rate limited (429)` };
    const judge = call.judge ?? ((s: number) => (s === 200 ? 'live' : s === 401 || s === 403 ? 'revoked' : 'unknown'));
    const verified = judge(answer.status, answer.body, answer.headers);
    return { verified, reason: `${provider}: HTTP ${answer.status}` };
  }

  /** One request; error messages name the host and the kind of failure only (never headers). */
  private async http(url: URL, call: Call): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> } | { error: string }> {
    // Loaded here, not at the top: a scan without --verify never needs http, https, tls and net.
    const { request } = url.protocol === 'https:' ? await import('node:https') : await import('node:http');
    return new Promise((resolve) => {
      const body = call.body === undefined ? undefined : Buffer.from(call.body);
      const req = request(
        url,
        { method: call.method, headers: { 'user-agent': 'pipeguard-verify', ...call.headers, ...(body ? { 'content-length': String(body.length) } : {}) }, timeout: this.s.timeoutMs },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            // Only a small answer is read (the verdict is in the status or a short JSON).
            if (size < 65536) chunks.push(c);
            size += c.length;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
          res.on('error', () => resolve({ error: `the answer from ${url.host} broke off` }));
        },
      );
      req.on('timeout', () => {
        req.destroy();
        resolve({ error: `no answer from ${url.host} within ${this.s.timeoutMs} ms` });
      });
      req.on('error', (e: NodeJS.ErrnoException) => resolve({ error: `request to ${url.host} failed${e.code ? ` (${e.code})` : ''}` }));
      req.end(body);
    });
  }
}
