import { InputError } from '../../core/errors.js';
import { durationMs } from '../config.js';
import { describeOutcome } from '../runner/pipeline.js';
import { runStep } from '../runner/step.js';
import { DEPLOY_EVENTS, type DeployRecord, type ReleaseRef, type WindowStats } from './record.js';
import { sleep, waitHealthy } from './release.js';
import { beginDeploy, deployConfig, resolveSecrets, timings, trafficSteps, type DeployOptions } from './session.js';

type HookName = 'start' | 'shift' | 'metrics' | 'promote' | 'rollback';

/**
 * The hooks strategy: the same rollout and analysis as behind pipeguard's proxy, with the team's commands doing
 * the platform's part (Kubernetes, systemd, a PaaS): `start` the candidate, `shift` PIPEGUARD_DEPLOY_WEIGHT percent
 * of traffic to it, print the last window's `metrics` as JSON, `promote` or `rollback`. Each hook runs through
 * the runner's process control with only its declared secrets, its output masked, audited as a step of stage
 * `deploy`. A hook that fails rolls back (a failing rollback hook is recorded).
 */
export async function deployWithHooks(o: DeployOptions): Promise<DeployRecord> {
  const d = deployConfig(o);
  if (d.strategy !== 'hooks' || !d.hooks) throw new InputError('strategy hooks needs deploy.hooks', o.configFile);
  const hooks = d.hooks;
  const secrets = await resolveSecrets(o, d);
  const { windowMs, killGraceMs } = timings(d);
  const steps = trafficSteps(d);
  const candidateRef: ReleaseRef = { version: o.version, ...(hooks.url ? { url: hooks.url } : {}) };
  const baselineRef: ReleaseRef | undefined = d.baseline ? { version: d.baseline.version, url: d.baseline.url } : undefined;
  const { j, blocked } = await beginDeploy(o, d, candidateRef, baselineRef, `hooks${baselineRef ? `, baseline ${baselineRef.version}` : ''}`);
  if (blocked) return j.finish('failed', blocked.reason);

  const interrupted = () => (o.signal?.aborted ? `interrupted by ${String(o.signal.reason ?? 'SIGINT')}` : undefined);
  const hook = async (name: HookName, weight: number, capture?: string[]): Promise<string | undefined> => {
    const h = hooks[name];
    if (!h || typeof h !== 'object') return undefined;
    const out = await runStep(
      {
        name,
        ...(h.run !== undefined ? { run: h.run } : {}),
        ...(h.argv ? { argv: h.argv } : {}),
        shell: h.shell,
        ...(h.cwd ? { cwd: h.cwd } : {}),
        timeout: h.timeout ?? '5m',
        env: { ...h.env, PIPEGUARD_DEPLOY_ID: j.record.id, PIPEGUARD_DEPLOY_VERSION: o.version, PIPEGUARD_DEPLOY_WEIGHT: String(weight), ...(baselineRef ? { PIPEGUARD_DEPLOY_BASELINE: baselineRef.version } : {}) },
        secrets: [],
      },
      {
        root: o.root,
        baseEnv: secrets.baseEnv,
        secrets: secrets.of.get(name) ?? new Map(),
        mask: secrets.mask,
        stdout: capture ? { write: (c) => capture.push(typeof c === 'string' ? c : Buffer.from(c).toString('utf8')) } : o.stdout,
        stderr: o.stderr,
        audit: o.audit,
        ...(j.record.run ? { runId: j.record.run } : {}),
        stage: 'deploy',
        killGraceMs,
        ...(capture ? { prefix: false } : {}),
        // a hook that is running when Ctrl-C comes finishes: a half-done shift is worse than a late rollback
      },
    );
    return out.status === 'succeeded' ? undefined : `hook ${name} ${describeOutcome(out)}`;
  };
  const rollBack = async (reason: string, outcome: 'rolled-back' | 'failed' = 'rolled-back'): Promise<DeployRecord> => {
    j.say(`<-- rolling back: ${reason}`);
    const err = hooks.rollback ? await hook('rollback', 0) : await hook('shift', 0);
    if (!hooks.rollback) await j.event(DEPLOY_EVENTS.shift, { weight: 0 });
    await j.event(DEPLOY_EVENTS.rolledBack, { version: o.version, reason, ...(err ? { error: err } : {}) });
    return j.finish(interrupted() ? 'interrupted' : err ? 'failed' : outcome, err ? `${reason}; and the rollback failed: ${err}` : reason);
  };

  const startErr = await hook('start', 0);
  if (startErr) return rollBack(startErr, 'failed');
  if (interrupted()) return rollBack(interrupted()!);
  if (hooks.url && d.health) {
    const h = await waitHealthy(hooks.url, {
      path: d.health.path,
      status: d.health.status,
      timeoutMs: durationMs(d.health.timeout),
      waitMs: durationMs(d.health.wait),
      intervalMs: durationMs(d.health.interval),
      ...(o.signal ? { signal: o.signal } : {}),
    });
    await j.event(DEPLOY_EVENTS.health, { release: 'candidate', ok: h.ok, ...(h.status ? { status: h.status } : {}), ...(h.error ? { error: h.error } : {}), durationMs: h.durationMs });
    if (interrupted()) return rollBack(interrupted()!);
    if (!h.ok) return rollBack(`health check ${d.health.path} failed: ${h.error}`, 'failed');
  }
  for (const weight of steps) {
    const err = await hook('shift', weight);
    if (err) return rollBack(err);
    await j.event(DEPLOY_EVENTS.shift, { weight });
    j.say(`--> ${weight}% of traffic to ${o.version}`);
    let passes = 0;
    let waited = 0;
    let acc: { candidate: WindowStats; baseline?: WindowStats } | undefined;
    for (;;) {
      await sleep(windowMs, o.signal);
      if (interrupted()) return rollBack(interrupted()!);
      waited++;
      const lines: string[] = [];
      const merr = await hook('metrics', weight, lines);
      if (merr) return rollBack(merr);
      let m: { candidate: WindowStats; baseline?: WindowStats };
      try {
        m = parseMetrics(lines.join(''));
      } catch (e) {
        return rollBack(`hook metrics: ${(e as Error).message}`);
      }
      acc = acc ? { candidate: add(acc.candidate, m.candidate), ...(m.baseline ? { baseline: acc.baseline ? add(acc.baseline, m.baseline) : m.baseline } : {}) } : m;
      const v = await j.judgeWindow(weight, acc.candidate, acc.baseline, waited);
      if (v.verdict === 'inconclusive') continue;
      j.record.samples.push({ t: new Date().toISOString(), weight, candidate: acc.candidate, ...(acc.baseline ? { baseline: acc.baseline } : {}) });
      j.save();
      acc = undefined;
      waited = 0;
      j.say(`    window: ${v.verdict.toUpperCase()}: ${v.reason}`);
      if (v.verdict === 'fail') return rollBack(v.reason);
      if (++passes >= d.analysis.windowsPerStep) break;
    }
  }
  const perr = await hook('promote', 100);
  if (perr) return rollBack(perr, 'failed');
  await j.event(DEPLOY_EVENTS.promoted, { version: o.version });
  return j.finish('promoted');
}

