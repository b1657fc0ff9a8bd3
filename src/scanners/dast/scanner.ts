/**
 * The DAST scanner: discovery (crawl, OpenAPI, GraphQL, browser), passive checks on every response, site checks
 * (exposed files, CORS), active checks per insertion point, stored XSS, the time-based phase, the authorisation
 * checks that need users (JWT, BOLA, mass assignment, login rate limit), and the port exposure check. A target that
 * is unreachable or stops answering, or a session that cannot be held, fails the scanner with a one-line reason;
 * a spent budget makes it partial and says what was not tested.
 */
import type { RawFinding, Scanner, ScanContext, Target } from '../../core/types.js';
import { InputError } from '../../core/errors.js';
import { loadAuthFile, type AuthFile } from './auth/file.js';
import { Sessions } from './auth/session.js';
import { durationMs, type DastConfig } from './config.js';
import { DastRun, pool } from './context.js';
import { crawl } from './discovery/crawler.js';
import { discoverGraphql } from './discovery/graphql.js';
import { importOpenApi } from './discovery/openapi.js';
import { browserDiscover, browserLogin, launchChromium, type BrowserHandle } from './discovery/browser.js';
import { buildRequest, endpointKey, insertionPoints, type Endpoint, type Param } from './endpoints.js';
import { HttpClient, RequestRefused, ScanStop, header } from './http/client.js';
import { Scope } from './http/scope.js';
import { startOob, type Oob } from './oob.js';
import { checkContent } from './passive/content.js';
import { checkCookies } from './passive/cookies.js';
import { checkHeaders } from './passive/headers.js';
import { SiteFindings } from './passive/site.js';
import { checkSensitiveUrls } from './passive/urls.js';
import { checkBola } from './active/bola.js';
import { checkCmdi, cmdiTimeCandidates } from './active/cmdi.js';
import { checkCors } from './active/cors.js';
import { checkCrlf } from './active/crlf.js';
import { checkCsrf } from './active/csrf.js';
import { checkFiles } from './active/files.js';
import { checkHostHeader } from './active/host-header.js';
import { checkJwt, decodeJwt, type JwtSlot } from './active/jwt.js';
import { checkMassAssignment } from './active/mass.js';
import { checkNosql } from './active/nosql.js';
import { checkPorts, portSet, type PortPolicy } from './active/ports.js';
import { checkLoginRateLimit, type LoginForm } from './active/ratelimit.js';
import { checkRedirect } from './active/redirect.js';
import { checkSqli, sqliTimeCandidates } from './active/sqli.js';
import { checkSsrf } from './active/ssrf.js';
import { checkSsti } from './active/ssti.js';
import { confirmXssInBrowser } from './active/xss-browser.js';
import { runTimed, type TimingCandidate } from './active/timed.js';
import { checkTraversal } from './active/traversal.js';
import { checkReflectedXss, findStoredMarkers, submitStoredMarker, type StoredMarkers } from './active/xss.js';
import { checkXxe } from './active/xxe.js';
import { DAST_TITLE, dastRules } from './rules.js';
import { VERSION } from '../../core/version.js';

/**
 * The DAST scanner. Its checks are loaded when it runs (index.ts): a scan of a folder, which DAST skips, does not
 * load them.
 */
export const dastScanner: Scanner<DastConfig> = {
  id: 'dast',
  title: DAST_TITLE,
  requires: ['http'],
  rules: dastRules,
  scan(target, ctx) {
    return scanDast(target, ctx);
  },
};

