/**
 * The time-based phase: candidates gathered during the active phase (SQL sleeps, shell sleeps) are tried one at
 * a time, alone, on one kept-alive connection. A candidate whose first full-delay probe comes back fast costs one
 * request; one that is slow goes to the statistical confirmer (timing.ts).
 */
import http from 'node:http';
import https from 'node:https';
import type { DastRun } from '../context.js';
import type { Endpoint, Param } from '../endpoints.js';
import { buildRequest } from '../endpoints.js';
import { confirmTiming } from '../timing.js';

/** A delay probe for one parameter. */
export interface TimingCandidate {
  ruleId: string;
  endpoint: Endpoint;
  param: Param;
  /** What it assumes (the DBMS, the shell form). */
  label: string;
  /** The parameter's value asking for `d` seconds of delay. */
  value: (d: number) => string;
}

/** Runs the candidates; reports confirmed ones (one per rule and parameter). */
export async function runTimed(run: DastRun, candidates: TimingCandidate[]): Promise<void> {
  const { maxDelay, minCorrelation } = run.config.timing;
  const done = new Set<string>();
  const agent = run.origin.startsWith('https:') ? new https.Agent({ keepAlive: true, maxSockets: 1, rejectUnauthorized: run.config.tlsVerify }) : new http.Agent({ keepAlive: true, maxSockets: 1 });
  const timeoutMs = (maxDelay * 3 + 5) * 1000;
  try {
    for (const c of candidates) {
      const key = `${c.ruleId} ${c.endpoint.method} ${c.endpoint.pathTemplate} ${c.param.in}:${c.param.name}`;
      if (done.has(key)) continue;
      let last: Awaited<ReturnType<DastRun['send']>>;
      const measure = async (d: number) => {
        const res = await run.send({ ...buildRequest(run.origin, c.endpoint, { param: c.param, value: c.value(d) }), agent, timeoutMs, quiet: true });
        if (!res) return undefined;
        last = res;
        return res.elapsedMs / 1000;
      };
      // Screen: one probe at the full delay. Most parameters stop here.
      const screen = await measure(maxDelay);
      run.count('timing-probes');
      if (screen === undefined || screen < 0.8 * maxDelay) continue;
      const v = await confirmTiming(measure, maxDelay, minCorrelation);
      run.count('timing-confirmations');
      if (!v.confirmed) {
        run.log.debug(`timing not confirmed for ${key} (${c.label}): ${v.reason}`);
        continue;
      }
      done.add(key);
      const what = c.ruleId === 'dast-sqli-time' ? `${c.label} sleep calls` : 'shell sleep commands';
      run.report(c.ruleId, {
        endpoint: c.endpoint,
        param: c.param,
        message: `${c.param.in} parameter ${c.param.name} of ${c.endpoint.method} ${c.endpoint.pathTemplate} runs ${what}: response times followed the delays asked for (slope ${v.slope.toFixed(2)}, r = ${v.r.toFixed(4)} over ${v.samples.length} probes).`,
        ...(last ? { res: last } : {}),
        data: { label: c.label, slope: round(v.slope), intercept: round(v.intercept), r: round(v.r), samples: v.samples.map(([a, b]) => [a, round(b)]), payload: c.value(maxDelay) },
      });
    }
  } finally {
    agent.destroy();
  }
}

function round(x: number): number {
  return Math.round(x * 10000) / 10000;
}
