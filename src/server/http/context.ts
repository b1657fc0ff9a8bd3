/** What every handler gets: the request, the app's state, who is asking, and helpers to check it. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LoginLimiter } from '../auth/rate-limit.js';
import { can, type Principal, type Scope } from '../auth/scopes.js';
import type { Db } from '../db/types.js';
import type { Params } from './router.js';

/** An error with an HTTP status. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** The server's state, shared by its handlers (one per server instance: nothing global). */
export interface AppState {
  db: Db;
  clock: () => number;
  /** Largest accepted report, in bytes after decompression. */
  maxUploadBytes: number;
  /** Uploads parsed at once; more get 503 and a Retry-After. */
  maxConcurrentUploads: number;
  uploadsInFlight: number;
  limiter: LoginLimiter;
  /** Mark cookies Secure (behind HTTPS). */
  secureCookies: boolean;
  log(line: string): void;
  /** When accepted-risk expiries were last applied. */
  lastSweep: number;
}

/** One request. */
export interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: Params;
  principal: Principal | undefined;
  app: AppState;
  now: number;
}

/** A route handler. */
export type Handler = (ctx: Ctx) => Promise<void>;

/** The principal, or 401 when nobody is signed in, 403 when it lacks `scope`. */
export function need(ctx: Ctx, scope: Scope): Principal {
  const p = ctx.principal;
  if (!p) throw new HttpError(401, 'sign in or send an API token (Authorization: Bearer pgt_...)', { 'WWW-Authenticate': 'Bearer' });
  if (!can(p, scope)) throw new HttpError(403, `this needs the ${scope} scope`);
  return p;
}

/** The projects the principal may see: undefined for all, or the one its token is bound to. */
export function visible(p: Principal): number[] | undefined {
  return p.projectId === null ? undefined : [p.projectId];
}

/** A positive integer route parameter, or 404. */
export function idParam(ctx: Ctx, name = 'id'): number {
  const v = ctx.params[name] ?? '';
  if (!/^\d{1,15}$/.test(v)) throw new HttpError(404, `no such ${name}`);
  return Number(v);
}
