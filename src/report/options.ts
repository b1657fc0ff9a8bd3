/** Formats and options shared by every reporter (re-exported from `./index.js`). */

/** The output formats `--format` accepts. */
export type Format =
  | 'table'
  | 'json'
  | 'sarif'
  | 'junit'
  | 'markdown'
  | 'html'
  | 'gitlab-sast'
  | 'gitlab-secret-detection'
  | 'gitlab-dependency-scanning'
  | 'gitlab-container-scanning'
  | 'gitlab-codequality';

/** Every format, in the order `--help` lists them. */
export const FORMATS: readonly Format[] = [
  'table',
  'json',
  'sarif',
  'junit',
  'markdown',
  'html',
  'gitlab-sast',
  'gitlab-secret-detection',
  'gitlab-dependency-scanning',
  'gitlab-container-scanning',
  'gitlab-codequality',
];

/** How to render; only `table` looks at these today, the file formats are the same whatever is set. */
export interface ReportOptions {
  /** ANSI colours (table only). */
  color: boolean;
  /** Terminal columns: messages wrap and evidence is cut to fit (table only). Unset: no wrapping. */
  width?: number;
  /** The run was made with `--show-secrets`; the table says so at the top. Evidence is printed as given. */
  showSecrets?: boolean;
  /** Table: also suppressed findings, fingerprints, origins, flows, fixes and every file error. */
  verbose?: boolean;
  /**
   * Table: list every finding. Without it (and without `verbose`) the table lists only what fails the gate and
   * counts the rest by severity on one line; the file formats always keep everything.
   */
  showAll?: boolean;
}
