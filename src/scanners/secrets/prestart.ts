/**
 * Worker threads of the secrets scanner, started before the scan knows its rules: a thread's start (a Node
 * bootstrap and the scanner's modules, ~0.1 s of processor time) then runs on an idle processor while this thread
 * is still loading its own modules and config, and the thread is ready when the first files are listed instead
 * of a few hundred milliseconds later. The scanner adopts them ({@link adoptWorkers}) and sends their rules;
 * threads nobody adopted are stopped by {@link releaseWorkers}. Kept apart from scanner.ts so that starting
 * them loads nothing else.
 */
import { availableParallelism, loadavg } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { lazyBuiltin } from '../../core/lazy.js';

const workerThreads = lazyBuiltin<typeof import('node:worker_threads')>('node:worker_threads');

/** Threads started ahead, with the shared counters their pool reads (see WorkerPool in scanner.ts). */
export interface SpareWorkers {
  workers: Worker[];
  /** Workers count themselves here once their rules are compiled. */
  started: Int32Array;
  /** Batches the workers have finished. */
  finished: Int32Array;
  /** Why one of them stopped while waiting, if one did. */
  failure?: Error;
}

let spare: SpareWorkers | undefined;

/** What the default thread count is decided from (see {@link threadsFor}). */
export interface ThreadInputs {
  /** Processors this process may use (`os.availableParallelism()`). */
  processors: number;
  /** The machine's load average over the last minute (`os.loadavg()[0]`; 0 where the system has none). */
  load: number;
}

/** Most threads a secrets scan uses by default. */
const MAX_THREADS = 4;

/**
 * Threads a secrets scan uses unless told otherwise (this one included): one, plus one per processor that the
 * machine's load leaves idle beyond the one this thread runs on, up to {@link MAX_THREADS}. A worker thread costs
 * its own Node start, rule set and optimising-compiler work on the same code (on the 254 MB benchmark tree about
 * 0.3-1 s of processor time more than one thread, bench/README.md): it shortens the scan only when it runs on a
 * processor that would otherwise be idle. On a busy machine it takes time from other processes and, measured on
 * 2 processors at load 10-20, does not finish sooner than one thread; the default is then one thread.
 */
export function threadsFor({ processors, load }: ThreadInputs): number {
  const idle = Math.round(processors - Math.max(0, load));
  return Math.max(1, Math.min(MAX_THREADS, processors, idle));
}

/** {@link threadsFor} this machine now. */
export function defaultThreads(): number {
  return threadsFor({ processors: availableParallelism(), load: loadavg()[0] ?? 0 });
}

/** Whether `count` threads started ahead are waiting for a scan (which then uses them from its first file). */
export function hasSpareWorkers(count: number): boolean {
  return spare !== undefined && spare.workers.length === count && !spare.failure;
}

/** Starts worker threads that wait for their rules: `workerData` carries the pool's counters and no rules. */
export function startWorkers(count: number): SpareWorkers {
  const started = new Int32Array(new SharedArrayBuffer(4));
  const finished = new Int32Array(new SharedArrayBuffer(4));
  const workerData = { started, finished };
  // From sources (tests run through tsx) the worker is TypeScript and needs the same loader.
  const fromSource = import.meta.url.endsWith('.ts');
  const url = new URL(fromSource ? './worker.ts' : './worker.js', import.meta.url);
  const workers: Worker[] = [];
  for (let i = 0; i < count; i++) {
    workers.push(
      fromSource
        ? new (workerThreads().Worker)(`import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })`, {
            eval: true,
            workerData,
          })
        : new (workerThreads().Worker)(url, { workerData }),
    );
  }
  return { workers, started, finished };
}

/**
 * Starts `count` worker threads now for a secrets scan about to begin (the CLI does, for a folder or a history
 * with more than one thread). Nothing happens if some are already waiting.
 */
export function prestartWorkers(count: number): void {
  if (spare || count < 1) return;
  const s = (spare = startWorkers(count));
  // Waiting threads must not keep the process alive; a failure is noted for the pool that would adopt them
  // (which then starts its own), and the pool listens from then on.
  for (const w of s.workers) {
    w.unref();
    w.on('error', (e) => (s.failure ??= e));
    w.on('exit', (code) => (s.failure ??= new Error(`secrets worker stopped (exit code ${code})`)));
  }
}

/** The threads started ahead, if any, for a pool of `count` to take (they are then its own). */
export function adoptWorkers(count: number): SpareWorkers | undefined {
  const s = spare;
  if (!s || s.workers.length !== count || s.failure) return undefined;
  spare = undefined;
  for (const w of s.workers) {
    w.removeAllListeners();
    w.ref();
  }
  return s;
}

/** Stops threads started ahead that no scan took (without waiting for them: they keep nothing alive). */
export function releaseWorkers(): void {
  const s = spare;
  spare = undefined;
  if (s) for (const w of s.workers) void w.terminate();
}
