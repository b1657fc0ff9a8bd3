/**
 * The HTML crawler: breadth-first from the base URL, plus robots.txt and sitemap.xml entries, following links,
 * frames and meta refreshes in scope; every form becomes an endpoint. Bounded by depth, a page budget and a
 * number of pages per path template (so /items/1.../items/5000 costs three requests, not five thousand).
 */
import type { DastRun } from '../context.js';
import { endpointFromUrl, templateOf, type Endpoint, type Param } from '../endpoints.js';
import { header } from '../http/client.js';
import { fillValue, parseHtml, type Form } from './html.js';

const ASSET = /\.(png|jpe?g|gif|webp|svg|ico|bmp|woff2?|ttf|otf|eot|mp[34]|webm|avi|mov|pdf|zip|gz|tgz|bz2|7z|rar|exe|dmg|iso|css|map)$/i;
const MAX_SITEMAP_URLS = 500;

/** Crawls from the base URL; returns the number of pages fetched. */
export async function crawl(run: DastRun, start: string): Promise<number> {
  const { depth: maxDepth, maxPages, perTemplate } = run.config.crawl;
  const seen = new Set<string>();
  const perTpl = new Map<string, number>();
  const queue: [string, number][] = [];
  const enqueue = (url: string, depth: number) => {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return;
    }
    u.hash = '';
    const key = u.href;
    if (seen.has(key) || ASSET.test(u.pathname)) return;
    if (run.client.o.scope.refuse('GET', key)) return;
    const tpl = `${templateOf(u.pathname).template}?${[...u.searchParams.keys()].sort().join('&')}`;
    const n = perTpl.get(tpl) ?? 0;
    if (n >= perTemplate) return;
    perTpl.set(tpl, n + 1);
    seen.add(key);
    queue.push([key, depth]);
  };
  enqueue(start, 0);
  for (const extra of await robotsAndSitemap(run)) enqueue(extra, 1);
  let pages = 0;
  while (queue.length && pages < maxPages) {
    const batch = queue.splice(0, Math.min(queue.length, run.config.concurrency, maxPages - pages));
    pages += batch.length;
    await Promise.all(
      batch.map(async ([url, depth]) => {
        const res = await run.send({ method: 'GET', url, follow: true });
        if (!res) return;
        run.count('crawled');
        // The URL asked for is an endpoint even when it redirected (a redirect's parameters are where open
        // redirects and header injections live); so is where it led.
        run.addEndpoint(endpointFromUrl('GET', new URL(url), 'crawl'));
        const final = new URL(res.url);
        if (final.href !== url) run.addEndpoint(endpointFromUrl('GET', final, 'crawl'));
        const type = header(res.headers, 'content-type') ?? '';
        if (!/html/i.test(type) || res.status >= 400) return;
        run.pages.set(res.url, res);
        const facts = parseHtml(res.body, res.url);
        if (depth < maxDepth) for (const l of facts.links) enqueue(l, depth + 1);
        for (const [tag, src] of facts.resources) if (tag === 'script') enqueue(src, depth + 1);
        for (const f of facts.forms) {
          const e = formEndpoint(f);
          if (e && !run.client.o.scope.refuse(e.method, f.action)) run.addEndpoint(e);
        }
      }),
    );
  }
  return pages;
}

/** An endpoint for a form: its fields as query (GET) or form (POST) parameters. */
export function formEndpoint(f: Form): Endpoint | undefined {
  let u: URL;
  try {
    u = new URL(f.action);
  } catch {
    return undefined;
  }
  if (f.enctype.includes('multipart')) return undefined;
  const base = endpointFromUrl(f.method, u, 'crawl');
  const where: Param['in'] = f.method === 'GET' ? 'query' : 'form';
  const params = [...base.params.filter((p) => p.in === 'path' || (where === 'form' && p.in === 'query'))];
  for (const field of f.fields) {
    if (params.some((p) => p.name === field.name && p.in === where)) continue;
    params.push({ name: field.name, in: where, value: fillValue(field) });
  }
  const password = f.fields.filter((x) => x.type === 'password').map((x) => x.name);
  return { ...base, params, ...(where === 'form' ? { bodyType: 'form' as const } : {}), source: 'crawl', ...(password.length ? { password } : {}) };
}

async function robotsAndSitemap(run: DastRun): Promise<string[]> {
  const out: string[] = [];
  const sitemaps = [run.client.url('/sitemap.xml')];
  const robots = await run.send({ method: 'GET', url: run.client.url('/robots.txt'), quiet: true });
  if (robots && robots.status === 200 && !/html/i.test(header(robots.headers, 'content-type') ?? '')) {
    for (const line of robots.body.split(/\r?\n/).slice(0, 1000)) {
      const m = /^\s*(allow|disallow|sitemap)\s*:\s*(\S+)/i.exec(line);
      if (!m) continue;
      if (m[1]!.toLowerCase() === 'sitemap') sitemaps.push(m[2]!);
      else if (!m[2]!.includes('*')) out.push(run.client.url(m[2]!));
    }
  }
  for (const sm of sitemaps.slice(0, 5)) {
    let url: string;
    try {
      url = new URL(sm, run.origin).href;
    } catch {
      continue;
    }
    const res = await run.send({ method: 'GET', url, quiet: true });
    if (!res || res.status !== 200) continue;
    const locs = [...res.body.matchAll(/<loc>\s*([^<\s]+)\s*<\/loc>/gi)].slice(0, MAX_SITEMAP_URLS);
    for (const m of locs) out.push(m[1]!.replace(/&amp;/g, '&'));
  }
  return out;
}
