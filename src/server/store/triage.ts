/**
 * Triage: what people decided about a finding, kept apart from whether the scanner still sees it, so it
 * survives re-imports, line moves and a fix-then-reintroduce. Every change is in the audit trail. An accepted
 * risk has a reason and an expiry; once expired, the acceptance is lifted (recorded as done by `system`) and
 * the finding is open and untriaged again, so it counts against its SLA.
 */
import type { Db } from '../db/types.js';
import { writeAudit } from './audit.js';
import { InvalidError, NotFoundError } from './errors.js';

/** Triage states. `none` is untriaged; `in_progress` still counts as open work. */
export const TRIAGE_STATES = ['none', 'in_progress', 'false_positive', 'accepted_risk', 'wont_fix'] as const;
/** One triage state. */
export type TriageState = (typeof TRIAGE_STATES)[number];

/** Labels for people. */
export const TRIAGE_LABELS: Record<TriageState, string> = {
  none: 'untriaged',
  in_progress: 'in progress',
  false_positive: 'false positive',
  accepted_risk: 'accepted risk',
  wont_fix: "won't fix",
};

const DAY = 86_400_000;

/** A triage request. `expires` is a date (YYYY-MM-DD): the acceptance ends at the end of that day (UTC). */
export interface TriageInput {
  findingId: number;
  state: string;
  reason?: string;
  expires?: string;
  actor: string;
  now: number;
}

/** End of day `date` (UTC) in epoch ms, or an InvalidError. */
export function endOfDay(date: string): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new InvalidError(`expiry ${JSON.stringify(date)} must be a date, YYYY-MM-DD`);
  const t = Date.parse(`${date}T00:00:00Z`);
  if (!Number.isFinite(t) || new Date(t).toISOString().slice(0, 10) !== date) throw new InvalidError(`expiry ${date} is not a calendar date`);
  return t + DAY;
}

/** The date (YYYY-MM-DD) whose end is `t`. */
export function dateOfEnd(t: number): string {
  return new Date(t - DAY).toISOString().slice(0, 10);
}

/** Checks a triage request; returns what to store. */
export function checkTriage(input: Omit<TriageInput, 'findingId' | 'actor'>): { state: TriageState; reason: string | null; expires: number | null } {
  const state = input.state as TriageState;
  if (!(TRIAGE_STATES as readonly string[]).includes(state)) throw new InvalidError(`triage state must be one of ${TRIAGE_STATES.join(', ')}`);
  const reason = input.reason?.trim() || null;
  if (reason && reason.length > 2000) throw new InvalidError('reason is longer than 2000 characters');
  if ((state === 'false_positive' || state === 'accepted_risk' || state === 'wont_fix') && (!reason || reason.length < 3)) {
    throw new InvalidError(`${TRIAGE_LABELS[state]} needs a reason`);
  }
  let expires: number | null = null;
  if (state === 'accepted_risk') {
    if (!input.expires) throw new InvalidError('accepted risk needs an expiry date');
    expires = endOfDay(input.expires);
    if (expires <= input.now) throw new InvalidError('the expiry date has passed');
    if (expires - input.now > 3 * 365 * DAY) throw new InvalidError('an acceptance can last at most three years');
  } else if (input.expires) throw new InvalidError('only an accepted risk has an expiry date');
  return { state, reason, expires };
}

/** Sets a finding's triage and records it. Returns the finding's project id. */
export async function setTriage(db: Db, input: TriageInput, only?: number[]): Promise<number> {
  const next = checkTriage(input);
  return db.tx(async (t) => {
    const row = await t.get<{ project_id: number; triage: string; triage_reason: string | null; triage_expires: number | null }>(
      'SELECT project_id, triage, triage_reason, triage_expires FROM findings WHERE id = ?',
      [input.findingId],
    );
    if (!row || (only && !only.includes(Number(row.project_id)))) throw new NotFoundError(`no finding ${input.findingId}`);
    await t.run('UPDATE findings SET triage = ?, triage_reason = ?, triage_expires = ?, triage_by = ?, triage_at = ? WHERE id = ?', [
      next.state, next.reason, next.expires, input.actor, input.now, input.findingId,
    ]);
    await writeAudit(t, {
      at: input.now,
      actor: input.actor,
      action: 'triage',
      projectId: Number(row.project_id),
      findingId: input.findingId,
      detail: {
        from: row.triage,
        to: next.state,
        ...(next.reason ? { reason: next.reason } : {}),
        ...(next.expires ? { expires: dateOfEnd(next.expires) } : {}),
      },
    });
    return Number(row.project_id);
  });
}

/** Lifts every acceptance that has expired by `now` (of one project, or all); returns how many. */
export async function expireAcceptances(db: Db, now: number, projectId?: number): Promise<number> {
  return db.tx(async (t) => {
    const rows = await t.all<{ id: number; project_id: number; triage_reason: string | null; triage_expires: number }>(
      `SELECT id, project_id, triage_reason, triage_expires FROM findings WHERE triage = 'accepted_risk' AND triage_expires <= ?${projectId !== undefined ? ' AND project_id = ?' : ''}`,
      projectId !== undefined ? [now, projectId] : [now],
    );
    for (const r of rows) {
      await t.run("UPDATE findings SET triage = 'none', triage_reason = NULL, triage_expires = NULL, triage_by = 'system', triage_at = ? WHERE id = ?", [now, r.id]);
      await writeAudit(t, {
        at: now,
        actor: 'system',
        action: 'acceptance-expired',
        projectId: Number(r.project_id),
        findingId: Number(r.id),
        detail: { from: 'accepted_risk', to: 'none', expired: dateOfEnd(Number(r.triage_expires)), ...(r.triage_reason ? { reason: r.triage_reason } : {}) },
      });
    }
    return rows.length;
  });
}
