import type { Config } from '../config/schema.js';
import { defaultConfig } from '../config/defaults.js';
import { InputError } from '../core/errors.js';
import { globMatcher } from '../core/glob.js';
import type {
  FileFilter,
  Finding,
  Limits,
  Logger,
  ProgressSink,
  RawFinding,
  Report,
  RuleMeta,
  Scanner,
  ScannerStatus,
  ScanContext,
  ScanOptions,
  Target,
} from '../core/types.js';
import { offers } from '../core/types.js';
import { loadScanners, SCANNER_IDS } from '../scanners/index.js';
import { compareFindings, dedupe, fingerprintAll } from './fingerprint.js';
import { InlineIgnores } from './inline.js';
import { readTrivyIgnores, trivyIgnoreReason } from './trivyignore.js';
import { applyTestContext } from './test-context.js';
import { dropOverlaps } from './overlaps.js';
import { forEachText, noSecrets, redactFindings } from './redact.js';
import { VERSION } from '../core/version.js';
import { createAnalysisStore } from '../analyzers/cache.js';

/** Default limits for reading targets. */
export const DEFAULT_LIMITS: Limits = {
  maxFileBytes: 10 * 1024 * 1024,
  maxArchiveDepth: 4,
  maxArchiveMembers: 100_000,
  maxArchiveExpandedBytes: 1024 * 1024 * 1024,
};

/** A logger that drops everything. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {} };
/** A progress sink that shows nothing. */
export const noProgress: ProgressSink = { update() {}, done() {} };

/** What to scan and how. Only `target` is required. */
export interface RunOptions {
  target: Target;
  config?: Config;
  /** Scanner ids to run (default: every enabled scanner that reads this kind of target). */
  scanners?: string[];
  options?: ScanOptions;
  log?: Logger;
  progress?: ProgressSink;
  signal?: AbortSignal;
  now?: () => Date;
  limits?: Partial<Limits>;
  /** The scanner registry (default: all built-in scanners). */
  registry?: readonly Scanner[];
  /** Globs of paths some scanners do not read, by scanner id (node_modules/ for secrets and SAST, say). */
  scannerExcludes?: Record<string, string[]>;
}

/** pipeguard's version, from package.json. */
export { VERSION };

/**
 * Runs the scanners on a target and returns the report: findings fingerprinted, inline-ignore comments
 * resolved, deduplicated by fingerprint and sorted. One scanner's crash is recorded as its status
 * ('failed'); an `InputError` ends the run.
 */
