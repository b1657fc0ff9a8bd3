/**
 * The start of the summary line `scan` writes to stderr when its reports go to files (`pipeguard: PASS: ...`).
 * stderr is masked (run.ts): a write that could hold a secret loads the secrets engine first (~60 ms), and `PASS`
 * holds the literal `pass` of the password rules. These two texts are pipeguard's own words, never content, so
 * they are written on their own and let through unscreened; the rest of the line (counts, file names) is screened
 * as every other write.
 */
export const VERDICT_PREFIXES = { pass: 'pipeguard: PASS: ', fail: 'pipeguard: FAIL: ' } as const;

/** Whether `text` is exactly one of {@link VERDICT_PREFIXES}. */
export function isVerdictPrefix(text: string): boolean {
  return text === VERDICT_PREFIXES.pass || text === VERDICT_PREFIXES.fail;
}
