/**
 * Worker thread of the secrets scanner: rebuilds the rule set once, then analyses the batches of files it is sent.
 * Raw secrets never cross back to the main thread unless `showSecrets` is set.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { analyzeFile, type FileJob, type FileResult } from './read.js';
import { buildRuleSet, type RuleSetInput } from '../../analyzers/secrets/ruleset.js';

/** A batch of files sent to a worker. */
export interface WorkerJob {
  id: number;
  files: FileJob[];
}

/** A worker's answer: per file, its hits or why it could not be analysed. */
export interface WorkerResult {
  id: number;
  results: FileResult[];
}

/** The first message a worker gets: its rules (a worker may start before they are known, see prestart.ts). */
export interface WorkerRules {
  input: RuleSetInput;
  showSecrets: boolean;
  /** Raw secrets come back for `--verify` (never reported). */
  keepSecrets?: boolean;
}

const data = workerData as { started: Int32Array; finished: Int32Array };
let rules: { set: ReturnType<typeof buildRuleSet>; showSecrets: boolean; keepSecrets: boolean } | undefined;

parentPort!.on('message', (m: WorkerRules | WorkerJob) => {
  if (!rules) {
    const r = m as WorkerRules;
    rules = { set: buildRuleSet(r.input), showSecrets: r.showSecrets, keepSecrets: r.keepSecrets === true };
    Atomics.add(data.started, 0, 1);
    return;
  }
  const job = m as WorkerJob;
  const { set, showSecrets, keepSecrets } = rules;
  const answer: WorkerResult = { id: job.id, results: job.files.map((f) => analyzeFile(f, set, showSecrets, keepSecrets)) };
  Atomics.add(data.finished, 0, 1);
  parentPort!.postMessage(answer);
});
