/**
 * Open redirect: parameters that carry a URL or a path are given another host (absolute, protocol-relative,
 * backslash, and forms that keep the allowed host in the text); the answer's `Location` (or meta/JS refresh) is
 * parsed and its host compared. A substring match never counts.
 */
import type { DastRun } from '../context.js';
import type { Endpoint, Param } from '../endpoints.js';
import { parseHtml } from '../discovery/html.js';
import { header } from '../http/client.js';

const EVIL = 'pipeguard-redirect.example';
const NAMES = /redir|return|next|url|uri|dest|continue|goto|target|forward|callback|back|to$|^r$|^u$|link|path|location|success|failure|origin/i;

/** Open redirect in one parameter. */
export async function checkRedirect(run: DastRun, e: Endpoint, p: Param): Promise<void> {
  if (!run.enabled('dast-open-redirect') || typeof p.value !== 'string' || p.in === 'path' || p.in === 'header') return;
  if (!NAMES.test(p.name) && !/^(https?:)?\/\/|^\//.test(p.value)) return;
  const own = new URL(run.origin).host;
  const tries = [`https://${EVIL}/`, `//${EVIL}/`, `/\\${EVIL}/`, `https://${own}.${EVIL}/`, `https://${EVIL}/?${own}`, `https:${EVIL}`];
  for (const t of tries) {
    const res = await run.probe(e, { param: p, value: t }, { follow: false });
    if (!res) continue;
    let dest: string | undefined;
    const loc = header(res.headers, 'location');
    if (res.status >= 300 && res.status < 400 && loc) dest = loc;
    else if (res.status === 200) dest = parseHtml(res.body, res.url).refresh ?? header(res.headers, 'refresh')?.replace(/^\s*\d+\s*;\s*url\s*=\s*/i, '');
    if (!dest) continue;
    let host: string;
    try {
      host = new URL(dest.replace(/\\/g, '/'), res.url).hostname;
    } catch {
      continue;
    }
    if (host !== EVIL) continue;
    run.report('dast-open-redirect', {
      endpoint: e,
      param: p,
      message: `${p.in} parameter ${p.name} of ${e.method} ${e.pathTemplate} redirects to any host: ${JSON.stringify(t)} sent the browser to ${host}.`,
      res,
      proof: dest.slice(0, 80),
      data: { payload: t, location: dest },
    });
    return;
  }
}
