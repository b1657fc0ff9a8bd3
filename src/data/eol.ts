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
