import { spawn } from 'node:child_process';
import { Masker } from '../mask/masker.js';

/** Where a step's output goes (stdout and stderr of pipeguard, or a test's buffers). */
export interface OutputSink {
  write(chunk: Uint8Array | string): unknown;
}

/** Why a step was stopped from outside. */
export type StopReason = 'SIGINT' | 'SIGTERM' | 'timeout';

/** A process to run as a step. */
export interface ProcessSpec {
  /** Program and arguments (a shell command is `[shell, '-c', text]`). */
  argv: string[];
  cwd: string;
  /** The child's whole environment (nothing else is inherited). */
  env: Record<string, string>;
  /** Stop the process group after this long. */
  timeoutMs?: number;
  /** Time between SIGTERM and SIGKILL. */
  killGraceMs: number;
  /** Byte strings to mask in everything the process writes. */
  mask: readonly Uint8Array[];
  stdout: OutputSink;
  stderr: OutputSink;
  /** Put before every line of output (e.g. `[build/compile] `). */
  prefix?: string;
  /** Aborting stops the process group; the abort reason (`SIGINT`, `SIGTERM`) is recorded. */
  signal?: AbortSignal;
  /** Feed this stream to the process's standard input (default: none). */
  stdin?: NodeJS.ReadableStream;
  /** Keep this many bytes of the end of the (masked) output for the run record. Default 4096. */
  tailBytes?: number;
}

/** How a step's process ended. */
export interface ProcessOutcome {
  status: 'succeeded' | 'failed' | 'timed-out' | 'interrupted';
  /** The exit code, when it exited. */
  exitCode: number | null;
  /** The signal that ended it, when one did. */
  signal: string | null;
  /** Why it was stopped from outside, if it was. */
  stoppedBy?: StopReason;
  durationMs: number;
  /** Why it could not start (a missing program, a missing folder). */
  error?: string;
  /** The end of its output, masked. */
  outputTail: string;
}

/**
 * Runs one process in a process group of its own, its output passed through a streaming masker (one per stream)
 * and prefixed line by line. A timeout or an abort stops the whole group: SIGTERM, then SIGKILL after the grace
 * time; processes the step left behind in its group when it exits are killed too. Never rejects: a program that
 * cannot start is an outcome with `error`.
 */
export function runProcess(spec: ProcessSpec): Promise<ProcessOutcome> {
  const started = Date.now();
  const tailMax = spec.tailBytes ?? 4096;
  let tail = Buffer.alloc(0);
  const keepTail = (b: Buffer) => {
    tail = tail.length + b.length > tailMax * 2 ? Buffer.concat([tail, b]).subarray(-tailMax) : Buffer.concat([tail, b]);
  };
  return new Promise((resolve) => {
    let stoppedBy: StopReason | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    let timeoutTimer: NodeJS.Timeout | undefined;
    let settled = false;
    const child = spawn(spec.argv[0]!, spec.argv.slice(1), {
      cwd: spec.cwd,
      env: spec.env,
      detached: true,
      stdio: [spec.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
    const killGroup = (sig: NodeJS.Signals) => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, sig);
      } catch {
        // the group is gone already
      }
    };
    const stop = (why: StopReason) => {
      if (stoppedBy) {
        // asked twice (a second Ctrl-C): no more grace
        if (why !== 'timeout') killGroup('SIGKILL');
        return;
      }
      stoppedBy = why;
      killGroup('SIGTERM');
      killTimer = setTimeout(() => killGroup('SIGKILL'), spec.killGraceMs);
      killTimer.unref();
    };
    const onAbort = () => stop(spec.signal?.reason === 'SIGTERM' ? 'SIGTERM' : 'SIGINT');
    if (spec.signal?.aborted) queueMicrotask(onAbort);
    spec.signal?.addEventListener('abort', onAbort);
    if (spec.timeoutMs) timeoutTimer = setTimeout(() => stop('timeout'), spec.timeoutMs);
    if (spec.stdin && child.stdin) {
      spec.stdin.pipe(child.stdin);
      child.stdin.on('error', () => undefined);
    }

    const pipe = (stream: NodeJS.ReadableStream | null, sink: OutputSink) => {
      if (!stream) return Promise.resolve();
      const masker = new Masker(spec.mask);
      let atLineStart = true;
      const emit = (b: Buffer) => {
        if (!b.length) return;
        keepTail(b);
        if (!spec.prefix) {
          sink.write(b);
          return;
        }
        const parts: Buffer[] = [];
        let from = 0;
        const prefix = Buffer.from(spec.prefix);
        while (from < b.length) {
          if (atLineStart) parts.push(prefix);
          const nl = b.indexOf(10, from);
          const end = nl < 0 ? b.length : nl + 1;
          parts.push(b.subarray(from, end));
          atLineStart = nl >= 0;
          from = end;
        }
        sink.write(Buffer.concat(parts));
      };
      return new Promise<void>((done) => {
        let ended = false;
        const end = () => {
          if (ended) return;
          ended = true;
          emit(masker.end());
          if (spec.prefix && !atLineStart) sink.write('\n');
          done();
        };
        stream.on('data', (c: Buffer) => emit(masker.push(c)));
        stream.on('end', end);
        stream.on('close', end);
        stream.on('error', end);
      });
    };
    const drained = Promise.all([pipe(child.stdout, spec.stdout), pipe(child.stderr, spec.stderr)]);

    const finish = (o: Omit<ProcessOutcome, 'durationMs' | 'outputTail'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timeoutTimer);
      clearTimeout(killTimer);
      spec.signal?.removeEventListener('abort', onAbort);
      if (spec.stdin && child.stdin) spec.stdin.unpipe(child.stdin);
      resolve({ ...o, ...(stoppedBy ? { stoppedBy } : {}), durationMs: Date.now() - started, outputTail: tail.subarray(-tailMax).toString('utf8') });
    };
    child.on('error', (e: NodeJS.ErrnoException) => {
      const what = e.code === 'ENOENT' ? `cannot start ${spec.argv[0]}: no such program or working directory` : `cannot start ${spec.argv[0]}: ${e.code ?? e.message}`;
      finish({ status: 'failed', exitCode: null, signal: null, error: what });
    });
    child.on('exit', (code, sig) => {
      // what the step left running in its group goes too; then wait for its output to end
      killGroup('SIGKILL');
      const guard = setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
      }, 2000);
      void drained.then(() => {
        clearTimeout(guard);
        const status: ProcessOutcome['status'] =
          stoppedBy === 'timeout' ? 'timed-out' : stoppedBy ? 'interrupted' : code === 0 ? 'succeeded' : 'failed';
        finish({ status, exitCode: code, signal: sig });
      });
    });
  });
}
