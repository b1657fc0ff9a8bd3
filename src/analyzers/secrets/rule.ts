import type { Confidence, Severity } from '../../core/types.js';

/** Offline checksum validators a rule can name; see validators.ts. */
export type ChecksumName = 'github' | 'npm' | 'pypi' | 'slack-webhook' | 'jwt' | 'luhn';

/**
 * A secret-detection rule as data. One rule = one credential format.
 *
 * Matching, in order:
 * 1. Prefilter: at least one of `keywords` (case-insensitive literals) occurs in the file. Built-in rules' matches
 *    contain one of their keywords (a test checks every example), which lets the engine search only around hits.
 *    The engine then searches as the regex's shape allows (see engine.ts `SearchMode`): from the literals every
 *    match starts with, within the longest match of each keyword hit, or (custom rules) the whole file.
 * 2. `regex` (JS syntax, flags from `flags`; `g` is added) matches. The secret is the named group `secret`,
 *    else group `secretGroup`, else the first non-empty group, else the whole match.
 * 3. The secret passes `minEntropy` (Shannon bits per char), `checksum`, and the allowlist
 *    (built-in placeholder filters apply to every rule: `xxxx`, `<your-key>`, `${VAR}`, `EXAMPLE`...).
 */
export interface SecretRuleSpec {
  /** Stable, kebab-case, unique: `github-pat`, `aws-access-key-id`. */
  id: string;
  /** Few words: "GitHub personal access token". */
  title: string;
  /** What it is, the risk, and how to rotate; one or two sentences. */
  help?: string;
  severity: Severity;
  /** Lower-case literals for the prefilter; a built-in rule's match contains one. */
  keywords: string[];
  regex: string;
  /** Extra regex flags besides `g` (`i`, `m`, `s`). */
  flags?: string;
  /** Group number holding the secret when there is no named group `secret`. */
  secretGroup?: number;
  /** Minimum Shannon entropy (bits per character) of the secret. */
  minEntropy?: number;
  /**
   * Validate a checksum offline. A value that fails it is still reported, at low confidence (a look-alike the gate
   * can choose to ignore), except for `luhn`, whose failures are dropped (most digit runs are not card numbers).
   */
  checksum?: ChecksumName;
  /** How sure a match is real (default high for fixed-prefix formats, medium for keyword-context rules). */
  confidence?: Confidence;
  /** A generic rule yields to any specific (or fallback) rule that matched the same secret. */
  generic?: boolean;
  /**
   * A fallback rule widens a stricter rule to the shapes other scanners accept (a looser length, more contexts):
   * it yields to any specific rule that matched the same secret, and wins over generic ones.
   */
  fallback?: boolean;
  allowlist?: {
    /** The secret is ignored when one of these regexes matches it (case-insensitively). */
    regexes?: string[];
    /** The secret is ignored when one of these regexes matches it, case-sensitively (`PascalCase2` is a name). */
    exactRegexes?: string[];
    /** The secret is ignored when it contains one of these (lower-case) words. */
    stopwords?: string[];
    /** The whole match is ignored when one of these regexes matches the matched text. */
    matchRegexes?: string[];
    /** Files whose path matches one of these globs are not checked by this rule. */
    paths?: string[];
  };
  /** Only check files whose path matches one of these globs (e.g. `**\/*.npmrc`). */
  paths?: string[];
  tags?: string[];
  /**
   * Examples a test runs: every `positive` must give exactly one finding of this rule (and its secret must be
   * found), every `negative` none. Synthetic values only: never a real credential.
   */
  examples: {
    positive: string[];
    negative: string[];
    /** Values of the format whose checksum does not verify: each gives one finding, flagged `checksumFailed`. */
    lookalike?: string[];
  };
}
