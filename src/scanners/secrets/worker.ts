/**
 * Worker thread of the secrets scanner: rebuilds the rule set once, then analyses the files it is sent.
 * Raw secrets never cross back to the main thread unless `showSecrets` is set.
 */
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { isBinary } from '../../targets/binary.js';
import { decodeText } from '../../targets/file.js';
import { analyzeText, type SecretHit } from './analyze.js';
import { buildRuleSet, type RuleSetInput } from './ruleset.js';

/** A batch of files sent to a worker. */
export interface WorkerJob {
  id: number;
  /** Each file comes as its bytes, or as a path on disk that the worker reads (and skips when binary). */
  files: { path: string; bytes?: Uint8Array; diskPath?: string; changedLines?: number[] }[];
}

/** What became of one file. `marker`: its text holds a `pipeguard:` comment the engine must read. */
export type FileResult = { hits: SecretHit[]; marker?: boolean } | { error: string };

/** A worker's answer: per file, its hits or why it could not be analysed. */
export interface WorkerResult {
  id: number;
  results: FileResult[];
}

/** The marker of inline ignore comments, which the engine reads from the files that have one. */
const MARKER = 'pipeguard:';

const data = workerData as { input: RuleSetInput; showSecrets: boolean };
const set = buildRuleSet(data.input);
parentPort!.postMessage('ready');

parentPort!.on('message', (job: WorkerJob) => {
  const results = job.files.map((f): FileResult => {
    let bytes = f.bytes;
    if (!bytes) {
      try {
        bytes = readFileSync(f.diskPath!);
      } catch (e) {
        return { error: `unreadable: ${(e as NodeJS.ErrnoException).code ?? String(e)}` };
      }
      if (isBinary(bytes)) return { hits: [] };
    }
    try {
      const text = decodeText(bytes);
      const hits = analyzeText(text, set, {
        path: f.path,
        showSecrets: data.showSecrets,
        ...(f.changedLines ? { changedLines: new Set(f.changedLines) } : {}),
      });
      return text.includes(MARKER) ? { hits, marker: true } : { hits };
    } catch (e) {
      return { error: e instanceof Error ? e.message : String(e) };
    }
  });
  const answer: WorkerResult = { id: job.id, results };
  parentPort!.postMessage(answer);
});
