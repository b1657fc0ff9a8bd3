/**
 * Comparing answers for differential checks (boolean SQL injection, NoSQL operators): same status and nearly the
 * same body once the probes' own text is taken out. Token-multiset similarity: cheap, order-insensitive, and
 * steady against small dynamic parts (a timestamp, a counter).
 */
import type { Res } from '../http/client.js';

const MAX = 200_000;

function tokens(body: string, drop: string[]): Map<string, number> {
  let b = body.length > MAX ? body.slice(0, MAX) : body;
  for (const d of drop) if (d) b = b.split(d).join(' ');
  const out = new Map<string, number>();
  for (const t of b.split(/[^A-Za-z0-9_]+/)) if (t) out.set(t, (out.get(t) ?? 0) + 1);
  return out;
}

/** Similarity of two bodies in [0, 1] (1: the same words as often), with `drop` (the probes) taken out first. */
export function similarity(a: string, b: string, drop: string[] = []): number {
  const encoded = drop.flatMap((d) => [d, encodeURIComponent(d), escapeHtml(d), JSON.stringify(d).slice(1, -1)]);
  const ta = tokens(a, encoded);
  const tb = tokens(b, encoded);
  let common = 0;
  let na = 0;
  let nb = 0;
  for (const v of ta.values()) na += v;
  for (const v of tb.values()) nb += v;
  if (na + nb === 0) return 1;
  for (const [k, v] of ta) common += Math.min(v, tb.get(k) ?? 0);
  return (2 * common) / (na + nb);
}

/** True when two answers are the same answer (status, and body similarity at least `threshold`). */
export function same(a: Res, b: Res, drop: string[] = [], threshold = 0.97): boolean {
  return a.status === b.status && similarity(a.body, b.body, drop) >= threshold;
}

/** True when two answers clearly differ (status, or body similarity below `threshold`). */
export function differs(a: Res, b: Res, drop: string[] = [], threshold = 0.9): boolean {
  return a.status !== b.status || similarity(a.body, b.body, drop) < threshold;
}

/** HTML escaping as templating engines do it. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** True when a parameter holds text a probe can extend (strings, numbers; not objects or booleans). */
export function isTextual(v: unknown): boolean {
  return typeof v === 'string' || typeof v === 'number';
}
