/**
 * Mass assignment: privileged fields (`isAdmin`, `role`...) added to the JSON body of a write endpoint, then read
 * back with a GET of the same object (same path template, or the logged-in check URL). A field that reads back
 * with the value sent, and did not have it before, was assigned. This changes data on the target: it runs after
 * the other checks, and only on endpoints the scope allows writing to.
 */
import type { DastRun } from '../context.js';
import { buildRequest, type Endpoint } from '../endpoints.js';

const FIELDS: Record<string, unknown> = { isAdmin: true, is_admin: true, admin: true, role: 'admin', roles: ['admin'], accountType: 'admin', permissions: ['*'], verified: true };

function find(body: unknown, key: string, depth = 0): unknown {
  if (!body || typeof body !== 'object' || depth > 2) return undefined;
  if (Array.isArray(body)) return undefined;
  const o = body as Record<string, unknown>;
  if (key in o) return o[key];
  for (const v of Object.values(o)) {
    const x = find(v, key, depth + 1);
    if (x !== undefined) return x;
  }
  return undefined;
}

function parse(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

/** Mass assignment over the JSON write endpoints. */
export async function checkMassAssignment(run: DastRun, endpoints: Endpoint[], checkUrl: string | undefined): Promise<void> {
  if (!run.enabled('dast-mass-assignment')) return;
  for (const e of endpoints) {
    if (!['POST', 'PUT', 'PATCH'].includes(e.method) || e.bodyType !== 'json' || e.source === 'graphql') continue;
    const readEp = endpoints.find((x) => x.method === 'GET' && x.pathTemplate === e.pathTemplate);
    const readUrl = readEp ? buildRequest(run.origin, { ...readEp, pathValues: e.pathValues, params: readEp.params.map((p) => (p.in === 'path' ? { ...p, value: e.params.find((q) => q.in === 'path' && q.name === p.name)?.value ?? p.value } : p)) }).url : checkUrl;
    if (!readUrl) continue;
    const before = await run.send({ method: 'GET', url: readUrl, quiet: true });
    if (!before || before.status !== 200) continue;
    const prior = parse(before.body);
    if (prior === undefined) continue;
    const req = buildRequest(run.origin, e);
    const body = { ...((parse(req.body ?? '{}') as Record<string, unknown>) ?? {}), ...FIELDS };
    const res = await run.send({ ...req, body: JSON.stringify(body) });
    if (!res || res.status >= 400) continue;
    const after = await run.send({ method: 'GET', url: readUrl, quiet: true });
    const now = after && after.status === 200 ? parse(after.body) : undefined;
    if (now === undefined) continue;
    const taken = Object.entries(FIELDS)
      .filter(([k, v]) => JSON.stringify(find(now, k)) === JSON.stringify(v) && JSON.stringify(find(prior, k)) !== JSON.stringify(v))
      .map(([k]) => k);
    if (!taken.length) continue;
    run.report('dast-mass-assignment', {
      endpoint: e,
      message: `${e.method} ${e.pathTemplate} stores privileged fields sent in its body: ${taken.join(', ')} read back from ${new URL(readUrl).pathname} with the values sent.`,
      res: after,
      proof: `"${taken[0]}"`,
      data: { fields: taken },
    });
  }
}
