/**
 * CRLF / HTTP header injection (response splitting): a line break followed by a header of our own, with a fresh
 * marker as its value, is put into one parameter; the finding needs that header to come back as a header of its
 * own in the answer (a value merely reflected inside another header or the body never counts). URL parameters get
 * the line break percent-encoded in the exact bytes sent (`%0d%0a`, and `%0a` alone for servers that split on LF);
 * form and JSON fields get the raw characters, which their encodings carry.
 */
import { marker, type DastRun } from '../context.js';
import type { Endpoint, Param } from '../endpoints.js';
import { header } from '../http/client.js';

/** The header the probes try to add; its value is the probe's marker. */
export const CRLF_HEADER = 'x-pipeguard-crlf';

/** CRLF injection in one parameter. */
export async function checkCrlf(run: DastRun, e: Endpoint, p: Param): Promise<void> {
  if (!run.enabled('dast-crlf-injection') || p.in === 'header' || p.in === 'cookie' || p.fixed) return;
  if (p.value !== undefined && p.value !== null && typeof p.value === 'object') return;
  const inUrl = p.in === 'query' || p.in === 'path';
  const start = String(p.value ?? '');
  const breaks = inUrl ? ['%0d%0a', '%0a'] : ['\r\n', '\n'];
  for (const br of breaks) {
    const m = marker();
    const value = inUrl ? `${encodeURIComponent(start)}${br}${CRLF_HEADER}:%20${m}` : `${start}${br}${CRLF_HEADER}: ${m}`;
    const res = await run.probe(e, { param: p, value, ...(inUrl ? { raw: true } : {}) }, { follow: false });
    // The rest of the line the value was spliced into (`; Path=/` of a cookie) may follow the marker.
    if (!res || !header(res.headers, CRLF_HEADER)?.trim().startsWith(m)) continue;
    run.report('dast-crlf-injection', {
      endpoint: e,
      param: p,
      message: `${p.in} parameter ${p.name} of ${e.method} ${e.pathTemplate} is written into the response headers unfiltered: a line break in it added the header ${CRLF_HEADER}: ${m} (HTTP response splitting).`,
      res,
      evidence: `${CRLF_HEADER}: ${m}`,
      data: { payload: value, injectedHeader: `${CRLF_HEADER}: ${m}` },
    });
    return;
  }
}
