import type { Config } from '../../../src/config/schema.js';
import type { RawFinding, ScanContext } from '../../../src/core/types.js';
import { standaloneContext } from '../../../src/engine/run.js';
import { sastConfigSchema, type SastConfig } from '../../../src/scanners/sast/config.js';
import { sastScanner } from '../../../src/scanners/sast/index.js';
import { openDirectory } from '../../../src/targets/directory.js';

/** What one SAST run produced. */
export interface SastRun {
  findings: RawFinding[];
  errors: { path: string; message: string }[];
  counts: Record<string, number>;
  /** Warnings the scanner logged (rules skipped...). */
  warnings: string[];
}

/** Runs the SAST scanner on a real directory with the given config section. */
export async function scanDir(dir: string, cfg: Partial<SastConfig> = {}, signal?: AbortSignal): Promise<SastRun> {
  const errors: { path: string; message: string }[] = [];
  const counts: Record<string, number> = {};
  const warnings: string[] = [];
  const target = await openDirectory(dir, { gitignore: false });
  const ctx: ScanContext<SastConfig> = standaloneContext(target, sastConfigSchema.parse(cfg), {} as unknown as Config, {
    signal: signal ?? new AbortController().signal,
    fileError: (path, message) => errors.push({ path, message }),
    log: { debug: () => {}, info: () => {}, warn: (m) => warnings.push(m) },
    count: (name, by = 1) => {
      counts[name] = (counts[name] ?? 0) + by;
    },
  });
  const findings: RawFinding[] = [];
  for await (const f of sastScanner.scan(target, ctx)) findings.push(f);
  await target.dispose();
  return { findings, errors, counts, warnings };
}
