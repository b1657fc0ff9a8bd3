/**
 * Security headers of every response: CSP (present, and whether it stops scripts), HSTS on HTTPS, framing
 * protection, X-Content-Type-Options, Referrer-Policy, Permissions-Policy; and server/framework versions in
 * headers. Pages only (HTML, 2xx) for the page-level headers; error pages and redirects are not judged.
 */
import { header, type Res } from '../http/client.js';
import type { SiteFindings } from './site.js';

/** Parses a CSP into directive -> sources (lower case). */
export function parseCsp(csp: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of csp.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name && !out.has(name.toLowerCase())) out.set(name.toLowerCase(), sources.map((s) => s.toLowerCase()));
  }
  return out;
}

/** Why a CSP does not stop injected scripts, or undefined when its script policy holds. */
export function weakCsp(csp: string): string | undefined {
  const d = parseCsp(csp);
  const script = d.get('script-src') ?? d.get('default-src');
  if (!script) return 'no script-src or default-src';
  const strictDynamicOrNonce = script.some((s) => s.startsWith("'nonce-") || s.startsWith("'sha256-") || s.startsWith("'sha384-") || s.startsWith("'sha512-"));
  if (script.includes("'unsafe-inline'") && !strictDynamicOrNonce) return "'unsafe-inline' scripts";
  if (script.includes("'unsafe-eval'")) return "'unsafe-eval'";
  const wild = script.find((s) => s === '*' || s === 'http:' || s === 'https:' || s === 'data:' || s === 'blob:' || /^(https?:\/\/)?\*$/.test(s));
  if (wild) return `script source ${wild}`;
  if (!d.has('object-src') && !(d.get('default-src') ?? []).includes("'none'")) return "no object-src 'none' (plugins can run scripts)";
  return undefined;
}

const VERSION_HEADERS = ['server', 'x-powered-by', 'x-aspnet-version', 'x-aspnetmvc-version', 'x-generator', 'x-runtime-version', 'x-php-version'];

/** Runs the header checks on one response. */
export function checkHeaders(res: Res, site: SiteFindings): void {
  const type = header(res.headers, 'content-type') ?? '';
  const ok = res.status >= 200 && res.status < 300;
  const html = ok && /text\/html|application\/xhtml/i.test(type) && res.sent.method === 'GET';
  const https = res.url.startsWith('https:');
  const csp = header(res.headers, 'content-security-policy');
  if (html) {
    if (!csp) site.add('dast-csp-missing', res, 'HTML pages are sent without a Content-Security-Policy.');
    else {
      const why = weakCsp(csp);
      if (why) site.add('dast-csp-weak', res, `The Content-Security-Policy allows scripts it should stop: ${why}.`, '', csp.slice(0, 60));
    }
    const frameAncestors = csp ? parseCsp(csp).get('frame-ancestors') : undefined;
    const xfo = header(res.headers, 'x-frame-options');
    if (!frameAncestors && !(xfo && /^(deny|sameorigin)$/i.test(xfo.trim()))) site.add('dast-clickjacking', res, 'HTML pages can be framed by any site: no frame-ancestors and no X-Frame-Options.');
    if (!header(res.headers, 'referrer-policy') && !/\breferrer\b/i.test(csp ?? '')) site.add('dast-referrer-policy-missing', res, 'HTML pages are sent without a Referrer-Policy.');
    if (!header(res.headers, 'permissions-policy') && !header(res.headers, 'feature-policy')) site.add('dast-permissions-policy-missing', res, 'HTML pages are sent without a Permissions-Policy.');
  }
  if (ok && res.body.length > 0 && (header(res.headers, 'x-content-type-options') ?? '').toLowerCase().trim() !== 'nosniff') {
    site.add('dast-xcto-missing', res, 'Responses are sent without X-Content-Type-Options: nosniff.');
  }
  if (https && res.status < 400 && !header(res.headers, 'strict-transport-security')) {
    site.add('dast-hsts-missing', res, 'HTTPS responses are sent without Strict-Transport-Security.');
  }
  for (const h of VERSION_HEADERS) {
    const v = header(res.headers, h);
    if (v && /\d+\.\d+/.test(v)) site.add('dast-version-disclosure', res, `The ${h} header discloses a version: ${v.slice(0, 80)}.`, h, v);
  }
}
