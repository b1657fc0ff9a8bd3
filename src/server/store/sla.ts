/**
 * SLAs: days to fix per severity (DefectDojo's defaults: 7, 30, 90, 120; none for info), for the server and,
 * overriding it severity by severity, for one project. A finding is due that many days after it was opened (or
 * reopened); it is overdue while open, not triaged away, and past due. Changing an SLA moves the due dates of the
 * findings it governs.
 */
import { SEVERITIES, type Severity } from '../../core/types.js';
import type { Db } from '../db/types.js';
import { writeAudit } from './audit.js';
import { InvalidError } from './errors.js';
import type { SlaDays } from './severity.js';

const DAY = 86_400_000;

/** The SLA in force: the server's, or with `projectId` the project's (its overrides over the server's). */
export async function loadSla(db: Db, projectId?: number): Promise<SlaDays> {
  const out = { critical: null, high: null, medium: null, low: null, info: null } as SlaDays;
  for (const r of await db.all<{ severity: string; days: number | null }>('SELECT severity, days FROM sla')) {
    if (isSeverity(r.severity)) out[r.severity] = r.days === null ? null : Number(r.days);
  }
  if (projectId !== undefined) Object.assign(out, await projectOverrides(db, projectId));
  return out;
}

/** The severities whose days one project sets itself (null: no deadline in that project). */
export async function projectOverrides(db: Db, projectId: number): Promise<Partial<SlaDays>> {
  const out: Partial<SlaDays> = {};
  for (const r of await db.all<{ severity: string; days: number | null }>('SELECT severity, days FROM project_sla WHERE project_id = ?', [projectId])) {
    if (isSeverity(r.severity)) out[r.severity] = r.days === null ? null : Number(r.days);
  }
  return out;
}

/** Sets the server's days per severity (null: no deadline) and moves the due dates of the open findings it governs. */
export async function setSla(db: Db, days: Partial<Record<string, unknown>>, actor: string, now: number): Promise<SlaDays> {
  const next = parseDays(days, false) as Partial<SlaDays>;
  return db.tx(async (t) => {
    const before = await loadSla(t);
    for (const [sev, d] of Object.entries(next)) {
      await t.run('UPDATE sla SET days = ? WHERE severity = ?', [d, sev]);
      // Projects with their own days for this severity keep their due dates.
      const mine = 'severity = ? AND project_id NOT IN (SELECT project_id FROM project_sla WHERE severity = ?)';
      if (d === null) await t.run(`UPDATE findings SET due_at = NULL WHERE ${mine}`, [sev, sev]);
      else await t.run(`UPDATE findings SET due_at = opened_at + ? WHERE ${mine}`, [d * DAY, sev, sev]);
    }
    await writeAudit(t, { at: now, actor, action: 'sla', detail: { before, after: { ...before, ...next } } });
    return loadSla(t);
  });
}

/**
 * Sets one project's days per severity: a number of days or null (no deadline) overrides the server's SLA,
 * `"default"` goes back to it. Moves the due dates of the project's findings of those severities.
 */
export async function setProjectSla(db: Db, projectId: number, days: Partial<Record<string, unknown>>, actor: string, now: number): Promise<{ days: SlaDays; overrides: Partial<SlaDays> }> {
  const next = parseDays(days, true);
  return db.tx(async (t) => {
    const before = await projectOverrides(t, projectId);
    const server = await loadSla(t);
    for (const [sev, d] of Object.entries(next)) {
      await t.run('DELETE FROM project_sla WHERE project_id = ? AND severity = ?', [projectId, sev]);
      if (d !== 'default') await t.run('INSERT INTO project_sla (project_id, severity, days) VALUES (?, ?, ?)', [projectId, sev, d]);
      const eff = d === 'default' ? server[sev as Severity] : d;
      if (eff === null) await t.run('UPDATE findings SET due_at = NULL WHERE project_id = ? AND severity = ?', [projectId, sev]);
      else await t.run('UPDATE findings SET due_at = opened_at + ? WHERE project_id = ? AND severity = ?', [eff * DAY, projectId, sev]);
    }
    const overrides = await projectOverrides(t, projectId);
    await writeAudit(t, { at: now, actor, action: 'project-sla', projectId, detail: { before, after: overrides } });
    return { days: await loadSla(t, projectId), overrides };
  });
}

function isSeverity(s: string): s is Severity {
  return (SEVERITIES as readonly string[]).includes(s);
}

function parseDays(days: Partial<Record<string, unknown>>, allowDefault: boolean): Partial<Record<Severity, number | null | 'default'>> {
  if (!days || typeof days !== 'object' || Array.isArray(days)) throw new InvalidError('expected an object of days per severity');
  const next: Partial<Record<Severity, number | null | 'default'>> = {};
  for (const [k, v] of Object.entries(days)) {
    if (!isSeverity(k)) throw new InvalidError(`unknown severity ${JSON.stringify(k)}`);
    if (allowDefault && v === 'default') {
      next[k] = 'default';
      continue;
    }
    if (v !== null && (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 3650)) {
      throw new InvalidError(`${k}: days must be a whole number from 0 to 3650, or null${allowDefault ? ', or "default"' : ''}`);
    }
    next[k] = v as number | null;
  }
  return next;
}
