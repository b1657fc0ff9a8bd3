/**
 * Worker thread of the secrets scanner: rebuilds the rule set once, then analyses the files it is sent.
 * Raw secrets never cross back to the main thread unless `showSecrets` is set.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { decodeText } from '../../targets/file.js';
import { analyzeText, type SecretHit } from './analyze.js';
import { buildRuleSet, type RuleSetInput } from './ruleset.js';

/** A batch of files sent to a worker. */
export interface WorkerJob {
  id: number;
  files: { path: string; bytes: Uint8Array; changedLines?: number[] }[];
}

/** A worker's answer: per file, its hits or why it could not be analysed. */
export interface WorkerResult {
  id: number;
  results: ({ hits: SecretHit[] } | { error: string })[];
}

const data = workerData as { input: RuleSetInput; showSecrets: boolean };
const set = buildRuleSet(data.input);

parentPort!.on('message', (job: WorkerJob) => {
  const results = job.files.map((f) => {
    try {
      const hits = analyzeText(decodeText(f.bytes), set, {
        path: f.path,
        showSecrets: data.showSecrets,
        ...(f.changedLines ? { changedLines: new Set(f.changedLines) } : {}),
      });
      return { hits };
    } catch (e) {
      return { error: e instanceof Error ? e.message : String(e) };
    }
  });
  const answer: WorkerResult = { id: job.id, results };
  parentPort!.postMessage(answer);
});
