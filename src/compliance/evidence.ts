/**
 * The evidence the compliance report weighs, read from what pipeguard wrote: JSON reports of `pipeguard scan` /
 * `secrets` (which scanners ran, what they found, what the gate said) and of `pipeguard posture` (each live check's
 * outcome per repository, and the file checks). Bad input is an InputError naming the file.
 */
import { readFileSync } from 'node:fs';
import { InputError } from '../core/errors.js';
import { describeLocation } from '../core/location.js';
import type { Finding, Report, ScannerStatus } from '../core/types.js';
import type { CheckOutcome, PostureJson } from '../posture/output.js';

/** A finding, as the report points to it. */
export interface FindingRef {
  ruleId: string;
  scanner?: string;
  /** The repository a posture finding is about (`data.repository`). */
  repository?: string;
  fingerprint: string;
  severity: string;
  /** violation, below-threshold, baseline, suppressed. */
  gate: string;
  where: string;
  message: string;
  source: string;
}

/** A scanner that ran, where its result comes from, and its findings. */
export interface ScanEvidence {
  source: string;
  scanner: string;
  status: ScannerStatus['status'];
  findings: FindingRef[];
}

/** A posture check's outcome on one repository (or organisation). */
export interface CheckEvidence {
  source: string;
  repository: string;
  ruleId: string;
  status: CheckOutcome['status'];
  reason?: string;
  findings: FindingRef[];
}

/** All the evidence read. */
export interface Evidence {
  scans: ScanEvidence[];
  checks: CheckEvidence[];
  /** What was read, for the report's header. */
  sources: string[];
  /** Forges of the repositories a posture run assessed (checks of other forges do not apply). */
  forges: string[];
  /** Whether a posture run read organisation settings (--org). */
  organisation: boolean;
}

interface JsonReport {
  version?: number;
  tool?: { name?: string };
  target?: { id?: string; kind?: string };
  finishedAt?: string;
  findings?: (Partial<Finding> & { gate?: string })[];
  suppressed?: (Partial<Finding> & { kind?: string })[];
  statuses?: ScannerStatus[];
  posture?: Partial<PostureJson>;
}

/** Reads a pipeguard JSON report (scan, secrets or posture) into evidence. */
export function readReport(path: string, shown = path): Evidence {
  let doc: JsonReport;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8')) as JsonReport;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(code ? `cannot read the report (${code})` : `not JSON: ${(e as Error).message}`, shown);
  }
  if (!doc || doc.tool?.name !== 'pipeguard' || !Array.isArray(doc.findings) || !Array.isArray(doc.statuses)) {
    throw new InputError('not a pipeguard JSON report (write one with --format json)', shown);
  }
  const refs = [...doc.findings.map((f) => ref(f, f.gate ?? 'violation', shown)), ...(doc.suppressed ?? []).map((f) => ref(f, 'suppressed', shown))];
  return fromReport({ ...doc, refs }, shown);
}

/** Evidence of a report held in memory (a scan or posture run made by the compliance command itself). */
export function reportEvidence(report: Report, decision: { violations: Finding[]; suppressed: { finding: Finding }[] }, source: string, posture?: PostureJson): Evidence {
  const violations = new Set(decision.violations.map((f) => f.fingerprint));
  const suppressed = new Set(decision.suppressed.map((s) => s.finding.fingerprint));
  const refs = report.findings.map((f) => ref(f, suppressed.has(f.fingerprint) ? 'suppressed' : violations.has(f.fingerprint) ? 'violation' : 'below-threshold', source));
  return fromReport({ statuses: report.statuses, refs, ...(posture ? { posture } : {}) }, source);
}

function fromReport(doc: Pick<JsonReport, 'statuses' | 'posture'> & { refs: FindingRef[] }, source: string): Evidence {
  const scans: ScanEvidence[] = [];
  const checks: CheckEvidence[] = [];
  for (const s of doc.statuses ?? []) {
    if (s.scanner === 'forge' || s.scanner === 'target') continue;
    if (doc.posture && s.scanner === 'posture') continue; // file checks of a posture run are per repository, below
    scans.push({ source, scanner: s.scanner, status: s.status, findings: doc.refs.filter((r) => r.scanner === s.scanner) });
  }
  const byRepo = (repo: string) => doc.refs.filter((r) => r.repository === repo);
  for (const r of doc.posture?.repositories ?? []) {
    const mine = byRepo(r.repository);
    for (const c of r.checks ?? []) checks.push({ source, repository: r.repository, ruleId: c.id, status: c.status, ...(c.reason ? { reason: c.reason } : {}), findings: mine.filter((f) => f.ruleId === c.id) });
    if (r.fileChecks && Array.isArray(r.fileChecks.rules)) {
      for (const rule of r.fileChecks.rules) {
        const found = mine.filter((f) => f.ruleId === rule);
        checks.push({ source, repository: r.repository, ruleId: rule, status: found.length ? 'fail' : 'pass', findings: found });
      }
    }
  }
  const org = doc.posture?.organisation;
  if (org) for (const c of org.checks ?? []) checks.push({ source, repository: org.organisation, ruleId: c.id, status: c.status, findings: doc.refs.filter((f) => f.ruleId === c.id && f.repository === org.organisation) });
  const forges = [...new Set((doc.posture?.repositories ?? []).map((r) => String((r as { forge?: unknown }).forge ?? '')).filter(Boolean))];
  return { scans, checks, sources: [source], forges, organisation: org !== undefined };
}

function ref(f: Partial<Finding>, gate: string, source: string): FindingRef {
  const where = f.location ? describeLocation(f.location) : '';
  const repository = typeof f.data?.['repository'] === 'string' ? f.data['repository'] : undefined;
  return { ruleId: String(f.ruleId ?? ''), fingerprint: String(f.fingerprint ?? ''), severity: String(f.severity ?? ''), gate, where, message: String(f.message ?? ''), source, ...(f.scanner ? { scanner: f.scanner } : {}), ...(repository ? { repository } : {}) };
}

/** Several sources together. */
export function mergeEvidence(list: Evidence[]): Evidence {
  return { scans: list.flatMap((e) => e.scans), checks: list.flatMap((e) => e.checks), sources: list.flatMap((e) => e.sources), forges: [...new Set(list.flatMap((e) => e.forges))], organisation: list.some((e) => e.organisation) };
}
