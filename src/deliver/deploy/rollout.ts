import { InputError } from '../../core/errors.js';
import { durationMs } from '../config.js';
import { stepArgv } from '../runner/step.js';
import { analyse } from './analysis.js';
import { DeployProxy, type Backend } from './proxy.js';
import { DEPLOY_EVENTS, type DeployRecord, type ReleaseRef } from './record.js';
import { freePort, sleep, startRelease, waitHealthy, type RunningRelease } from './release.js';
import { beginDeploy, deployConfig, resolveSecrets, thresholdsOf, timings, trafficSteps, type DeployOptions } from './session.js';

/** The release serving behind the proxy: one pipeguard started (and stops), or one it only forwards to. */
export type LiveRelease = { kind: 'owned'; release: RunningRelease } | { kind: 'external'; backend: Backend };

/** Options of a proxy deploy (blue-green, canary) besides the common ones. */
export interface ProxyDeployOptions extends DeployOptions {
  /** A proxy already serving (a `deploy --serve` process); else one is started on deploy.listen for the rollout. */
  proxy?: DeployProxy;
  /** The release serving now (default deploy.baseline). */
  live?: LiveRelease;
}

/** What a proxy deploy leaves: the record, and the release serving afterwards (the candidate when promoted). */
export interface ProxyDeployResult {
  record: DeployRecord;
  live?: LiveRelease;
}

const liveBackend = (l: LiveRelease): Backend => (l.kind === 'owned' ? { version: l.release.version, url: l.release.url } : l.backend);

/**
 * A health-checked release behind pipeguard's proxy: starts the candidate, checks its health before it takes any
 * traffic, shifts traffic step by step (all at once for blue-green; 10% -> 50% -> 100% for canary), analyses each
 * window of live traffic against the baseline and the thresholds, then promotes (the old release is drained and
 * stopped) or rolls back (the candidate is drained and stopped; the baseline, kept ready throughout, takes all
 * traffic again). An abort rolls back and records `interrupted`. Every step and decision goes to the audit log
 * and the deploy record. Throws InputError for config mistakes, before anything starts.
 */
