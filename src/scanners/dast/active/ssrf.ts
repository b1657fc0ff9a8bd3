/**
 * Server-side request forgery: parameters that carry a URL (by name or value) are pointed at pipeguard's own
 * callback listener with a token per probe; a request arriving with that token is the proof.
 */
import type { DastRun } from '../context.js';
import type { Endpoint, Param } from '../endpoints.js';

const NAMES = /url|uri|link|href|src|source|dest|target|callback|webhook|hook|feed|host|endpoint|proxy|image|img|avatar|fetch|load|remote|site|domain|server|api/i;
const WAIT_MS = 1500;

/** SSRF in one parameter. */
export async function checkSsrf(run: DastRun, e: Endpoint, p: Param): Promise<void> {
  if (!run.enabled('dast-ssrf') || !run.oob || typeof p.value !== 'string' || p.in === 'path' || p.in === 'cookie') return;
  if (!NAMES.test(p.name) && !/^https?:\/\//i.test(p.value)) return;
  const { token, url } = run.oob.token();
  const res = await run.probe(e, { param: p, value: url });
  if (!res) return;
  const hits = await run.oob.waitFor(token, WAIT_MS);
  if (!hits.length) return;
  run.report('dast-ssrf', {
    endpoint: e,
    param: p,
    message: `${p.in} parameter ${p.name} of ${e.method} ${e.pathTemplate} makes the server fetch any URL: the callback listener received ${hits[0]!.method} ${hits[0]!.path}.`,
    res,
    data: { callback: hits[0]!.path },
  });
}
