/**
 * The statistical confirmer for time-based checks. One slow answer proves nothing (a busy target, a slow query):
 * a finding needs response times that follow the delays asked for. Short delays (at most `maxDelay` seconds),
 * alternated (high, zero, middle, high, zero, middle), sent one at a time on one connection; the run stops as
 * soon as an answer comes back faster than its delay; at the end the times must fit a line against the delays
 * with Pearson r at least `minCorrelation` and a slope of at least 0.8 (a sleep that runs once per row gives a
 * slope of 2 or 3, which is still a confirmation).
 */

/** What the confirmer measured and decided. */
export interface TimingVerdict {
  confirmed: boolean;
  /** Requested delay and observed time, in seconds, in the order sent. */
  samples: [number, number][];
  slope: number;
  intercept: number;
  r: number;
  /** Why it was not confirmed. */
  reason?: string;
}

/** Sends a probe asking for `delay` seconds and returns the seconds it took, or undefined when it failed. */
export type Measure = (delay: number) => Promise<number | undefined>;

/** The delays asked for, in order, for a largest delay `max`. */
export function delayPlan(max: number): number[] {
  const mid = Math.round((max / 2) * 10) / 10;
  return [max, 0, mid, max, 0, mid];
}

/** Least-squares line and Pearson correlation of `ys` against `xs`. */
export function linearFit(xs: number[], ys: number[]): { slope: number; intercept: number; r: number } {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i]! - mx;
    const dy = ys[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  const slope = sxx === 0 ? 0 : sxy / sxx;
  const r = sxx === 0 || syy === 0 ? 0 : sxy / Math.sqrt(sxx * syy);
  return { slope, intercept: my - slope * mx, r };
}

/** Runs the plan through `measure` and decides. At most 7 probes (one baseline at delay 0 first). */
export async function confirmTiming(measure: Measure, maxDelay: number, minCorrelation: number): Promise<TimingVerdict> {
  const samples: [number, number][] = [];
  const no = (reason: string): TimingVerdict => ({ confirmed: false, samples, slope: 0, intercept: 0, r: 0, reason });
  const base = await measure(0);
  if (base === undefined) return no('the baseline probe failed');
  samples.push([0, base]);
  for (const d of delayPlan(maxDelay)) {
    const t = await measure(d);
    if (t === undefined) return no(`the probe for ${d} s failed or timed out`);
    samples.push([d, t]);
    const floor = Math.min(...samples.filter(([x]) => x === 0).map(([, y]) => y));
    if (d > 0 && t - floor < 0.8 * d) return no(`an answer for ${d} s came after ${t.toFixed(2)} s`);
  }
  const fit = linearFit(
    samples.map(([x]) => x),
    samples.map(([, y]) => y),
  );
  const verdict = { samples, ...fit };
  if (fit.r < minCorrelation) return { ...verdict, confirmed: false, reason: `correlation ${fit.r.toFixed(3)} below ${minCorrelation}` };
  if (fit.slope < 0.8) return { ...verdict, confirmed: false, reason: `slope ${fit.slope.toFixed(2)} below 0.8` };
  return { ...verdict, confirmed: true };
}
