import type { CliIO } from './io.js';

/**
 * For long-running commands (serve, worker, fleet --wait): waits until SIGINT or SIGTERM (through `io.onSignal`),
 * then resolves so the command can close cleanly. Without `onSignal` (embedded use) it never resolves.
 */
export function untilStopped(io: CliIO): { stopped: Promise<void>; isStopped: () => boolean; release: () => void } {
  let stopped = false;
  let off: (() => void) | undefined;
  const promise = new Promise<void>((resolve) => {
    off = io.onSignal?.(() => {
      stopped = true;
      resolve();
    });
  });
  return { stopped: promise, isStopped: () => stopped, release: () => off?.() };
}

/**
 * For commands that run something the user may stop (deploy, pipeline run, run-with-secrets): SIGINT or SIGTERM
 * (through `io.onSignal`) aborts `signal`, after a line on stderr saying what happens (`what(count)`, the count of
 * signals so far). With `escalate`, a later signal dispatches `abort` again, so the runner can move on to SIGKILL.
 */
export function abortOnSignal(io: CliIO, what: (count: number) => string, opts: { escalate?: boolean } = {}): { signal: AbortSignal; release: () => void } {
  const ac = new AbortController();
  let signals = 0;
  const off = io.onSignal?.((sig) => {
    signals++;
    io.stderr.write(`\npipeguard: ${sig}: ${what(signals)}\n`);
    if (!ac.signal.aborted) ac.abort(sig);
    else if (opts.escalate) ac.signal.dispatchEvent(new Event('abort'));
  });
  return { signal: ac.signal, release: () => off?.() };
}
