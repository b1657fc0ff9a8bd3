import { existsSync, readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { loadConfig } from '../config/resolve.js';
import { resolveBuildPaths } from '../attest/build-paths.js';
import { resolvePatchLevelPaths } from '../config/patch-level-paths.js';
import { defaultCodeCacheDir } from '../core/code-cache.js';
import { InputError, UsageError } from '../core/errors.js';
import { SEVERITIES, type Decision, type Report, type Severity } from '../core/types.js';
import type { Config } from '../config/schema.js';
import { DEFAULT_LIMITS } from '../engine/run.js';
import { scanPath } from '../engine/scan-path.js';
import { evaluate } from '../gate/evaluate.js';
import { createProgressBar, FORMATS, render, type Format } from '../report/index.js';
import { SCANNER_IDS } from '../scanners/index.js';
import { defaultThreads, prestartWorkers, releaseWorkers } from '../scanners/secrets/index.js';
import { int, parse, platformOption } from './args.js';
import type { CliIO } from './io.js';
import { writeReports } from './output.js';
import { VERDICT_PREFIXES } from './verdict.js';

/** Kept for commands written against the older name; see cli/output.ts. */
export { writeAtomic, writeReports } from './output.js';
import { UPLOAD_HELP, UPLOAD_OPTIONS, uploadIfAsked } from './upload.js';

/** Report and gate options of every command that ends in the gate and reports (`scan`, `secrets`, `dast`). */
export const REPORT_OPTIONS = {
  format: { type: 'string', short: 'f', multiple: true },
  output: { type: 'string', short: 'o', multiple: true },
  'fail-on': { type: 'string' },
  config: { type: 'string', short: 'c' },
  baseline: { type: 'string' },
  'ignore-file': { type: 'string' },
} as const;

/** Options shared by `scan` and `secrets`, for parseArgs. */
export const SCAN_OPTIONS = {
  ...REPORT_OPTIONS,
  exclude: { type: 'string', multiple: true },
  'no-gitignore': { type: 'boolean' },
  'no-archives': { type: 'boolean' },
  'show-secrets': { type: 'boolean' },
  threads: { type: 'string' },
  'max-file-size': { type: 'string' },
  'no-progress': { type: 'boolean' },
  'stdin-name': { type: 'string' },
  platform: { type: 'string' },
  offline: { type: 'boolean' },
  online: { type: 'boolean' },
  persona: { type: 'string' },
  verify: { type: 'boolean' },
  'skip-db-update': { type: 'boolean' },
  'show-all': { type: 'boolean' },
  verbose: { type: 'boolean', short: 'v' },
  ...UPLOAD_OPTIONS,
} as const;

/** Help text for {@link SCAN_OPTIONS}. */
export const SCAN_OPTIONS_HELP = `Output and gate:
  -f, --format FMT        table (default), json, sarif, junit, markdown, html, gitlab-sast,
                          gitlab-secret-detection, gitlab-dependency-scanning, gitlab-container-scanning,
                          gitlab-codequality; repeat for several
  -o, --output FILE       write the --format given right before it to FILE (alone: format from the
                          extension); a format without --output goes to stdout (at most one)
      --fail-on SEV       lowest severity that fails: critical, high (default), medium, low, info, none
                          (overrides the config's failOn and per-scanner thresholds)
      --baseline FILE     a previous JSON or SARIF report: only findings not in it fail the gate
      --ignore-file FILE  fingerprints to ignore, one per line (default: .pipeguardignore in the scanned folder)
  -c, --config FILE       pipeguard.yml to use (default: found in the scanned folder or up to the repo root)
What is read:
      --exclude GLOB      skip matching paths (repeatable)
      --no-gitignore      also scan files ignored by .gitignore
      --no-archives       do not look inside zip/jar/tar/tgz files
      --max-file-size N   skip files over N bytes (default 10485760)
      --stdin-name PATH   the path to report for '-' (standard input)
      --platform OS/ARCH  the image to read from a multi-platform image index (default linux/amd64)
Network:
      --offline           no network request beyond the target (no advisory download; network scanners skip)
      --online            also run the pipeline checks that ask the GitHub API (impostor commits, ref confusion,
                          stale refs, version comments); needs GITHUB_TOKEN or GH_TOKEN
      --persona P         pipeline audits to report, as zizmor's --persona: regular (default), pedantic
                          (adds code-quality findings), auditor (everything); overrides scanners.pipeline.persona
      --verify            ask each found credential's own provider whether it is live (read-only calls such as
                          GitHub GET /user, AWS STS GetCallerIdentity; see scanners.secrets.verify* in the config);
                          findings get verified: live, revoked or unknown. Never on by default
      --skip-db-update    use the advisory database as it is, even when missing or older than maxAgeDays
                          (by default the scan downloads or refreshes what the lockfiles need)
Other:
      --show-all          the table lists every finding (default: only those failing the gate, the rest
                          counted by severity on one line)
      --show-secrets      print secrets whole (default: redacted everywhere)
      --threads N         threads analysing files, this one included (default: processors, up to 4;
                          secrets: the processors the load average leaves idle, at least 1)
      --no-progress       no progress bar on stderr
  -v, --verbose           list suppressed findings, fingerprints and every file error
  -h, --help              this help
${UPLOAD_HELP}`;

/** Parsed scan arguments plus what the command fixes (scanner set, history/staged). */
export interface ScanRequest {
  path: string;
  values: ReturnType<typeof parse<typeof SCAN_OPTIONS>>['values'];
  /** The parsed options in command-line order, to pair each --output with its --format. */
  tokens: ArgTokens;
  scanners?: string[];
  history?: boolean;
  since?: string;
  commits?: string;
  staged?: boolean;
}

/** One report to write: a format, and the file it goes to (stdout when undefined). */
export interface Out<F extends string = Format> {
  format: F;
  file: string | undefined;
}

/** What {@link outputs} reads: parseArgs' tokens, in command-line order. */
export type ArgTokens = readonly { kind: string; name?: string; value?: string | undefined }[] | undefined;

/**
 * Pairs `--format`s with `--output`s in command-line order: an `--output` belongs to the format given right before
 * it; an `--output` with no format waiting names its format by its extension (`x.sarif`); a format with no output
 * goes to stdout, and only one may. No format and no output: `fallback` on stdout. `known` lists the formats the
 * command writes.
 */
export function outputs<F extends string = Format>(
  tokens: ArgTokens,
  known: readonly F[] = FORMATS as unknown as readonly F[],
  fallback: F = 'table' as F,
): Out<F>[] {
  const outs: Out<F>[] = [];
  // The formats of the last --format, while no --output has claimed one of them.
  let waiting: Out<F> | undefined;
  for (const t of tokens ?? []) {
    if (t.kind !== 'option') continue;
    if (t.name === 'format') {
      const fmts = (t.value ?? '').split(',').map((f) => f.trim()).filter(Boolean);
      for (const f of fmts) {
        if (!(known as readonly string[]).includes(f)) throw new UsageError(`unknown format ${f} (use ${known.join(', ')})`);
        outs.push({ format: f as F, file: undefined });
      }
      waiting = outs[outs.length - 1];
    } else if (t.name === 'output') {
      const file = t.value ?? '';
      if (waiting) {
        waiting.file = file;
        waiting = undefined;
        continue;
      }
      const guessed = formatFromName(file);
      if (!(known as readonly string[]).includes(guessed)) throw new UsageError(`${file}: this command writes no ${guessed} report (use ${known.join(', ')})`);
      outs.push({ format: guessed as F, file });
    }
  }
  if (outs.length === 0) outs.push({ format: fallback, file: undefined });
  const toStdout = outs.filter((o) => o.file === undefined);
  if (toStdout.length > 1) {
    throw new UsageError(`only one --format can go to stdout (${toStdout.map((o) => o.format).join(' and ')} have no --output): put --output FILE right after each other --format`);
  }
  return outs;
}

function formatFromName(file: string): string {
  if (/\.sarif(\.json)?$/i.test(file)) return 'sarif';
  if (/\.html?$/i.test(file)) return 'html';
  if (/\.json$/i.test(file)) return 'json';
  if (/\.xml$/i.test(file)) return 'junit';
  if (/\.md$/i.test(file)) return 'markdown';
  throw new UsageError(`cannot tell the format of ${file}: give --format`);
}

/** `--fail-on`'s value, checked. */
export function severityOption(v: string | undefined): Severity | 'none' | undefined {
  if (v === undefined) return undefined;
  if (v === 'none' || (SEVERITIES as readonly string[]).includes(v)) return v as Severity | 'none';
  throw new UsageError(`--fail-on takes ${SEVERITIES.join(', ')} or none, not ${JSON.stringify(v)}`);
}

/** Fingerprints in a previous pipeguard JSON or SARIF report. */
export function readBaseline(path: string): Set<string> {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(code ? `cannot read baseline (${code})` : `baseline is not JSON: ${(e as Error).message}`, path);
  }
  const out = new Set<string>();
  const d = data as { findings?: { fingerprint?: string }[]; suppressed?: { fingerprint?: string }[]; runs?: { results?: { partialFingerprints?: Record<string, string> }[] }[] };
  if (Array.isArray(d.findings)) {
    for (const f of [...d.findings, ...(d.suppressed ?? [])]) if (typeof f.fingerprint === 'string') out.add(f.fingerprint);
  } else if (Array.isArray(d.runs)) {
    for (const r of d.runs) for (const res of r.results ?? []) {
      const fp = res.partialFingerprints?.['pipeguard/v1'];
      if (fp) out.add(fp);
    }
  } else {
    throw new InputError('baseline is neither a pipeguard JSON report nor SARIF', path);
  }
  return out;
}

