import { DEFAULT_LIMITS } from '../../engine/run.js';
import { resolveConfig } from '../../config/load.js';
import { UsageError } from '../../core/errors.js';
import { scanPath } from '../../engine/scan-path.js';
import { evaluate } from '../../gate/evaluate.js';
import { render } from '../../report/index.js';
import { SCANNER_IDS } from '../../scanners/index.js';
import { startWorker } from '../../server/fleet/worker.js';
import { int, parse } from '../args.js';
import type { CliIO, Command } from '../io.js';
import { untilStopped } from '../stop.js';

/** Scans one checked-out repository as `pipeguard scan DIR` would (its own pipeguard.yml applies); JSON report. */
async function scanDir(dir: string, io: CliIO): Promise<string> {
  const config = resolveConfig(dir, undefined, SCANNER_IDS, dir).config;
  const report = await scanPath({
    path: dir,
    cwd: dir,
    config,
    limits: { ...DEFAULT_LIMITS, maxFileBytes: config.maxFileSize },
    gitignore: config.gitignore,
    exclude: config.exclude,
    archives: config.scanners.secrets.archives,
    options: { threads: 1 },
    now: io.now,
  });
  const decision = evaluate(report, { policy: config, now: io.now() });
  return render('json', report, decision, { color: false });
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
      scan: (dir) => scanDir(dir, io),
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
