import { existsSync, statSync } from 'node:fs';
import { posix, resolve } from 'node:path';
import type { Config } from '../../config/schema.js';
import { InputError } from '../../core/errors.js';
import { locationKey, locationPath, startLineOf } from '../../core/location.js';
import type { Location } from '../../core/types.js';
import { DEFAULT_LIMITS } from '../../engine/run.js';
import { scanPath } from '../../engine/scan-path.js';
import { evaluate } from '../../gate/evaluate.js';
import type { GateConfig } from '../config.js';
import type { GateRecord } from './record.js';

/** What a gate needs besides its own settings. */
export interface GateContext {
  /** Folder the gate's path is relative to. */
  root: string;
  config: Config;
  now: () => Date;
  /** Fingerprints from the ignore file, with reasons. */
  ignored?: ReadonlyMap<string, string>;
  signal?: AbortSignal;
}

/** How many violations a gate record keeps (the count is always whole). */
const MAX_KEPT = 100;

/**
 * Runs a gate: pipeguard's own scanners through the library (the engine and the gate's `evaluate`, the same code
 * as `pipeguard scan`), on the gate's path. A path that does not exist (an artifact the step did not produce)
 * fails the gate with an error; so does a scanner failing.
 */
export async function runGate(id: string, gate: GateConfig, ctx: GateContext): Promise<GateRecord> {
  const failOn = gate.failOn ?? ctx.config.failOn;
  const base: GateRecord = { id, scanners: gate.scanners ?? 'all', path: gate.path, outcome: 'error', failOn, findings: 0, suppressed: 0, violations: [], notes: [] };
  const abs = resolve(ctx.root, gate.path);
  if (!existsSync(abs)) return { ...base, error: `gate path ${gate.path} does not exist` };
  try {
    const report = await scanPath({
      path: abs,
      cwd: ctx.root,
      config: ctx.config,
      limits: { ...DEFAULT_LIMITS, maxFileBytes: ctx.config.maxFileSize },
      gitignore: ctx.config.gitignore,
      exclude: ctx.config.exclude,
      archives: ctx.config.scanners.secrets.archives,
      ...(gate.scanners ? { scanners: gate.scanners } : {}),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      now: ctx.now,
    });
    // finding paths are relative to what was scanned; the record shows them relative to the pipeline root
    const scanned = statSync(abs).isDirectory() ? gate.path : posix.dirname(gate.path.replace(/\\/g, '/'));
    const shown = (p: string) => posix.normalize(posix.join(scanned, p));
    // a finding that is not about a file (an HTTP request, a repository setting) is shown by its key
    const pathOf = (loc: Location) => {
      const p = locationPath(loc);
      return p !== undefined ? shown(p) : locationKey(loc);
    };
    const decision = evaluate(report, { policy: ctx.config, now: ctx.now(), ...(gate.failOn ? { failOn: gate.failOn } : {}), ...(ctx.ignored ? { ignored: ctx.ignored } : {}) });
    return {
      ...base,
      outcome: decision.outcome,
      findings: report.findings.length,
      suppressed: decision.suppressed.length,
      violations: decision.violations.slice(0, MAX_KEPT).map((f) => ({
        scanner: f.scanner,
        ruleId: f.ruleId,
        severity: f.severity,
        message: f.message,
        path: pathOf(f.location),
        ...(startLineOf(f.location) !== undefined ? { line: startLineOf(f.location)! } : {}),
        fingerprint: f.fingerprint,
      })),
      notes: [...decision.notes, ...(decision.violations.length > MAX_KEPT ? [`${decision.violations.length - MAX_KEPT} more violations not kept in the record`] : [])],
    };
  } catch (e) {
    if (ctx.signal?.aborted) throw e;
    return { ...base, error: e instanceof InputError ? e.format() : (e as Error).message };
  }
}
