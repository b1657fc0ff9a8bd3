/**
 * Browser discovery with headless Chromium (Debian's `chromium`, driven by playwright-core; no browser is
 * downloaded): pages are loaded as the signed-in user, links and hash routes followed, buttons clicked, and every
 * XHR/fetch the page makes becomes an endpoint of the inventory. Requests outside the scope are aborted in the
 * browser. Bounded by a page count and a time per page. Also signs users in through a login page (SPAs).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { AuthUser } from '../auth/file.js';
import type { DastRun } from '../context.js';
import { endpointFromUrl, jsonParams, type Endpoint } from '../endpoints.js';

/** Chromium flags: headless, no sandbox (containers), nothing that calls home. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

const PAGE_MS = 5000;
const MAX_CLICKS = 15;

/** A running browser and its fresh profile folder. */
export interface BrowserHandle {
  browser: Browser;
  close(): Promise<void>;
}

/** Starts Chromium with a fresh profile; throws a one-line error when it is missing or fails. */
export async function launchChromium(executablePath: string): Promise<BrowserHandle> {
  if (!existsSync(executablePath)) throw new Error(`--browser needs Chromium at ${executablePath} (apt-get install chromium)`);
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'pipeguard-chromium-'));
  let ctx: BrowserContext | undefined;
  try {
    // A persistent context gives the fresh --user-data-dir; its browser() hosts further contexts.
    ctx = await chromium.launchPersistentContext(profile, { executablePath, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
  } catch (e) {
    rmSync(profile, { recursive: true, force: true });
    throw new Error(`cannot start Chromium: ${(e as Error).message.split('\n')[0]}`);
  }
  const browser = ctx.browser()!;
  return {
    browser,
    async close() {
      await ctx!.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A browser context that sends `headers` and aborts every request outside the scope or past the budget. */
export async function scopedContext(run: DastRun, handle: BrowserHandle, headers: Record<string, string>): Promise<BrowserContext> {
  const ctx = await handle.browser.newContext({ ignoreHTTPSErrors: !run.config.tlsVerify, extraHTTPHeaders: headers, serviceWorkers: 'block' });
  await ctx.route('**/*', async (route) => {
    const req = route.request();
    const refused = run.client.o.scope.refuse(req.method(), req.url());
    if (refused || run.client.sent >= run.client.o.maxRequests) {
      run.count('browser-aborted');
      await route.abort('blockedbyclient');
      return;
    }
    run.client.sent++;
    await route.continue();
  });
  return ctx;
}

/** Loads pages in the browser and adds the API calls they make (and the routes they reach) to the inventory. */
export async function browserDiscover(run: DastRun, handle: BrowserHandle, start: string[], headers: Record<string, string>, maxPages: number): Promise<number> {
  const ctx = await scopedContext(run, handle, headers);
  const queue = [...new Set(start)];
  const seen = new Set(queue);
  let pages = 0;
  let calls = 0;
  try {
    while (queue.length && pages < maxPages) {
      run.client.checkGo();
      const url = queue.shift()!;
      pages++;
      const page = await ctx.newPage();
      page.on('request', (req) => {
        const type = req.resourceType();
        if (type !== 'xhr' && type !== 'fetch') return;
        const e = endpointOfRequest(req.method(), req.url(), req.postData(), req.headers()['content-type']);
        if (e && run.addEndpoint(e)) calls++;
      });
      page.on('dialog', (d) => void d.dismiss().catch(() => {}));
      try {
        await page.goto(url, { waitUntil: 'networkidle', timeout: PAGE_MS });
      } catch {
        // a page that never goes idle still yields what it requested
      }
      for (const link of await links(page)) {
        if (!seen.has(link) && !run.client.o.scope.refuse('GET', link)) {
          seen.add(link);
          queue.push(link);
        }
      }
      await clickAround(page, url, (u) => {
        if (!seen.has(u) && !run.client.o.scope.refuse('GET', u)) {
          seen.add(u);
          queue.push(u);
        }
      });
      await page.close().catch(() => {});
    }
  } finally {
    await ctx.close().catch(() => {});
  }
  run.count('browser-pages', pages);
  return calls;
}

async function links(page: Page): Promise<string[]> {
  try {
    return await page.$$eval('a[href]', (as) => as.map((a) => String((a as unknown as { href: string }).href)).slice(0, 200));
  } catch {
    return [];
  }
}

async function clickAround(page: Page, url: string, found: (u: string) => void): Promise<void> {
  let buttons;
  try {
    buttons = await page.$$('button, [role=button], a[href^="#"], input[type=button]');
  } catch {
    return;
  }
  for (const b of buttons.slice(0, MAX_CLICKS)) {
    try {
      const text = ((await b.textContent()) ?? '').toLowerCase();
      if (/log ?out|sign ?out|delete|remove|destroy/.test(text)) continue;
      await b.click({ timeout: 1000, noWaitAfter: true });
      await page.waitForLoadState('networkidle', { timeout: 1500 }).catch(() => {});
      const now = page.url();
      if (now !== url) {
        found(now);
        await page.goto(url, { waitUntil: 'networkidle', timeout: PAGE_MS }).catch(() => {});
      }
    } catch {
      // not clickable: next
    }
  }
}

/** An endpoint for a request the page made. */
export function endpointOfRequest(method: string, url: string, body: string | null, type: string | undefined): Endpoint | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  u.hash = '';
  const e = endpointFromUrl(method, u, 'browser');
  if (body && /json/i.test(type ?? '')) {
    try {
      const parsed = JSON.parse(body) as unknown;
      e.params.push(...jsonParams(parsed));
      e.bodyType = 'json';
    } catch {
      // not JSON after all
    }
  } else if (body && /x-www-form-urlencoded/i.test(type ?? '')) {
    for (const [k, v] of new URLSearchParams(body)) e.params.push({ name: k, in: 'form', value: v });
    e.bodyType = 'form';
  }
  return e;
}

/** Signs `user` in through its login page; returns the cookies and the localStorage token. */
export function browserLogin(run: DastRun, handle: BrowserHandle) {
  return async (user: AuthUser, origin: string): Promise<{ cookies: Record<string, string>; token?: string }> => {
    const b = user.browser!;
    const ctx = await scopedContext(run, handle, {});
    try {
      const page = await ctx.newPage();
      await page.goto(new URL(b.url, origin).href, { waitUntil: 'networkidle', timeout: 15_000 });
      for (const [sel, value] of Object.entries(b.fill)) await page.fill(sel, value, { timeout: 5000 });
      await page.click(b.submit, { timeout: 5000 });
      if (b.wait) await page.waitForURL((u) => u.pathname.startsWith(b.wait!), { timeout: 10_000 });
      else await page.waitForLoadState('networkidle', { timeout: 10_000 }).catch(() => {});
      const cookies: Record<string, string> = {};
      for (const c of await ctx.cookies(origin)) cookies[c.name] = c.value;
      const out: { cookies: Record<string, string>; token?: string } = { cookies };
      if (b.localStorage) {
        const t = await page.evaluate((k) => (globalThis as unknown as { localStorage: { getItem(k: string): string | null } }).localStorage.getItem(k), b.localStorage);
        if (!t) throw new Error(`no ${b.localStorage} in localStorage after the login`);
        out.token = t;
      }
      return out;
    } finally {
      await ctx.close().catch(() => {});
    }
  };
}
