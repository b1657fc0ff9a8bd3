/**
 * pipeguard as a library. `scan(path)` runs every enabled scanner on a folder (or file, archive, git history)
 * and applies the gate; the lower-level pieces (targets, engine, gate, reporters) are exported for
 * custom pipelines.
 *
 * ```ts
 * import { scan, render } from 'pipeguard';
 * const { report, decision } = await scan('.', { failOn: 'medium' });
 * process.stdout.write(render('sarif', report, decision, { color: false }));
 * ```
 */
import { dirname, resolve } from 'node:path';
import { resolveBuildPaths } from './attest/config.js';
import { resolvePatchLevelPaths } from './scanners/patch-level/index.js';
import { resolveConfig } from './config/load.js';
import type { Config } from './config/schema.js';
import type { Decision, Report, ScanOptions, Severity } from './core/types.js';
import { DEFAULT_LIMITS } from './engine/run.js';
import { scanPath } from './engine/scan-path.js';
import { evaluate } from './gate/evaluate.js';
import { SCANNER_IDS } from './scanners/index.js';

export * from './core/types.js';
export * from './core/location.js';
export { InputError, UsageError } from './core/errors.js';
export { configSchema, type Config, type Suppression } from './config/schema.js';
export { findConfig, loadConfigFile, parseConfig, resolveConfig } from './config/load.js';
export { runScan, standaloneContext, whyNotRun, VERSION, DEFAULT_LIMITS } from './engine/run.js';
export { createAnalysisStore, type AnalysisStore } from './analyzers/cache.js';
export { scanPath, type ScanPathOptions } from './engine/scan-path.js';
export { evaluate, type GateInput } from './gate/evaluate.js';
export { render, FORMATS, type Format, type ReportOptions } from './report/index.js';
export { loadScanners, SCANNER_ENTRIES, SCANNER_IDS } from './scanners/index.js';
export { openDirectory } from './targets/directory.js';
export { openGitHistory, openStaged } from './targets/git.js';
export { openTarget } from './targets/open.js';
export { openImage, type ImageOptions, type ImageTarget } from './targets/image/index.js';
export { generateSbom, type SbomOptions } from './sbom/generate.js';
export { run as runCli } from './cli/run.js';
export * from './deliver/index.js';
export { runPosture, type PostureOptions, type PostureRun } from './posture/run.js';
export { githubEndpoint, gitlabEndpoint } from './forge/endpoint.js';
export { DiskCache } from './forge/cache.js';
export { complianceReport } from './compliance/run.js';
export { FRAMEWORKS } from './compliance/frameworks/index.js';
export { checkArtifact, type ArtifactCheck, type Requirement } from './attest/check.js';
export { verifyBundle, type VerifyPolicy, type VerifyResult } from './attest/verify.js';
export { parseBundle, messageBundle, dsseBundle, type Bundle } from './attest/bundle.js';
export { signEnvelope, verifyEnvelope, pae, type DsseEnvelope } from './attest/dsse.js';
export { generateKeyPair, loadPrivateKey, loadPublicKey, signBytes, keyHint } from './attest/keys.js';
export { provenanceStatement, resolvedDependencies, sourceInfo, type Statement } from './attest/provenance.js';
export { subjectOf, type Subject } from './attest/subject.js';
export { loadTrustedRoot, type TrustedRoot } from './attest/trusted-root.js';
export { checkPatchLevel, type PatchLevelResult } from './scanners/patch-level/index.js';

/** Options of {@link scan}. */
export interface ScanApiOptions extends ScanOptions {
  /** A config object, a path to pipeguard.yml, or undefined to look for one from `path`. */
  config?: Config | string;
  /** Only these scanners. */
  scanners?: string[];
  /** Overrides the config's failOn. */
  failOn?: Severity | 'none';
  /** Scan the git history of the repository at `path` instead of its files. */
  history?: boolean;
  /** Scan the staged changes of the repository at `path`. */
  staged?: boolean;
  /** Fingerprints of a baseline report. */
  baseline?: ReadonlySet<string>;
  signal?: AbortSignal;
}

/** Scans `path` and applies the gate. Throws InputError on bad input or config. */
export async function scan(path: string, opts: ScanApiOptions = {}): Promise<{ report: Report; decision: Decision }> {
  const cwd = process.cwd();
  const loaded = typeof opts.config === 'object' ? undefined : resolveConfig(resolve(cwd, path), opts.config, SCANNER_IDS);
  // paths of the build section are relative to the config file (an object given: to the working folder)
  const base = loaded?.config ?? (opts.config as Config);
  const configDir = loaded?.path ? dirname(loaded.path) : cwd;
  const config = { ...base, build: resolveBuildPaths(base.build, configDir), scanners: { ...base.scanners, 'patch-level': resolvePatchLevelPaths(base.scanners['patch-level'], configDir) } };
  const report = await scanPath({
    path,
    cwd,
    config,
    limits: { ...DEFAULT_LIMITS, maxFileBytes: config.maxFileSize },
    gitignore: config.gitignore,
    exclude: config.exclude,
    archives: config.scanners.secrets.archives,
    ...(opts.history ? { history: true } : {}),
    ...(opts.staged ? { staged: true } : {}),
    ...(opts.scanners ? { scanners: opts.scanners } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    options: { ...(opts.showSecrets ? { showSecrets: true } : {}), ...(opts.threads ? { threads: opts.threads } : {}) },
  });
  const decision = evaluate(report, {
    policy: config,
    now: new Date(),
    ...(opts.failOn ? { failOn: opts.failOn } : {}),
    ...(opts.baseline ? { baseline: opts.baseline } : {}),
  });
  return { report, decision };
}
