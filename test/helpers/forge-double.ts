// A local double of the GitHub and GitLab APIs on 127.0.0.1 (port 0), serving recorded, anonymised responses
// written from the public API documentation's response shapes. It behaves as the real APIs do where pipeguard
// depends on it: ETags and 304s, Link pagination, rate-limit headers, permission errors per token, GraphQL.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFileSync } from 'node:fs';

/** One recorded answer. */
export interface Route {
  status?: number;
  body?: unknown;
  /** A raw (non-JSON) body, e.g. a GitLab blob. */
  raw?: string;
  headers?: Record<string, string>;
  /** Serve the array body (or `body[paginateKey]`) page by page with `per_page`/`page` and a Link header. */
  paginate?: boolean;
  paginateKey?: string;
  /** The permission a token needs (GitHub fine-grained name, e.g. `administration`); see {@link ForgeDouble.tokens}. */
  needs?: string;
  /** GraphQL answers: the first whose `contains` is in the query and whose `variables` all match. */
  graphql?: { contains: string; variables?: Record<string, unknown>; body: unknown }[];
}

/** A recording: routes keyed `METHOD /path` or `METHOD /path?k=v` (the listed query parameters must match). */
export interface Recording {
  forge: 'github' | 'gitlab';
  routes: Record<string, Route>;
}

/** One request the double received. */
export interface Seen {
  method: string;
  path: string;
  query: string;
  status: number;
  authorization?: string;
  privateToken?: string;
  ifNoneMatch?: string;
}

/** The double. */
export class ForgeDouble {
  readonly seen: Seen[] = [];
  /** Token → permissions it has. A route's `needs` must be among them; `*` has all. */
  tokens: Record<string, string[]> = { 'test-token': ['*'] };
  private server!: Server;
  private port = 0;
  private readonly once: { key: string; route: Route }[] = [];
  private remaining = 5000;

  constructor(public recording: Recording) {}

  /** Loads a recording file (JSON). */
  static load(file: URL | string): Recording {
    return JSON.parse(readFileSync(file, 'utf8')) as Recording;
  }

  /** The API root: `http://127.0.0.1:PORT` (GitHub) or `http://127.0.0.1:PORT/api/v4` (GitLab). */
  get url(): string {
    return `http://127.0.0.1:${this.port}${this.recording.forge === 'gitlab' ? '/api/v4' : ''}`;
  }

  /** Answers the next request matching `key` (`METHOD /path`) with `route` instead of the recording. */
  onceFor(key: string, route: Route): void {
    this.once.push({ key, route });
  }

