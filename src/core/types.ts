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

/** The fields of a text region: 1-based lines, columns counting UTF-16 code units. */
export interface Region {
  startLine?: number;
  startColumn?: number;
  endLine?: number;
  endColumn?: number;
  /** The source line(s) of the region, already redacted by the scanner where they hold a secret. */
  snippet?: string;
}

/**
 * A region of a file. `path` is relative to the target root, with `/` separators; members of archives are
 * written `outer.zip!inner/file.txt`. A finding about a resource declared in a file (not a text span) still names
 * the file and, where known, the line; `logical` names the thing itself (`aws_s3_bucket.logs`, `deployment/api`).
 * `kind` is optional here (and absent from reports) so that every file finding keeps the shape it always had.
 */
export interface FileLocation extends Region {
  kind?: 'file';
  path: string;
  logical?: string;
}

/** A package declared in a manifest, lockfile or package database (`path`), as a purl. */
export interface PackageLocation extends Region {
  kind: 'package';
  /** The manifest, lockfile or package database that declares it. */
  path: string;
  /** `pkg:npm/lodash@4.17.20`. */
  purl: string;
  /** `lodash@4.17.20`: how reports name it in one short word. */
  logical?: string;
  /** Digest of the image layer the package database is in, for packages found in images. */
  layer?: string;
}

/** Where a parameter of an HTTP request sits. */
export type ParameterIn = 'query' | 'path' | 'header' | 'cookie' | 'form' | 'json' | 'xml' | 'body';

/** An HTTP request to a live target (DAST). */
export interface HttpLocation {
  kind: 'http';
  /** `GET`, `POST`, ... */
  method: string;
  /** The URL requested, without credentials. */
  url: string;
  /** The path with its variable segments as template parameters (`/users/{id}`): what the fingerprint keys on. */
  pathTemplate?: string;
  /** The parameter attacked, when the finding is about one. */
  parameter?: string;
  parameterIn?: ParameterIn;
}

/** A file or setting inside a container image: the layer that holds it and the history entry that added it. */
export interface ImageLocation extends Region {
  kind: 'image';
  /** The image: a reference (`registry/name:tag`), a manifest digest, or the file it was read from. */
  image: string;
  /** Digest of the layer (`sha256:...`); absent for findings about the image configuration. */
  layer?: string;
  /** Path inside the image file system, `/`-separated, no leading `/`; or `config` for the image configuration. */
  path: string;
  /** The history entry (`created_by`) that added the layer. */
  createdBy?: string;
}

/** A step of a pipeline run (the runner, deploy and monitor stages). */
export interface StepLocation {
  kind: 'step';
  pipeline: string;
  stage?: string;
  step: string;
  runId?: string;
  /** The file that declares the step, and its line, when there is one. */
  path?: string;
  startLine?: number;
}

/** A repository or one of its settings on a forge (branch protection, access, Actions settings). */
export interface RepositoryLocation {
  kind: 'repository';
  /** `github:owner/name`, `gitlab:group/project`. */
  repository: string;
  /** The setting, e.g. `branches/main/protection`. */
  setting?: string;
  /** Where a person changes it. */
  url?: string;
}

/**
 * Where a finding is: a tagged union on `kind` (a missing `kind` is a file). Reporters render each kind; the
 * engine fingerprints each through {@link locationKey} in `core/location.ts`.
 */
export type Location = FileLocation | PackageLocation | HttpLocation | ImageLocation | StepLocation | RepositoryLocation;

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
  /** Image layer digest (`sha256:...`) of the layer that holds the file, for files of container images. */
  layer?: string;
  /** The image history entry (`created_by`) that made that layer. */
  createdBy?: string;
  /**
   * True for a version of a file the image's final file system does not show (deleted by a whiteout or replaced
   * by a later layer): it is still in that layer's blob, so anyone who pulls the image has it.
   */
  hidden?: boolean;
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

/**
 * What a scanner reports; the engine adds the fingerprint. `L` narrows the location for code that only ever makes
 * one kind (a file scanner's own helpers use `RawFinding<FileLocation>`).
 */
