// Helpers of the deploy tests: real services (the example's server.mjs as child processes on 127.0.0.1), a
// bounded load loop that counts every answer, and a config for a deploy against them.
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { after } from 'node:test';
import { checkHealth, freePort, sleep } from '../../../src/deliver/deploy/release.js';

/** The service the example deploys and the tests start: PORT, ERROR_RATE, LATENCY_MS, HEALTH. */
export const SERVER = fileURLToPath(new URL('../../../examples/deploy/app/server.mjs', import.meta.url));

/** A service running as a child process. */
export interface Service {
  url: string;
  port: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts server.mjs with `env` on a free port and waits until its health check answers (bounded). */
export async function startService(version: string, env: Record<string, string> = {}): Promise<Service> {
  const port = await freePort('127.0.0.1');
  const child = spawn(process.execPath, [SERVER], { env: { PATH: process.env['PATH'] ?? '', PORT: String(port), HOST: '127.0.0.1', VERSION: version, ...env }, stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGKILL');
    await gone;
  };
  after(stop);
  for (let i = 0; i < 200; i++) {
    if ((await checkHealth(url, '/healthz', 200, 500)).status) return { url, port, child, stop };
    await sleep(25);
  }
  throw new Error(`service ${version} did not start`);
}

/** What a load loop saw. */
export interface LoadResult {
  sent: number;
  /** Answers by status. */
  statuses: Map<number, number>;
  /** Requests that got no answer (a reset or refused connection). */
  lost: number;
  /** Answers by the release that gave them (x-version header; 500s say it in the body). */
  byVersion: Map<string, number>;
  /** 5xx answers by version. */
  errorsByVersion: Map<string, number>;
}

/**
 * Sends requests to `url` from `workers` loops until stopped or `max` requests were sent (bounded either way), each
 * waiting for the whole answer. Every request is counted: an answer by its status, no answer as lost.
 */
export function loadLoop(url: string, o: { workers?: number; max?: number; body?: boolean } = {}): { stop(): Promise<LoadResult>; result: LoadResult; firstAnswer: Promise<void> } {
  const agent = new Agent({ keepAlive: true, maxSockets: o.workers ?? 4 });
  const result: LoadResult = { sent: 0, statuses: new Map(), lost: 0, byVersion: new Map(), errorsByVersion: new Map() };
  const max = o.max ?? 20_000;
  let stopped = false;
  let answered: () => void;
  let refused: (e: Error) => void;
  const firstAnswer = new Promise<void>((r, j) => {
    answered = r;
    refused = j;
  });
  let gotAnswer = false;
  const noAnswer = () => {
    result.lost++;
    // nothing listens there: give up after a bounded number of tries rather than hang the test
    if (!gotAnswer && result.lost >= 200) {
      stopped = true;
      refused(new Error(`no answer from ${url} after ${result.lost} tries`));
    }
  };
  const inc = (m: Map<string | number, number>, k: string | number) => m.set(k, (m.get(k) ?? 0) + 1);
  const one = () =>
    new Promise<void>((done) => {
      result.sent++;
      const body = o.body && result.sent % 5 === 0 ? Buffer.alloc(64 * 1024, 0x61) : undefined;
      const req = request(url, { method: body ? 'POST' : 'GET', agent, headers: body ? { 'content-length': String(body.length) } : {} }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          inc(result.statuses as Map<string | number, number>, status);
          const text = Buffer.concat(chunks).toString();
          const version = String(res.headers['x-version'] ?? /from (\S+)/.exec(text)?.[1] ?? '?');
          inc(result.byVersion as Map<string | number, number>, version);
          if (status >= 500) inc(result.errorsByVersion as Map<string | number, number>, version);
          gotAnswer = true;
          answered();
          done();
        });
        res.on('error', () => {
          noAnswer();
          done();
        });
      });
      req.on('error', () => {
        noAnswer();
        setTimeout(done, 10);
      });
      req.end(body);
    });
  const loops = Array.from({ length: o.workers ?? 4 }, async () => {
    while (!stopped && result.sent < max) await one();
  });
  return {
    result,
    firstAnswer,
    stop: async () => {
      stopped = true;
      await Promise.all(loops);
      agent.destroy();
      return result;
    },
  };
}

/** Sum of a count map. */
export const total = (m: Map<unknown, number>) => [...m.values()].reduce((a, b) => a + b, 0);

/** A deploy: section for a canary of server.mjs against a running baseline. */
export function deployYaml(o: { listen: string; baseline?: { version: string; url: string }; env?: Record<string, string>; strategy?: string; extra?: string; analysis?: string }): string {
  const env = Object.entries(o.env ?? {}).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join(', ');
  return [
    'deploy:',
    '  service: web',
    `  strategy: ${o.strategy ?? 'canary'}`,
    `  listen: ${o.listen}`,
    ...(o.baseline ? [`  baseline: { version: ${o.baseline.version}, url: ${o.baseline.url} }`] : []),
    '  candidate:',
    `    argv: [${JSON.stringify(process.execPath)}, ${JSON.stringify(SERVER)}]`,
    `    env: { ${env} }`,
    '  health: { path: /healthz, wait: 3s, interval: 50ms, timeout: 1s }',
    `  analysis: ${o.analysis ?? '{ window: 300ms, maxErrorRate: 0.05, maxP95Ms: 1000, minRequests: 10, maxWindows: 30 }'}`,
    '  killGrace: 2s',
    '  drain: 5s',
    ...(o.extra ? [o.extra] : []),
    '',
  ].join('\n');
}
