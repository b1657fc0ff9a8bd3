import { createServer, Agent, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WindowStats } from './record.js';

/** Which of the two releases behind the proxy. */
export type Role = 'baseline' | 'candidate';

/** A release the proxy forwards to. */
export interface Backend {
  version: string;
  /** `http://host:port` (a path part is ignored). */
  url: string;
}

/** Headers that belong to one connection and are not forwarded (RFC 9110 7.6.1), plus those named in Connection. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/** The cookie that keeps a client on one release when routing is sticky. */
export const STICKY_COOKIE = 'pipeguard-release';

interface Slot {
  backend: Backend;
  host: string;
  port: number;
  agent: Agent;
  inflight: number;
  latencies: number[];
  requests: number;
  errors: number;
}

/**
 * pipeguard's reverse proxy in front of a baseline and a candidate release on one host. node:http with a keep-alive
 * agent per release; bodies are streamed both ways (never buffered); a percentage of new requests goes to the
 * candidate (spread evenly, not at random: 10% is exactly one request in ten), optionally sticky by cookie. It counts
 * per release requests, errors (5xx answers and failed connections, answered 502) and latencies (request start to
 * the end of the response), taken window by window by the analysis. Changing the weight or a backend only affects
 * requests that arrive afterwards: requests in flight finish on the release that took them.
 */
export class DeployProxy {
  private readonly server: Server;
  private readonly slots = new Map<Role, Slot>();
  private weight = 0;
  private credit = 0;
  private readonly sticky: boolean;

  constructor(o: { sticky?: boolean } = {}) {
    this.sticky = o.sticky ?? false;
    this.server = createServer((req, res) => this.handle(req, res));
    this.server.keepAliveTimeout = 5000;
  }

