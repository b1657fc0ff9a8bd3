/**
 * Worker thread of the secrets scanner: rebuilds the rule set once, then analyses the batches of files it is sent.
 * Raw secrets never cross back to the main thread unless `showSecrets` is set.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { analyzeFile, type FileJob, type FileResult } from './read.js';
import { buildRuleSet, type RuleSetInput } from './ruleset.js';

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

const data = workerData as { input: RuleSetInput; showSecrets: boolean; started: Int32Array; finished: Int32Array };
const set = buildRuleSet(data.input);
Atomics.add(data.started, 0, 1);

parentPort!.on('message', (job: WorkerJob) => {
  const answer: WorkerResult = { id: job.id, results: job.files.map((f) => analyzeFile(f, set, data.showSecrets)) };
  Atomics.add(data.finished, 0, 1);
  parentPort!.postMessage(answer);
});
