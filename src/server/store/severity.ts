/** Severity as the number the server sorts and keys pages by, and SLA due dates. */
import { SEVERITIES, type Severity } from '../../core/types.js';

/** critical = 4 ... info = 0. */
export function sevRank(s: Severity): number {
  return 4 - SEVERITIES.indexOf(s);
}

/** The severity of a rank. */
export function sevOf(rank: number): Severity {
  return SEVERITIES[4 - rank] ?? 'info';
}

/** Days to fix per severity; null: no deadline. */
export type SlaDays = Record<Severity, number | null>;

const DAY = 86_400_000;

/** When a finding opened at `openedAt` must be fixed by, or null. */
export function dueAt(sla: SlaDays, severity: Severity, openedAt: number): number | null {
  const d = sla[severity];
  return d === null || d === undefined ? null : openedAt + d * DAY;
}