  /** Starts listening; resolves to the bound port. */
  async listen(host: string, port: number): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    return (this.server.address() as AddressInfo).port;
  }

  /** Stops accepting connections and closes idle ones; resolves when every connection is gone. */
  async close(): Promise<void> {
    const done = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    const t = setTimeout(() => this.server.closeAllConnections(), 5000);
    await done;
    clearTimeout(t);
    for (const s of this.slots.values()) s.agent.destroy();
  }

  /** Puts a release in a role (undefined removes it: new requests no longer go there; in-flight ones finish). */
  setBackend(role: Role, backend: Backend | undefined): void {
    const old = this.slots.get(role);
    if (old) {
      this.slots.delete(role);
      void this.retire(old);
    }
    if (!backend) return;
    const u = new URL(backend.url);
    this.slots.set(role, {
      backend,
      host: u.hostname.replace(/^\[|\]$/g, ''),
      port: Number(u.port || 80),
      agent: new Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 64, timeout: 60_000 }),
      inflight: 0,
      latencies: [],
      requests: 0,
      errors: 0,
    });
  }

  /** The release in a role. */
  backend(role: Role): Backend | undefined {
    return this.slots.get(role)?.backend;
  }

  /** Percent (0-100) of new requests that go to the candidate. */
  setWeight(percent: number): void {
    this.weight = Math.max(0, Math.min(100, percent));
    this.credit = 0;
  }

  /** The candidate's current percentage. */
  currentWeight(): number {
    return this.weight;
  }

  /** Swaps roles: the candidate becomes the baseline (weight 100 becomes 0). */
  promote(): void {
    const c = this.slots.get('candidate');
    if (!c) return;
    const b = this.slots.get('baseline');
    this.slots.set('baseline', c);
    this.slots.delete('candidate');
    this.weight = 0;
    this.credit = 0;
    if (b) void this.retire(b);
  }

  /** Requests in flight to a role. */
  inflight(role: Role): number {
    return this.slots.get(role)?.inflight ?? 0;
  }

  /** Resolves when no request is in flight to `role`, or after `timeoutMs`. */
  async drained(role: Role, timeoutMs: number): Promise<boolean> {
    const end = Date.now() + timeoutMs;
    while (this.inflight(role) > 0) {
      if (Date.now() > end) return false;
      await new Promise((r) => setTimeout(r, 20));
    }
    return true;
  }

  /** The figures of each role since the window started; `reset` starts a new window. */
  window(reset: boolean): { candidate?: WindowStats; baseline?: WindowStats } {
    const out: { candidate?: WindowStats; baseline?: WindowStats } = {};
    for (const [role, s] of this.slots) {
      out[role] = windowStats(s.requests, s.errors, s.latencies);
      if (reset) {
        s.requests = 0;
        s.errors = 0;
        s.latencies = [];
      }
    }
    return out;
  }

  private async retire(s: Slot): Promise<void> {
    const end = Date.now() + 60_000;
    while (s.inflight > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    s.agent.destroy();
  }

  private pick(req: IncomingMessage): Role | undefined {
    const c = this.slots.get('candidate');
    const b = this.slots.get('baseline');
    if (!c || this.weight <= 0) return b ? 'baseline' : c && this.weight > 0 ? 'candidate' : undefined;
    if (!b || this.weight >= 100) return 'candidate';
    if (this.sticky) {
      const v = cookie(req.headers.cookie, STICKY_COOKIE);
      if (v === c.backend.version) return 'candidate';
      if (v === b.backend.version) return 'baseline';
    }
    this.credit += this.weight;
    if (this.credit >= 100) {
      this.credit -= 100;
      return 'candidate';
    }
    return 'baseline';
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const role = this.pick(req);
    const slot = role ? this.slots.get(role) : undefined;
    if (!slot) {
      res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '1' }).end('no release is serving\n');
      return;
    }
    const started = process.hrtime.bigint();
    slot.inflight++;
    let counted = false;
    const count = (error: boolean) => {
      if (counted) return;
      counted = true;
      slot.inflight--;
      slot.requests++;
      if (error) slot.errors++;
      slot.latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
    };
    const headers = forwardHeaders(req.headers);
    const remote = req.socket.remoteAddress ?? '';
    headers['x-forwarded-for'] = req.headers['x-forwarded-for'] ? `${String(req.headers['x-forwarded-for'])}, ${remote}` : remote;
    headers['x-forwarded-host'] ??= req.headers.host ?? '';
    headers['x-forwarded-proto'] ??= 'http';
    // The release's host and port are fixed; the client chooses only the path. An absolute-form or authority-form
    // request target (a forward-proxy request) is refused rather than passed on.
    const target = req.url ?? '/';
    if (!target.startsWith('/')) {
      count(false);
      res.writeHead(400, { 'content-type': 'text/plain' }).end('origin-form request target expected\n');
      return;
    }
    // pipeguard:ignore[js-ssrf] host and port are the release's own; the client's request target is only the path (checked above)
    const up = httpRequest({ host: slot.host, port: slot.port, method: req.method, path: target, headers, agent: slot.agent });
    up.on('response', (ur) => {
      const out = forwardHeaders(ur.headers);
      if (this.sticky && role && this.weight > 0 && this.weight < 100) {
        const set = ur.headers['set-cookie'] ?? [];
        out['set-cookie'] = [...set, `${STICKY_COOKIE}=${encodeURIComponent(slot.backend.version)}; Path=/; HttpOnly; SameSite=Lax`];
      }
      res.writeHead(ur.statusCode ?? 502, ur.statusMessage, out);
      ur.pipe(res);
      const status = ur.statusCode ?? 502;
      ur.on('end', () => count(status >= 500));
      ur.on('error', () => {
        count(true);
        res.destroy();
      });
      ur.on('aborted', () => {
        count(true);
        res.destroy();
      });
    });
    up.on('error', () => {
      count(true);
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' }).end(`release ${slot.backend.version} did not answer\n`);
      else res.destroy();
    });
    req.pipe(up);
    res.on('close', () => {
      // the client went away before the answer ended: stop the upstream request too
      if (!res.writableFinished) {
        up.destroy();
        count(false);
      }
    });
  }
}

/** Figures of one window. */
export function windowStats(requests: number, errors: number, latencies: number[]): WindowStats {
  const sorted = [...latencies].sort((a, b) => a - b);
  const q = (p: number) => (sorted.length ? round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!) : undefined);
  const s: WindowStats = { requests, errors, errorRate: requests ? errors / requests : 0 };
  const p50 = q(50);
  const p95 = q(95);
  const p99 = q(99);
  if (p50 !== undefined) s.p50Ms = p50;
  if (p95 !== undefined) s.p95Ms = p95;
  if (p99 !== undefined) s.p99Ms = p99;
  return s;
}

const round = (n: number) => Math.round(n * 100) / 100;

function forwardHeaders(h: IncomingHttpHeaders): Record<string, string | string[]> {
  const named = new Set(
    String(h.connection ?? '')
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean),
  );
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(h)) {
    if (v === undefined || HOP_BY_HOP.has(k) || named.has(k)) continue;
    out[k] = v;
  }
  return out;
}

function cookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) {
      try {
        return decodeURIComponent(part.slice(i + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
