import { existsSync } from 'node:fs';
import { join } from 'node:path';
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

const NODE_MODULES = '**/node_modules/**';

/** pipeguard's own installed package (its rule examples, test keys and fixtures): never scanned. */
export const OWN_PACKAGE = '**/node_modules/pipeguard/**';

/**
 * Opens what `path` names, runs the scanners, and disposes of the target. Files the target skipped (too large,
 * unreadable, archive limits) are recorded once each in a `target` status at the head of the report.
 */
export async function scanPath(o: ScanPathOptions): Promise<Report> {
  const skipped = new Map<string, { path: string; message: string }>();
  const { path, config, limits, scanners, options, log, progress, now, ...open } = o;
  const target = await openTarget(path, {
    ...open,
    exclude: [...(open.exclude ?? []), OWN_PACKAGE],
    limits,
    // Each scanner walks the target, so the same skip can be told several times.
    onSkip: (p, message) => skipped.set(`${p}\0${message}`, { path: p, message }),
  });
  // Without a .gitignore, nothing keeps installed dependencies out of the secrets and SAST scans: their test
  // keys and unsafe code are the packages' business, and the deps scanner reads them anyway.
  const noGitignore = open.gitignore !== false && target.kind === 'directory' && target.root !== undefined && !existsSync(join(target.root, '.gitignore'));
  let report: Report;
  try {
    report = await runScan({
      ...(noGitignore ? { scannerExcludes: { secrets: [NODE_MODULES], sast: [NODE_MODULES] } } : {}),
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
