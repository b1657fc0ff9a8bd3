// The built-in SAST scanner run in process over a labelled folder, as the accuracy benches score it: every finding
// keyed by `path:line` where it starts, with the folder's file errors and the scan's CPU and wall time.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../../src/config/schema.js';
import { locationPath, startLineOf } from '../../src/core/location.js';
import type { RawFinding, ScanContext } from '../../src/core/types.js';
import { standaloneContext } from '../../src/engine/run.js';
import { sastConfigSchema, type SastConfig } from '../../src/scanners/sast/config.js';
import { sastScanner } from '../../src/scanners/sast/index.js';
import { openDirectory } from '../../src/targets/directory.js';

/** Every file below `d`, in name order. */
export function filesBelow(d: string): string[] {
  return readdirSync(d)
    .sort()
    .flatMap((n) => (statSync(join(d, n)).isDirectory() ? filesBelow(join(d, n)) : [join(d, n)]));
}

export interface SastRun {
  findings: RawFinding[];
  /** `path:line` (path relative to the folder, `/`-separated) -> the rule ids of the findings starting there. */
  hit: Map<string, string[]>;
  errors: string[];
  cpuSeconds: number;
  wallSeconds: number;
}

/** Scans `dir` with the default SAST config (no rule files), as the CLI's scanner does. */
export async function runSast(dir: string): Promise<SastRun> {
  const target = await openDirectory(dir, { gitignore: false });
  const errors: string[] = [];
  const ctx: ScanContext<SastConfig> = standaloneContext(target, sastConfigSchema.parse({}), {} as unknown as Config, {
    fileError: (p, m) => errors.push(`${p}: ${m}`),
    log: { debug: () => {}, info: () => {}, warn: () => {} },
  });
  const t0 = process.cpuUsage();
  const w0 = Date.now();
  const findings: RawFinding[] = [];
  try {
    for await (const f of sastScanner.scan(target, ctx)) findings.push(f);
  } finally {
    await target.dispose();
  }
  const cpu = process.cpuUsage(t0);
  const hit = new Map<string, string[]>();
  for (const f of findings) {
    const k = `${locationPath(f.location)}:${startLineOf(f.location)}`;
    hit.set(k, [...(hit.get(k) ?? []), f.ruleId]);
  }
  return { findings, hit, errors, cpuSeconds: (cpu.user + cpu.system) / 1e6, wallSeconds: (Date.now() - w0) / 1000 };
}

/** The index of the first line after `i` that holds code (not blank, not only a comment by `commentOnly`), or -1. */
export function nextCodeLine(lines: readonly string[], i: number, commentOnly: RegExp): number {
  for (let j = i + 1; j < lines.length; j++) {
    const l = lines[j]!;
    if (l.trim() === '' || commentOnly.test(l)) continue;
    return j;
  }
  return -1;
}
