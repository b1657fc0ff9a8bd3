import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** One HTTP request of {@link httpRequestText}. */
export interface HttpRequest {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** PEM CA certificates to trust for https (in addition to none: given, only these are trusted). */
  ca?: string | Buffer;
  /** Whole-request time limit. */
  timeoutMs: number;
  /** Largest response body read; more is an error (default 1 MiB). */
  maxBytes?: number;
  signal?: AbortSignal;
}

/** A response: status, headers and body text. */
export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/**
 * One HTTP(S) request with a time limit and a bound on the response size. Rejects with a plain Error on network
 * errors and timeouts (messages name the host, never a header or body).
 */
export function httpRequestText(r: HttpRequest): Promise<HttpResponse> {
  const url = new URL(r.url);
  const isHttps = url.protocol === 'https:';
  if (!isHttps && url.protocol !== 'http:') return Promise.reject(new Error(`unsupported URL scheme ${url.protocol}`));
  const max = r.maxBytes ?? 1024 * 1024;
  return new Promise((resolve, reject) => {
    const req = (isHttps ? httpsRequest : httpRequest)(
      url,
      {
        method: r.method ?? 'GET',
        // a connection per request: a few requests per run, and no stale pooled socket after a server restart
        agent: false,
        headers: { ...(r.body !== undefined ? { 'content-length': String(Buffer.byteLength(r.body)) } : {}), ...r.headers },
        ...(isHttps && r.ca ? { ca: r.ca } : {}),
        ...(r.signal ? { signal: r.signal } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > max) {
            req.destroy(new Error(`response from ${url.host} is larger than ${max} bytes`));
            return;
          }
          chunks.push(c);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.setTimeout(r.timeoutMs, () => req.destroy(new Error(`no answer from ${url.host} within ${r.timeoutMs} ms`)));
    req.on('error', (e: NodeJS.ErrnoException) => reject(new Error(e.code && !/within|larger/.test(e.message) ? `${url.host}: ${e.code}` : e.message)));
    if (r.body !== undefined) req.end(r.body);
    else req.end();
  });
}
