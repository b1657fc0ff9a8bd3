/**
 * Host header injection: a page that builds absolute URLs (links, form actions, redirects) from the request's
 * `Host` or `X-Forwarded-Host` lets an attacker poison password-reset links and shared caches. Each GET page of
 * the inventory (at most 30 path templates) is asked for with `X-Forwarded-Host`, then with `Host`, naming a
 * fresh host of pipeguard's own; the finding needs that host in the answer's `Location` or as the host of a URL in
 * the page (`//host/`), never as mere text.
 */
import { marker, type DastRun } from '../context.js';
import { buildRequest, type Endpoint } from '../endpoints.js';
import { header } from '../http/client.js';

const MAX_TEMPLATES = 30;

/** Host header checks over the GET endpoints of the inventory. */
export async function checkHostHeader(run: DastRun, endpoints: Endpoint[]): Promise<void> {
  if (!run.enabled('dast-host-header-injection')) return;
  const seen = new Set<string>();
  for (const e of endpoints) {
    if (e.method !== 'GET' || seen.has(e.pathTemplate) || e.params.some((p) => p.in === 'header' && /^(x-forwarded-)?host$/i.test(p.name))) continue;
    seen.add(e.pathTemplate);
    if (seen.size > MAX_TEMPLATES) return;
    const req = buildRequest(run.origin, e);
    for (const via of ['X-Forwarded-Host', 'Host'] as const) {
      const evil = `${marker()}.pipeguard-host.example`;
      const res = await run.send(via === 'Host' ? { ...req, hostHeader: evil, noCookies: true } : { ...req, headers: { ...req.headers, 'x-forwarded-host': evil }, noCookies: true });
      if (!res) continue;
      const loc = header(res.headers, 'location') ?? '';
      const inLocation = res.status >= 300 && res.status < 400 && hostOf(loc) === evil;
      const inPage = new RegExp(`(?:https?:)?//${evil.replace(/\./g, '\\.')}(?:[:/?#"'\\s>]|$)`, 'i').test(res.body);
      if (!inLocation && !inPage) continue;
      run.report('dast-host-header-injection', {
        endpoint: e,
        param: { name: via, in: 'header', value: evil },
        message: `${e.method} ${e.pathTemplate} builds ${inLocation ? 'its redirect' : 'absolute URLs in the page'} from the ${via} header: ${via}: ${evil} came back as ${inLocation ? `Location: ${loc}` : `a URL on ${evil}`}.`,
        res,
        ...(inLocation ? { evidence: `Location: ${loc}` } : { proof: evil }),
        data: { header: via, host: evil },
      });
      break;
    }
  }
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url, 'http://pipeguard.invalid/').hostname;
  } catch {
    return undefined;
  }
}
