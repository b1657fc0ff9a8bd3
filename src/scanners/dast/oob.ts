/**
 * The out-of-band callback listener: an HTTP server pipeguard starts itself (loopback by default), so SSRF, XXE
 * and JWT `jku` probes are confirmed by the target calling back with the probe's own token, without any outside
 * service. It can also serve a body for a token (a key set for `jku`). Stopped at the end of the scan.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';

/** One callback received. */
export interface Hit {
  token: string;
  method: string;
  path: string;
  at: number;
}

/** A running listener. */
export interface Oob {
  /** The base URL probes point at (`http://127.0.0.1:41234`). */
  readonly base: string;
  /** A fresh token and the URL that carries it. */
  token(): { token: string; url: string };
  /** Serves `body` (with `contentType`) at the token's URL. */
  serve(token: string, body: string, contentType: string): void;
  /** The hits of a token, waiting up to `ms` for the first one. */
  waitFor(token: string, ms: number): Promise<Hit[]>;
  close(): Promise<void>;
}

const MAX_HITS = 10_000;

/** Starts a listener on `host` (`port` 0: any free port); `publicBase` overrides the URL the target is told. */
export async function startOob(host: string, port: number, publicBase?: string): Promise<Oob> {
  const hits = new Map<string, Hit[]>();
  const bodies = new Map<string, { body: string; type: string }>();
  const waiters = new Map<string, (() => void)[]>();
  let total = 0;
  const server = http.createServer((req, res) => {
    const path = req.url ?? '/';
    const m = /\/pg-([a-z0-9]{16})/.exec(path);
    if (m && total < MAX_HITS) {
      total++;
      const token = m[1]!;
      const list = hits.get(token) ?? [];
      list.push({ token, method: req.method ?? 'GET', path, at: Date.now() });
      hits.set(token, list);
      for (const w of waiters.get(token) ?? []) w();
      waiters.delete(token);
      const served = bodies.get(token);
      if (served) {
        res.writeHead(200, { 'content-type': served.type });
        res.end(served.body);
        return;
      }
    }
    req.resume();
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const base = (publicBase ?? `http://${host.includes(':') ? `[${host}]` : host}:${addr.port}`).replace(/\/$/, '');
  return {
    base,
    token() {
      const token = randomBytes(8).toString('hex');
      return { token, url: `${base}/pg-${token}` };
    },
    serve(token, body, type) {
      bodies.set(token, { body, type });
    },
    async waitFor(token, ms) {
      if (!hits.has(token) && ms > 0) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, ms);
          const list = waiters.get(token) ?? [];
          list.push(() => {
            clearTimeout(t);
            resolve();
          });
          waiters.set(token, list);
        });
      }
      return hits.get(token) ?? [];
    },
    close() {
      return new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}