/** The metrics hook's output: `{ "candidate": { "requests", "errors", "p95Ms"? }, "baseline"?: {...} }`. */
export function parseMetrics(text: string): { candidate: WindowStats; baseline?: WindowStats } {
  let raw: unknown;
  try {
    raw = JSON.parse(text.trim().split('\n').pop() ?? '');
  } catch {
    throw new Error('did not print a JSON object as its last line');
  }
  const one = (x: unknown, what: string): WindowStats => {
    const o = x as Record<string, unknown>;
    if (!o || typeof o !== 'object' || !Number.isInteger(o['requests']) || !Number.isInteger(o['errors']) || (o['requests'] as number) < 0 || (o['errors'] as number) < 0 || (o['errors'] as number) > (o['requests'] as number)) {
      throw new Error(`${what}: expected { requests, errors } as whole numbers (errors <= requests)`);
    }
    const requests = o['requests'] as number;
    const errors = o['errors'] as number;
    const s: WindowStats = { requests, errors, errorRate: requests ? errors / requests : 0 };
    for (const k of ['p50Ms', 'p95Ms', 'p99Ms'] as const) if (typeof o[k] === 'number') s[k] = o[k];
    return s;
  };
  const r = raw as Record<string, unknown>;
  if (!r || typeof r !== 'object') throw new Error('did not print a JSON object');
  return { candidate: one(r['candidate'], 'candidate'), ...(r['baseline'] !== undefined ? { baseline: one(r['baseline'], 'baseline') } : {}) };
}

function add(a: WindowStats, b: WindowStats): WindowStats {
  const requests = a.requests + b.requests;
  const errors = a.errors + b.errors;
  const s: WindowStats = { requests, errors, errorRate: requests ? errors / requests : 0 };
  // percentiles of two windows cannot be combined exactly: the worse one is the safe figure
  for (const k of ['p50Ms', 'p95Ms', 'p99Ms'] as const) {
    const x = Math.max(a[k] ?? -1, b[k] ?? -1);
    if (x >= 0) s[k] = x;
  }
  return s;
}
