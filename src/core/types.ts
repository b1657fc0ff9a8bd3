/**
 * The shared vocabulary of pipeguard: every scanner emits {@link RawFinding}s about {@link TargetFile}s,
 * the engine turns them into {@link Finding}s with a stable fingerprint, the gate decides, reporters print.
 * Nothing in this file does I/O.
 */

/** Ordered from most to least severe. */
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
/** How bad a finding is if it is real. */
export type Severity = (typeof SEVERITIES)[number];

/** How sure the detector is that the finding is real. */
export type Confidence = 'high' | 'medium' | 'low';

/**
 * Where a finding is. `path` is relative to the target root, with `/` separators; members of archives are
 * written `outer.zip!inner/file.txt`. Lines and columns are 1-based; columns count UTF-16 code units.
 * A finding about a package or a resource (not a text span) still names the file that declares it and,
 * where known, the line; `logical` names the thing itself (`lodash@4.17.20`, `aws_s3_bucket.logs`, `GET /api`).
 */
export interface Location {
  path: string;
  startLine?: number;
  startColumn?: number;
  endLine?: number;
  endColumn?: number;
  /** The source line(s) of the region, already redacted by the scanner where they hold a secret. */
  snippet?: string;
  logical?: string;
}

/** Where the bytes came from, when that is more than a path in a directory. */
export interface Origin {
  commit?: string;
  author?: string;
  email?: string;
  /** ISO 8601. */
  date?: string;
  message?: string;
  /** Chain of archive paths the file was found in, outermost first. */
  archive?: string[];
  /** Image layer digest, for later image scanning. */
  layer?: string;
}

/** What to do about a finding. */
export interface Fix {
  description: string;
  /** For dependency findings: the version to upgrade to. */
  upgradeTo?: string;
  /** Text edits a `fix` command can apply. */
  edits?: { path: string; startLine: number; startColumn: number; endLine: number; endColumn: number; text: string }[];
}

/** One step of a data flow (taint path), from source to sink. */
export interface FlowStep {
  location: Location;
  message: string;
}

/** What a scanner reports; the engine adds the fingerprint. */
export interface RawFinding {
  scanner: string;
  ruleId: string;
  severity: Severity;
  confidence?: Confidence;
  /** One sentence a developer can act on. Never holds a secret. */
  message: string;
  location: Location;
  origin?: Origin;
  fix?: Fix;
  cwe?: string[];
  /**
   * What makes this finding the same finding across runs and line moves, without the path and rule
   * (the engine adds those): a hash of the secret value, `purl + advisory id`, normalised matched code,
   * a resource address. Must not depend on line numbers.
   */
  identity: string;
  /** Redacted evidence, never a whole secret unless the user asked with `--show-secrets`. */
  evidence?: string;
  /** Taint path for data-flow findings. */
  flow?: FlowStep[];
  tags?: string[];
  /** Scanner-specific facts (package, advisory, CVSS, hash of the secret...). Must be JSON-serialisable. */
  data?: Record<string, unknown>;
}

/** A finding with the engine's fingerprint. */
export interface Finding extends RawFinding {
  /** Stable across re-runs and line moves: drives dedup, baselines, suppressions and SARIF partialFingerprints. */
  fingerprint: string;
}

/** What a rule is, for `pipeguard rules`, SARIF `rules[]` and docs. */
export interface RuleMeta {
  id: string;
  scanner: string;
  /** Short title, a few words. */
  title: string;
  /** What it detects and how to fix it; plain text or Markdown. */
  help: string;
  severity: Severity;
  cwe?: string[];
  tags?: string[];
  helpUri?: string;
}

