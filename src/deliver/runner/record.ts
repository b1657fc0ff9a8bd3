import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Severity } from '../../core/types.js';
import type { Actor } from '../audit/entry.js';
import { writeFileAtomic } from '../fs-atomic.js';
import { listRecords, loadRecord } from '../records.js';

/** One finding behind a gate's decision (already redacted by its scanner). */
export interface GateViolation {
  scanner: string;
  ruleId: string;
  severity: Severity;
  message: string;
  path: string;
  line?: number;
  fingerprint: string;
}

/** What a gate decided and why. */
export interface GateRecord {
  /** `stage` or `stage/step`: what `--override` names. */
  id: string;
  scanners: string[] | 'all';
  path: string;
  outcome: 'pass' | 'fail' | 'overridden' | 'error';
  failOn: Severity | 'none';
  findings: number;
  suppressed: number;
  violations: GateViolation[];
  notes: string[];
  error?: string;
  override?: { reason: string; by: string };
}

/** One step as it ran. */
export interface StepRecord {
  name: string;
  status: 'succeeded' | 'failed' | 'timed-out' | 'interrupted' | 'skipped';
  /** The command as configured (masked). */
  command?: string;
  exitCode?: number | null;
  signal?: string | null;
  stoppedBy?: string;
  error?: string;
  startedAt?: string;
  durationMs?: number;
  /** Names of the secrets it received (never values). */
  secrets: string[];
  gate?: GateRecord;
  /** The end of its output, masked. */
  outputTail?: string;
}

/** One stage as it ran. */
export interface StageRecord {
  name: string;
  status: 'running' | 'passed' | 'failed' | 'interrupted' | 'skipped';
  startedAt?: string;
  durationMs?: number;
  steps: StepRecord[];
  gate?: GateRecord;
}

/** The record of one pipeline run, written to `pipeline.runs/<id>.json`. */
export interface RunRecord {
  id: string;
  pipeline: string;
  env?: string;
  status: 'running' | 'passed' | 'failed' | 'interrupted';
  startedAt: string;
  finishedAt?: string;
  durationMs?: number;
  actor: Actor;
  config?: string;
  stages: StageRecord[];
  /** Where and why it stopped, when it did not pass. */
  failure?: { stage: string; step?: string; reason: string };
  /** Gates that failed and were let through, with the reason given. */
  overrides: { gate: string; reason: string }[];
}

/** A new run id: UTC time and 6 random hex digits (`20260102T030405Z-3fa2c1`), sortable by time. */
export function newRunId(now: Date): string {
  return `${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${randomBytes(3).toString('hex')}`;
}

/** Saves a run record atomically. */
export function saveRunRecord(dir: string, r: RunRecord): void {
  writeFileAtomic(join(dir, `${r.id}.json`), JSON.stringify(r, null, 2) + '\n');
}

/** The ids of the runs recorded in `dir`, newest first. */
export function listRuns(dir: string): string[] {
  return listRecords(dir);
}

/** Loads a run record by id or unique id prefix (`latest` or undefined: the newest). */
export function loadRunRecord(dir: string, id: string | undefined, display = dir): RunRecord {
  return loadRecord<RunRecord>(dir, id, { one: 'run', none: 'no pipeline runs recorded yet' }, display);
}