export async function* scanDast(target: Target, ctx: ScanContext<DastConfig>): AsyncIterable<RawFinding> {
  const cfg = ctx.config;
  const baseUrl = target.http!.baseUrl;
  const authFile: AuthFile | undefined = cfg.auth ? loadAuthFile(cfg.auth, ctx.options.env ?? {}) : undefined;
  const scope = new Scope({ baseUrl, hosts: cfg.scope.hosts, paths: cfg.scope.paths, exclude: cfg.scope.exclude, logout: cfg.logout, destructive: cfg.destructive, allowDestructive: cfg.allowDestructive });
  const client = new HttpClient({
    scope,
    concurrency: cfg.concurrency,
    rate: cfg.rate,
    timeoutMs: durationMs(cfg.timeout),
    maxRequests: cfg.maxRequests,
    deadline: performance.now() + durationMs(cfg.budget),
    maxBodyBytes: 1024 * 1024,
    tlsVerify: cfg.tlsVerify,
    signal: ctx.signal,
    userAgent: `pipeguard-dast/${VERSION}`,
  });
  const run = new DastRun(client, cfg, ctx.log, ctx.count);
  const site = new SiteFindings();
  client.onResponse((res) => {
    checkHeaders(res, site);
    checkCookies(res, site);
    checkContent(run, res);
  });
  let oob: Oob | undefined;
  let browser: BrowserHandle | undefined;
  let failure: unknown;
  try {
    await reach(client, baseUrl);
    if (cfg.browser || authFile?.users.some((u) => u.browser)) {
      try {
        browser = await launchChromium(cfg.chromium);
      } catch (e) {
        throw new InputError((e as Error).message);
      }
    }
    const sessions = new Sessions(authFile, run.redactor, browser ? browserLogin(run, browser) : undefined);
    client.credentials = sessions;
    await sessions.start(client);
    if (run.any('dast-ssrf', 'dast-xxe', 'dast-jwt-jku')) run.oob = oob = await startOob(cfg.callback.host, cfg.callback.port, cfg.callback.url);
    await discover(run, cfg, baseUrl, sessions, browser);
    const endpoints = [...run.endpoints.values()].sort((a, b) => (endpointKey(a) < endpointKey(b) ? -1 : 1));
    ctx.count('endpoints', endpoints.length);
    checkSensitiveUrls(run, endpoints);
    await checkFiles(run);
    await checkCors(run, endpoints);
    await checkHostHeader(run, endpoints);
    await attack(run, endpoints);
    if (browser && cfg.browser) await confirmXssInBrowser(run, browser, sessions.headers(sessions.users()[0] ?? null));
    const users = sessions.users();
    const checkUrl = authFile?.loggedIn ? client.url(authFile.loggedIn.url) : undefined;
    await checkJwt(run, jwtSlot(sessions, users[0]), checkUrl);
    if (users.length >= 2) await checkBola(run, endpoints, users[0]!, users[1]!);
    await checkMassAssignment(run, endpoints, checkUrl);
    await checkPorts(run, portPolicy(ctx, cfg));
    await checkLoginRateLimit(run, loginForm(run, sessions, endpoints));
    // A target that died during the last checks must not pass.
    await client.health('final check');
  } catch (e) {
    failure = e;
  } finally {
    site.flush(run);
    await oob?.close();
    await browser?.close();
    ctx.count('requests', client.sent);
  }
  const findings = [...run.findings.values()];
  for (const f of findings) yield f;
  if (failure instanceof ScanStop && failure.why === 'budget') {
    ctx.log.warn(`${failure.message}: the scan stopped before testing everything (${client.sent} requests sent)`);
    ctx.fileError(baseUrl, `not fully tested: ${failure.message}`);
  } else if (failure instanceof ScanStop || failure instanceof RequestRefused) {
    throw new Error(failure.message);
  } else if (failure !== undefined) {
    throw failure;
  }
}

/** The first request: the target must answer, or the scan fails here. */
async function reach(client: HttpClient, baseUrl: string): Promise<void> {
  try {
    await client.send({ method: 'GET', url: baseUrl, as: null, follow: true });
  } catch (e) {
    if (e instanceof ScanStop && e.why === 'target-down') throw new ScanStop('target-down', `target ${baseUrl} is unreachable (${/\((.*)\)$/.exec(e.message)?.[1]?.split(' on ')[0] ?? e.message})`);
    throw e;
  }
}

async function discover(run: DastRun, cfg: DastConfig, baseUrl: string, sessions: Sessions, browser: BrowserHandle | undefined): Promise<void> {
  await crawl(run, baseUrl);
  if (cfg.openapi) {
    const spec = /^https?:\/\//i.test(cfg.openapi) ? { text: await fetchSpec(run, cfg.openapi), name: cfg.openapi } : { path: cfg.openapi, name: cfg.openapi };
    for (const e of await importOpenApi(spec, run.origin)) run.addEndpoint(e);
  }
  await discoverGraphql(run);
  if (browser && cfg.browser) {
    const user = sessions.users()[0] ?? null;
    await browserDiscover(run, browser, [baseUrl, ...[...run.pages.keys()].slice(0, 20)], sessions.headers(user), Math.min(cfg.crawl.maxPages, 30));
  }
}

async function fetchSpec(run: DastRun, url: string): Promise<string> {
  const res = await run.send({ method: 'GET', url, as: null, follow: true, quiet: true });
  if (!res || res.status !== 200) throw new InputError(`cannot fetch the OpenAPI document (${res ? `status ${res.status}` : 'out of scope or no answer'})`, url);
  return res.body;
}

