/**
 * Cross-site scripting. Reflected: an inert marker first (is the parameter written into an HTML page at all?),
 * then the context it lands in (text, a quoted attribute, a script string, a title/textarea/comment) decides the
 * proof: a marker tag `<zqxxxx x=1>`, an attribute break-out, a script-string break-out; the proof must come
 * back verbatim in `text/html`. Stored: a marker tag per insertion point of every write endpoint, then the pages
 * are fetched again and searched for it.
 */
import type { DastRun, HtmlContext } from '../context.js';
import { marker } from '../context.js';
import type { Endpoint, Param } from '../endpoints.js';
import { header, type Res } from '../http/client.js';
import { isTextual } from './compare.js';


/** The context of the text at `at` in `html`. */
export function contextAt(html: string, at: number): HtmlContext {
  const before = html.slice(Math.max(0, at - 20000), at);
  const lastOpen = before.lastIndexOf('<');
  const lastClose = before.lastIndexOf('>');
  const comment = before.lastIndexOf('<!--');
  if (comment >= 0 && before.indexOf('-->', comment) < 0) return { kind: 'comment' };
  for (const tag of ['script', 'textarea', 'title', 'style', 'xmp', 'noscript']) {
    const o = before.toLowerCase().lastIndexOf(`<${tag}`);
    if (o >= 0 && before.toLowerCase().indexOf(`</${tag}`, o) < 0 && before.indexOf('>', o) >= 0) {
      if (tag === 'script') {
        const code = before.slice(before.indexOf('>', o) + 1);
        return { kind: 'script', quote: openQuote(code) };
      }
      return { kind: 'raw', tag };
    }
  }
  if (lastOpen > lastClose) {
    const inTag = before.slice(lastOpen);
    const m = /=\s*(["']?)[^"'\s>]*$/.exec(inTag);
    return { kind: 'attr', quote: m ? m[1]! : '' };
  }
  return { kind: 'text' };
}

/** The quote character a script is inside at its end (`'`, `"`, `` ` ``), or '' outside strings. */
function openQuote(code: string): string {
  let q = '';
  for (let i = 0; i < code.length; i++) {
    const c = code[i]!;
    if (q) {
      if (c === '\\') i++;
      else if (c === q) q = '';
    } else if (c === '"' || c === "'" || c === '`') q = c;
  }
  return q;
}

function isHtml(res: Res): boolean {
  return /text\/html|application\/xhtml/i.test(header(res.headers, 'content-type') ?? '');
}

/** The proof payload for a context and what must come back verbatim. */
function proofFor(ctx: HtmlContext, m: string): { payload: string; expect: string } {
  switch (ctx.kind) {
    case 'text':
      return { payload: `<${m} x=1>`, expect: `<${m} x=1>` };
    case 'raw':
      return { payload: `</${ctx.tag}><${m} x=1>`, expect: `</${ctx.tag}><${m} x=1>` };
    case 'comment':
      return { payload: `--><${m} x=1>`, expect: `--><${m} x=1>` };
    // The whole payload must come back: an escaped quote (`\"`, `&quot;`) breaks it.
    case 'attr':
      return ctx.quote ? { payload: `${m}${ctx.quote} ${m}=1 x=${ctx.quote}`, expect: `${m}${ctx.quote} ${m}=1 x=${ctx.quote}` } : { payload: `${m} ${m}=1`, expect: `${m} ${m}=1` };
    case 'script':
      return ctx.quote ? { payload: `${m}${ctx.quote};${m}=1;//`, expect: `${m}${ctx.quote};${m}=1;//` } : { payload: `1;${m}=1;//`, expect: `1;${m}=1;//` };
  }
}

/** Reflected XSS in one parameter. */
export async function checkReflectedXss(run: DastRun, e: Endpoint, p: Param): Promise<void> {
  if (!run.enabled('dast-xss-reflected') || !isTextual(p.value) || p.in === 'path') return;
  const m = marker();
  const first = await run.probe(e, { param: p, value: m });
  if (!first || !isHtml(first)) return;
  const at = first.body.indexOf(m);
  if (at < 0) return;
  const ctxs: HtmlContext[] = [];
  for (let i = at, n = 0; i >= 0 && n < 5; i = first.body.indexOf(m, i + 1), n++) {
    const c = contextAt(first.body, i);
    if (!ctxs.some((x) => JSON.stringify(x) === JSON.stringify(c))) ctxs.push(c);
  }
  for (const ctx of ctxs) {
    const m2 = marker();
    const { payload, expect } = proofFor(ctx, m2);
    const res = await run.probe(e, { param: p, value: payload });
    if (!res || !isHtml(res) || !res.body.includes(expect)) continue;
    run.report('dast-xss-reflected', {
      endpoint: e,
      param: p,
      message: `${p.in} parameter ${p.name} of ${e.method} ${e.pathTemplate} is written unencoded into the page (${ctx.kind}${'quote' in ctx && ctx.quote ? ` ${ctx.quote}` : ''} context): ${JSON.stringify(expect)} came back verbatim.`,
      res,
      proof: expect,
      data: { context: ctx, payload },
    });
    run.reflections.push({ endpoint: e, param: p, context: ctx });
    return;
  }
}

/** Marker tags submitted for stored XSS: marker -> where it went. */
export type StoredMarkers = Map<string, { endpoint: Endpoint; param: Param }>;

/** Submits a marker tag in one parameter of a write endpoint. */
export async function submitStoredMarker(run: DastRun, e: Endpoint, p: Param, markers: StoredMarkers): Promise<void> {
  if (!run.enabled('dast-xss-stored') || typeof p.value !== 'string' || p.in === 'path' || p.in === 'header' || p.in === 'cookie') return;
  const m = marker('zs');
  markers.set(m, { endpoint: e, param: p });
  await run.probe(e, { param: p, value: `<${m} x=1>` });
}

/** Fetches the pages again and reports every stored marker found verbatim in an HTML page. */
export async function findStoredMarkers(run: DastRun, markers: StoredMarkers, pages: string[]): Promise<void> {
  if (!markers.size) return;
  for (const url of pages) {
    const res = await run.send({ method: 'GET', url, follow: true, quiet: true });
    if (!res || !isHtml(res)) continue;
    for (const [m, where] of markers) {
      const tag = `<${m} x=1>`;
      if (!res.body.includes(tag)) continue;
      markers.delete(m);
      run.report('dast-xss-stored', {
        endpoint: where.endpoint,
        param: where.param,
        message: `${where.param.in} parameter ${where.param.name} of ${where.endpoint.method} ${where.endpoint.pathTemplate} is stored and served unencoded: the marker tag came back in ${new URL(res.url).pathname}.`,
        res,
        proof: tag,
        data: { page: res.url },
      });
    }
  }
}
