/**
 * Broken object-level authorisation with two users: an object the first user reads (a path or query id) is
 * requested by the second; when the second gets the same object, and an anonymous request does not (so it is
 * not public), the object-level check is missing. Ids come from the endpoint's own example and from ids seen in
 * the first user's list answers.
 */
import type { DastRun } from '../context.js';
import type { Endpoint, Param } from '../endpoints.js';
import { differs, same } from './compare.js';

const ID_NAME = /^(id|uuid|.*[_-]?id)$/i;
const MAX_IDS = 3;

/** Ids in a JSON answer (`"id": 7`, `"orderId": "a1"`). */
export function idsIn(body: string): string[] {
  const out = new Set<string>();
  for (const m of body.matchAll(/"(?:id|[A-Za-z]*(?:Id|_id))"\s*:\s*("([^"\\]{1,64})"|(\d{1,18}))/g)) {
    out.add(m[2] ?? m[3]!);
    if (out.size >= 50) break;
  }
  return [...out];
}

function idParam(e: Endpoint): Param | undefined {
  return e.params.find((p) => p.in === 'path') ?? e.params.find((p) => p.in === 'query' && ID_NAME.test(p.name));
}

/** BOLA over the GET endpoints that take an object id. */
export async function checkBola(run: DastRun, endpoints: Endpoint[], userA: string, userB: string): Promise<void> {
  if (!run.enabled('dast-bola')) return;
  // Ids the first user can see in list answers.
  const seen = new Set<string>();
  for (const e of endpoints) {
    if (e.method !== 'GET' || idParam(e)) continue;
    const r = await run.baseline(e, userA);
    if (r && r.status === 200 && /json/i.test(String(r.headers['content-type'] ?? ''))) for (const id of idsIn(r.body)) seen.add(id);
  }
  for (const e of endpoints) {
    const p = idParam(e);
    if (e.method !== 'GET' || !p) continue;
    const ids = [String(p.value), ...[...seen].filter((x) => x !== String(p.value))].slice(0, MAX_IDS);
    for (const id of ids) {
      const probe = (as: string | null) => run.probe(e, { param: p, value: id }, { as, quiet: true });
      const a = await probe(userA);
      if (!a || a.status !== 200 || a.body.length < 2) continue;
      const b = await probe(userB);
      if (!b || !same(a, b)) continue;
      const anon = await probe(null);
      if (!anon || !differs(anon, a)) continue;
      // The second user's own view of this endpoint should not be the first user's object: if every id gives
      // the same answer, it is not an object lookup.
      const other = await run.probe(e, { param: p, value: `${id}999` }, { as: userA, quiet: true });
      if (other && same(other, a)) continue;
      run.report('dast-bola', {
        endpoint: e,
        param: p,
        message: `${e.method} ${e.pathTemplate}: ${userB} read the object ${p.name}=${id} that ${userA} reads, which an anonymous request may not.`,
        res: b,
        data: { id, owner: userA, reader: userB, anonymousStatus: anon.status },
      });
      break;
    }
  }
}

