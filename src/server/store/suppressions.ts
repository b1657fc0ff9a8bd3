/**
 * Triage and pipeguard.yml agree both ways. Export: every false positive, accepted risk and won't-fix of a
 * project as `suppressions:` entries (fingerprint and rule; an acceptance keeps its expiry), for the gate to
 * honour. Import: the suppressions of a pipeguard.yml become triage of the findings they match (by rule, path
 * glob and fingerprint, as the gate matches them), each recorded in the audit trail.
 */
import { globMatcher } from '../../core/glob.js';
import { stringify } from 'yaml';
import { parseConfig } from '../../config/load.js';
import type { Db } from '../db/types.js';
import { InvalidError } from './errors.js';
import { dateOfEnd, setTriage, TRIAGE_LABELS, type TriageState } from './triage.js';

/** The reason prefix that carries the triage state through a pipeguard.yml. */
const PREFIX: Partial<Record<TriageState, string>> = { false_positive: 'false positive: ', wont_fix: "won't fix: ", accepted_risk: 'accepted risk: ' };

/** The project's triage as a pipeguard.yml fragment. */
export async function exportSuppressions(db: Db, projectId: number, projectName: string, now: number): Promise<string> {
  const rows = await db.all<{ fingerprint: string; rule_id: string; path: string; triage: TriageState; triage_reason: string | null; triage_expires: number | null; triage_by: string | null }>(
    "SELECT fingerprint, rule_id, path, triage, triage_reason, triage_expires, triage_by FROM findings WHERE project_id = ? AND triage IN ('false_positive', 'accepted_risk', 'wont_fix') ORDER BY path, rule_id, fingerprint",
    [projectId],
  );
  const suppressions = rows.map((r) => ({
    rule: r.rule_id,
    fingerprint: r.fingerprint,
    reason: `${PREFIX[r.triage] ?? ''}${r.triage_reason ?? TRIAGE_LABELS[r.triage]}${r.triage_by ? ` (${r.triage_by})` : ''}`,
    ...(r.triage_expires ? { expires: dateOfEnd(r.triage_expires) } : {}),
  }));
  const head = `# Triage of ${projectName} exported by the pipeguard server on ${new Date(now).toISOString().slice(0, 10)}.\n# Paste the entries under \`suppressions:\` in pipeguard.yml so the gate agrees with the dashboard.\n`;
  return head + stringify({ suppressions }, { lineWidth: 0 });
}

/** What an import did. */
export interface ImportResult {
  /** Findings whose triage was set. */
  applied: number;
  /** Suppressions that matched no finding of the project. */
  unmatched: string[];
  /** Suppressions skipped because their expiry has passed. */
  expired: string[];
}

function stateOf(reason: string, expires: string | undefined): { state: TriageState; reason: string } {
  for (const [state, prefix] of Object.entries(PREFIX) as [TriageState, string][]) {
    if (reason.toLowerCase().startsWith(prefix)) return { state: state === 'accepted_risk' && !expires ? 'wont_fix' : state, reason: reason.slice(prefix.length) };
  }
  return { state: expires ? 'accepted_risk' : 'wont_fix', reason };
}

/** Applies the suppressions of `yamlText` (a pipeguard.yml) to the project's findings. */
export async function importSuppressions(db: Db, projectId: number, yamlText: string, actor: string, now: number): Promise<ImportResult> {
  let config;
  try {
    config = parseConfig(yamlText, 'pipeguard.yml').config;
  } catch (e) {
    throw new InvalidError((e as { format?: () => string }).format?.() ?? (e as Error).message);
  }
  const findings = await db.all<{ id: number; fingerprint: string; rule_id: string; path: string }>('SELECT id, fingerprint, rule_id, path FROM findings WHERE project_id = ?', [projectId]);
  const today = new Date(now).toISOString().slice(0, 10);
  const out: ImportResult = { applied: 0, unmatched: [], expired: [] };
  for (const s of config.suppressions) {
    const label = [s.rule && `rule ${s.rule}`, s.path && `path ${s.path}`, s.fingerprint && `fingerprint ${s.fingerprint}`].filter(Boolean).join(', ');
    if (s.expires !== undefined && s.expires < today) {
      out.expired.push(label);
      continue;
    }
    const glob = s.path !== undefined ? globMatcher(s.path) : null;
    const matched = findings.filter((f) => (s.rule === undefined || s.rule === f.rule_id) && (s.fingerprint === undefined || s.fingerprint === f.fingerprint) && (!glob || glob(f.path)));
    if (!matched.length) {
      out.unmatched.push(label);
      continue;
    }
    const { state, reason } = stateOf(s.reason, s.expires);
    for (const f of matched) {
      await setTriage(db, { findingId: Number(f.id), state, reason: reason.replace(/ \([^()]*\)$/, '') || s.reason, ...(state === 'accepted_risk' ? { expires: s.expires! } : {}), actor, now });
      out.applied++;
    }
  }
  return out;
}
