/**
 * Worker thread of the SAST scanner: loads the user's rule files once (they were checked by the main thread),
 * then analyses the import-connected groups of JS/TS files it is sent, one at a time (see scan.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { GroupFile, GroupResult } from './js-group.js';
import { useCodeCache } from './js/ts-load.js';
import { loadUserRules } from './load-rules.js';
import type { YamlRule } from './patterns/rules.js';

/** What a worker is started with. */
export interface SastWorkerInit {
  rulePaths: string[];
  root: string | undefined;
  disabled: string[];
  libraryMode: boolean;
  envIsInput: boolean;
  /** The compiler's code cache folder (ScanOptions.codeCache). */
  codeCache?: string;
}

/**
 * A group to analyse, or part of one: a group's files come in messages of at most `JOB_PART_CHARS` characters
 * (scan.ts; a file larger than that alone), `more` set on all but the last.
 */
export interface SastWorkerJob {
  id: number;
  files: GroupFile[];
  more?: boolean;
}

/** A worker's answer: the group's result, or why the analysis failed. */
export type SastWorkerAnswer = { id: number; result: GroupResult } | { id: number; error: string };

const init = workerData as SastWorkerInit;
const disabled = new Set(init.disabled);
// The analysis (and with it the compiler) is loaded once the code cache folder is known, at start.
useCodeCache(init.codeCache);
const js = import('./js-group.js');
js.catch(() => undefined);
// Loaded at start, while the main thread is still walking the tree.
const rules: Promise<YamlRule[]> = init.rulePaths.length
  ? loadUserRules(init.rulePaths, init.root, () => undefined).then((rs) => rs.filter((r) => !disabled.has(r.id)))
  : Promise.resolve([]);
rules.catch(() => undefined);

/** Files of the groups whose last part has not come yet. */
const parts = new Map<number, GroupFile[]>();

parentPort!.on('message', (part: SastWorkerJob) => {
  const sofar = parts.get(part.id);
  const files = sofar ? sofar.concat(part.files) : part.files;
  if (part.more) {
    parts.set(part.id, files);
    return;
  }
  parts.delete(part.id);
  const job: SastWorkerJob = { id: part.id, files };
  Promise.all([rules, js]).then(
    ([rs, { analyseGroup, groupDone, groupStart }]) => {
      let answer: SastWorkerAnswer;
      const chars = job.files.reduce((s, f) => s + f.text.length, 0);
      groupStart(chars);
      try {
        answer = { id: job.id, result: analyseGroup(job.files, { disabled, libraryMode: init.libraryMode, envIsInput: init.envIsInput, rules: rs }) };
      } catch (e) {
        answer = { id: job.id, error: (e as Error).message };
      }
      parentPort!.postMessage(answer);
      groupDone(chars);
    },
    (e: Error) => parentPort!.postMessage({ id: job.id, error: e.message } satisfies SastWorkerAnswer),
  );
});
