/** A route table: method, path pattern with `:name` segments, handler. Segments are URL-decoded. */

/** A matched route's parameters. */
export type Params = Record<string, string>;

/** One route. */
export interface Route<H> {
  method: string;
  pattern: string;
  handler: H;
}

/** Splits a raw path into decoded segments; undefined when a segment is badly encoded. */
export function segments(pathname: string): string[] | undefined {
  try {
    return pathname.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return undefined;
  }
}

/** The route for a method and path, with its parameters; `allowed` lists methods of routes matching the path. */
export function match<H>(routes: readonly Route<H>[], method: string, pathname: string): { route?: Route<H>; params: Params; allowed: string[] } {
  const segs = segments(pathname);
  const allowed: string[] = [];
  if (!segs) return { params: {}, allowed };
  for (const r of routes) {
    const parts = r.pattern.split('/').filter(Boolean);
    if (parts.length !== segs.length) continue;
    const params: Params = {};
    let ok = true;
    for (let i = 0; i < parts.length && ok; i++) {
      const p = parts[i]!;
      if (p.startsWith(':')) params[p.slice(1)] = segs[i]!;
      else ok = p === segs[i];
    }
    if (!ok) continue;
    if (r.method === method || (method === 'HEAD' && r.method === 'GET')) return { route: r, params, allowed };
    allowed.push(r.method);
  }
  return { params: {}, allowed };
}