/** One file a target yields. Scanners do not care where the bytes come from. */
export interface TargetFile {
  /** Relative to the target root, `/`-separated; `a.zip!b/c.txt` inside archives. */
  path: string;
  size: number;
  origin?: Origin;
  /** A stable id of the content when known cheaply (git blob id), so identical content is scanned once. */
  contentId?: string;
  /**
   * Only for the `staged` target: 1-based line numbers (of this file's new content) that the staged change adds.
   * A scanner that reports new problems only (a pre-commit hook) keeps findings on these lines. Undefined means
   * every line counts (a new file, a first commit, any other target); an empty set means no line was added
   * (a pure rename or a mode change).
   */
  changedLines?: Set<number>;
  /**
   * Absolute path of the file on disk, set only by targets that yield files unread (`FileFilter.deferRead`). A
   * consumer that reads it itself (a worker thread) must also skip it when it is binary, as the target would have.
   */
  diskPath?: string;
  /**
   * With `diskPath`: the size limit the consumer applies as it reads (the target did not look at the size), and
   * how it reports a file it skipped for it, so the skip is listed as if the target had made it.
   */
  sizeLimit?: number;
  skip?(reason: string): void;
  bytes(): Promise<Uint8Array>;
  text(): Promise<string>;
}

/** Which files a scanner wants; the target can skip reading the others. */
export interface FileFilter {
  /** Return true for the paths to yield. */
  path?: (path: string) => boolean;
  /** Yield files larger than the target's size limit too (default false). */
  includeLarge?: boolean;
  /** Yield binary files too (default false: files with a NUL byte in the first 8 KiB are skipped). */
  includeBinary?: boolean;
  /**
   * The consumer reads plain files itself from `TargetFile.diskPath` (in worker threads) and checks them for NUL
   * bytes and against `TargetFile.sizeLimit` itself; targets that can, yield such files without reading (or
   * even sizing) them. Others ignore this.
   */
  deferRead?: boolean;
}

/** The kinds of things pipeguard looks at. */
export type TargetKind = 'directory' | 'git-history' | 'staged' | 'archive' | 'stdin' | 'file' | 'image' | 'sbom' | 'url';

/** What is scanned. */
export interface Target {
  kind: TargetKind;
  /** Stable identity of the artefact: a path, repo + range, digest, URL. */
  id: string;
  /** Absolute root directory on disk, when the target is one (directory, git work tree). */
  root?: string;
  files(filter?: FileFilter): AsyncIterable<TargetFile>;
  /**
   * The same files as {@link files}, in the same order, several at a time when the target can list them without
   * reading them (deferred reads): a consumer of tens of thousands of small files then pays one await per batch
   * rather than a few per file. Optional: {@link fileBatches} falls back to `files`.
   */
  batches?(filter?: FileFilter): AsyncIterable<TargetFile[]>;
  dispose(): Promise<void>;
}

/** A target's files in batches: its own {@link Target.batches}, or one file a batch from {@link Target.files}. */
export function fileBatches(target: Target, filter?: FileFilter): AsyncIterable<TargetFile[]> {
  if (target.batches) return target.batches(filter);
  const files = target.files(filter);
  return {
    [Symbol.asyncIterator]: () => {
      const it = files[Symbol.asyncIterator]();
      const one = (r: IteratorResult<TargetFile>): IteratorResult<TargetFile[]> => (r.done ? r : { value: [r.value], done: false });
      return {
        next: () => it.next().then(one),
        return: async (v?: unknown): Promise<IteratorResult<TargetFile[]>> => {
          await it.return?.(v);
          return { value: undefined, done: true };
        },
      };
    },
  };
}

/** Partial failure is data: one per scanner in every report. */
export interface ScannerStatus {
  scanner: string;
  status: 'succeeded' | 'partial' | 'failed' | 'skipped';
  /** Why a scanner was skipped or failed. */
  reason?: string;
  fileErrors: { path: string; message: string }[];
  /** Counts for the summary: files read, bytes, etc. */
  stats?: Record<string, number>;
}

/** Where log lines go. Implementations never print a secret: callers pass redacted text only. */
export interface Logger {
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
}

/** Where progress goes (a bar on a TTY, nothing elsewhere). */
export interface ProgressSink {
  /** Called with the number of bytes/files done so far and the total when known. */
  update(scanner: string, done: number, total?: number, unit?: 'files' | 'bytes'): void;
  done(scanner: string): void;
}

