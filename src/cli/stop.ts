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
