/**
 * Worker thread of the secrets scanner: rebuilds the rule set once, then analyses the files it is sent.
 * Raw secrets never cross back to the main thread unless `showSecrets` is set.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { decodeText } from '../../targets/file.js';
import { analyzeText } from './analyze.js';
import { buildRuleSet, type RuleSetInput } from './ruleset.js';

/** A job sent to a worker. */
export interface WorkerJob {
  id: number;
  path: string;
  bytes: Uint8Array;
  changedLines?: number[];
}

const data = workerData as { input: RuleSetInput; showSecrets: boolean };
const set = buildRuleSet(data.input);

parentPort!.on('message', (job: WorkerJob) => {
  try {
    const hits = analyzeText(decodeText(job.bytes), set, {
      path: job.path,
      showSecrets: data.showSecrets,
      ...(job.changedLines ? { changedLines: new Set(job.changedLines) } : {}),
    });
    parentPort!.postMessage({ id: job.id, hits });
  } catch (e) {
    parentPort!.postMessage({ id: job.id, error: e instanceof Error ? e.message : String(e) });
  }
});