/** Active checks on every insertion point, then stored XSS, then the time-based phase. */
async function attack(run: DastRun, endpoints: Endpoint[]): Promise<void> {
  const timed: TimingCandidate[] = [];
  // Work items are (endpoint, parameter) pairs, so one endpoint with many parameters does not hold the scan up;
  // the limiter keeps the requests in flight at `concurrency`.
  const items: { e: Endpoint; p: Param | undefined }[] = endpoints.flatMap((e) => [...insertionPoints(e).map((p) => ({ e, p })), { e, p: undefined }]);
  await pool(items, run.config.concurrency * 2, async ({ e, p }) => {
    const base = await run.baseline(e);
    if (!base) return;
    if (!p) {
      await checkXxe(run, e);
      return;
    }
    run.count('insertion-points');
    await checkSqli(run, e, p, base);
    await checkReflectedXss(run, e, p);
    await checkCmdi(run, e, p, base);
    await checkTraversal(run, e, p, base);
    await checkSsti(run, e, p, base);
    await checkNosql(run, e, p, base);
    await checkRedirect(run, e, p);
    await checkCrlf(run, e, p);
    await checkSsrf(run, e, p);
    timed.push(...sqliTimeCandidates(run, e, p), ...cmdiTimeCandidates(run, e, p));
  });
  await checkCsrf(run, endpoints);
  if (run.enabled('dast-xss-stored')) {
    const markers: StoredMarkers = new Map();
    const writes = endpoints.filter((e) => e.method === 'POST' || e.method === 'PUT' || e.method === 'PATCH');
    await pool(writes, run.config.concurrency, async (e) => {
      for (const p of insertionPoints(e)) await submitStoredMarker(run, e, p, markers);
    });
    const pages = [...new Set([...run.pages.keys(), ...endpoints.filter((e) => e.method === 'GET').map((e) => buildRequest(run.origin, e).url)])].sort();
    await findStoredMarkers(run, markers, pages.slice(0, 300));
  }
  // A parameter already shown injectable needs no timing proof of the same flaw.
  const family = (id: string) => (id.startsWith('dast-sqli') ? 'sqli' : id);
  const at = (ruleId: string, method: string, tpl: string | undefined, where: string | undefined, name: string | undefined) => `${family(ruleId)} ${method} ${tpl} ${where}:${name}`;
  const known = new Set([...run.findings.values()].map((f) => (f.location.kind === 'http' ? at(f.ruleId, f.location.method, f.location.pathTemplate, f.location.parameterIn, f.location.parameter) : '')));
  const todo = timed.filter((c) => !known.has(at(c.ruleId, c.endpoint.method, c.endpoint.pathTemplate, c.param.in, c.param.name)));
  await runTimed(run, todo);
}

function jwtSlot(sessions: Sessions, user: string | undefined): JwtSlot | undefined {
  if (!user) return undefined;
  const token = sessions.token(user);
  if (token && decodeJwt(token)) {
    const headers = sessions.headers(user);
    const name = Object.keys(headers).find((k) => headers[k]!.includes(token));
    if (name) return { token, headersWith: (t) => ({ ...headers, [name]: headers[name]!.split(token).join(t) }) };
  }
  const headers = sessions.headers(user);
  const cookie = headers.cookie;
  const m = cookie ? /(?:^|;\s*)([^=;\s]+)=([A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*)/.exec(cookie) : null;
  if (m && decodeJwt(m[2]!)) {
    const t0 = m[2]!;
    return { token: t0, headersWith: (t) => ({ ...headers, cookie: cookie!.split(t0).join(t) }) };
  }
  return undefined;
}

function portPolicy(ctx: ScanContext<DastConfig>, cfg: DastConfig): PortPolicy | undefined {
  const services = ctx.root.scanners.exposure.services;
  const names = Object.keys(services);
  if (!names.length) return undefined;
  const name = cfg.exposure.service ?? (names.length === 1 ? names[0] : undefined);
  if (!name) {
    ctx.log.warn(`the exposure policy declares ${names.length} services: set scanners.dast.exposure.service to the one the target is; ports were not checked`);
    return undefined;
  }
  const svc = services[name];
  if (!svc) throw new InputError(`scanners.dast.exposure.service: no service ${name} in scanners.exposure.services`);
  const allowed = portSet([...svc.public, ...svc.internal]);
  const closed = portSet(svc.closed);
  return { name, allowed: allowed.has, closed: closed.has, named: [...allowed.list, ...closed.list] };
}

function loginForm(run: DastRun, sessions: Sessions, endpoints: Endpoint[]): LoginForm | undefined {
  const l = sessions.loginOf();
  if (l && (l.json || l.form)) {
    const url = run.client.url(l.url);
    const field = Object.keys(l.json ?? l.form ?? {}).find((k) => /pass/i.test(k));
    if (!field) return undefined;
    return {
      url,
      method: l.method,
      pathTemplate: new URL(url).pathname,
      request: (pw) => {
        if (l.json) return { method: l.method, url, headers: { 'content-type': 'application/json', ...l.headers }, body: JSON.stringify({ ...l.json, [field]: pw }) };
        return { method: l.method, url, headers: { 'content-type': 'application/x-www-form-urlencoded', ...l.headers }, body: new URLSearchParams({ ...l.form!, [field]: pw }).toString() };
      },
    };
  }
  const e = endpoints.find((x) => x.method === 'POST' && (x.password?.length || (/login|signin|sign-in|auth|session/i.test(x.pathTemplate) && x.params.some((p) => /pass/i.test(p.name)))));
  if (!e) return undefined;
  const pw = e.params.find((p) => (e.password ?? []).includes(p.name) || /pass/i.test(p.name))!;
  return { url: buildRequest(run.origin, e).url, method: e.method, pathTemplate: e.pathTemplate, request: (v) => buildRequest(run.origin, e, { param: pw, value: v }) };
}

/** For tests: whether a response header says HTML. */
export const isHtmlType = (h: Record<string, string | string[]>) => /html/i.test(header(h, 'content-type') ?? '');