export async function deployBehindProxy(o: ProxyDeployOptions): Promise<ProxyDeployResult> {
  const d = deployConfig(o);
  if (d.strategy === 'hooks') throw new InputError('strategy hooks does not use the proxy', o.configFile);
  const cand = d.candidate!;
  const health = d.health!;
  const argv = stepArgv({ ...cand, name: 'candidate', gate: undefined } as Parameters<typeof stepArgv>[0])!;
  const secrets = await resolveSecrets(o, d);
  const live: LiveRelease | undefined = o.live ?? (d.baseline ? { kind: 'external', backend: { version: d.baseline.version, url: d.baseline.url } } : undefined);
  const { windowMs, killGraceMs, drainMs } = timings(d);
  const thresholds = thresholdsOf(d);
  const steps = trafficSteps(d);
  const port = cand.port ?? (await freePort(cand.host));
  const host = cand.host.includes(':') ? `[${cand.host}]` : cand.host;
  const candidateRef: ReleaseRef = { version: o.version, url: `http://${host}:${port}` };
  const baselineRef: ReleaseRef | undefined = live ? { ...liveBackend(live) } : undefined;

  const { j, blocked } = await beginDeploy(o, d, candidateRef, baselineRef, `${d.strategy}${baselineRef ? `, baseline ${baselineRef.version}` : ', no baseline'}`);
  if (blocked) return { record: await j.finish('failed', blocked.reason), ...(live ? { live } : {}) };

  // the proxy: the serving one, or one of our own for the rollout
  const ownProxy = !o.proxy;
  const proxy = o.proxy ?? new DeployProxy({ sticky: d.sticky });
  if (ownProxy) {
    const [lh, lp] = splitHostPort(d.listen);
    try {
      await proxy.listen(lh, lp);
    } catch (e) {
      return { record: await j.finish('failed', `cannot listen on ${d.listen}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`) };
    }
    if (live) proxy.setBackend('baseline', liveBackend(live));
  }

  const interrupted = () => (o.signal?.aborted ? `interrupted by ${String(o.signal.reason ?? 'SIGINT')}` : undefined);
  let release: RunningRelease | undefined;
  const stopCandidate = async () => {
    proxy.setWeight(0);
    await proxy.drained('candidate', drainMs);
    proxy.setBackend('candidate', undefined);
    await release?.stop();
  };
  const rollBack = async (reason: string): Promise<ProxyDeployResult> => {
    const outcome = interrupted() ? 'interrupted' : 'rolled-back';
    j.say(`<-- rolling back to ${baselineRef?.version ?? 'nothing'}: ${reason}`);
    await stopCandidate();
    await j.event(DEPLOY_EVENTS.shift, { weight: 0 });
    await j.event(DEPLOY_EVENTS.rolledBack, { version: o.version, reason });
    const record = await j.finish(outcome, reason);
    if (ownProxy) await proxy.close();
    return { record, ...(live ? { live } : {}) };
  };

  try {
    // start the candidate; it takes no traffic until its health check passes
    for (const [as, sec] of secrets.of.get('candidate')!) {
      await j.event('secret.access', { stage: 'deploy', step: 'candidate', name: sec.name, ...(as !== sec.name ? { as } : {}), source: sec.source });
    }
    release = startRelease({
      version: o.version,
      argv,
      root: o.root,
      ...(cand.cwd ? { cwd: cand.cwd } : {}),
      host: cand.host,
      port,
      baseEnv: secrets.baseEnv,
      env: cand.env,
      secrets: secrets.of.get('candidate')!,
      mask: secrets.mask,
      stdout: o.stdout,
      stderr: o.stderr,
      killGraceMs,
      deployId: j.record.id,
    });
    j.say(`--> started ${o.version} on ${candidateRef.url}`);
    const gone = () => (release!.hasExited() ? 'the release exited before it was healthy' : undefined);
    const h = await waitHealthy(candidateRef.url!, {
      path: health.path,
      status: health.status,
      timeoutMs: durationMs(health.timeout),
      waitMs: durationMs(health.wait),
      intervalMs: durationMs(health.interval),
      gone,
      ...(o.signal ? { signal: o.signal } : {}),
    });
    await j.event(DEPLOY_EVENTS.health, { release: 'candidate', ok: h.ok, ...(h.status ? { status: h.status } : {}), ...(h.error ? { error: h.error } : {}), durationMs: h.durationMs });
    if (interrupted()) return await rollBack(interrupted()!);
    if (!h.ok) {
      j.say(`<-- health check of ${o.version} failed: ${h.error}`);
      await release.stop();
      const reason = `health check ${health.path} failed: ${h.error}`;
      await j.event(DEPLOY_EVENTS.rolledBack, { version: o.version, reason });
      const record = await j.finish('failed', reason);
      if (ownProxy) await proxy.close();
      return { record, ...(live ? { live } : {}) };
    }
    j.say(`--> health check ${health.path}: ${h.status} in ${h.durationMs} ms`);
    proxy.setBackend('candidate', { version: o.version, url: candidateRef.url! });

    if (!live) {
      // the first release: nothing serves yet, so nothing to compare with or fall back to; healthy is enough
      proxy.setWeight(100);
      await j.event(DEPLOY_EVENTS.shift, { weight: 100 });
      proxy.promote();
      await j.event(DEPLOY_EVENTS.promoted, { version: o.version, reason: 'first release: no baseline to compare with' });
      const record = await j.finish('promoted');
      if (ownProxy) await proxy.close();
      return { record, live: { kind: 'owned', release } };
    }
    for (const weight of steps) {
      proxy.setWeight(weight);
      proxy.window(true);
      await j.event(DEPLOY_EVENTS.shift, { weight });
      j.say(`--> ${weight}% of traffic to ${o.version}`);
      let passes = 0;
      let waited = 0;
      for (;;) {
        // the window is watched in quarters: a failure is acted on at once; a pass waits for the whole window
        for (let q = 1; q <= 4; q++) {
          await sleep(windowMs / 4, o.signal);
          if (q === 4 || interrupted() || release.hasExited()) break;
          const early = proxy.window(false);
          if (early.candidate && analyse(weight, early.candidate, early.baseline, thresholds).verdict === 'fail') break;
        }
        if (interrupted()) return await rollBack(interrupted()!);
        if (release.hasExited()) {
          const out = await release.exited;
          return await rollBack(`the release exited (${out.exitCode !== null ? `status ${out.exitCode}` : out.signal ?? 'unknown'}) while taking traffic`);
        }
        waited++;
        const w = proxy.window(false);
        const cstats = w.candidate ?? { requests: 0, errors: 0, errorRate: 0 };
        const v = await j.judgeWindow(weight, cstats, w.baseline, waited);
        if (v.verdict === 'inconclusive') continue;
        proxy.window(true);
        j.record.samples.push({ t: new Date().toISOString(), weight, candidate: cstats, ...(w.baseline ? { baseline: w.baseline } : {}) });
        j.save();
        j.say(`    window: ${v.verdict.toUpperCase()}: ${v.reason}`);
        if (v.verdict === 'fail') return await rollBack(v.reason);
        waited = 0;
        if (++passes >= d.analysis.windowsPerStep) break;
      }
    }

    // promote: the candidate takes the baseline's place; the old release finishes its requests and stops
    if (live) await proxy.drained('baseline', drainMs);
    proxy.promote();
    await j.event(DEPLOY_EVENTS.promoted, { version: o.version });
    if (live?.kind === 'owned') await live.release.stop();
    const record = await j.finish('promoted');
    if (ownProxy) await proxy.close();
    return { record, live: { kind: 'owned', release } };
  } catch (e) {
    // anything unexpected: the baseline must still serve
    await stopCandidate().catch(() => undefined);
    const reason = `deploy error: ${(e as Error).message}`;
    await j.event(DEPLOY_EVENTS.rolledBack, { version: o.version, reason }).catch(() => undefined);
    await j.finish('failed', reason).catch(() => undefined);
    if (ownProxy) await proxy.close().catch(() => undefined);
    throw e;
  }
}

/** `host:port` (IPv6 in brackets). */
export function splitHostPort(s: string): [string, number] {
  const i = s.lastIndexOf(':');
  return [s.slice(0, i).replace(/^\[|\]$/g, ''), Number(s.slice(i + 1))];
}
