import { spawn } from 'node:child_process';
import { isAbsolute, resolve } from 'node:path';
import { UsageError } from '../../core/errors.js';
import { startWorker } from '../../server/fleet/worker.js';
import { int, parse } from '../args.js';
import type { Command } from '../io.js';
import { untilStopped } from '../stop.js';

/**
 * Scans one checked-out repository as `pipeguard scan` would, in a child process (`pipeguard scan . -f json
 * --threads 1` in the checkout, so its own pipeguard.yml applies and paths are relative to it). The worker's event
 * loop stays free to renew the job's lock however much CPU the scan takes: on a busy machine a scan in the
 * worker's own thread delayed the renewals past the lock time, the job looked dead and ran again.
 */
export function scanInChild(dir: string, entry: string, execArgv: readonly string[] = process.execArgv): Promise<string> {
  // A loader given by name (`--import tsx`, in development) is resolved here: the child runs in the checkout.
  const args = execArgv.map((a, i) => {
    const named = execArgv[i - 1] === '--import' ? a : a.startsWith('--import=') ? a.slice('--import='.length) : undefined;
    if (named === undefined || named.startsWith('file:') || isAbsolute(named) || named.startsWith('.')) return a;
    const url = import.meta.resolve(named);
    return a.startsWith('--import=') ? `--import=${url}` : url;
  });
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [...args, resolve(entry), 'scan', '.', '--format', 'json', '--threads', '1'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => (err = (err + c.toString()).slice(-4000)));
    child.on('error', (e) => fail(e));
    child.on('close', (code, signal) => {
      // 0: the gate passed, 1: it failed; both printed the report.
      if (code === 0 || code === 1) return done(Buffer.concat(out).toString('utf8'));
      const last = err.trim().split('\n').pop() ?? '';
      fail(new Error(`the scan ${signal ? `was killed (${signal})` : `exited ${code}`}${last ? `: ${last.replace(/^pipeguard: /, '')}` : ''}`));
    });
  });
}

/** `pipeguard worker`: processes fleet scan jobs until stopped. */
export const workerCommand: Command = {
  name: 'worker',
  summary: 'process fleet scan jobs: clone, scan, upload to the server (run on any number of machines)',
  help: `Usage: pipeguard worker --server URL [options]

Takes jobs queued by 'pipeguard fleet scan' until stopped (Ctrl-C or SIGTERM lets running jobs finish).
The upload token is read from PIPEGUARD_TOKEN (needs the upload scope; one not bound to a project, so
projects are created as needed).

      --server URL              the pipeguard server reports go to
      --redis URL               the queue (default redis://127.0.0.1:6379, or PIPEGUARD_REDIS)
      --prefix NAME             Redis key prefix (default pipeguard)
      --concurrency N           jobs at once in this worker (default 2)
      --per-host N              jobs at once per git host, over all workers (default 4)
      --lock-seconds N          a job's lock; a killed worker's job runs again after it (default 30)
      --clone-timeout-seconds N (default 600)
`,
  async run(argv, io) {
    const { values } = parse(
      argv,
      { server: { type: 'string' }, redis: { type: 'string' }, prefix: { type: 'string' }, concurrency: { type: 'string' }, 'per-host': { type: 'string' }, 'lock-seconds': { type: 'string' }, 'clone-timeout-seconds': { type: 'string' } },
      0,
    );
    const server = values.server ?? io.env['PIPEGUARD_SERVER'];
    if (!server) throw new UsageError('give --server URL (the pipeguard server to upload to)');
    const token = io.env['PIPEGUARD_TOKEN'];
    const log = (l: string): void => void io.stderr.write(`pipeguard: ${l}\n`);
    const w = await startWorker({
      redisUrl: values.redis ?? io.env['PIPEGUARD_REDIS'] ?? 'redis://127.0.0.1:6379',
      prefix: values.prefix ?? 'pipeguard',
      server,
      ...(token ? { token } : {}),
      concurrency: int('concurrency', values.concurrency) ?? 2,
      perHost: int('per-host', values['per-host']) ?? 4,
      lockMs: (int('lock-seconds', values['lock-seconds']) ?? 30) * 1000,
      cloneTimeoutMs: (int('clone-timeout-seconds', values['clone-timeout-seconds']) ?? 600) * 1000,
      scan: (dir) => scanInChild(dir, process.argv[1]!),
      log,
    });
    log('worker ready');
    const stop = untilStopped(io);
    await stop.stopped;
    stop.release();
    log('stopping: letting running jobs finish');
    await w.close();
    return 0;
  },
};
