/**
 * CORS: a request with `Origin: https://<random>.example` and one with `Origin: null` to the base URL and to one
 * URL per API path template; an answer that allows that origin with credentials is the finding.
 */
import type { DastRun } from '../context.js';
import { buildRequest, type Endpoint } from '../endpoints.js';
import { header } from '../http/client.js';

const MAX_URLS = 30;

/** CORS checks over the inventory. */
export async function checkCors(run: DastRun, endpoints: Endpoint[]): Promise<void> {
  if (!run.any('dast-cors-reflected-origin', 'dast-cors-null-origin')) return;
  const seen = new Set<string>();
  const targets: { url: string; pathTemplate: string }[] = [{ url: run.client.o.scope.base.href, pathTemplate: new URL(run.client.o.scope.base.href).pathname }];
  for (const e of endpoints) {
    if (e.method !== 'GET' || seen.has(e.pathTemplate)) continue;
    seen.add(e.pathTemplate);
    targets.push({ url: buildRequest(run.origin, e).url, pathTemplate: e.pathTemplate });
  }
  let reflected = false;
  let nul = false;
  for (const t of targets.slice(0, MAX_URLS)) {
    if (!reflected && run.enabled('dast-cors-reflected-origin')) {
      const origin = `https://pg${Math.random().toString(36).slice(2, 8)}.example`;
      const res = await run.send({ method: 'GET', url: t.url, headers: { origin }, quiet: true });
      if (res && header(res.headers, 'access-control-allow-origin') === origin && /^true$/i.test(header(res.headers, 'access-control-allow-credentials') ?? '')) {
        reflected = true;
        run.report('dast-cors-reflected-origin', { url: t.url, method: 'GET', pathTemplate: '/*', message: `${t.pathTemplate} allows any origin with credentials: Origin ${origin} was echoed in Access-Control-Allow-Origin.`, res, evidence: `Access-Control-Allow-Origin: ${origin}; Access-Control-Allow-Credentials: true` });
      }
    }
    if (!nul && run.enabled('dast-cors-null-origin')) {
      const res = await run.send({ method: 'GET', url: t.url, headers: { origin: 'null' }, quiet: true });
      if (res && header(res.headers, 'access-control-allow-origin') === 'null' && /^true$/i.test(header(res.headers, 'access-control-allow-credentials') ?? '')) {
        nul = true;
        run.report('dast-cors-null-origin', { url: t.url, method: 'GET', pathTemplate: '/*', message: `${t.pathTemplate} allows the null origin with credentials.`, res, evidence: 'Access-Control-Allow-Origin: null; Access-Control-Allow-Credentials: true' });
      }
    }
    if (reflected && nul) return;
  }
}
