/**
 * The contract between `pipeguard deploy` (which writes it), `pipeguard monitor` and `pipeguard postmortem` (which
 * read it): the audit events a deploy appends and the deploy record it leaves in `deploy.records` (default
 * `.pipeguard/deploys/<id>.json`). Kept apart from the deploy code so readers do not depend on it.
 */

/** Audit-log event types of a deploy, in the order they happen. Every entry's `data` carries `deployId`. */
export const DEPLOY_EVENTS = {
  /** data: {@link DeployStartedData} */
  started: 'deploy.started',
  /** data: { deployId, ref, digest?, ok, checks: [{ requirement, outcome, detail }] } — the pre-deploy gate on the artifact's signature and provenance */
  artifact: 'deploy.artifact',
  /** data: { deployId, release: 'candidate' | 'baseline', ok, status?, error?, durationMs } */
  health: 'deploy.health',
  /** data: { deployId, weight } — percent of traffic now going to the candidate (0-100) */
  shift: 'deploy.shift',
  /** data: {@link AnalysisVerdict} & { deployId } */
  analysis: 'deploy.analysis',
  /** data: { deployId, version } */
  promoted: 'deploy.promoted',
  /** data: { deployId, version, reason } */
  rolledBack: 'deploy.rolled-back',
  /** data: { deployId, outcome, reason?, durationMs } */
  finished: 'deploy.finished',
} as const;

export type DeployStrategy = 'blue-green' | 'canary' | 'hooks';
export type DeployOutcome = 'promoted' | 'rolled-back' | 'failed' | 'interrupted';

export interface ReleaseRef {
  /** What the team calls the release (a version, a commit, an image digest). */
  version: string;
  /** Where it listens, when pipeguard proxies to it. */
  url?: string;
  /** The artifact it was built from, when known (path or image reference, and its SHA-256 digest). */
  artifact?: { ref: string; digest?: string };
}

export interface DeployStartedData {
  deployId: string;
  service: string;
  strategy: DeployStrategy;
  candidate: ReleaseRef;
  baseline?: ReleaseRef;
  /** Canary traffic steps in percent, e.g. [10, 50, 100]; [100] for blue/green. */
  steps: number[];
}

/** Live traffic figures of one release over one analysis window. */
export interface WindowStats {
  requests: number;
  /** Responses counted as errors (5xx and failed connections). */
  errors: number;
  errorRate: number;
  p50Ms?: number;
  p95Ms?: number;
  p99Ms?: number;
}

/** One analysis window's figures: what a postmortem charts. `t` is the ISO time at the window's end. */
export interface DeploySample {
  t: string;
  weight: number;
  candidate: WindowStats;
  baseline?: WindowStats;
}

export interface AnalysisVerdict {
  weight: number;
  verdict: 'pass' | 'fail' | 'inconclusive';
  reason: string;
  candidate: WindowStats;
  baseline?: WindowStats;
}

/** `deploy.records/<id>.json`, written atomically at the start and after every decision. */
export interface DeployRecord {
  id: string;
  service: string;
  strategy: DeployStrategy;
  /** The pipeline run that deployed, when run as a pipeline step (`PIPEGUARD_RUN_ID`). */
  run?: string;
  startedAt: string;
  finishedAt?: string;
  outcome?: DeployOutcome;
  /** Why it was rolled back or failed. */
  reason?: string;
  candidate: ReleaseRef;
  baseline?: ReleaseRef;
  steps: number[];
  samples: DeploySample[];
  decisions: AnalysisVerdict[];
  /** Thresholds the analysis used. */
  thresholds: { maxErrorRate: number; maxP95Ms?: number; minRequests: number };
}
