/**
 * Fleet scans on BullMQ (Redis): one job per repository, retried with exponential backoff, failed jobs kept
 * as the dead-letter list with their reason. Why BullMQ and not pg-boss: a BullMQ worker holds a lock it
 * renews while the job runs, so a worker killed mid-job is noticed within the lock time however long scans
 * take; pg-boss 10 only notices through a job's expiry, which must then outlast the longest scan. Jobs are
 * added with ids made of the batch and the repository, so enqueueing the same list twice adds nothing.
 */
import { Queue, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { repoId, type RepoSpec } from './repos.js';

/** The queue's name in Redis (under the prefix). */
export const QUEUE_NAME = 'scans';

/** What a job carries. No secret: the worker has the server URL and token. */
export interface ScanJob {
  repo: string;
  project: string;
  host: string;
  local: boolean;
  batch: string;
}

/** Where the queue lives. */
export interface QueueOptions {
  redisUrl: string;
  /** Key prefix in Redis (default `pipeguard`), to keep installations or tests apart. */
  prefix?: string;
}

/** A Redis connection for BullMQ (which needs `maxRetriesPerRequest: null` for workers). */
export function redisConnection(url: string): Redis {
  const r = new Redis(url, { maxRetriesPerRequest: null, enableOfflineQueue: true, lazyConnect: false, connectTimeout: 10_000 });
  r.on('error', () => undefined); // reported by the command that fails
  return r;
}

/** Opens the queue. */
export function openQueue(o: QueueOptions): { queue: Queue<ScanJob>; connection: Redis } {
  const connection = redisConnection(o.redisUrl);
  return { queue: new Queue<ScanJob>(QUEUE_NAME, { connection, prefix: o.prefix ?? 'pipeguard' }), connection };
}

/** Adds one job per repository (a repository already queued in the batch keeps its job). */
export async function enqueue(queue: Queue<ScanJob>, batch: string, repos: RepoSpec[], o: { attempts: number; backoffMs: number }): Promise<void> {
  for (let i = 0; i < repos.length; i += 500) {
    const chunk = repos.slice(i, i + 500);
    await queue.addBulk(
      chunk.map((r) => ({
        name: 'scan',
        data: { repo: r.repo, project: r.project, host: r.host, local: r.local, batch },
        opts: { jobId: `${batch}.${repoId(r.repo)}`, attempts: o.attempts, backoff: { type: 'exponential', delay: o.backoffMs }, removeOnComplete: false, removeOnFail: false },
      })),
    );
  }
}

/** Where a batch stands. */
export interface BatchStatus {
  total: number;
  waiting: number;
  active: number;
  delayed: number;
  completed: number;
  /** The dead-letter list: repositories whose every attempt failed, with the last reason. */
  dead: { repo: string; project: string; attempts: number; reason: string }[];
}

/** The state of every job of `batch` (or of every batch, with undefined). */
export async function batchStatus(queue: Queue<ScanJob>, batch: string | undefined): Promise<BatchStatus> {
  const out: BatchStatus = { total: 0, waiting: 0, active: 0, delayed: 0, completed: 0, dead: [] };
  // Jobs move between states while they are listed: each is counted once, in the last state it was seen in
  // (states are read in the order jobs move through them).
  const states = ['waiting', 'prioritized', 'delayed', 'active', 'completed', 'failed'] as const;
  const last = new Map<string, { state: (typeof states)[number]; job: Job<ScanJob> }>();
  for (const state of states) {
    for (let start = 0; ; start += 1000) {
      const jobs: Job<ScanJob>[] = await queue.getJobs([state], start, start + 999, true);
      for (const j of jobs) if (j?.id && (batch === undefined || j.data.batch === batch)) last.set(j.id, { state, job: j });
      if (jobs.length < 1000) break;
    }
  }
  for (const { state, job: j } of last.values()) {
    out.total++;
    if (state === 'waiting' || state === 'prioritized') out.waiting++;
    else if (state === 'active') out.active++;
    else if (state === 'delayed') out.delayed++;
    else if (state === 'completed') out.completed++;
    else out.dead.push({ repo: j.data.repo, project: j.data.project, attempts: j.attemptsMade, reason: j.failedReason ?? 'unknown' });
  }
  return out;
}
