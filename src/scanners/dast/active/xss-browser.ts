/**
 * Browser confirmation of reflected XSS (with `--browser`): each reflection proved by its verbatim echo is loaded
 * in headless Chromium with a payload for its context that calls `alert` with a fresh number; the finding records
 * whether that dialog opened. A script the page's Content-Security-Policy (or a sanitiser in the page) stops does
 * not run: the finding stays (the server still writes the input unencoded) at medium confidence, and says so.
 * Only GET endpoints with the parameter in the query can be loaded as a URL; the others keep their proof as it is.
 */
import type { DastRun, HtmlContext } from '../context.js';
import { buildRequest } from '../endpoints.js';
import { scopedContext, type BrowserHandle } from '../discovery/browser.js';

const PAGE_MS = 5000;
/** At most this many pages are loaded (the rest keep their proof as it is). */
const MAX_PAGES = 30;

/** A payload for a context that calls alert(n) when it runs. */
export function executingPayload(ctx: HtmlContext, n: number): string {
  const tag = `<svg onload=alert(${n})>`;
  switch (ctx.kind) {
    case 'text':
      return tag;
    case 'raw':
      return `</${ctx.tag}>${tag}`;
    case 'comment':
      return `-->${tag}`;
    // An event handler, not a tag: a page that escapes < and > but not quotes is still open.
    case 'attr':
      return `${ctx.quote || 'x'} autofocus tabindex=1 onfocus=alert(${n}) x=${ctx.quote}`;
    case 'script':
      return ctx.quote ? `${ctx.quote};alert(${n});//` : `1;alert(${n});//`;
  }
}

/** Loads every confirmable reflection in Chromium and records in its finding whether the script ran. */
export async function confirmXssInBrowser(run: DastRun, handle: BrowserHandle, headers: Record<string, string>): Promise<void> {
  const todo = run.reflections.filter((r) => r.endpoint.method === 'GET' && r.param.in === 'query').slice(0, MAX_PAGES);
  if (!todo.length) return;
  const ctx = await scopedContext(run, handle, headers);
  try {
    for (const r of todo) {
      run.client.checkGo();
      const f = [...run.findings.values()].find((x) => x.ruleId === 'dast-xss-reflected' && x.location.kind === 'http' && x.location.method === 'GET' && x.location.pathTemplate === r.endpoint.pathTemplate && x.location.parameter === r.param.name);
      if (!f) continue;
      const n = 100_000 + Math.floor(Math.random() * 900_000);
      const url = buildRequest(run.origin, r.endpoint, { param: r.param, value: executingPayload(r.context, n) }).url;
      const page = await ctx.newPage();
      let ran = false;
      page.on('dialog', (d) => {
        if (d.message() === String(n)) ran = true;
        void d.dismiss().catch(() => {});
      });
      try {
        await page.goto(url, { waitUntil: 'load', timeout: PAGE_MS });
      } catch {
        // a page that does not finish loading may still have run the script
      }
      await page.close().catch(() => {});
      run.count(ran ? 'xss-browser-ran' : 'xss-browser-did-not-run');
      f.data = { ...(f.data ?? {}), browser: { executed: ran } };
      if (ran) {
        f.confidence = 'high';
        f.message += ' Chromium ran the injected script.';
      } else {
        f.confidence = 'medium';
        f.message += ' Chromium did not run the injected script (a Content-Security-Policy or the page may stop it).';
      }
    }
  } finally {
    await ctx.close().catch(() => {});
  }
}