/** Fingerprints in an ignore file: one per line, `#` comments; text after the fingerprint is the reason. */
export function readIgnoreFile(path: string, required: boolean): Map<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if (!required && (e as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw new InputError(`cannot read ignore file (${(e as NodeJS.ErrnoException).code})`, path);
  }
  const out = new Map<string, string>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const m = /^([0-9a-f]{32})\b\s*(?:#\s*)?(.*)$/.exec(line);
    if (!m) throw new InputError(`expected a 32-character fingerprint, got ${JSON.stringify(line.slice(0, 40))}`, path, i + 1);
    out.set(m[1]!, m[2]!.trim());
  });
  return out;
}

/**
 * Files a folder needs before the secrets threads are started ahead: a smaller tree is read by this thread alone
 * sooner than a thread starts (~0.1 s of processor time each), and the scanner still starts its threads itself
 * once it has read enough content (a few large files).
 */
const PRESTART_FILES = 200;

/** Whether the tree under `dir` holds at least `n` entries (a bounded walk: stops at `n`; `.git` not entered). */
function manyFiles(dir: string, n: number): boolean {
  const todo = [dir];
  let seen = 0;
  while (todo.length) {
    const at = todo.pop()!;
    let entries: Dirent[];
    try {
      entries = readdirSync(at, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      if (++seen >= n) return true;
      if (e.isDirectory() && e.name !== '.git') todo.push(join(at, e.name));
    }
  }
  return false;
}

/** Runs a scan from parsed arguments: config, target, scanners, gate, reports. Returns the exit code. */
export async function runScanCommand(req: ScanRequest, io: CliIO): Promise<number> {
  const v = req.values;
  const outs = outputs(req.tokens);
  const failOn = severityOption(v['fail-on']);
  const threads = int('threads', v.threads);
  const maxFileSize = int('max-file-size', v['max-file-size']);
  const absPath = req.path === '-' ? io.cwd : resolve(io.cwd, req.path);
  if (!existsSync(absPath)) throw new InputError('no such file or directory', req.path);
  // A folder or a history to search for secrets with several threads: start the other threads now, while this
  // one loads the config and the scanners (they wait for their rules; see prestart.ts).
  const secretThreads = threads ?? defaultThreads();
  if (
    req.path !== '-' &&
    !req.staged &&
    secretThreads > 1 &&
    (req.scanners ?? ['secrets']).includes('secrets') &&
    statSync(absPath).isDirectory() &&
    (req.history || manyFiles(absPath, PRESTART_FILES))
  ) {
    prestartWorkers(secretThreads - 1);
  }
  try {
    return await scanAndReport(req, io, { outs, failOn, threads, maxFileSize, absPath });
  } finally {
    releaseWorkers();
  }
}

/** {@link runScanCommand} once its options are read. */
async function scanAndReport(
  req: ScanRequest,
  io: CliIO,
  o: { outs: Out[]; failOn: Severity | 'none' | undefined; threads: number | undefined; maxFileSize: number | undefined; absPath: string },
): Promise<number> {
  const v = req.values;
  const { outs, failOn, threads, maxFileSize, absPath } = o;
  const known = SCANNER_IDS;
  const persona = v.persona;
  if (persona !== undefined && !(['regular', 'pedantic', 'auditor'] as const).includes(persona as 'regular'))
    throw new UsageError(`--persona takes regular, pedantic or auditor, not ${JSON.stringify(persona)}`);
  if (v.verify && v.offline) throw new UsageError('--verify asks providers over the network: it cannot go with --offline');
  const loaded = await loadConfig(absPath, v.config ? resolve(io.cwd, v.config) : undefined, known, io.cwd);
  // paths in the build section are relative to the config file
  const configDir = loaded.path ? dirname(loaded.path) : io.cwd;
  const config = {
    ...loaded.config,
    build: resolveBuildPaths(loaded.config.build, configDir),
    scanners: {
      ...loaded.config.scanners,
      'patch-level': resolvePatchLevelPaths(loaded.config.scanners['patch-level'], configDir),
      // SAST rule files are relative to the scanned folder: resolved here, so that the rules the scanner declares
      // (read before the scan, with no target) and the ones it loads are the same files whatever the working folder
      sast: { ...loaded.config.scanners.sast, rules: loaded.config.scanners.sast.rules.map((p) => resolve(statSync(absPath).isDirectory() ? absPath : dirname(absPath), p)) },
      ...(v.verify ? { secrets: { ...loaded.config.scanners.secrets, verify: true } } : {}),
      ...(persona ? { pipeline: { ...loaded.config.scanners.pipeline, persona: persona as 'regular' | 'pedantic' | 'auditor' } } : {}),
    },
  };
  const baseline = v.baseline ? readBaseline(resolve(io.cwd, v.baseline)) : undefined;
  const ignorePath = v['ignore-file']
    ? resolve(io.cwd, v['ignore-file'])
    : resolve(loaded.path ? dirname(loaded.path) : statSync(absPath).isDirectory() ? absPath : dirname(absPath), config.ignoreFile);
  const ignored = readIgnoreFile(ignorePath, v['ignore-file'] !== undefined);
  for (const w of loaded.warnings) io.stderr.write(`pipeguard: warning: ${w}\n`);

  const limits = { ...DEFAULT_LIMITS, maxFileBytes: maxFileSize ?? config.maxFileSize };
  const progress = createProgressBar(io.stderr, {
    enabled: io.stderr.isTTY === true && !v['no-progress'] && !io.env['CI'],
    now: () => io.now().getTime(),
  });
  const report = await scanPath({
    path: req.path,
    cwd: io.cwd,
    config,
    limits,
    gitignore: config.gitignore && !v['no-gitignore'],
    exclude: [...config.exclude, ...(v.exclude ?? [])],
    archives: !v['no-archives'] && config.scanners.secrets.archives,
    stdin: io.stdin,
    env: io.env as NodeJS.ProcessEnv,
    ...(v['stdin-name'] ? { stdinName: v['stdin-name'] } : {}),
    ...(v.platform ? { platform: platformOption(v.platform) } : {}),
    ...(req.history ? { history: true } : {}),
    ...(req.since ? { since: req.since } : {}),
    ...(req.commits ? { commits: req.commits } : {}),
    ...(req.staged ? { staged: true } : {}),
    ...(req.scanners ? { scanners: req.scanners } : {}),
    options: {
      showSecrets: v['show-secrets'] === true,
      ...(threads ? { threads } : {}),
      env: io.env,
      codeCache: defaultCodeCacheDir(io.env),
      dbUpdate: v['skip-db-update'] !== true,
      ...(v.offline ? { offline: true } : {}),
      ...(v.online ? { online: true } : {}),
    },
    progress,
    now: io.now,
    log: { debug() {}, info() {}, warn: (m) => io.stderr.write(`pipeguard: warning: ${m}\n`) },
  });
  return gateAndRender(report, io, {
    config,
    outs,
    failOn,
    baseline,
    ignored,
    showSecrets: v['show-secrets'] === true,
    verbose: v.verbose === true,
    showAll: v['show-all'] === true,
    afterWrite: (decision) => uploadIfAsked(v, report, decision, io, absPath),
  });
}

/** What {@link gateAndRender} needs besides the report. */
export interface GateOptions {
  config: Config;
  outs: Out[];
  failOn: Severity | 'none' | undefined;
  baseline: Set<string> | undefined;
  ignored: Map<string, string>;
  showSecrets: boolean;
  verbose: boolean;
  /** The table lists every finding, not only those failing the gate. */
  showAll?: boolean;
  /** Runs once the reports are written, before the summary line (the upload to a server). */
  afterWrite?: (decision: Decision) => Promise<void>;
}

/** Runs the gate on a report, writes every requested format, prints the summary line; returns the exit code. */
export async function gateAndRender(report: Report, io: CliIO, o: GateOptions): Promise<number> {
  const { config, outs, failOn, baseline, ignored } = o;
  const decision = evaluate(report, { policy: config, now: io.now(), ...(failOn ? { failOn } : {}), ...(baseline ? { baseline } : {}), ignored });
  decision.notes.push(...(report.warnings ?? []));
  const color = (io.stdout.isTTY === true && !io.env['NO_COLOR']) || Boolean(io.env['FORCE_COLOR'] && io.env['FORCE_COLOR'] !== '0');
  const rendered = outs.map((out) => ({
    ...out,
    text: render(out.format, report, decision, {
      color: out.file === undefined && color,
      ...(io.stdout.columns ? { width: io.stdout.columns } : {}),
      showSecrets: o.showSecrets,
      verbose: o.verbose,
      ...(o.showAll ? { showAll: true } : {}),
    }),
  }));
  // the files first, all or nothing: when one cannot be written, nothing was printed either
  await writeReports(rendered.filter((r): r is typeof r & { file: string } => r.file !== undefined), io);
  for (const r of rendered) if (r.file === undefined) io.stdout.write(r.text);
  await o.afterWrite?.(decision);
  const files = rendered.filter((r) => r.file !== undefined);
  if (files.length) {
    const n = decision.violations.length;
    const gate = decision.failOn === 'none' ? 'gate off (fail-on none)' : `${n} failing the gate`;
    // The verdict in a write of its own (see verdict.ts), then the rest of the line.
    io.stderr.write(VERDICT_PREFIXES[decision.outcome]);
    io.stderr.write(`${report.findings.length} finding(s), ${gate}, ${decision.suppressed.length} suppressed; wrote ${files.map((f) => f.file).join(', ')}\n`);
  }
  return decision.outcome === 'pass' ? 0 : 1;
}
