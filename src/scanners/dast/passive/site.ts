/**
 * Site-wide findings (a header missing on every page, a cookie set without a flag): gathered over the whole
 * scan and reported once each at the end, at the first affected URL in sort order, with how many URLs were
 * affected. The finding's path template is `/*` (the site), so its fingerprint does not depend on which page
 * happened to be crawled first.
 */
import type { DastRun } from '../context.js';
import type { Res } from '../http/client.js';

interface Pending {
  ruleId: string;
  identity: string;
  message: string;
  urls: Set<string>;
  first?: { url: string; res: Res; proof?: string };
}

/** Collects site-wide observations. */
export class SiteFindings {
  private readonly pending = new Map<string, Pending>();

  /** Notes that `res` shows the problem `ruleId` (`identity` tells apart e.g. cookies). */
  add(ruleId: string, res: Res, message: string, identity = '', proof?: string): void {
    const k = `${ruleId}\0${identity}`;
    let p = this.pending.get(k);
    if (!p) this.pending.set(k, (p = { ruleId, identity, message, urls: new Set() }));
    if (p.urls.size < 1000) p.urls.add(res.url);
    if (!p.first || res.url < p.first.url) p.first = { url: res.url, res, ...(proof !== undefined ? { proof } : {}) };
  }

  /** Reports every collected problem. */
  flush(run: DastRun): void {
    for (const p of [...this.pending.values()].sort((a, b) => (a.ruleId + a.identity < b.ruleId + b.identity ? -1 : 1))) {
      const urls = [...p.urls].sort();
      const n = urls.length;
      run.report(p.ruleId, {
        url: p.first!.url,
        method: p.first!.res.sent.method,
        pathTemplate: '/*',
        message: `${p.message}${n > 1 ? ` (${n} URLs, e.g. ${new URL(urls[0]!).pathname})` : ''}`,
        res: p.first!.res,
        ...(p.first!.proof ? { proof: p.first!.proof } : {}),
        identity: p.identity,
        data: { affected: n, urls: urls.slice(0, 10).map((u) => run.redactor.text(u)) },
      });
    }
    this.pending.clear();
  }
}
