import { request as httpRequest } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { runProcess, type OutputSink, type ProcessOutcome } from '../runner/process.js';
import type { ResolvedSecret } from '../secrets/store.js';

/** A release process pipeguard started and owns: stopped with its whole process group. */
export interface RunningRelease {
  version: string;
  url: string;
  pid?: number;
  /** Resolves when the process has ended (on its own or stopped). */
  exited: Promise<ProcessOutcome>;
  /** True once it has ended. */
  hasExited(): boolean;
  /** Stops its process group (SIGTERM, SIGKILL after the grace time) and waits for it to end. */
  stop(): Promise<ProcessOutcome>;
}

/** How to start a release. */
export interface StartSpec {
  version: string;
  argv: string[];
  root: string;
  cwd?: string;
  host: string;
  port: number;
  baseEnv: Record<string, string>;
  env: Record<string, string>;
  secrets: ReadonlyMap<string, ResolvedSecret>;
  mask: readonly Uint8Array[];
  stdout: OutputSink;
  stderr: OutputSink;
  killGraceMs: number;
  deployId: string;
}

/**
 * Starts a release: its command in a process group of its own (the runner's process control), with `PORT`,
 * `HOST`, `PIPEGUARD_DEPLOY_VERSION` and `PIPEGUARD_DEPLOY_ID`, its declared secrets and no others, its output
 * masked and prefixed `[deploy/VERSION] `.
 */
export function startRelease(s: StartSpec): RunningRelease {
  const ac = new AbortController();
  const env: Record<string, string> = {
    ...s.baseEnv,
    ...s.env,
    PORT: String(s.port),
    HOST: s.host,
    PIPEGUARD_DEPLOY_VERSION: s.version,
    PIPEGUARD_DEPLOY_ID: s.deployId,
  };
  for (const [as, sec] of s.secrets) env[as] = sec.value;
  let done = false;
  const exited = runProcess({
    argv: s.argv,
    cwd: resolve(s.root, s.cwd ?? '.'),
    env,
    killGraceMs: s.killGraceMs,
    mask: s.mask,
    stdout: s.stdout,
    stderr: s.stderr,
    prefix: `[deploy/${s.version}] `,
    signal: ac.signal,
  }).then((o) => {
    done = true;
    return o;
  });
  const host = s.host.includes(':') ? `[${s.host}]` : s.host;
  return {
    version: s.version,
    url: `http://${host}:${s.port}`,
    exited,
    hasExited: () => done,
    stop: async () => {
      if (!done) ac.abort('SIGTERM');
      return exited;
    },
  };
}

/** A free TCP port on `host` (asked of the kernel; free when asked, as with any such choice). */
export async function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** One health check's answer. */
export interface HealthResult {
  ok: boolean;
  status?: number;
  error?: string;
  durationMs: number;
}

/** One GET of `url + path`: healthy when it answers `status` within `timeoutMs`. */
export function checkHealth(url: string, path: string, status: number, timeoutMs: number): Promise<HealthResult> {
  const started = Date.now();
  return new Promise((done) => {
    const u = new URL(path, url);
    const req = httpRequest(u, { method: 'GET', agent: false, headers: { 'user-agent': 'pipeguard-deploy', connection: 'close' } }, (res) => {
      res.resume();
      res.on('end', () => {
        const ok = res.statusCode === status;
        done({ ok, status: res.statusCode ?? 0, durationMs: Date.now() - started, ...(ok ? {} : { error: `answered ${res.statusCode}, expected ${status}` }) });
      });
      res.on('error', () => done({ ok: false, error: 'connection reset', durationMs: Date.now() - started }));
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (e: NodeJS.ErrnoException) => done({ ok: false, error: e.code === 'ECONNREFUSED' ? 'connection refused' : e.message, durationMs: Date.now() - started }));
    req.end();
  });
}

/**
 * Checks until healthy, for at most `waitMs` (a starting release gets time to listen), every `intervalMs`. Stops
 * early when `gone()` says the process ended or the signal aborts. Returns the last result.
 */
export async function waitHealthy(
  url: string,
  o: { path: string; status: number; timeoutMs: number; waitMs: number; intervalMs: number; gone?: () => string | undefined; signal?: AbortSignal },
): Promise<HealthResult> {
  const started = Date.now();
  let last: HealthResult = { ok: false, error: 'not checked', durationMs: 0 };
  for (;;) {
    const why = o.gone?.();
    if (why) return { ok: false, error: why, durationMs: Date.now() - started };
    if (o.signal?.aborted) return { ok: false, error: 'interrupted', durationMs: Date.now() - started };
    last = await checkHealth(url, o.path, o.status, o.timeoutMs);
    if (last.ok) return { ...last, durationMs: Date.now() - started };
    if (Date.now() - started + o.intervalMs > o.waitMs) return { ...last, error: `${last.error ?? 'unhealthy'} (after ${Date.now() - started} ms)`, durationMs: Date.now() - started };
    await sleep(o.intervalMs, o.signal);
  }
}

/** Sleeps, cut short by the signal. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', on);
      resolve();
    }, ms);
    const on = () => {
      clearTimeout(t);
      resolve();
    };
    signal?.addEventListener('abort', on, { once: true });
  });
}
