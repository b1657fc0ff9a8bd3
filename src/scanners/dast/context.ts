/**
 * The state of one DAST run that every check shares: the client, the inventory, the pages seen, the findings
 * (one per rule, method, path template and parameter), the redactor, the callback listener, and the helpers
 * checks use to send probes.
 */
import { globMatcher } from '../../core/glob.js';
import type { HttpLocation, Logger, RawFinding, Severity } from '../../core/types.js';
import type { DastConfig } from './config.js';
import { buildRequest, endpointKey, type Endpoint, type Mutation, type Param } from './endpoints.js';
import { exchange, excerpt, Redactor } from './evidence.js';
import { RequestRefused, type HttpClient, type Req, type Res } from './http/client.js';
import type { Oob } from './oob.js';
import { DAST_RULE_BY_ID } from './rules.js';

/** Where in an HTML page a reflection sits (decided by the reflected-XSS check). */
export type HtmlContext = { kind: 'text' } | { kind: 'raw'; tag: string } | { kind: 'comment' } | { kind: 'attr'; quote: string } | { kind: 'script'; quote: string };

/** What a check reports. */
export interface Report {
  /** Where: the endpoint (its example URL, not the attack URL) and the parameter. */
  endpoint?: Endpoint;
  /** For findings not about an endpoint (a header on a page): the URL and method. */
  url?: string;
  method?: string;
  pathTemplate?: string;
  param?: Param;
  message: string;
  /** The exchange that proves it. */
  res?: Res;
  /** Text in the response that is the proof (for the evidence excerpt). */
  proof?: string;
  /** Short evidence text (redacted here). */
  evidence?: string;
  /** What else makes this finding distinct at the same place (a cookie name). */
  identity?: string;
  confidence?: RawFinding['confidence'];
  data?: Record<string, unknown>;
}

/** One run's shared state. */
export class DastRun {
  readonly findings = new Map<string, RawFinding>();
  /** Reflected XSS proofs (endpoint, parameter, context) for the browser to confirm. */
  readonly reflections: { endpoint: Endpoint; param: Param; context: HtmlContext }[] = [];
  readonly endpoints = new Map<string, Endpoint>();
  /** HTML pages fetched (URL -> response), for stored-XSS re-checks and passive checks. */
  readonly pages = new Map<string, Res>();
  readonly redactor = new Redactor();
  /** What was not tested and why (budget, refused), for the status. */
  readonly untested: string[] = [];
  oob: Oob | undefined;
  private readonly baselines = new Map<string, Promise<Res | undefined>>();
  private readonly only: ((id: string) => boolean) | undefined;

  constructor(
    readonly client: HttpClient,
    readonly config: DastConfig,
    readonly log: Logger,
    readonly count: (name: string, by?: number) => void,
  ) {
    this.only = config.only.length ? globMatcher(config.only) : undefined;
  }

  /** The target's origin (`http://127.0.0.1:3000`). */
  get origin(): string {
    return this.client.origin;
  }

  /** True when the rule runs (not `off`, and in `only` when that is given). */
  enabled(ruleId: string): boolean {
    if (this.config.rules[ruleId] === 'off') return false;
    return this.only ? this.only(ruleId) : true;
  }

  /** True when any of the rules runs. */
  any(...ids: string[]): boolean {
    return ids.some((id) => this.enabled(id));
  }

  /** Adds an endpoint to the inventory (the first one of a key wins). Returns false when it was known. */
  addEndpoint(e: Endpoint): boolean {
    const k = endpointKey(e);
    if (this.endpoints.has(k)) return false;
    this.endpoints.set(k, e);
    return true;
  }

  /** Records a finding, once per rule + method + template + parameter (+ identity). */
  report(ruleId: string, r: Report): void {
    const rule = DAST_RULE_BY_ID.get(ruleId);
    if (!rule) throw new Error(`unknown DAST rule ${ruleId}`);
    if (!this.enabled(ruleId)) return;
    const method = (r.endpoint?.method ?? r.method ?? r.res?.sent.method ?? 'GET').toUpperCase();
    const url = r.url ?? (r.endpoint ? buildRequest(this.origin, r.endpoint).url : r.res?.url ?? this.origin + '/');
    const pathTemplate = r.pathTemplate ?? r.endpoint?.pathTemplate ?? safePath(url);
    const location: HttpLocation = { kind: 'http', method, url: this.redactor.text(stripCredentials(url)), pathTemplate };
    if (r.param) {
      location.parameter = r.param.name;
      location.parameterIn = r.param.in;
    }
    const key = `${ruleId} ${method} ${pathTemplate} ${r.param ? `${r.param.in}:${r.param.name}` : ''} ${r.identity ?? ''}`;
    if (this.findings.has(key)) return;
    const level = this.config.rules[ruleId];
    const severity: Severity = level && level !== 'off' ? level : rule.severity;
    const f: RawFinding = {
      scanner: 'dast',
      ruleId,
      severity,
      confidence: r.confidence ?? rule.confidence,
      message: this.redactor.text(r.message),
      location,
      cwe: rule.cwe,
      identity: r.identity ?? '',
      tags: ['dast', rule.kind],
    };
    const ev = r.evidence ?? (r.res && r.proof ? excerpt(r.res.body, r.proof) : undefined);
    if (ev) f.evidence = this.redactor.body(ev);
    const data: Record<string, unknown> = { ...(r.data ?? {}) };
    if (r.res) data.http = exchange(r.res, this.redactor, r.proof);
    if (Object.keys(data).length) f.data = data;
    this.findings.set(key, f);
    this.count(`finding:${ruleId}`);
  }

  /** Sends `req`; undefined when the scope refused it or it got no answer (the target is still up). */
  async send(req: Req): Promise<Res | undefined> {
    try {
      return await this.client.send(req);
    } catch (e) {
      if (e instanceof RequestRefused) {
        this.log.debug(e.message);
        return undefined;
      }
      throw e;
    }
  }

  /** The endpoint requested as it is (cached per endpoint and user). */
  baseline(e: Endpoint, as?: string | null): Promise<Res | undefined> {
    const k = `${endpointKey(e)} ${as === undefined ? '' : String(as)}`;
    let p = this.baselines.get(k);
    if (!p) {
      p = this.send({ ...buildRequest(this.origin, e), ...(as !== undefined ? { as } : {}), quiet: true });
      this.baselines.set(k, p);
    }
    return p;
  }

  /** The endpoint requested with one parameter replaced by `value`. */
  probe(e: Endpoint, m: Mutation, extra: Partial<Req> = {}): Promise<Res | undefined> {
    return this.send({ ...buildRequest(this.origin, e, m), noCookies: true, ...extra });
  }
}

function safePath(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

function stripCredentials(url: string): string {
  try {
    const u = new URL(url);
    if (!u.username && !u.password) return url;
    u.username = '';
    u.password = '';
    return u.href;
  } catch {
    return url;
  }
}

/** A random lower-case marker, unlikely in any page: `zq` + 8 letters/digits. */
export function marker(prefix = 'zq'): string {
  let s = prefix;
  for (let i = 0; i < 8; i++) s += 'abcdefghijkmnpqrstuvwxyz23456789'[Math.floor(Math.random() * 32)];
  return s;
}

/** Runs `fn` over `items`, at most `n` at a time; stops at the first error (rethrown). */
export async function pool<T>(items: readonly T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: unknown;
  const worker = async () => {
    while (failed === undefined && next < items.length) {
      const item = items[next++]!;
      try {
        await fn(item);
      } catch (e) {
        failed ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(n, items.length)) }, worker));
  if (failed !== undefined) throw failed;
}