export interface RawFinding<L extends Location = Location> {
  scanner: string;
  ruleId: string;
  severity: Severity;
  confidence?: Confidence;
  /** One sentence a developer can act on. Never holds a secret. */
  message: string;
  location: L;
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
  /**
   * A suppression only the scanner can see: an ignore comment its format defines (a real YAML comment on the
   * step) or its config section's ignore rule (`scanners.deps.ignore`). The scanner still yields the finding; the
   * engine records the reason in the report and the gate lists the finding as suppressed, like every other one.
   */
  suppressed?: { kind: 'inline' | 'config'; reason: string };
}

/** A finding with the engine's fingerprint. */
export interface Finding<L extends Location = Location> extends RawFinding<L> {
  /** Stable across re-runs and line moves: drives dedup, baselines, suppressions and SARIF partialFingerprints. */
  fingerprint: string;
}

/** Examples a rule carries: text it must flag and look-alikes it must not (the rule tester runs both). */
export interface RuleExamples {
  positive: string[];
  negative: string[];
}

/**
 * What a rule is, for `pipeguard rules`, SARIF `rules[]`, the rule docs and the gate: one shape for every scanner.
 * How a scanner detects it (a regex, a pattern, a check function, a model row) is the scanner's business.
 */
export interface RuleMeta {
  id: string;
  scanner: string;
  /** Short title, a few words. */
  title: string;
  /** What it detects and how to fix it; plain text or Markdown. */
  help: string;
  severity: Severity;
  /** How sure a finding of this rule usually is; findings may say otherwise. */
  confidence?: Confidence;
  cwe?: string[];
  /** OWASP Top 10 (2021) or API Security Top 10 (2023) categories, e.g. `A03:2021`, `API1:2023`. */
  owasp?: string[];
  tags?: string[];
  helpUri?: string;
  examples?: RuleExamples;
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
  /** Unix mode bits (permissions and file type) when the target knows them (image layers). */
  mode?: number;
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
export type TargetKind = 'directory' | 'git-history' | 'staged' | 'archive' | 'stdin' | 'file' | 'image' | 'url';

/**
 * What a target offers a scanner: `files` (file contents: a folder, an archive, a history, an image's file
 * system), `http` (a live base URL to send requests to), `image` (an image's manifest, configuration and layers).
 * A scanner lists what it {@link Scanner.requires}; the engine runs it only on a target that offers all of it.
 */
export type Capability = 'files' | 'http' | 'image';

/** A live HTTP service a target offers (DAST). */
export interface HttpService {
  /** The base URL every request stays under unless the scope says otherwise. */
  baseUrl: string;
}

/** A container image a target offers, beside the files of its merged file system. */
export interface ImageSource {
  /** The image reference or the file it was read from. */
  reference: string;
  /**
   * Digest of the manifest (`sha256:...`), what a registry, a signature and an attestation name the image by. A
   * legacy `docker save` tarball holds no manifest: there it is the image id (the config digest).
   */
  manifestDigest: string;
  /** `linux/amd64`. */
  platform?: string;
  /** Digest of the image configuration blob (the image id). */
  configDigest?: string;
  /** Tags the image carries in its file (`org.opencontainers.image.ref.name`, docker `RepoTags`). */
  tags?: string[];
  /** The image configuration. */
  config?: ImageConfig;
  /** The layers, lowest first. */
  layers?: ImageLayer[];
}

/** The parts of an OCI/Docker image configuration that checks read. */
export interface ImageConfig {
  os?: string;
  architecture?: string;
  variant?: string;
  /** `config.User`; empty or absent means root. */
  user?: string;
  env: string[];
  /** `config.ExposedPorts` keys: `80/tcp`. */
  exposedPorts: string[];
  entrypoint?: string[];
  cmd?: string[];
  workingDir?: string;
  labels: Record<string, string>;
  /** `config.Healthcheck.Test`; `["NONE"]` disables a base image's check. */
  healthcheck?: string[];
  /** One entry per build instruction, empty-layer ones included. */
  history: { createdBy?: string; created?: string; emptyLayer: boolean; comment?: string }[];
}

/** One layer of an image. */
export interface ImageLayer {
  /** 0 for the lowest. */
  index: number;
  /** Digest of the blob as stored (compressed or not). */
  digest: string;
  /** Digest of the uncompressed tar (`rootfs.diff_ids`), when the config lists it. */
  diffId?: string;
  mediaType: string;
  /** Bytes of the blob. */
  size: number;
  /** The history entry that made the layer. */
  createdBy?: string;
}

/** What is scanned. A target offers one or more {@link Capability capabilities} through the members it has. */
export interface Target {
  kind: TargetKind;
  /** Stable identity of the artefact: a path, repo + range, digest, URL. */
  id: string;
  /** Absolute root directory on disk, when the target is one (directory, git work tree). */
  root?: string;
  /** Absolute path of the file or image folder the target was opened from (an artifact, an image): what a signature covers. */
  path?: string;
  /** File contents (capability `files`). */
  files?(filter?: FileFilter): AsyncIterable<TargetFile>;
  /**
   * The same files as {@link files}, in the same order, several at a time when the target can list them without
   * reading them (deferred reads): a consumer of tens of thousands of small files then pays one await per batch
   * rather than a few per file. Optional: {@link fileBatches} falls back to `files`.
   */
  batches?(filter?: FileFilter): AsyncIterable<TargetFile[]>;
  /** A live HTTP service (capability `http`). */
  http?: HttpService;
  /** A container image (capability `image`). */
  image?: ImageSource;
  dispose(): Promise<void>;
}

/** A target that offers files: a folder, an archive, a git history, the staged changes, one file, stdin. */
export interface FileTarget extends Target {
  files(filter?: FileFilter): AsyncIterable<TargetFile>;
}

/** The capabilities a target offers, from the members it has. */
export function offers(target: Target): Capability[] {
  const out: Capability[] = [];
  if (target.files) out.push('files');
  if (target.http) out.push('http');
  if (target.image) out.push('image');
  return out;
}

/** A file's text, or undefined after telling `onError` it cannot be read: one unreadable file never ends a scan. */
export async function readText(file: TargetFile, onError: (path: string, message: string) => void): Promise<string | undefined> {
  try {
    return await file.text();
  } catch (e) {
    onError(file.path, `cannot read: ${(e as Error).message}`);
    return undefined;
  }
}

/** The target's files; for scanners that require `files` (the engine runs them only on targets that offer it). */
export function targetFiles(target: Target, filter?: FileFilter): AsyncIterable<TargetFile> {
  if (!target.files) throw new Error(`${target.kind} target ${target.id} offers no files`);
  return target.files(filter);
}

/** A target's files in batches: its own {@link Target.batches}, or one file a batch from {@link Target.files}. */
export function fileBatches(target: Target, filter?: FileFilter): AsyncIterable<TargetFile[]> {
  if (target.batches) return target.batches(filter);
  const files = targetFiles(target, filter);
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
  /** A skipped scanner whose check was required (`scanners.deps.requireDatabase`): the gate fails. */
  failsGate?: boolean;
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

/**
 * The whole validated pipeguard.yml. Core knows nothing of its sections: `src/config/schema.ts` adds them to this
 * interface (declaration merging), so core imports nothing of ours and every reader still gets the full type.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by src/config/schema.ts
export interface RootConfig {}

/** What a scanner gets besides the target. No global state: everything comes through here. */
export interface ScanContext<C = unknown> {
  /** The scanner's own section of the validated config. */
  config: C;
  /** The whole validated config, for cross-cutting settings. */
  root: RootConfig;
  log: Logger;
  progress: ProgressSink;
  signal: AbortSignal;
  limits: Limits;
  /** Record that one file could not be read or parsed; the scan goes on. */
  fileError(path: string, message: string): void;
  /** Record a counter in this scanner's status stats. */
  count(name: string, by?: number): void;
  /**
   * The scanner could not do its work (no advisory database, say): its status becomes `skipped` with `reason`,
   * shown in every report; with `failGate` the gate fails too (a check that must run did not). Findings it
   * yielded before stay.
   */
  skip(reason: string, opts?: { failGate?: boolean }): void;
  /** Options given on the command line that are not config (e.g. `showSecrets`). */
  options: ScanOptions;
  /** Parses and derivations shared with the other scanners of this run. */
  analyses: Analyses;
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
  /** Make no network request beyond the target itself (no registry, API or database download). */
  offline?: boolean;
  /** Run the audits that ask an online API (the pipeline scanner's GitHub checks); `offline` wins. */
  online?: boolean;
  /**
   * Download or refresh the advisory data the scanned lockfiles need when it is missing or stale (`pipeguard scan`
   * sets it; `--skip-db-update` sets it false; `offline` wins). Library callers get no download unless they ask.
   */
  dbUpdate?: boolean;
  /** Environment for `${VAR}` in input files a scanner reads (the DAST auth file); none when absent. */
  env?: Record<string, string | undefined>;
  /**
   * Folder where V8's compiled code of large dependencies is kept between runs (the SAST scanner's TypeScript
   * compiler, compiled again by each of its threads otherwise: core/code-cache.ts); none when absent.
   */
  codeCache?: string;
}

/**
 * A parse or derivation of one file that several scanners read (a positioned YAML tree, a Dockerfile model, a
 * lockfile's packages): computed once per file and scan through {@link Analyses}, shared by every scanner.
 * Pure over the file's path and text; a parse error is thrown (and thrown again to every scanner that asks).
 */
export interface FileAnalyzer<T> {
  /** Unique among analyzers, e.g. `yaml`, `dockerfile`, `hcl`. */
  id: string;
  analyze(path: string, text: string): T;
}

/** Gives a file's analysis: through the scan's {@link Analyses} in a scan, or computed directly by a library caller. */
export type Parse = <T>(analyzer: FileAnalyzer<T>, path: string, text: string) => T;

/** The {@link Parse} outside a scan: computes the analysis each time. */
export const parseDirect: Parse = (analyzer, path, text) => analyzer.analyze(path, text);

/**
 * A derivation over a whole target (the package inventory, the exposure map): computed once per scan, on first
 * request, from the target's files and the per-file analyses.
 */
export interface TargetAnalyzer<T> {
  id: string;
  analyze(target: Target, analyses: Analyses, ctx: AnalysisContext): Promise<T>;
}

/** What a target analyzer may use besides the target: limits and where to record unreadable files. */
export interface AnalysisContext {
  limits: Limits;
  signal: AbortSignal;
  fileError(path: string, message: string): void;
}

/** The per-scan cache of analyses every scanner of a run shares. */
export interface Analyses {
  /** The analysis of one file: computed on first request, the same value (or error) after. */
  file<T>(analyzer: FileAnalyzer<T>, file: TargetFile): Promise<T>;
  /** The same for a file whose text the scanner has already read: computed on first request, the same value (or error) after. */
  parse<T>(analyzer: FileAnalyzer<T>, file: TargetFile, text: string): T;
  /** A {@link Parse} for one file of the target, for code that takes a path and a text. */
  parser(file: TargetFile): Parse;
  /** The analysis of the whole target: computed once, on first request. */
  target<T>(analyzer: TargetAnalyzer<T>): Promise<T>;
}

/** A scanner: declares its rules, reads a target, yields raw findings. Scanners never exit or print. */
export interface Scanner<C = unknown> {
  id: string;
  /** A few words for `pipeguard rules` and the README. */
  title: string;
  /** What the target must offer; the engine skips the scanner, saying why, on a target that does not. */
  requires: readonly Capability[];
  /**
   * Optionally, the target kinds it reads among those that offer what it requires (SAST reads no git history: a
   * history has every version of every file, not one program). Others are skipped with a status.
   */
  targets?: readonly TargetKind[];
  /** Needs the network beyond the target itself (a registry, an API); skipped in `--offline` runs. */
  network?: boolean;
  rules(config: C): RuleMeta[];
  /**
   * Optionally, why the scanner has nothing to check under this config (the build gate with no `build.require`):
   * it is then skipped with that reason, so a run is never taken as evidence of a check that did not happen.
   */
  idle?(root: RootConfig): string | undefined;
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
  /** Findings silenced by a scanner's config section (e.g. `scanners.deps.ignore`): fingerprint -> reason. */
  configIgnored?: Record<string, string>;
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
