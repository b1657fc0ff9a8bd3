/**
 * Each threat's state: mitigated (a live pipeguard check, or a control declared in the model), accepted (with a
 * reason and an expiry, like a suppression), or open. Pure over the threats, the model, the check registry, the
 * effective config and today's date.
 */
import type { Config } from '../config/schema.js';
import { InputError } from '../core/errors.js';
import { mitigationStatus, type CheckRegistry, type CheckStatus } from './checks.js';
import type { Threat } from './engine.js';
import type { Accepted, Control, Model } from './model.js';

/** Where a threat stands. */
export type ThreatState = 'mitigated' | 'accepted' | 'open';

/** A control's standing for one threat. */
export interface ControlStatus {
  id: string;
  title: string;
  /** live: one of its checks is live; manual: no checks, evidence given, not expired. */
  state: 'live' | 'manual' | 'expired' | 'not-live';
  detail: string;
  checks: CheckStatus[];
}

/** A threat with its state and the reasons for it. */
export interface AssessedThreat extends Threat {
  state: ThreatState;
  /** The rule's mitigations, each with its live status. */
  checks: CheckStatus[];
  /** Controls of the model that name this threat's rule and cover its target. */
  controls: ControlStatus[];
  /** The acceptance that applies (set when state is `accepted`, or when an expired one names it). */
  acceptance?: Accepted & { index: number; expired: boolean };
}

/** All threats assessed, plus notes for the report (expired acceptances, acceptances that match nothing). */
export interface Assessment {
  threats: AssessedThreat[];
  notes: string[];
}

/** Checks that controls and acceptances name known rules (InputError at their line in the model). */
export function validateModelRules(model: Model, known: ReadonlySet<string>): void {
  for (const c of model.controls) {
    c.mitigates.forEach((id, i) => {
      if (!known.has(id)) throw new InputError(`controls.${c.id}.mitigates[${i}]: unknown threat rule ${id}`, model.file, model.lineOf(['controls', c.id, 'mitigates', i]) ?? c.line);
    });
  }
  model.accepted.forEach((a, i) => {
    const rule = a.threat.split('@')[0]!;
    if (!known.has(rule)) throw new InputError(`accepted[${i}].threat: unknown threat rule ${rule}`, model.file, model.lineOf(['accepted', i, 'threat']) ?? a.line);
  });
}

/** Assesses every threat. `today` is `YYYY-MM-DD`; `declared`: the keys pipeguard.yml sets (./declared.ts). */
export function assess(model: Model, threats: readonly Threat[], registry: CheckRegistry, config: Config, today: string, declared: readonly string[] = []): Assessment {
  const notes: string[] = [];
  const used = new Set<number>();
  const assessed = threats.map((t): AssessedThreat => {
    const checks = t.rule.mitigations.map((m) => mitigationStatus(m, t.severity, registry, config, today, declared));
    const controls = model.controls.filter((c) => c.mitigates.includes(t.rule.id) && (!c.elements || c.elements.includes(t.target.id))).map((c) => controlStatus(c, t, registry, config, today, declared));
    const mitigated = checks.some((c) => c.state === 'live') || controls.some((c) => c.state === 'live' || c.state === 'manual');
    const idx = model.accepted.findIndex((a) => a.threat === t.id || a.threat === t.rule.id);
    const out: AssessedThreat = { ...t, state: mitigated ? 'mitigated' : 'open', checks, controls };
    if (idx >= 0) {
      const a = model.accepted[idx]!;
      const expired = a.expires !== undefined && a.expires < today;
      if (!mitigated) {
        used.add(idx);
        out.acceptance = { ...a, index: idx, expired };
        if (!expired) out.state = 'accepted';
      }
    }
    return out;
  });
  model.accepted.forEach((a, i) => {
    const where = `${model.file}:${a.line}`;
    if (a.expires !== undefined && a.expires < today) notes.push(`${where}: accepted risk ${a.threat} expired on ${a.expires}; the threat is open again`);
    else if (!used.has(i)) notes.push(`${where}: accepted risk ${a.threat} matches no open threat: remove it if it is no longer needed`);
  });
  for (const c of model.controls) {
    if (c.checks.length === 0 && c.expires !== undefined && c.expires < today) notes.push(`${model.file}:${c.line}: manual control ${c.id} expired on ${c.expires} and no longer counts`);
  }
  return { threats: assessed, notes };
}

function controlStatus(c: Control, t: Threat, registry: CheckRegistry, config: Config, today: string, declared: readonly string[]): ControlStatus {
  const base = { id: c.id, title: c.title };
  if (c.checks.length === 0) {
    if (c.expires !== undefined && c.expires < today) return { ...base, state: 'expired', detail: `manual control expired on ${c.expires}`, checks: [] };
    return { ...base, state: 'manual', detail: `manual control (not checked by pipeguard): ${c.evidence ?? ''}`.trim(), checks: [] };
  }
  const checks = c.checks.map((k) => mitigationStatus(k, t.severity, registry, config, today, declared));
  const live = checks.find((k) => k.state === 'live');
  return { ...base, state: live ? 'live' : 'not-live', detail: live ? `verified by ${live.scanner}` : `none of its checks is live (${checks.map((k) => k.detail).join('; ')})`, checks };
}
