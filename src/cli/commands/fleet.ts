import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InputError, UsageError } from '../../core/errors.js';
import { batchStatus, enqueue, openQueue, type BatchStatus } from '../../server/fleet/queue.js';
import { parseRepoList } from '../../server/fleet/repos.js';
import { int, parse } from '../args.js';
import type { CliIO, Command } from '../io.js';
import { untilStopped } from '../stop.js';

const DEFAULT_REDIS = 'redis://127.0.0.1:6379';

function line(s: BatchStatus): string {
  return `${s.completed}/${s.total} done, ${s.active} running, ${s.waiting + s.delayed} waiting, ${s.dead.length} dead`;
}

function printDead(s: BatchStatus, io: CliIO): void {
  for (const d of s.dead) io.stdout.write(`dead\t${d.project}\t${d.repo}\tattempts ${d.attempts}\t${d.reason.split('\n')[0]}\n`);
}

/** `pipeguard fleet scan|status`: queue scans of many repositories for `pipeguard worker`s, and follow them. */
export const fleetCommand: Command = {
  name: 'fleet',
  summary: 'queue scans of many repositories for workers (BullMQ on Redis) and follow their progress',
  help: `Usage: pipeguard fleet scan REPOS.txt [options]
       pipeguard fleet status [--batch NAME] [options]

'fleet scan' queues one job per line of REPOS.txt (a git URL or a local path, optionally followed by the
server project; '#' comments). 'pipeguard worker' processes, on any number of machines, clones, scans and
uploads each to the server. Failed jobs are retried with exponential backoff; jobs that fail every attempt
are kept on the dead-letter list with their reason ('fleet status').

      --redis URL           the queue (default ${DEFAULT_REDIS}, or PIPEGUARD_REDIS)
      --prefix NAME         Redis key prefix (default pipeguard)
      --batch NAME          name of this batch (default: scan-<time>); queueing a batch again adds nothing twice
      --attempts N          tries per repository (default 3)
      --backoff-seconds N   first wait before a retry, doubled each time (default 10)
      --wait                follow the batch until every job is done or dead; exit 1 if any is dead

Exit codes: 0 queued (or, with --wait, all done), 1 some repositories are on the dead-letter list, 2 usage or input error.
`,
  async run(argv, io) {
    const { values, positionals } = parse(
      argv,
      { redis: { type: 'string' }, prefix: { type: 'string' }, batch: { type: 'string' }, attempts: { type: 'string' }, 'backoff-seconds': { type: 'string' }, wait: { type: 'boolean' }, 'poll-ms': { type: 'string' } },
      2,
    );
    const [verb, file] = positionals;
    if (verb !== 'scan' && verb !== 'status') throw new UsageError("fleet takes 'scan REPOS.txt' or 'status'");
    if (verb === 'scan' && !file) throw new UsageError('fleet scan needs a file of repositories');
    const attempts = int('attempts', values.attempts) ?? 3;
    const backoff = int('backoff-seconds', values['backoff-seconds']) ?? 10;
    const pollMs = int('poll-ms', values['poll-ms']) ?? 2000;
    let repos;
    if (verb === 'scan') {
      const path = resolve(io.cwd, file!);
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (e) {
        throw new InputError(`cannot read (${(e as NodeJS.ErrnoException).code})`, file);
      }
      repos = parseRepoList(text, file!, dirname(path));
      if (!repos.length) throw new InputError('no repositories listed', file);
    }
    const batch = values.batch ?? (verb === 'scan' ? `scan-${io.now().toISOString().replace(/[-:]/g, '').slice(0, 15)}` : undefined);
    if (batch !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(batch)) throw new UsageError('--batch: letters, digits, _ and -, up to 64');
    const { queue, connection } = openQueue({ redisUrl: values.redis ?? io.env['PIPEGUARD_REDIS'] ?? DEFAULT_REDIS, prefix: values.prefix ?? 'pipeguard' });
    try {
      await queue.waitUntilReady().catch((e: Error) => {
        throw new InputError(`cannot reach the queue: ${e.message}`, 'redis');
      });
      if (verb === 'scan') {
        await enqueue(queue, batch!, repos!, { attempts, backoffMs: backoff * 1000 });
        io.stderr.write(`pipeguard: batch ${batch}: ${repos!.length} repositories queued\n`);
        io.stdout.write(`${batch}\n`);
        if (!values.wait) return 0;
      }
      let s = await batchStatus(queue, batch);
      if (verb === 'status') {
        io.stdout.write(`${batch ?? 'all batches'}: ${line(s)}\n`);
        printDead(s, io);
        return s.dead.length ? 1 : 0;
      }
      let last = '';
      const stop = untilStopped(io);
      while (s.completed + s.dead.length < s.total && !stop.isStopped()) {
        const l = line(s);
        if (l !== last) io.stderr.write(`pipeguard: ${l}\n`);
        last = l;
        await new Promise((r) => setTimeout(r, pollMs));
        s = await batchStatus(queue, batch);
      }
      stop.release();
      io.stderr.write(`pipeguard: ${line(s)}\n`);
      printDead(s, io);
      return s.dead.length ? 1 : 0;
    } finally {
      await queue.close();
      await connection.quit().catch(() => undefined);
    }
  },
};
