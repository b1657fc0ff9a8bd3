import { join, resolve } from 'node:path';
import type { Config } from '../../config/schema.js';
import { InputError } from '../../core/errors.js';
import { listRecords, loadRecord } from '../records.js';
import { writeFileAtomic } from '../fs-atomic.js';
import type { AuditLog } from '../audit/log.js';
import { durationMs, type DeployConfig } from '../config.js';
import { maskPatterns } from '../mask/masker.js';
import type { OutputSink } from '../runner/process.js';
import { childBaseEnv, pipeguardCredentials } from '../runner/pipeline.js';
import { newRunId } from '../runner/record.js';
import { SecretStore, type ResolvedSecret, type SecretRef } from '../secrets/store.js';
import { analyse, type Thresholds } from './analysis.js';
import { checkDeployArtifact } from './artifact.js';
import { DEPLOY_EVENTS, type AnalysisVerdict, type DeployOutcome, type DeployRecord, type ReleaseRef, type WindowStats } from './record.js';

/** What every deploy runs with. */
export interface DeployOptions {
  config: Config;
  /** The config file's folder: every path of the config is relative to it. */
  root: string;
  /** The config file as shown in messages. */
  configFile?: string;
  /** The candidate's version (what the team calls the release). */
  version: string;
  /** Environment whose secrets the candidate and hooks get (default deploy.env, then pipeline.env). */
  env?: string;
  identityFile?: string;
  /** The environment pipeguard runs in. */
  environ: Record<string, string | undefined>;
  audit: AuditLog;
  /** The releases' and hooks' output (masked), and pipeguard's progress lines on stderr. */
  stdout: OutputSink;
  stderr: OutputSink;
  /** Aborting rolls back to the baseline and records `interrupted` (reason SIGINT or SIGTERM). */
  signal?: AbortSignal;
  now?: () => Date;
  /** Called whenever the record changes (it is saved too). */
  onRecord?: (r: DeployRecord) => void;
}

const refsOf = (secrets: (string | SecretRef)[]): SecretRef[] => secrets.map((s) => (typeof s === 'string' ? { name: s, as: s } : s));

/** The `deploy:` section, or an InputError naming the config file. */
export function deployConfig(o: Pick<DeployOptions, 'config' | 'configFile'>): DeployConfig {
  const d = o.config.deploy;
  if (!d) throw new InputError('no deploy: section (see docs/deliver.md#deploy)', o.configFile ?? 'pipeguard.yml');
  return d;
}

/** Traffic steps of a strategy. */
export function trafficSteps(d: DeployConfig): number[] {
  if (d.strategy === 'blue-green') return [100];
  return d.steps ?? [10, 50, 100];
}

/** The analysis thresholds of the config. */
export function thresholdsOf(d: DeployConfig): Thresholds {
  return { maxErrorRate: d.analysis.maxErrorRate, minRequests: d.analysis.minRequests, ...(d.analysis.maxP95Ms !== undefined ? { maxP95Ms: d.analysis.maxP95Ms } : {}) };
}

/** Secrets of the candidate and the hooks, resolved before anything runs; the mask of every known secret. */
export interface DeploySecrets {
  /** By owner: 'candidate' or a hook name; each map is variable -> secret. */
  of: Map<string, Map<string, ResolvedSecret>>;
  mask: Buffer[];
  baseEnv: Record<string, string>;
}

/** Resolves every declared secret (an unknown name is an InputError before anything runs). */
export async function resolveSecrets(o: DeployOptions, d: DeployConfig): Promise<DeploySecrets> {
  const owners: [string, SecretRef[]][] = [];
  if (d.candidate) owners.push(['candidate', refsOf(d.candidate.secrets)]);
  for (const [k, h] of Object.entries(d.hooks ?? {})) if (h && typeof h === 'object') owners.push([k, refsOf(h.secrets)]);
  const declared = owners.some(([, r]) => r.length > 0);
  const env = o.env ?? d.env ?? o.config.pipeline.env;
  const of = new Map<string, Map<string, ResolvedSecret>>();
  const known = new Map<string, string>();
  if (declared) {
    if (!env) throw new InputError('deploy declares secrets but no environment is chosen: give --env or set deploy.env', o.configFile);
    const store = new SecretStore({ root: o.root, env, config: o.config.secrets, environ: o.environ, ...(o.identityFile ? { identityFile: o.identityFile } : {}) });
    for (const [owner, refs] of owners) {
      try {
        of.set(owner, await store.resolve(refs));
      } catch (e) {
        if (e instanceof InputError && !e.file) throw new InputError(`deploy ${owner}: ${e.message}`, o.configFile);
        throw e;
      }
    }
    for (const [k, v] of (await store.fromFile()) ?? []) known.set(k, v);
    for (const m of of.values()) for (const s of m.values()) known.set(`${s.name}@${s.source}`, s.value);
  }
  for (const [owner] of owners) if (!of.has(owner)) of.set(owner, new Map());
  return {
    of,
    mask: maskPatterns(known, o.config.secrets.minLength),
    baseEnv: childBaseEnv(o.environ, [...pipeguardCredentials(o.config), ...[...known.keys()].map((k) => k.split('@')[0]!)]),
  };
}

