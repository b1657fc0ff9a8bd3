/**
 * What an uploaded report becomes before it is stored: the same shape whatever the format (pipeguard JSON,
 * SARIF 2.1.0, CycloneDX), so identity, triage and the UI know one finding model.
 */
import type { Severity } from '../../core/types.js';

/** A finding as read from a report, keyed by its fingerprint. */
export interface IncomingFinding {
  /** The identity across runs: the engine's fingerprint, or one made from SARIF partialFingerprints. */
  fingerprint: string;
  scanner: string;
  ruleId: string;
  severity: Severity;
  message: string;
  /** The location's kind: file, package, http, image, step, repository. */
  kind: string;
  /** What the path filter matches: a file path, a manifest, a URL, a repository. */
  path: string;
  line: number | null;
  /** The location as the report gave it (rendered per kind by the UI). */
  location: Record<string, unknown>;
  /** Everything else the detail page shows: evidence, flow, fix, origin, request/response, data. */
  detail: Record<string, unknown>;
  package?: string;
  version?: string;
  purl?: string;
  /** Advisory ids and aliases (CVE, GHSA, ...), upper-case, for "which projects are affected by X". */
  aliases: string[];
  /** Set when the report's own gate suppressed it: `config: reason`, `inline: reason`, ... */
  suppressed?: string;
}

/** Rule text from a SARIF `rules[]`, shown on the finding page. */
export interface IncomingRule {
  scanner: string;
  ruleId: string;
  title?: string;
  help?: string;
  helpUri?: string;
}

/** A component of a CycloneDX SBOM. */
export interface IncomingComponent {
  name: string;
  version?: string;
  purl?: string;
  ecosystem?: string;
}

/** The formats accepted by the reports endpoint. */
export type ReportFormat = 'pipeguard' | 'sarif' | 'cyclonedx';

/** One uploaded report, read and checked. */
export interface ParsedReport {
  format: ReportFormat;
  tool: string;
  target?: string;
  startedAt?: number;
  finishedAt?: number;
  /**
   * Scanners whose findings this report fully covers: a known finding of one of them that the report does not
   * hold is fixed. A scanner that failed, was skipped or only partly read its target is not in it, so nothing
   * of it is closed by a run that did not look.
   */
  scope: string[];
  findings: IncomingFinding[];
  rules: IncomingRule[];
  components: IncomingComponent[];
  /** A run id the report carries itself (SARIF `automationDetails.guid`). */
  runKey?: string;
}

/** A report that is not what the endpoint accepts: HTTP 400 (bad JSON) or 422 (valid JSON, wrong content). */
export class ReportError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 413 | 422 = 422,
    readonly line?: number,
  ) {
    super(message);
    this.name = 'ReportError';
  }
}
