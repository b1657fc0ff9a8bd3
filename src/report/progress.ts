/**
 * Progress on a terminal: one line, redrawn in place (`secrets 120/800 files [###-------] 15%`), at most
 * about ten times a second, cleared when a scanner is done. Prints nothing at all when not enabled
 * (stderr is not a TTY, `--quiet`, CI), so logs stay clean.
 */
import type { ProgressSink } from '../core/types.js';
import { oneLine } from './view.js';

/** How a progress bar behaves. */
export interface ProgressBarOptions {
  /** False: the bar prints nothing (use when the stream is not a TTY). */
  enabled: boolean;
  /** Milliseconds clock; injected so tests need no real time. */
  now: () => number;
  /** Least time between redraws (default 100 ms, ~10 redraws a second). */
  intervalMs?: number;
}

/** A sink that ignores everything. */
export const nullProgress: ProgressSink = {
  update() {},
  done() {},
};

const CLEAR_LINE = '\r\u001b[2K';
const BAR = 20;

/** A {@link ProgressSink} drawing a single redrawn line on `stream` (normally stderr). */
export function createProgressBar(
  stream: NodeJS.WritableStream & { columns?: number },
  opts: ProgressBarOptions,
): ProgressSink {
  if (!opts.enabled) return nullProgress;
  const interval = opts.intervalMs ?? 100;
  let last = 0;
  let drawn = false;
  return {
    update(scanner, done, total, unit = 'files') {
      const t = opts.now();
      const finished = total !== undefined && done >= total;
      if (drawn && t - last < interval && !finished) return;
      last = t;
      drawn = true;
      const columns = stream.columns ?? 80;
      stream.write(CLEAR_LINE + progressLine(scanner, done, total, unit).slice(0, Math.max(1, columns - 1)));
    },
    done() {
      if (!drawn) return;
      drawn = false;
      stream.write(CLEAR_LINE);
    },
  };
}

/** The text of one progress line (exported for tests). */
export function progressLine(scanner: string, done: number, total: number | undefined, unit: 'files' | 'bytes'): string {
  const n = (x: number): string => (unit === 'bytes' ? bytes(x) : String(x));
  const name = oneLine(scanner);
  if (total === undefined || total <= 0) return `${name} ${n(done)}${unit === 'files' ? ' files' : ''}`;
  const ratio = Math.min(1, Math.max(0, done / total));
  const fill = Math.round(ratio * BAR);
  const bar = '#'.repeat(fill) + '-'.repeat(BAR - fill);
  return `${name} ${n(done)}/${n(total)}${unit === 'files' ? ' files' : ''} [${bar}] ${Math.floor(ratio * 100)}%`;
}

function bytes(x: number): string {
  if (x < 1024) return `${x} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = x / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}
