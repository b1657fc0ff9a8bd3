/** Writing responses: JSON, HTML, text and redirects, with the security headers every response carries. */
import type { ServerResponse } from 'node:http';

/** Headers on every response: no sniffing, no framing, no referrer leaks, scripts and styles only from here. */
export const SECURITY_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'same-origin',
  'Content-Security-Policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'Cross-Origin-Opener-Policy': 'same-origin',
};

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': type, 'Content-Length': String(Buffer.byteLength(body)), 'Cache-Control': 'no-store', ...headers });
  // pipeguard:ignore[js-xss] the content type is the caller's: json() and text() send non-HTML types, html() is given pages built by the escaping templates in ../ui
  res.end(body);
}

/** A JSON response. */
export function json(res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body) + '\n', headers);
}

/** An HTML page. */
export function html(res: ServerResponse, status: number, body: string, headers?: Record<string, string>): void {
  send(res, status, 'text/html; charset=utf-8', body, headers);
}

/** Plain text (or another text type). */
export function text(res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8', headers?: Record<string, string>): void {
  send(res, status, type, body, headers);
}

/** A static asset that may be cached (its URL carries its content hash). */
export function asset(res: ServerResponse, type: string, body: string): void {
  send(res, 200, type, body, { 'Cache-Control': 'public, max-age=31536000, immutable' });
}

/** A 303 redirect (after a form post). */
export function redirect(res: ServerResponse, location: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res.writeHead(303, { ...SECURITY_HEADERS, Location: location, 'Content-Length': '0', ...headers });
  res.end();
}
