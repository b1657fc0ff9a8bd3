import type { Severity } from '../core/types.js';
import { cvss4Score } from './cvss4.js';

/**
 * CVSS base scores computed from vector strings (v3.0/v3.1 and v2), per the FIRST specifications.
 * v4.0 vectors are scored in `cvss4.ts`; `recordSeverity` prefers v4 over v3 over v2.
 */

function roundUp31(x: number): number {
  const i = Math.round(x * 100000);
  return i % 10000 === 0 ? i / 100000 : (Math.floor(i / 10000) + 1) / 10;
}

function metrics(vector: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const part of vector.split('/')) {
    const [k, v] = part.split(':');
    if (k && v) m.set(k, v);
  }
  return m;
}

/** The CVSS 3.x base score of a vector such as `CVSS:3.1/AV:N/AC:L/...`, or undefined if it is not valid. */
export function cvss3BaseScore(vector: string): number | undefined {
  if (!/^CVSS:3\.[01]\//.test(vector)) return undefined;
  const m = metrics(vector);
  const AV = ({ N: 0.85, A: 0.62, L: 0.55, P: 0.2 } as Record<string, number>)[m.get('AV') ?? ''];
  const AC = ({ L: 0.77, H: 0.44 } as Record<string, number>)[m.get('AC') ?? ''];
  const UI = ({ N: 0.85, R: 0.62 } as Record<string, number>)[m.get('UI') ?? ''];
  const S = m.get('S');
  const prRaw = m.get('PR');
  const cia = { H: 0.56, L: 0.22, N: 0 } as Record<string, number>;
  const C = cia[m.get('C') ?? ''];
  const I = cia[m.get('I') ?? ''];
  const A = cia[m.get('A') ?? ''];
  if (AV === undefined || AC === undefined || UI === undefined || C === undefined || I === undefined || A === undefined) return undefined;
  if (S !== 'U' && S !== 'C') return undefined;
  const PR =
    prRaw === 'N' ? 0.85 : prRaw === 'L' ? (S === 'C' ? 0.68 : 0.62) : prRaw === 'H' ? (S === 'C' ? 0.5 : 0.27) : undefined;
  if (PR === undefined) return undefined;
  const iss = 1 - (1 - C) * (1 - I) * (1 - A);
  const impact = S === 'U' ? 6.42 * iss : 7.52 * (iss - 0.029) - 3.25 * Math.pow(iss - 0.02, 15);
  const exploitability = 8.22 * AV * AC * PR * UI;
  if (impact <= 0) return 0;
  return S === 'U' ? roundUp31(Math.min(impact + exploitability, 10)) : roundUp31(Math.min(1.08 * (impact + exploitability), 10));
}

/** The CVSS v2 base score of a vector such as `AV:N/AC:L/Au:N/C:P/I:P/A:P`, or undefined. */
export function cvss2BaseScore(vector: string): number | undefined {
  const m = metrics(vector.replace(/^\(|\)$/g, ''));
  const AV = ({ L: 0.395, A: 0.646, N: 1.0 } as Record<string, number>)[m.get('AV') ?? ''];
  const AC = ({ H: 0.35, M: 0.61, L: 0.71 } as Record<string, number>)[m.get('AC') ?? ''];
  const Au = ({ M: 0.45, S: 0.56, N: 0.704 } as Record<string, number>)[m.get('Au') ?? ''];
  const cia = { N: 0, P: 0.275, C: 0.66 } as Record<string, number>;
  const C = cia[m.get('C') ?? ''];
  const I = cia[m.get('I') ?? ''];
  const A = cia[m.get('A') ?? ''];
  if (AV === undefined || AC === undefined || Au === undefined || C === undefined || I === undefined || A === undefined) return undefined;
  const impact = 10.41 * (1 - (1 - C) * (1 - I) * (1 - A));
  const exploitability = 20 * AV * AC * Au;
  const f = impact === 0 ? 0 : 1.176;
  return Math.round((0.6 * impact + 0.4 * exploitability - 1.5) * f * 10) / 10;
}

/** The qualitative rating of a CVSS score (v3 scale). */
export function severityFromScore(score: number): Severity {
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  if (score > 0) return 'low';
  return 'info';
}

/** A severity label as databases write it (`HIGH`, `moderate`...), or undefined. */
export function severityFromLabel(label: unknown): Severity | undefined {
  if (typeof label !== 'string') return undefined;
  const l = label.toLowerCase();
  if (l === 'critical') return 'critical';
  if (l === 'high' || l === 'important') return 'high';
  if (l === 'moderate' || l === 'medium') return 'medium';
  if (l === 'low') return 'low';
  return undefined;
}

/** What an advisory says about its own severity: the best score from its vectors, else its label. */
export interface AdvisorySeverity {
  severity?: Severity;
  score?: number;
  vector?: string;
  source: 'cvss_v4' | 'cvss_v3' | 'cvss_v2' | 'label' | 'none';
}

const VERSION_RANK: Record<AdvisorySeverity['source'], number> = { cvss_v4: 3, cvss_v3: 2, cvss_v2: 1, label: 0, none: 0 };

/**
 * Severity of an OSV record from its `severity[]` vectors, else `database_specific.severity`. A valid
 * CVSS v4.0 vector wins over v3.x, which wins over v2 (the newest version the record carries); among
 * vectors of one version the highest score wins. Vectors that do not parse are ignored.
 */
export function recordSeverity(record: {
  severity?: { type: string; score: string }[];
  database_specific?: Record<string, unknown>;
}): AdvisorySeverity {
  let best: AdvisorySeverity | undefined;
  for (const s of record.severity ?? []) {
    if (typeof s?.score !== 'string') continue;
    let scored: AdvisorySeverity | undefined;
    if (s.type === 'CVSS_V4') {
      const score = cvss4Score(s.score);
      if (score !== undefined) scored = { severity: severityFromScore(score), score, vector: s.score, source: 'cvss_v4' };
    } else if (s.type === 'CVSS_V3') {
      const score = cvss3BaseScore(s.score);
      if (score !== undefined) scored = { severity: severityFromScore(score), score, vector: s.score, source: 'cvss_v3' };
    } else if (s.type === 'CVSS_V2') {
      const score = cvss2BaseScore(s.score);
      if (score !== undefined) scored = { severity: severityFromScore(score), score, vector: s.score, source: 'cvss_v2' };
    }
    if (!scored) continue;
    const rank = VERSION_RANK[scored.source];
    const bestRank = best ? VERSION_RANK[best.source] : -1;
    if (!best || rank > bestRank || (rank === bestRank && (scored.score ?? 0) > (best.score ?? 0))) best = scored;
  }
  if (best) return best;
  const label = severityFromLabel(record.database_specific?.severity);
  if (label) return { severity: label, source: 'label' };
  return { source: 'none' };
}
