/**
 * SLAs: days to fix per severity (DefectDojo's defaults: 7, 30, 90, 120; none for info). A finding is due
 * that many days after it was opened (or reopened); it is overdue while open, not triaged away, and past due.
 */
import { SEVERITIES, type Severity } from '../../core/types.js';
import type { Db } from '../db/types.js';
import { writeAudit } from './audit.js';
import { InvalidError } from './errors.js';
import type { SlaDays } from './severity.js';

const DAY = 86_400_000;

/** The SLA in force. */
export async function loadSla(db: Db): Promise<SlaDays> {
  const out = { critical: null, high: null, medium: null, low: null, info: null } as SlaDays;
  for (const r of await db.all<{ severity: string; days: number | null }>('SELECT severity, days FROM sla')) {
    if ((SEVERITIES as readonly string[]).includes(r.severity)) out[r.severity as Severity] = r.days === null ? null : Number(r.days);
  }
  return out;
}

/** Sets days per severity (null: no deadline) and moves every open finding's due date to match. */
export async function setSla(db: Db, days: Partial<Record<string, unknown>>, actor: string, now: number): Promise<SlaDays> {
  const next: Partial<SlaDays> = {};
  for (const [k, v] of Object.entries(days)) {
    if (!(SEVERITIES as readonly string[]).includes(k)) throw new InvalidError(`unknown severity ${JSON.stringify(k)}`);
    if (v !== null && (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 3650)) throw new InvalidError(`${k}: days must be a whole number from 0 to 3650, or null`);
    next[k as Severity] = v as number | null;
  }
  return db.tx(async (t) => {
    const before = await loadSla(t);
    for (const [sev, d] of Object.entries(next)) {
      await t.run('UPDATE sla SET days = ? WHERE severity = ?', [d, sev]);
      if (d === null) await t.run('UPDATE findings SET due_at = NULL WHERE severity = ?', [sev]);
      else await t.run('UPDATE findings SET due_at = opened_at + ? WHERE severity = ?', [d * DAY, sev]);
    }
    await writeAudit(t, { at: now, actor, action: 'sla', detail: { before, after: { ...before, ...next } } });
    return loadSla(t);
  });
}
