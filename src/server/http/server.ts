/**
 * The server: one node:http server for the JSON API and the web UI. Each request is authenticated (a bearer
 * token, or a session cookie with CSRF checks on every change), routed, and answered; errors become a status
 * and one line (JSON for the API, a page for the UI), never a stack trace. Expired risk acceptances are lifted
 * before requests are served (at most every few seconds) and on a timer.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LoginLimiter, type LimitOptions } from '../auth/rate-limit.js';
import type { Principal } from '../auth/scopes.js';
import { tokenPrincipal } from '../auth/tokens.js';
import { sessionPrincipal } from '../auth/users.js';
import type { Db } from '../db/types.js';
import { ReportError } from '../ingest/model.js';
import { InvalidError, NotFoundError } from '../store/errors.js';
import { RunConflictError } from '../store/ingest.js';
import { expireAcceptances } from '../store/triage.js';
import { page } from '../ui/layout.js';
import { errorBody } from '../ui/pages/misc.js';
import { cookies, SESSION_COOKIE, UI_ROUTES } from '../ui/routes.js';
import { API_ROUTES } from './api.js';
import { HttpError, type AppState, type Ctx } from './context.js';
import { html, json, redirect } from './respond.js';
import { match } from './router.js';

/** How the server is set up. */
export interface ServerOptions {
  db: Db;
  /** Injected clock (tests move time forward to expire acceptances). Default Date.now. */
  clock?: () => number;
  maxUploadBytes?: number;
  maxConcurrentUploads?: number;
  secureCookies?: boolean;
  limits?: LimitOptions;
  /** One line per notable event (uploads, errors). */
  log?: (line: string) => void;
}

const ROUTES = [...API_ROUTES, ...UI_ROUTES];
const SWEEP_MS = 5_000;

/** Default upload limit: 256 MiB after decompression. */
export const DEFAULT_MAX_UPLOAD = 256 * 1024 * 1024;

async function principalOf(ctx: Ctx): Promise<Principal | undefined> {
  const auth = ctx.req.headers.authorization;
  if (auth !== undefined) {
    const m = /^Bearer\s+(\S+)$/i.exec(auth);
    const p = m ? await tokenPrincipal(ctx.app.db, m[1]!, ctx.now) : undefined;
    if (!p) throw new HttpError(401, 'the API token is unknown, revoked or malformed', { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
    return p;
  }
  const c = cookies(ctx.req).get(SESSION_COOKIE);
  return c ? sessionPrincipal(ctx.app.db, c, ctx.now) : undefined;
}

function statusOf(e: unknown): { status: number; message: string; headers?: Record<string, string> } {
  if (e instanceof HttpError) return { status: e.status, message: e.message, headers: e.headers };
  if (e instanceof ReportError) return { status: e.status, message: e.message };
  if (e instanceof RunConflictError) return { status: 409, message: e.message };
  if (e instanceof NotFoundError) return { status: 404, message: e.message };
  if (e instanceof InvalidError) return { status: 400, message: e.message };
  return { status: 500, message: 'internal error' };
}

/** The host of an Origin header, or undefined (`null`, or not a URL): never equal to our Host. */
function originHost(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}

/** The request handler and its state. */
export function createApp(o: ServerOptions): { state: AppState; handle: (req: IncomingMessage, res: ServerResponse) => void } {
  const state: AppState = {
    db: o.db,
    clock: o.clock ?? Date.now,
    maxUploadBytes: o.maxUploadBytes ?? DEFAULT_MAX_UPLOAD,
    maxConcurrentUploads: o.maxConcurrentUploads ?? 4,
    uploadsInFlight: 0,
    limiter: new LoginLimiter(o.limits),
    secureCookies: o.secureCookies ?? false,
    log: o.log ?? (() => undefined),
    lastSweep: 0,
  };
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    void serve(state, req, res);
  };
  return { state, handle };
}

async function serve(app: AppState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const isApi = url.pathname.startsWith('/api/');
  const ctx: Ctx = { req, res, url, params: {}, principal: undefined, app, now: app.clock() };
  try {
    if (url.pathname === '/healthz') return json(res, 200, { ok: true });
    const m = match(ROUTES, req.method ?? 'GET', url.pathname);
    if (!m.route) {
      if (m.allowed.length) throw new HttpError(405, `use ${m.allowed.join(' or ')}`, { Allow: m.allowed.join(', ') });
      throw new HttpError(404, 'no such page');
    }
    ctx.params = m.params;
    if (ctx.now - app.lastSweep > SWEEP_MS) {
      app.lastSweep = ctx.now;
      await expireAcceptances(app.db, ctx.now);
    }
    ctx.principal = await principalOf(ctx);
    const unsafe = !['GET', 'HEAD', 'OPTIONS'].includes(req.method ?? 'GET');
    if (unsafe && req.headers.authorization === undefined) {
      // Cookie-authenticated (or anonymous: the sign-in form) changes must come from this site.
      const origin = req.headers.origin;
      if (origin !== undefined && originHost(origin) !== req.headers.host) throw new HttpError(403, 'cross-site request refused');
      if (String(req.headers['sec-fetch-site'] ?? 'same-origin') === 'cross-site') throw new HttpError(403, 'cross-site request refused');
      if (isApi && ctx.principal?.kind === 'user') {
        const sent = String(req.headers['x-csrf-token'] ?? '');
        if (!sent || sent !== ctx.principal.csrf) throw new HttpError(403, 'send the X-CSRF-Token header of your session');
      }
    }
    await m.route.handler(ctx);
  } catch (e) {
    const { status, message, headers } = statusOf(e);
    if (status === 500) app.log(`error: ${req.method} ${url.pathname}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
    // Drain what the client is still sending, so it reads the answer rather than a reset connection.
    if (!req.complete) req.resume();
    if (isApi || res.headersSent) return json(res, status, { error: message }, { ...headers, ...(!req.complete ? { Connection: 'close' } : {}) });
    if (status === 401) return redirect(res, `/login?next=${encodeURIComponent(url.pathname + url.search)}`);
    html(res, status, page({ title: 'Error', principal: ctx.principal, body: errorBody(status, message) }), headers);
  }
}

/** A running server. */
export interface RunningServer {
  url: string;
  server: Server;
  state: AppState;
  close(): Promise<void>;
}

/** Starts the server on `host:port` (port 0: any free port). */
export async function startServer(o: ServerOptions & { port: number; host: string }): Promise<RunningServer> {
  const { state, handle } = createApp(o);
  const server = createServer({ requestTimeout: 15 * 60_000, headersTimeout: 30_000, keepAliveTimeout: 5_000 }, handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  const timer = setInterval(() => {
    const now = state.clock();
    state.lastSweep = now;
    expireAcceptances(state.db, now).catch((e: unknown) => state.log(`error: expiring acceptances: ${(e as Error).message}`));
  }, 60_000);
  timer.unref();
  return {
    url: `http://${host}:${addr.port}`,
    server,
    state,
    close: async () => {
      clearInterval(timer);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
