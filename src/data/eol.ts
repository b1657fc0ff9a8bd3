/**
 * End-of-life dates of distributions and runtimes, from the dated data file `eol.json` beside this module
 * (refreshed by `node scripts/refresh-eol.mjs`; its `updated` date is printed with every end-of-life finding).
 */
import data from './eol.json' with { type: 'json' };

/** One release line of a product. */
export interface EolCycle {
  cycle: string;
  /** End of regular (security) support, `YYYY-MM-DD`. */
  eol: string;
  /** End of extended support (Debian LTS, Ubuntu ESM, RHEL ELS), when there is one. */
  extended?: string;
}

/** The date the data was last refreshed. */
export const EOL_UPDATED: string = data.updated;

/** Products with dates: `debian`, `ubuntu`, `alpine`, `rhel`, `rocky`, `almalinux`, `centos`, `nodejs`, `python`. */
export const EOL_PRODUCTS: readonly string[] = Object.keys(data.products);

/**
 * The release line of `product` a version belongs to: the longest cycle that is the version or a dotted prefix of
 * it (`3.18.4` is Alpine `3.18`, `9.3` is Rocky `9`, `22.04` is Ubuntu `22.04`).
 */
export function eolCycle(product: string, version: string): EolCycle | undefined {
  const cycles = (data.products as Record<string, EolCycle[]>)[product];
  if (!cycles) return undefined;
  let best: EolCycle | undefined;
  for (const c of cycles) {
    if ((version === c.cycle || version.startsWith(`${c.cycle}.`)) && (!best || c.cycle.length > best.cycle.length)) best = c;
  }
  return best;
}

/** How a release line stands on a day: past all support (high), past regular support only (medium), near it (low). */
export interface EolJudgement {
  severity: 'high' | 'medium' | 'low';
  /** One sentence naming the dates, for a finding's message (without the data's date). */
  message: string;
}

/**
 * Judges `cycle` on `today` (`YYYY-MM-DD`) for something called `name`: undefined while it is supported for more
 * than `warnDays` days.
 */
export function judgeEol(cycle: EolCycle, today: string, warnDays: number, name: string): EolJudgement | undefined {
  const days = (d: string) => Math.round((Date.parse(`${d}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000);
  const last = cycle.extended ?? cycle.eol;
  if (days(last) < 0) return { severity: 'high', message: `${name} reached end of life on ${last}${cycle.extended ? ` (extended support included; regular support ended ${cycle.eol})` : ''}: it gets no more security updates.` };
  if (days(cycle.eol) < 0) return { severity: 'medium', message: `${name} left regular security support on ${cycle.eol}; only extended support (LTS/ESM) remains, until ${cycle.extended}.` };
  if (days(cycle.eol) <= warnDays) return { severity: 'low', message: `${name} reaches end of life on ${cycle.eol}, in ${days(cycle.eol)} days.` };
  return undefined;
}