  /** Requests seen, optionally only those whose path starts with `prefix`. */
  count(prefix = ''): number {
    return this.seen.filter((s) => s.path.startsWith(prefix)).length;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    const prefix = this.recording.forge === 'gitlab' ? '/api/v4' : '';
    // Paths are matched decoded, as the recordings are written (`/projects/group/app`).
    const path = decodeURIComponent(u.pathname.startsWith(prefix) ? u.pathname.slice(prefix.length) : u.pathname);
    const method = req.method ?? 'GET';
    const seen: Seen = { method, path, query: u.search, status: 0 };
    if (req.headers.authorization) seen.authorization = String(req.headers.authorization);
    if (req.headers['private-token']) seen.privateToken = String(req.headers['private-token']);
    if (req.headers['if-none-match']) seen.ifNoneMatch = String(req.headers['if-none-match']);
    this.seen.push(seen);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}, raw?: string) => {
      seen.status = status;
      const text = raw ?? (body === undefined ? '' : JSON.stringify(body));
      res.writeHead(status, { 'content-type': raw !== undefined ? 'text/plain' : 'application/json; charset=utf-8', ...this.rateHeaders(status), ...headers });
      res.end(status === 304 || status === 204 ? undefined : text);
    };
    const key = `${method} ${path}`;
    const scripted = this.once.findIndex((o) => o.key === key);
    let route: Route | undefined;
    if (scripted >= 0) route = this.once.splice(scripted, 1)[0]!.route;
    else route = this.match(method, path, u.searchParams);
    if (!route) return send(404, this.recording.forge === 'github' ? { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } : { message: '404 Not Found' });
    // Authentication and permissions.
    const token = this.recording.forge === 'github' ? /^(?:Bearer|token) (.+)$/.exec(seen.authorization ?? '')?.[1] : seen.privateToken;
    if (token !== undefined && !(token in this.tokens)) return send(401, { message: this.recording.forge === 'github' ? 'Bad credentials' : '401 Unauthorized' });
    if (method === 'POST' && path.endsWith('/graphql') && token === undefined) return send(401, { message: 'This endpoint requires you to be authenticated.' });
    if (route.needs) {
      const perms = token === undefined ? [] : this.tokens[token]!;
      if (!perms.includes('*') && !perms.includes(route.needs)) {
        if (this.recording.forge === 'github') {
          return send(403, { message: 'Resource not accessible by personal access token', documentation_url: 'https://docs.github.com/rest', status: '403' }, { 'x-accepted-github-permissions': `${route.needs}=read` });
        }
        return send(403, { message: '403 Forbidden' });
      }
    }
    if (route.graphql) {
      const q = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { query?: string; variables?: Record<string, unknown> };
      const hit = route.graphql.find((g) => (q.query ?? '').includes(g.contains) && Object.entries(g.variables ?? {}).every(([k, v]) => JSON.stringify(q.variables?.[k]) === JSON.stringify(v)));
      return send(200, hit ? hit.body : { data: null, errors: [{ type: 'NOT_FOUND', message: 'no recorded answer for this query' }] });
    }
    const status = route.status ?? 200;
    if (route.raw !== undefined) return send(status, undefined, { etag: etag(route.raw), ...route.headers }, route.raw);
    let body = route.body;
    const headers: Record<string, string> = { ...route.headers };
    if (route.paginate) {
      const all = (route.paginateKey ? (body as Record<string, unknown[]>)[route.paginateKey] : body) as unknown[];
      const per = Math.min(100, Number(u.searchParams.get('per_page') ?? 30));
      const page = Math.max(1, Number(u.searchParams.get('page') ?? 1));
      const slice = all.slice((page - 1) * per, page * per);
      body = route.paginateKey ? { ...(body as object), [route.paginateKey]: slice } : slice;
      const last = Math.max(1, Math.ceil(all.length / per));
      const link = (p: number, rel: string) => {
        const q = new URLSearchParams(u.searchParams);
        q.set('page', String(p));
        return `<http://127.0.0.1:${this.port}${u.pathname}?${q}>; rel="${rel}"`;
      };
      const links = [page < last ? link(page + 1, 'next') : '', link(last, 'last'), page > 1 ? link(1, 'first') : ''].filter(Boolean);
      headers['link'] = links.join(', ');
      if (this.recording.forge === 'gitlab') {
        headers['x-total'] = String(all.length);
        if (page < last) headers['x-next-page'] = String(page + 1);
      }
    }
    if (status === 200) {
      const tag = etag(JSON.stringify(body));
      headers['etag'] = tag;
      if (seen.ifNoneMatch === tag) return send(304, undefined, headers);
    }
    return send(status, body, headers);
  }

  private index?: Map<string, { route: Route; query: string }[]>;

  private match(method: string, path: string, q: URLSearchParams): Route | undefined {
    // Routes indexed by `METHOD /path` once (an organisation's recording holds thousands).
    if (!this.index) {
      this.index = new Map();
      for (const [k, route] of Object.entries(this.recording.routes)) {
        const [mp, query = ''] = k.split('?') as [string, string?];
        this.index.set(mp, [...(this.index.get(mp) ?? []), { route, query }]);
      }
    }
    let best: { route: Route; score: number } | undefined;
    for (const { route, query } of this.index.get(`${method} ${path}`) ?? []) {
      const want = new URLSearchParams(query);
      let ok = true;
      for (const [wk, wv] of want) if (q.get(wk) !== wv) ok = false;
      if (!ok) continue;
      const score = [...want.keys()].length;
      if (!best || score > best.score) best = { route, score };
    }
    return best?.route;
  }

  private rateHeaders(status: number): Record<string, string> {
    // As GitHub does, a 304 does not count against the primary limit.
    if (status !== 304) this.remaining = Math.max(0, this.remaining - 1);
    const h: Record<string, string> =
      this.recording.forge === 'github'
        ? { 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': String(this.remaining), 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600), 'x-ratelimit-resource': 'core' }
        : { 'ratelimit-limit': '2000', 'ratelimit-remaining': String(this.remaining), 'ratelimit-reset': String(Math.floor(Date.now() / 1000) + 60) };
    return h;
  }
}

function etag(text: string): string {
  return `W/"${createHash('sha1').update(text).digest('hex')}"`;
}