/** The deploy record and the audit events of one deploy, saved and appended as they happen. */
export class DeployJournal {
  readonly record: DeployRecord;
  private readonly dir: string;
  private readonly started: number;
  constructor(
    private readonly o: DeployOptions,
    private readonly d: DeployConfig,
    candidate: ReleaseRef,
    baseline: ReleaseRef | undefined,
  ) {
    const now = (o.now ?? (() => new Date()))();
    this.started = Date.now();
    this.dir = resolve(o.root, d.records);
    const run = o.environ['PIPEGUARD_RUN_ID'];
    this.record = {
      id: newRunId(now),
      service: d.service,
      strategy: d.strategy,
      ...(run ? { run } : {}),
      startedAt: now.toISOString(),
      candidate,
      ...(baseline ? { baseline } : {}),
      steps: trafficSteps(d),
      samples: [],
      decisions: [],
      thresholds: thresholdsOf(d),
    };
  }

  /**
   * Judges one analysis window at `weight` (the strategies' shared step): an inconclusive verdict becomes a failure
   * after `analysis.maxWindows` windows; the verdict is recorded and sent as an event, and an inconclusive one is
   * said and saved (the caller then waits for the next window).
   */
  async judgeWindow(weight: number, candidate: WindowStats, baseline: WindowStats | undefined, waited: number): Promise<AnalysisVerdict> {
    let v = analyse(weight, candidate, baseline, thresholdsOf(this.d));
    if (v.verdict === 'inconclusive' && waited >= this.d.analysis.maxWindows) v = { ...v, verdict: 'fail', reason: `not conclusive after ${waited} windows (${v.reason}): failing safe` };
    this.record.decisions.push(v);
    await this.event(DEPLOY_EVENTS.analysis, { ...v });
    if (v.verdict === 'inconclusive') {
      this.say(`    window: inconclusive: ${v.reason}; waiting`);
      this.save();
    }
    return v;
  }

  /** Milliseconds since the deploy started. */
  elapsed(): number {
    return Date.now() - this.started;
  }

  /** Saves the record (atomically). */
  save(): void {
    writeFileAtomic(join(this.dir, `${this.record.id}.json`), JSON.stringify(this.record, null, 2) + '\n');
    this.o.onRecord?.(this.record);
  }

  /** Appends an event; `data` gets the deploy id. */
  async event(type: string, data: Record<string, unknown>): Promise<void> {
    await this.o.audit.append(type, { deployId: this.record.id, ...data }, this.record.run ? { run: this.record.run } : {});
  }

  /** A progress line on stderr. */
  say(line: string): void {
    this.o.stderr.write(`${line}\n`);
  }

  /** Records the end: outcome, reason, `deploy.finished`, a checkpoint. */
  async finish(outcome: DeployOutcome, reason?: string): Promise<DeployRecord> {
    this.record.outcome = outcome;
    if (reason) this.record.reason = reason;
    this.record.finishedAt = (this.o.now ?? (() => new Date()))().toISOString();
    this.save();
    await this.event(DEPLOY_EVENTS.finished, { outcome, ...(reason ? { reason } : {}), durationMs: this.elapsed() });
    await this.o.audit.checkpoint('end of deploy');
    this.say(`pipeguard: deploy ${this.record.id} of ${this.record.service} ${this.record.candidate.version}: ${outcome.toUpperCase()}${reason ? `: ${reason}` : ''}`);
    return this.record;
  }
}

/** Milliseconds of the analysis window and the health settings of the config. */
export function timings(d: DeployConfig): { windowMs: number; killGraceMs: number; drainMs: number } {
  return { windowMs: durationMs(d.analysis.window), killGraceMs: durationMs(d.killGrace), drainMs: durationMs(d.drain) };
}

/** The ids of the deploys recorded in `dir`, newest first. */
export function listDeploys(dir: string): string[] {
  return listRecords(dir);
}

/** Loads a deploy record by id, unique prefix or suffix (undefined or `latest`: the newest). */
export function loadDeployRecord(dir: string, id: string | undefined, display = dir): DeployRecord {
  return loadRecord<DeployRecord>(dir, id, { one: 'deploy', none: 'no deploys recorded yet' }, display);
}

/**
 * Opens a deploy: the artifact gate (when configured), the record, `artifact.verified` (what `pipeguard monitor`
 * learns verified artifacts from, before the start), `deploy.started`, and the gate's verdict. `blocked` holds the
 * reason when the gate refused the artifact; the caller then finishes the deploy as failed.
 */
export async function beginDeploy(o: DeployOptions, d: DeployConfig, candidate: ReleaseRef, baseline: ReleaseRef | undefined, how: string): Promise<{ j: DeployJournal; blocked?: { reason: string | undefined } }> {
  const gate = await checkDeployArtifact(o.config, d, o.root, o.configFile);
  const digest = gate?.digest ? { digest: gate.digest } : {};
  if (gate) candidate.artifact = { ref: gate.ref, ...digest };
  const j = new DeployJournal(o, d, candidate, baseline);
  j.save();
  if (gate?.ok) await j.event('artifact.verified', { ref: gate.ref, ...digest, verified: true, requirements: gate.checks.map((c) => c.requirement), by: 'deploy gate' });
  await j.event(DEPLOY_EVENTS.started, { service: d.service, strategy: d.strategy, candidate, ...(baseline ? { baseline } : {}), steps: trafficSteps(d) });
  j.say(`pipeguard: deploy ${j.record.id}: ${d.service} ${o.version} (${how})`);
  if (!gate) return { j };
  await j.event(DEPLOY_EVENTS.artifact, { ref: gate.ref, ...digest, ok: gate.ok, checks: gate.checks.map((c) => ({ requirement: c.requirement, outcome: c.outcome, detail: c.detail })) });
  j.say(`--> artifact ${gate.ref}: ${gate.ok ? 'verified' : 'BLOCKED'}${gate.reason ? `: ${gate.reason}` : ''}`);
  return gate.ok ? { j } : { j, blocked: { reason: gate.reason } };
}
