/**
 * A fleet worker: takes scan jobs from the queue, at most `concurrency` at once and at most `perHost` per git
 * host across all workers, clones, scans (the scan itself is passed in by the CLI), and uploads the report to
 * the server with the job's id as the run id, so a job run twice (a worker killed after uploading) is stored
 * once. A job that cannot get a host slot waits (delayed, not failed); a missing repository or a report the
 * server refuses goes straight to the dead-letter list; anything else is retried with backoff.
 */
import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import { uploadReport, UploadError } from '../client/upload.js';
import { checkout, PermanentError } from './checkout.js';
import { HostLimit } from './host-limit.js';
import { QUEUE_NAME, redisConnection, type ScanJob } from './queue.js';

/** How a worker runs. */
export interface WorkerOptions {
  redisUrl: string;
  prefix?: string;
  /** The findings server and its upload token. */
  server: string;
  token?: string;
  concurrency: number;
  perHost: number;
  /** How long a job's lock (and host lease) lasts without renewal: a killed worker's job is retried after it. */
  lockMs: number;
  cloneTimeoutMs: number;
  /** Scans a folder; returns the pipeguard JSON report. */
  scan(dir: string, job: ScanJob): Promise<string>;
  log(line: string): void;
}

/** What a completed job returns (kept by BullMQ as its return value). */
export interface ScanResult {
  project: string;
  run: unknown;
  stored: boolean;
  total: unknown;
  new: unknown;
  fixed: unknown;
}

/** Starts a worker; resolves with a function that stops it (letting running jobs finish). */
export async function startWorker(o: WorkerOptions): Promise<{ close(): Promise<void>; worker: Worker<ScanJob, ScanResult> }> {
  const prefix = o.prefix ?? 'pipeguard';
  const connection = redisConnection(o.redisUrl);
  const limits = new HostLimit(connection, prefix, o.perHost, o.lockMs);
  const processor = async (job: Job<ScanJob>, token?: string): Promise<ScanResult> => {
    const d = job.data;
    const holder = job.id!;
    if (!(await limits.acquire(d.host, holder))) {
      // The host is busy: come back later without spending an attempt.
      await job.moveToDelayed(Date.now() + 500 + Math.floor(Math.random() * 1000), token);
      throw new DelayedError();
    }
    const renew = setInterval(() => void limits.renew(d.host, holder).catch(() => undefined), Math.max(250, o.lockMs / 3));
    try {
      await job.updateProgress({ stage: 'checkout' });
      let co;
      try {
        co = await checkout(d.repo, d.local, o.cloneTimeoutMs);
      } catch (e) {
        if (e instanceof PermanentError) throw new UnrecoverableError(e.message);
        throw e;
      }
      let report: string;
      try {
        await job.updateProgress({ stage: 'scan' });
        report = await o.scan(co.dir, d);
      } finally {
        co.dispose();
      }
      await job.updateProgress({ stage: 'upload' });
      try {
        const r = await uploadReport({ url: o.server, project: d.project, body: report, runId: `fleet-${job.id}`, ...(o.token ? { token: o.token } : {}), attempts: 2, backoffMs: 1000 });
        o.log(`${d.project}: ${r.status === 201 ? `${String(r.body['total'])} finding(s) uploaded` : 'already uploaded'}`);
        return { project: d.project, run: r.body['run'], stored: r.status === 201, total: r.body['total'], new: r.body['new'], fixed: r.body['fixed'] };
      } catch (e) {
        // 409: this job's run id is stored already, by an earlier attempt whose worker lost the job's lock (killed,
        // or too slow to renew it) after uploading; its report of the same job differs only in timestamps.
        if (e instanceof UploadError && e.status === 409) {
          o.log(`${d.project}: already uploaded by an earlier attempt of this job`);
          return { project: d.project, run: undefined, stored: false, total: undefined, new: undefined, fixed: undefined };
        }
        if (e instanceof UploadError && !e.retryable) throw new UnrecoverableError(`upload refused: ${e.message}`);
        throw e;
      }
    } finally {
      clearInterval(renew);
      await limits.release(d.host, holder).catch(() => undefined);
    }
  };
  const worker = new Worker<ScanJob, ScanResult>(QUEUE_NAME, processor, {
    connection,
    prefix,
    concurrency: o.concurrency,
    lockDuration: o.lockMs,
    stalledInterval: Math.max(1000, Math.floor(o.lockMs / 2)),
    maxStalledCount: 1,
    autorun: true,
  });
  worker.on('failed', (job, err) => {
    if (job && !(err instanceof DelayedError)) o.log(`${job.data.project}: attempt ${job.attemptsMade} failed: ${err.message}`);
  });
  worker.on('error', (err) => o.log(`worker error: ${err.message}`));
  await worker.waitUntilReady();
  return {
    worker,
    close: async () => {
      await worker.close();
      await connection.quit().catch(() => undefined);
    },
  };
}
