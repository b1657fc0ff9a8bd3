/**
 * Cookie flags of every Set-Cookie: HttpOnly and SameSite on cookies that look like sessions or tokens, Secure
 * on any cookie set over HTTPS. One finding per cookie name and rule, site-wide.
 */
import { headerAll, type Res } from '../http/client.js';
import type { SiteFindings } from './site.js';

const SESSION = /sess|sid|auth|token|jwt|login|remember|connect\.|csrf|xsrf|identity|access|refresh/i;

/** Runs the cookie checks on one response. */
export function checkCookies(res: Res, site: SiteFindings): void {
  const https = res.url.startsWith('https:');
  for (const c of headerAll(res.headers, 'set-cookie')) {
    const m = /^\s*([^=;\s]+)=([^;]*)(.*)$/.exec(c);
    if (!m) continue;
    const name = m[1]!;
    const attrs = m[3]!.toLowerCase();
    if (m[2] === '' || /;\s*max-age=(0|-)/.test(attrs)) continue; // a deletion
    const session = SESSION.test(name);
    const csrf = /csrf|xsrf/i.test(name);
    if (https && !/;\s*secure\b/.test(attrs)) site.add('dast-cookie-no-secure', res, `The cookie ${name} is set over HTTPS without Secure.`, name, name);
    if (session && !csrf && !/;\s*httponly\b/.test(attrs)) site.add('dast-cookie-no-httponly', res, `The cookie ${name} looks like a session cookie and is set without HttpOnly.`, name, name);
    const ss = /;\s*samesite=(\w+)/.exec(attrs)?.[1];
    if (session && (!ss || (ss === 'none' && !/;\s*secure\b/.test(attrs)))) {
      site.add('dast-cookie-no-samesite', res, `The cookie ${name} is set without ${ss ? 'Secure alongside SameSite=None' : 'SameSite'}.`, name, name);
    }
  }
}
