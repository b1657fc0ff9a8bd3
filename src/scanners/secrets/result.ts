/** What the reader (read.ts) gives for one file: kept apart, so the scanner makes results without loading the reader. */
import type { SecretHit } from '../../analyzers/secrets/analyze.js';

/**
 * What became of one file: its hits and size (`marker`: its text holds a `pipeguard:` comment the engine must
 * read), why it could not be analysed, or why it was skipped (over the size limit).
 */
export type FileResult = Analysed | { error: string } | { skipped: string };

/**
 * An analysed file's result. A class, not an object literal: the scanner keeps thousands of them queued, and V8
 * moves a literal's allocation site to the old generation once most of what it made outlives a collection,
 * throwing away the optimised code that made them (the whole per-file path, compiled again).
 */
export class Analysed {
  constructor(
    readonly hits: SecretHit[],
    readonly size: number,
    readonly marker: boolean,
  ) {}
}

