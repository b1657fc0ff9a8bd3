/** Findings of a pipeguard JSON report (src/report/json.ts, version 1) in the server's model. */
import { SEVERITIES, type Severity } from '../../core/types.js';
import { advisoryIds, locationColumns, packageOf } from './location.js';
import { ReportError, type IncomingFinding } from './model.js';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function need(v: unknown, what: string, where: string): string {
  if (typeof v !== 'string' || v === '') throw new ReportError(`${where}: ${what} must be a non-empty string`);
  if (v.length > 100_000) throw new ReportError(`${where}: ${what} is longer than 100000 characters`);
  return v;
}

function severity(v: unknown, where: string): Severity {
  if (typeof v === 'string' && (SEVERITIES as readonly string[]).includes(v)) return v as Severity;
  throw new ReportError(`${where}: severity must be one of ${SEVERITIES.join(', ')}`);
}

/** One entry of `findings[]` (or of `suppressed[]`, with `suppressed` set to its kind and reason). */
export function pipeguardFinding(f: unknown, where: string, suppressed?: string): IncomingFinding {
  if (!isObj(f)) throw new ReportError(`${where}: not an object`);
  const fingerprint = need(f['fingerprint'], 'fingerprint', where);
  if (fingerprint.length > 200) throw new ReportError(`${where}: fingerprint is longer than 200 characters`);
  const ruleId = need(f['ruleId'], 'ruleId', where);
  const scanner = need(f['scanner'], 'scanner', where);
  const loc = f['location'];
  if (!isObj(loc)) throw new ReportError(`${where}: location must be an object`);
  let cols;
  try {
    cols = locationColumns(loc);
  } catch (e) {
    throw new ReportError(`${where}: ${(e as Error).message}`);
  }
  const data = isObj(f['data']) ? f['data'] : undefined;
  const detail: Obj = {};
  for (const k of ['confidence', 'evidence', 'flow', 'fix', 'origin', 'cwe', 'tags', 'data', 'gate']) if (f[k] !== undefined) detail[k] = f[k];
  const message = suppressed && f['message'] === undefined ? ruleId : need(f['message'], 'message', where);
  return {
    fingerprint,
    scanner,
    ruleId,
    severity: severity(f['severity'], where),
    message,
    ...cols,
    location: loc,
    detail,
    ...packageOf(loc, data),
    aliases: advisoryIds([ruleId, data?.['advisoryId'], ...(Array.isArray(data?.['aliases']) ? (data['aliases'] as unknown[]) : [])]),
    ...(suppressed ? { suppressed } : {}),
  };
}

/** The scanners a pipeguard report covers fully: those whose status is `succeeded`. */
export function pipeguardScope(statuses: unknown): string[] {
  if (!Array.isArray(statuses)) throw new ReportError('statuses must be an array');
  return statuses.filter((s): s is Obj => isObj(s) && s['status'] === 'succeeded' && typeof s['scanner'] === 'string').map((s) => s['scanner'] as string);
}

/** `suppressed[]` entry's kind and reason as one line. */
export function suppressionNote(s: unknown): string {
  const o = isObj(s) ? s : {};
  const kind = typeof o['kind'] === 'string' ? o['kind'] : 'suppressed';
  const reason = typeof o['reason'] === 'string' ? o['reason'] : '';
  return reason ? `${kind}: ${reason}` : kind;
}