export async function runScan(o: RunOptions): Promise<Report> {
  const config = o.config ?? defaultConfig();
  const now = o.now ?? (() => new Date());
  const startedAt = now().toISOString();
  const log = o.log ?? silentLogger;
  const signal = o.signal ?? new AbortController().signal;
  const limits: Limits = { ...DEFAULT_LIMITS, maxFileBytes: config.maxFileSize, ...o.limits };
  if (o.scanners) {
    const known = new Set(o.registry ? o.registry.map((s) => s.id) : SCANNER_IDS);
    const unknown = o.scanners.filter((id) => !known.has(id));
    if (unknown.length) throw new InputError(`unknown scanner ${unknown.join(', ')} (known: ${[...known].join(', ')})`);
  }
  const inline = new InlineIgnores();
  const target = inline.wrap(o.target);
  const raw: RawFinding[] = [];
  const statuses: ScannerStatus[] = [];
  const rules: RuleMeta[] = [];
  const warnings: string[] = [];
  const scannerConfigs = config.scanners as Record<string, { enabled: boolean } | undefined>;

  const store = createAnalysisStore(target, limits, signal);
  const registry = o.registry ?? (await loadScanners(o.scanners));
  const selected = registry.filter((s) => (o.scanners ? o.scanners.includes(s.id) : true));
  await Promise.all(
    selected.map(async (scanner) => {
      const section = scannerConfigs[scanner.id] ?? { enabled: true };
      const status: ScannerStatus = { scanner: scanner.id, status: 'succeeded', fileErrors: [], stats: {} };
      statuses.push(status);
      if (!section.enabled && !o.scanners) {
        status.status = 'skipped';
        status.reason = 'disabled in config';
        return;
      }
      const why = whyNotRun(scanner, o.target, o.options ?? {}) ?? scanner.idle?.(config);
      if (why) {
        status.status = 'skipped';
        status.reason = why;
        return;
      }
      const scannerRules = scanner.rules(section);
      rules.push(...scannerRules);
      const declared = new Set(scannerRules.map((r) => r.id));
      let skipped: { reason: string; failGate: boolean } | undefined;
      try {
        const excluded = o.scannerExcludes?.[scanner.id];
        for await (const f of scanner.scan(excluded?.length ? withoutPaths(target, excluded) : target, {
          config: section,
          root: config,
          log: {
            ...log,
            warn: (m) => {
              warnings.push(`${scanner.id}: ${m}`);
              log.warn(`${scanner.id}: ${m}`);
            },
          },
          progress: o.progress ?? noProgress,
          signal,
          limits,
          options: o.options ?? {},
          analyses: store.forScanner((path, message) => status.fileErrors.push({ path, message })),
          fileError: (path, message) => status.fileErrors.push({ path, message }),
          count: (name, by = 1) => {
            status.stats![name] = (status.stats![name] ?? 0) + by;
          },
          skip: (reason, opts) => {
            skipped = { reason, failGate: opts?.failGate === true };
          },
        })) {
          if (!declared.has(f.ruleId)) throw new Error(`scanner ${scanner.id} emitted undeclared rule ${f.ruleId}`);
          raw.push(f);
        }
        if (status.fileErrors.length) status.status = 'partial';
        if (skipped) {
          status.status = 'skipped';
          status.reason = skipped.reason;
          if (skipped.failGate) status.failsGate = true;
        }
      } catch (e) {
        if (e instanceof InputError || signal.aborted) throw e;
        status.status = 'failed';
        status.reason = e instanceof Error ? e.message : String(e);
      }
    }),
  );

  const knownRules = new Set(rules.map((r) => r.id));
  // One problem, one finding: what another scanner of this run reports better is dropped (counted in the status).
  const { kept, dropped } = dropOverlaps(fingerprintAll(raw), knownRules);
  for (const [scanner, n] of dropped) {
    const s = statuses.find((x) => x.scanner === scanner);
    if (s) s.stats = { ...s.stats, 'overlaps-dropped': n };
  }
  const inlineIgnored: Record<string, string> = {};
  const configIgnored: Record<string, string> = {};
  // Trivy's ignore files in a scanned folder: config suppressions, as they were Trivy's.
  const trivy = o.target.root ? readTrivyIgnores(o.target.root, now(), (m) => warnings.push(m)) : [];
  const fingerprinted = applyTestContext(kept, config.testContext).map((f) => {
    if (!f.suppressed) {
      const reason = inline.match(f, knownRules);
      if (reason) inlineIgnored[f.fingerprint] = reason;
      else {
        const byTrivy = trivyIgnoreReason(trivy, f);
        if (byTrivy) configIgnored[f.fingerprint] = byTrivy;
      }
      return f;
    }
    // The scanner's own ignore comment or config rule: recorded here, applied by the gate with every other one.
    const { suppressed, ...rest } = f;
    (suppressed.kind === 'inline' ? inlineIgnored : configIgnored)[f.fingerprint] = inline.match(f, knownRules) ?? suppressed.reason;
    return rest;
  });
  // Texts copied from the scanned content leave the engine redacted, whatever scanner copied them; the user's
  // explicit --show-secrets is the one exception.
  const deduped = dedupe(fingerprinted);
  const findings: Finding[] = (o.options?.showSecrets ? deduped : await redactAll(deduped)).sort(compareFindings);
  const byId = new Map(rules.map((r) => [r.id, r]));
  statuses.sort((a, b) => (a.scanner < b.scanner ? -1 : a.scanner > b.scanner ? 1 : 0));
  if (!o.options?.showSecrets && statuses.some((s) => s.fileErrors.length)) {
    // File errors name files (and quote their content) too.
    const { maskSecrets } = await import('../analyzers/secrets/mask.js');
    for (const s of statuses) s.fileErrors = s.fileErrors.map((e) => ({ ...e, path: maskSecrets(e.path), message: maskSecrets(e.message) }));
  }
  for (const s of statuses) s.fileErrors.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return {
    tool: { name: 'pipeguard', version: VERSION },
    target: { id: o.target.id, kind: o.target.kind },
    startedAt,
    finishedAt: now().toISOString(),
    rules: [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    findings,
    statuses,
    inlineIgnored,
    ...(Object.keys(configIgnored).length ? { configIgnored } : {}),
    warnings,
  };
}

/** `target` without the files matching `globs` (for one scanner). */
function withoutPaths(target: Target, globs: string[]): Target {
  // Compiled when the first path is asked about (an empty folder asks none); these globs are the engine's own.
  let compiled: ((path: string) => boolean) | undefined;
  const skip = (p: string): boolean => (compiled ??= globMatcher(globs))(p);
  const narrow = (filter?: FileFilter): FileFilter => ({ ...filter, path: (p) => !skip(p) && (filter?.path ? filter.path(p) : true) });
  const out: Target = { ...target };
  if (target.files) out.files = (filter) => target.files!(narrow(filter));
  if (target.batches) out.batches = (filter) => target.batches!(narrow(filter));
  return out;
}

/** Why a scanner cannot run on this target (what it requires that the target does not offer), or undefined. */
export function whyNotRun(scanner: Scanner, target: Target, options: ScanOptions): string | undefined {
  const offered = offers(target);
  const missing = scanner.requires.filter((c) => !offered.includes(c));
  if (missing.length) {
    return `needs ${missing.join(' and ')}, which ${target.kind === 'url' ? 'a URL' : `a ${target.kind}`} target does not offer`;
  }
  if (scanner.targets && !scanner.targets.includes(target.kind)) return `does not read ${target.kind} targets`;
  if (scanner.network && options.offline) return 'needs the network, and the run is offline';
  return undefined;
}

/**
 * A scan context for running one scanner outside {@link runScan} (benchmarks, tests of one scanner): silent log,
 * no progress, default limits, its own analyses; `overrides` replace any of it.
 */
export function standaloneContext<C>(target: Target, config: C, root: Config, overrides: Partial<ScanContext<C>> = {}): ScanContext<C> {
  const limits = overrides.limits ?? DEFAULT_LIMITS;
  const signal = overrides.signal ?? new AbortController().signal;
  const fileError = overrides.fileError ?? (() => {});
  return {
    config,
    root,
    log: silentLogger,
    progress: noProgress,
    signal,
    limits,
    options: {},
    fileError,
    count: () => {},
    skip: () => {},
    analyses: createAnalysisStore(target, limits, signal).forScanner(fileError),
    ...overrides,
  };
}

/** Reports up to this many findings have their texts screened before the masker is loaded (see {@link redactAll}). */
const SCREEN_FINDINGS = 500;

/**
 * The findings redacted (see redact.ts). Findings repeat their texts (paths, messages, snippets of the same line):
 * each distinct text is masked once, and the masker compiles the rules all of them wake at once. A small report's
 * texts are first screened (screen.ts: whether one of the built-in rules' literals occurs in a text, an exact test
 * of whether the masker could find anything there), so that the masker is not loaded when none could hold a secret;
 * a large one almost surely has such a text, and the screen would cost more than it saves. When the masker finds
 * nothing, only credential findings are copied (their literal values masked; that needs no engine).
 */
async function redactAll(findings: Finding[]): Promise<Finding[]> {
  if (findings.length === 0) return findings;
  let texts = new Set<string>();
  forEachText(findings, (t) => texts.add(t));
  if (findings.length <= SCREEN_FINDINGS) {
    const { mayHoldSecret } = await import('../analyzers/secrets/screen.js');
    const suspect = new Set<string>();
    for (const t of texts) if (mayHoldSecret(t)) suspect.add(t);
    if (suspect.size === 0) return redactFindings(findings, noSecrets);
    texts = suspect;
  }
  const { maskSecrets, prepareMasker } = await import('../analyzers/secrets/mask.js');
  prepareMasker(texts);
  const masked = new Map<string, string>();
  for (const t of texts) {
    const m = maskSecrets(t);
    if (m !== t) masked.set(t, m);
  }
  if (masked.size === 0) return redactFindings(findings, noSecrets);
  return redactFindings(findings, (t) => masked.get(t) ?? t);
}
