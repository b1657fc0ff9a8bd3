import type { Config } from '../config/schema.js';
import type { Limits, Logger, ProgressSink, Report, ScanOptions } from '../core/types.js';
import { openTarget, type OpenOptions } from '../targets/open.js';
import { runScan } from './run.js';

/** What to scan (a path, `-`, a repository's history or staged changes) and how. */
export interface ScanPathOptions extends Omit<OpenOptions, 'onSkip' | 'limits'> {
  path: string;
  config: Config;
  limits: Limits;
  scanners?: string[];
  options?: ScanOptions;
  log?: Logger;
  progress?: ProgressSink;
  now?: () => Date;
}

/**
 * Opens what `path` names, runs the scanners, and disposes of the target. Files the target skipped (too large,
 * unreadable, archive limits) are recorded once each in a `target` status at the head of the report.
 */
export async function scanPath(o: ScanPathOptions): Promise<Report> {
  const skipped = new Map<string, { path: string; message: string }>();
  const { path, config, limits, scanners, options, log, progress, now, ...open } = o;
  const target = await openTarget(path, {
    ...open,
    limits,
    // Each scanner walks the target, so the same skip can be told several times.
    onSkip: (p, message) => skipped.set(`${p}\0${message}`, { path: p, message }),
  });
  let report: Report;
  try {
    report = await runScan({
      target,
      config,
      limits,
      ...(scanners ? { scanners } : {}),
      ...(options ? { options } : {}),
      ...(log ? { log } : {}),
      ...(progress ? { progress } : {}),
      ...(open.signal ? { signal: open.signal } : {}),
      ...(now ? { now } : {}),
    });
  } finally {
    await target.dispose();
  }
  if (skipped.size) {
    const fileErrors = [...skipped.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    report.statuses.unshift({ scanner: 'target', status: 'partial', fileErrors });
  }
  return report;
}
