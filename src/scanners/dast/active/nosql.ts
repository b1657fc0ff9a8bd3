/**
 * NoSQL operator injection (MongoDB-style): a JSON field or a query parameter (`name[$ne]=`) given an operator
 * object. Confirmed by a differential: the match-anything operator (`$ne` of an unlikely value, `$regex: .*`)
 * changes the answer, while the match-nothing one (`$eq` of that value, `$in: []`) gives the original answer, twice.
 */
import type { DastRun } from '../context.js';
import type { Endpoint, Param } from '../endpoints.js';
import type { Res } from '../http/client.js';
import { differs, same } from './compare.js';

const PAIRS: [Record<string, unknown>, Record<string, unknown>][] = [
  [{ $ne: 'pg-nomatch-1' }, { $eq: 'pg-nomatch-1' }],
  [{ $regex: '.*' }, { $regex: '^pg-nomatch-2$' }],
  [{ $gt: '' }, { $in: [] }],
];

/** NoSQL operator injection in one parameter. */
export async function checkNosql(run: DastRun, e: Endpoint, p: Param, base: Res): Promise<void> {
  if (!run.enabled('dast-nosql-injection') || !(p.in === 'json' || p.in === 'query' || p.in === 'form')) return;
  if (typeof p.value === 'object' && p.value !== null) return;
  let hits = 0;
  let proof: Res | undefined;
  for (const [any, none] of PAIRS) {
    const t = await run.probe(e, { param: p, value: any });
    const f = await run.probe(e, { param: p, value: none });
    if (!t || !f) return;
    if (!(differs(t, base) && same(f, base) && differs(t, f))) continue;
    hits++;
    proof ??= t;
    if (hits >= 2) break;
  }
  if (hits < 2 || !proof) return;
  run.report('dast-nosql-injection', {
    endpoint: e,
    param: p,
    message: `${p.in} parameter ${p.name} of ${e.method} ${e.pathTemplate} accepts query operators: a match-anything operator changed the answer and a match-nothing one did not, twice.`,
    res: proof,
  });
}
