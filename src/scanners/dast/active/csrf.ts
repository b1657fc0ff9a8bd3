/**
 * Cross-site request forgery: a form that changes state (POST, no password field: a login form is not the target)
 * is submitted twice, once as the site's own page would (its `Origin` and `Referer`) and once as another site
 * would (a foreign `Origin` and `Referer`, `Sec-Fetch-Site: cross-site`, every token-like field left out). The
 * finding needs the foreign submission to be accepted like the own one (status below 400, the same answer), and a
 * browser to send the site's cookies with it: the site sets a cookie without `SameSite=Lax` or `Strict`. A form
 * whose token is checked, a server that checks the origin, or cookies a browser keeps to same-site requests each
 * make it silent.
 */
import type { DastRun } from '../context.js';
import { buildRequest, type Endpoint } from '../endpoints.js';
import { headerAll, type Res } from '../http/client.js';
import { similarity } from './compare.js';

/** The foreign site the forged submission claims to come from. */
export const CSRF_ORIGIN = 'https://pipeguard-csrf.example';
/** Names of fields that carry an anti-CSRF token. */
const TOKEN = /csrf|xsrf|token|nonce|authenticity|__requestverification|form_key|_wpnonce/i;

/** The cookies of the pages fetched that a browser sends on a cross-site POST (SameSite absent or None). */
export function crossSiteCookies(pages: Iterable<Res>): string[] {
  const out = new Set<string>();
  for (const res of pages) {
    for (const c of headerAll(res.headers, 'set-cookie')) {
      const m = /^\s*([^=;\s]+)=([^;]*)(.*)$/.exec(c);
      if (!m || m[2] === '' || /;\s*max-age=(0|-)/i.test(m[3]!)) continue;
      const ss = /;\s*samesite=(\w+)/i.exec(m[3]!)?.[1]?.toLowerCase();
      if (!ss || ss === 'none') out.add(m[1]!);
    }
  }
  return [...out].sort();
}

/** CSRF on the state-changing forms found by the crawler. */
export async function checkCsrf(run: DastRun, endpoints: Endpoint[]): Promise<void> {
  if (!run.enabled('dast-csrf')) return;
  const cookies = crossSiteCookies(run.pages.values());
  if (!cookies.length) return;
  const forms = endpoints.filter((e) => e.source === 'crawl' && e.method === 'POST' && e.bodyType === 'form' && !e.password?.length);
  for (const e of forms) {
    const own = buildRequest(run.origin, e);
    const mine = await run.send({ ...own, headers: { ...own.headers, origin: run.origin, referer: `${run.origin}/`, 'sec-fetch-site': 'same-origin' }, noCookies: true });
    if (!mine || mine.status >= 400) continue;
    const tokens = e.params.filter((p) => p.in === 'form' && TOKEN.test(p.name)).map((p) => p.name);
    const forged = buildRequest(run.origin, { ...e, params: e.params.filter((p) => !tokens.includes(p.name)) });
    const theirs = await run.send({ ...forged, headers: { ...forged.headers, origin: CSRF_ORIGIN, referer: `${CSRF_ORIGIN}/attack.html`, 'sec-fetch-site': 'cross-site' }, noCookies: true });
    if (!theirs || theirs.status !== mine.status || similarity(mine.body, theirs.body) < 0.9) continue;
    run.report('dast-csrf', {
      endpoint: e,
      message: `The form ${e.method} ${e.pathTemplate} accepts a submission from another site (Origin ${CSRF_ORIGIN}${tokens.length ? `, without its ${tokens.join(', ')} field` : ', no anti-CSRF token'}), and the site sets ${cookies.length === 1 ? 'a cookie' : 'cookies'} (${cookies.slice(0, 3).join(', ')}) a browser sends with it.`,
      res: theirs,
      data: { origin: CSRF_ORIGIN, tokenFields: tokens, crossSiteCookies: cookies },
    });
  }
}
