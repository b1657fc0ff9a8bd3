import type { AnalysisVerdict, WindowStats } from './record.js';

/** What the analysis holds a candidate to. */
export interface Thresholds {
  /** Error budget: the error rate the candidate may have above the baseline's own (fraction). */
  maxErrorRate: number;
  /** The candidate's p95 latency may not exceed this (ms). */
  maxP95Ms?: number;
  /** Fewer candidate requests than this: not conclusive. */
  minRequests: number;
}

/**
 * The verdict on one window of live traffic at one weight: `fail` when the candidate's error rate is above the
 * baseline's (when the baseline served at least `minRequests` in the window; else 0) plus the error budget, or its
 * p95 latency above `maxP95Ms`; `inconclusive` when it served fewer than `minRequests` (never a pass on no data);
 * else `pass`. Errors fail even on few requests once they alone exceed the budget over `minRequests`: a candidate
 * that failed 10 requests out of 12 is not waited for.
 */
export function analyse(weight: number, candidate: WindowStats, baseline: WindowStats | undefined, t: Thresholds): AnalysisVerdict {
  const base = baseline && baseline.requests >= t.minRequests ? baseline.errorRate : 0;
  const allowed = base + t.maxErrorRate;
  const v = (verdict: AnalysisVerdict['verdict'], reason: string): AnalysisVerdict => ({ weight, verdict, reason, candidate, ...(baseline ? { baseline } : {}) });
  const pct = (r: number) => `${(r * 100).toFixed(1)}%`;
  const budget = `budget ${pct(t.maxErrorRate)}${base ? ` above the baseline's ${pct(base)}` : ''}`;
  if (candidate.requests < t.minRequests) {
    if (candidate.errors > allowed * t.minRequests) return v('fail', `${candidate.errors} errors in ${candidate.requests} requests already exceed the ${budget}`);
    return v('inconclusive', `${candidate.requests} requests to the candidate, fewer than the ${t.minRequests} needed`);
  }
  if (candidate.errorRate > allowed) return v('fail', `error rate ${pct(candidate.errorRate)} (${candidate.errors}/${candidate.requests}) is over the ${budget}`);
  if (t.maxP95Ms !== undefined && candidate.p95Ms !== undefined && candidate.p95Ms > t.maxP95Ms) {
    return v('fail', `p95 latency ${candidate.p95Ms} ms is over ${t.maxP95Ms} ms${baseline?.p95Ms !== undefined ? ` (baseline ${baseline.p95Ms} ms)` : ''}`);
  }
  return v('pass', `error rate ${pct(candidate.errorRate)} within the ${budget}${candidate.p95Ms !== undefined ? `, p95 ${candidate.p95Ms} ms` : ''}${t.maxP95Ms !== undefined ? ` (max ${t.maxP95Ms} ms)` : ''}`);
}
