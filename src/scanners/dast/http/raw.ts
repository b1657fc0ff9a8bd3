/**
 * One HTTP exchange with the exact bytes asked for: the request target (`/a/../../etc/passwd`, `/%2e%2e/`) is
 * written as given, never normalised (fetch and `new URL` collapse `..`, which would make a traversal probe test
 * nothing). Bodies are read up to a size limit; every request has a deadline.
 */
import http from 'node:http';
import https from 'node:https';

/** What {@link sendRaw} sends. */
export interface RawRequest {
  method: string;
  /** `http:` or `https:`. */
  protocol: string;
  hostname: string;
  port: number;
  /** The request target, sent byte for byte (path and query). */
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  timeoutMs: number;
  /** Bytes of body kept; the rest is read and dropped. */
  maxBytes: number;
  /** The caller's agent; `false` for a one-off connection. */
  agent?: http.Agent | false;
  /** Check the server's certificate (https). */
  tlsVerify?: boolean;
}

/** What came back. */
export interface RawResponse {
  status: number;
  statusText: string;
  /** Header names in lower case; repeated headers (set-cookie) as arrays. */
  headers: Record<string, string | string[]>;
  body: Buffer;
  /** True when the body was longer than `maxBytes`. */
  truncated: boolean;
  /** From the request's start to the end of the body, in milliseconds. */
  elapsedMs: number;
  /** From the request's start to the first byte of the response. */
  firstByteMs: number;
}

/** A network-level failure: no answer (refused, reset, timed out, DNS). */
export class NetworkError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'NetworkError';
    this.code = code;
  }
}

/**
 * Sends one request and reads its response (up to `maxBytes` of body). Rejects with {@link NetworkError}. A request
 * written on a kept-alive connection that the server closed at that moment (a reset before any answer) is sent once
 * more on a new connection: the server never saw it.
 */
export async function sendRaw(r: RawRequest): Promise<RawResponse> {
  try {
    return await sendOnce(r);
  } catch (e) {
    if (!(e instanceof StaleSocket)) throw e;
  }
  // The agent may hold more kept-alive connections the server closed in the same moment (its keep-alive timeout
  // ends them together after an idle spell): the second try must not take another one. Without an agent of the
  // caller's, a one-off connection; with one, each stale connection taken is destroyed, so a bounded number of
  // tries reaches a new connection.
  if (!r.agent) return sendOnce({ ...r, agent: false });
  for (let i = 0; ; i++) {
    try {
      return await sendOnce(r);
    } catch (e) {
      if (!(e instanceof StaleSocket) || i >= MAX_STALE_RETRIES) throw e;
    }
  }
}

/** Retries of a request met by stale kept-alive connections of a caller's agent. */
const MAX_STALE_RETRIES = 16;

/** A reset or hang-up, before any answer, of a connection the agent had kept alive from an earlier request. */
class StaleSocket extends NetworkError {}

function sendOnce(r: RawRequest): Promise<RawResponse> {
  const mod = r.protocol === 'https:' ? https : http;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (code: string, message: string) => {
      if (settled) return;
      settled = true;
      reject(new NetworkError(code, message));
    };
    const headers: Record<string, string> = { ...r.headers };
    if (r.body !== undefined) headers['content-length'] = String(Buffer.byteLength(r.body));
    let req: http.ClientRequest;
    try {
      req = mod.request({
        method: r.method,
        hostname: r.hostname,
        port: r.port,
        path: r.path,
        headers,
        agent: r.agent,
        insecureHTTPParser: true,
        ...(r.protocol === 'https:' ? { rejectUnauthorized: r.tlsVerify === true } : {}),
      });
    } catch (e) {
      fail('EINVAL', (e as Error).message);
      return;
    }
    const timer = setTimeout(() => {
      req.destroy(new NetworkError('ETIMEDOUT', `no answer within ${r.timeoutMs} ms`));
    }, r.timeoutMs);
    let answered = false;
    req.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (!answered && req.reusedSocket && (e.code === 'ECONNRESET' || e.code === 'EPIPE')) {
        if (settled) return;
        settled = true;
        reject(new StaleSocket(e.code, e.message));
        return;
      }
      fail(e.code ?? 'EIO', e.message);
    });
    req.on('response', (res) => {
      answered = true;
      const firstByteMs = performance.now() - started;
      const chunks: Buffer[] = [];
      let size = 0;
      let truncated = false;
      res.on('data', (c: Buffer) => {
        if (size < r.maxBytes) chunks.push(size + c.length > r.maxBytes ? c.subarray(0, r.maxBytes - size) : c);
        else truncated = true;
        if (size + c.length > r.maxBytes) truncated = true;
        size += c.length;
      });
      res.on('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        fail(e.code ?? 'EIO', e.message);
      });
      res.on('end', () => {
        clearTimeout(timer);
        if (settled) return;
        settled = true;
        const out: Record<string, string | string[]> = {};
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) out[k.toLowerCase()] = v;
        resolve({
          status: res.statusCode ?? 0,
          statusText: res.statusMessage ?? '',
          headers: out,
          body: Buffer.concat(chunks),
          truncated,
          elapsedMs: performance.now() - started,
          firstByteMs,
        });
      });
    });
    if (r.body !== undefined) req.end(r.body);
    else req.end();
  });
}