/** Resource limits for reading targets. */
export interface Limits {
  /** Files larger than this are skipped (recorded in the status). */
  maxFileBytes: number;
  /** Nested archives deeper than this are not opened. */
  maxArchiveDepth: number;
  /** At most this many members are read from one archive (all nesting levels together). */
  maxArchiveMembers: number;
  /** At most this many bytes are expanded from one archive (all nesting levels together). */
  maxArchiveExpandedBytes: number;
}

/** What a scanner gets besides the target. No global state: everything comes through here. */
export interface ScanContext<C = unknown> {
  /** The scanner's own section of the validated config. */
  config: C;
  /** The whole validated config, for cross-cutting settings. */
  root: import('../config/schema.js').Config;
  log: Logger;
  progress: ProgressSink;
  signal: AbortSignal;
  limits: Limits;
  /** Record that one file could not be read or parsed; the scan goes on. */
  fileError(path: string, message: string): void;
  /** Record a counter in this scanner's status stats. */
  count(name: string, by?: number): void;
  /** Options given on the command line that are not config (e.g. `showSecrets`). */
  options: ScanOptions;
}

/** Run-wide options that come from the command line rather than the config file. */
export interface ScanOptions {
  /** Print secrets whole (default false: they are always redacted). */
  showSecrets?: boolean;
  /** Threads a scanner may analyse files in, its own included (default: available parallelism, up to 4). */
  threads?: number;
  /**
   * With more than one thread: wait for the worker threads and give them every file, rather than analysing files
   * in the scanner's own thread as well. Slower; tests use it to be sure the worker path ran.
   */
  workersOnly?: boolean;
}

/** A scanner: declares its rules, reads a target, yields raw findings. Scanners never exit or print. */
export interface Scanner<C = unknown> {
  id: string;
  /** A few words for `pipeguard rules` and the README. */
  title: string;
  /** Target kinds this scanner can read; others are skipped with a status. */
  targets: TargetKind[];
  rules(config: C): RuleMeta[];
  scan(target: Target, ctx: ScanContext<C>): AsyncIterable<RawFinding>;
}

/** What reporters and the gate read: sorted and deduplicated by fingerprint. */
export interface Report {
  tool: { name: string; version: string };
  target: { id: string; kind: TargetKind };
  startedAt: string;
  finishedAt: string;
  rules: RuleMeta[];
  findings: Finding[];
  statuses: ScannerStatus[];
  /** Findings silenced by a `pipeguard:ignore` comment in the source: fingerprint -> reason. The gate applies them. */
  inlineIgnored?: Record<string, string>;
  /** Warnings from the run (stale advisory data, skipped scanners...), shown by reporters as notes. */
  warnings?: string[];
}

/** One suppressed finding and why. */
export interface Suppressed {
  finding: Finding;
  /** `inline`, `ignore-file`, `config`, `baseline`, `allowlist`. */
  kind: 'inline' | 'ignore-file' | 'config' | 'baseline';
  reason: string;
}

/** The gate's answer. */
export interface Decision {
  outcome: 'pass' | 'fail';
  /** Findings at or above the threshold that are neither suppressed nor in the baseline. */
  violations: Finding[];
  /** Findings reported but below the threshold, or in the baseline. */
  findings: Finding[];
  suppressed: Suppressed[];
  /** Baseline state per fingerprint when a baseline was given (SARIF `baselineState`). */
  baselineState?: Record<string, 'new' | 'unchanged'>;
  /** Fingerprints of baseline findings no longer present. */
  absent?: string[];
  /** Human-readable notes: expired suppressions, unused ignore entries, stale data. */
  notes: string[];
  /** The threshold that was applied. */
  failOn: Severity | 'none';
}

/** Rank for comparisons: critical = 4 ... info = 0. */
export function severityRank(s: Severity): number {
  return 4 - SEVERITIES.indexOf(s);
}

/** True when `s` is at least as severe as `threshold`. */
export function atLeast(s: Severity, threshold: Severity): boolean {
  return severityRank(s) >= severityRank(threshold);
}
