/**
 * Whether a mitigation is live: its scanner is part of this build and enabled, its rules are registered and not
 * disabled or suppressed wholesale, and its findings fail the gate at the threat's severity under the effective
 * pipeguard.yml (`failOn`, `thresholds`). Reads the scanner registry's rules and the config; runs no scan.
 */
import type { Config } from '../config/schema.js';
import { InputError } from '../core/errors.js';
import { atLeast, type RuleMeta, type Scanner, type Severity } from '../core/types.js';
import { SCANNER_CONFIGS } from '../scanners/configs.js';
import type { Mitigation, ThreatRule } from './rules/load.js';

/** What the registry offers: per scanner, its rules under the effective config and every rule it can have. */
export interface CheckRegistry {
  scanners: Map<string, { effective: Map<string, RuleMeta>; all: Set<string> }>;
}

/** Builds the registry snapshot from the loaded scanners and the effective config. */
export function checkRegistry(scanners: readonly Scanner<unknown>[], config: Config): CheckRegistry {
  const sections = config.scanners as Record<string, unknown>;
  const map: CheckRegistry['scanners'] = new Map();
  for (const s of scanners) {
    const def = (SCANNER_CONFIGS as Record<string, { parse(v: unknown): unknown }>)[s.id]?.parse({});
    const effective = new Map(s.rules(sections[s.id]).map((r) => [r.id, r]));
    const all = new Set([...s.rules(def).map((r) => r.id), ...effective.keys()]);
    map.set(s.id, { effective, all });
  }
  return { scanners: map };
}

/** Every scanner and rule id a rule set names must exist (InputError at the naming file and line). */
export function validateReferences(rules: readonly ThreatRule[], registry: CheckRegistry): void {
  for (const r of rules) {
    for (const m of r.mitigations) {
      const s = registry.scanners.get(m.scanner);
      if (!s) {
        throw new InputError(`threat rule ${r.id}: unknown scanner ${m.scanner} (known: ${[...registry.scanners.keys()].join(', ')})`, m.source.file, m.source.line);
      }
      for (const id of m.rules ?? []) {
        if (!s.all.has(id)) throw new InputError(`threat rule ${r.id}: scanner ${m.scanner} has no rule ${id}`, m.source.file, m.source.line);
      }
    }
  }
}

/** How one mitigation stands. */
export type CheckState = 'live' | 'not-built' | 'disabled' | 'inactive' | 'not-gating' | 'rule-disabled' | 'suppressed' | 'below-threshold';

/** A mitigation's status with the reason, for reports. */
export interface CheckStatus {
  scanner: string;
  rules?: string[];
  /** Rules that are live (when `rules` is given). */
  liveRules?: string[];
  gateAt: Severity;
  state: CheckState;
  /** One sentence: why it is or is not live. */
  detail: string;
  note?: string;
}

/** The severity from which a scanner's findings fail the scan gate. */
export function scannerThreshold(config: Config, scanner: string): Severity | 'none' {
  return config.thresholds[scanner] ?? config.failOn;
}

/**
 * The status of one mitigation for a threat of severity `severity`. `declared` lists the keys pipeguard.yml itself
 * sets (`scanners.dast`, `build.require`...: see ./declared.ts), which `when` conditions read as `declared`.
 */
export function mitigationStatus(m: Pick<Mitigation, 'scanner' | 'rules' | 'gateAt' | 'whenFn' | 'when' | 'note'>, severity: Severity, registry: CheckRegistry, config: Config, today: string, declared: readonly string[] = []): CheckStatus {
  const gateAt = m.gateAt ?? severity;
  const base = { scanner: m.scanner, gateAt, ...(m.rules ? { rules: m.rules } : {}), ...(m.note ? { note: m.note } : {}) };
  const s = registry.scanners.get(m.scanner);
  if (!s) return { ...base, state: 'not-built', detail: `scanner ${m.scanner} is not part of this build` };
  const section = (config.scanners as Record<string, { enabled?: boolean } | undefined>)[m.scanner];
  if (section && section.enabled === false) return { ...base, state: 'disabled', detail: `scanners.${m.scanner}.enabled is false` };
  if (m.whenFn) {
    const r = m.whenFn({ config, declared: [...declared] });
    if (r !== true) return { ...base, state: 'inactive', detail: typeof r === 'boolean' ? `its condition on the config does not hold (${m.when})` : `its condition on the config failed: ${r.error}` };
  }
  const threshold = scannerThreshold(config, m.scanner);
  const where = config.thresholds[m.scanner] !== undefined ? `thresholds.${m.scanner}` : 'failOn';
  if (threshold === 'none') return { ...base, state: 'not-gating', detail: `${where} is none: ${m.scanner} findings never fail the gate` };
  if (!atLeast(gateAt, threshold)) return { ...base, state: 'not-gating', detail: `${m.scanner} findings fail the gate from ${threshold} (${where}); this threat needs ${gateAt}` };
  if (!m.rules) return { ...base, state: 'live', detail: `${m.scanner} is enabled and fails the gate from ${threshold}` };
  const live: string[] = [];
  let worst: { state: CheckState; detail: string } | undefined;
  for (const id of m.rules) {
    const meta = s.effective.get(id);
    if (!meta) {
      worst ??= { state: 'rule-disabled', detail: `${id} is disabled in scanners.${m.scanner}` };
      continue;
    }
    const sup = config.suppressions.findIndex((x) => x.rule === id && x.path === undefined && x.fingerprint === undefined && (x.expires === undefined || x.expires >= today));
    if (sup >= 0) {
      worst = { state: 'suppressed', detail: `${id} is suppressed everywhere by suppressions[${sup}]` };
      continue;
    }
    if (!atLeast(meta.severity, threshold)) {
      worst ??= { state: 'below-threshold', detail: `${id} reports ${meta.severity}, below the gate (${threshold})` };
      continue;
    }
    live.push(id);
  }
  if (live.length) return { ...base, liveRules: live, state: 'live', detail: `${live.length} of ${m.rules.length} rule(s) enabled and failing the gate from ${threshold}` };
  return { ...base, liveRules: [], ...(worst ?? { state: 'rule-disabled', detail: 'no rule of it is enabled' }) };
}
