import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { RawFinding, ScanContext, Target, TargetFile } from '../../../src/core/types.js';
import type { PipelineConfig } from '../../../src/scanners/pipeline/config.js';
import { pipelineConfigSchema } from '../../../src/scanners/pipeline/config.js';
import { pipelineScanner } from '../../../src/scanners/pipeline/scanner.js';

/** A directory target over real files (the shared directory target may not exist yet). */
export function dirTarget(root: string): Target {
  const walk = (dir: string, out: string[]): string[] => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p, out);
      else out.push(p);
    }
    return out;
  };
  return {
    kind: 'directory',
    id: root,
    root,
    async *files(filter) {
      for (const abs of walk(root, [])) {
        const path = relative(root, abs).split(sep).join('/');
        if (filter?.path && !filter.path(path)) continue;
        const file: TargetFile = {
          path,
          size: statSync(abs).size,
          bytes: async () => new Uint8Array(readFileSync(abs)),
          text: async () => readFileSync(abs, 'utf8'),
        };
        yield file;
      }
    },
    dispose: async () => {},
  };
}

/** Runs the pipeline scanner over a directory; returns findings and file errors. */
export async function scanDir(root: string, config: Record<string, unknown> = {}): Promise<{ findings: RawFinding[]; errors: { path: string; message: string }[]; counts: Record<string, number> }> {
  const errors: { path: string; message: string }[] = [];
  const counts: Record<string, number> = {};
  const parsed: PipelineConfig = pipelineConfigSchema.parse(config);
  const ctx: ScanContext<PipelineConfig> = {
    config: parsed,
    root: {} as ScanContext['root'],
    log: { debug() {}, info() {}, warn() {} },
    progress: { update() {}, done() {} },
    signal: new AbortController().signal,
    limits: { maxFileBytes: 1 << 20, maxArchiveDepth: 2, maxArchiveMembers: 100, maxArchiveExpandedBytes: 1 << 24 },
    fileError: (path, message) => errors.push({ path, message }),
    count: (name, by = 1) => {
      counts[name] = (counts[name] ?? 0) + by;
    },
    options: {},
  };
  const findings: RawFinding[] = [];
  for await (const f of pipelineScanner.scan(dirTarget(root), ctx)) findings.push(f);
  return { findings, errors, counts };
}
