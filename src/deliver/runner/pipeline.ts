import { resolve } from 'node:path';
import type { Config } from '../../config/schema.js';
import { InputError } from '../../core/errors.js';
import { SCANNER_IDS } from '../../scanners/index.js';
import type { Actor } from '../audit/entry.js';
import type { AuditLog } from '../audit/log.js';
import { durationMs, type GateConfig, type StageConfig, type StepConfig } from '../config.js';
import { maskPatterns } from '../mask/masker.js';
import { credentialVariables, SecretStore, type ResolvedSecret, type SecretRef } from '../secrets/store.js';
import { runGate } from './gate.js';
import type { OutputSink } from './process.js';
import { newRunId, saveRunRecord, type GateRecord, type RunRecord, type StageRecord, type StepRecord } from './record.js';
import { runStep } from './step.js';

/** Options of {@link runPipeline}. */
export interface RunPipelineOptions {
  config: Config;
  /** The pipeline root: the config file's folder; every path of the config is relative to it. */
  root: string;
  /** The config file as shown in records. */
  configFile?: string;
  /** Environment whose secrets the steps get (default: pipeline.env). */
  env?: string;
  /** `--identity FILE`: the age identity that decrypts the secrets file. */
  identityFile?: string;
  /** The environment pipeguard runs in. */
  environ: Record<string, string | undefined>;
  audit: AuditLog;
  actor: Actor;
  /** Steps' standard output, and their standard error plus pipeguard's progress lines. */
  stdout: OutputSink;
  stderr: OutputSink;
  /** Aborting stops the run (reason `SIGINT` or `SIGTERM`, recorded). */
  signal?: AbortSignal;
  now?: () => Date;
  /** Gate id (`stage` or `stage/step`) -> reason: a failure of that gate is recorded and let through. */
  overrides?: ReadonlyMap<string, string>;
  /** Fingerprints from the ignore file. */
  ignored?: ReadonlyMap<string, string>;
  /** Run only these stages. */
  stages?: string[];
  /** Called whenever the record changes (it is saved too). */
  onRecord?: (r: RunRecord) => void;
}

const refsOf = (step: StepConfig): SecretRef[] => step.secrets.map((s) => (typeof s === 'string' ? { name: s, as: s } : s));

/**
 * Runs the pipeline of pipeguard.yml: stages in order, each step's command (with only its declared secrets, its
 * output masked), the gate after a step or stage; the first failure (a step's exit status, a timeout, a failed
 * gate not overridden) stops the run. Every decision goes to the audit log and the run record (saved as it goes).
 * Config mistakes (unknown secrets, scanners or stages, secrets without an environment) are InputErrors thrown
 * before anything runs.
 */
export async function runPipeline(o: RunPipelineOptions): Promise<RunRecord> {
  const p = o.config.pipeline;
  const now = o.now ?? (() => new Date());
  const stages = selectStages(p.stages, o.stages);
  checkGates(stages);
  const env = o.env ?? p.env;
  const overrides = o.overrides ?? new Map<string, string>();
  checkOverrides(stages, overrides);

  // secrets: every name resolved before anything runs, so an unknown one stops the run at once
  const declared = stages.flatMap((st) => st.steps.flatMap((s) => refsOf(s)));
  const store = env ? new SecretStore({ root: o.root, env, config: o.config.secrets, environ: o.environ, ...(o.identityFile ? { identityFile: o.identityFile } : {}) }) : undefined;
  if (declared.length && !store) throw new InputError('steps declare secrets but no environment is chosen: give --env or set pipeline.env');
  const perStep = new Map<StepConfig, Map<string, ResolvedSecret>>();
  const known = new Map<string, string>();
  if (store && declared.length) {
    for (const st of stages) {
      for (const s of st.steps) {
        try {
          perStep.set(s, await store.resolve(refsOf(s)));
        } catch (e) {
          if (e instanceof InputError && !e.file) throw new InputError(`pipeline step ${st.name}/${s.name}: ${e.message}`, o.configFile);
          throw e;
        }
      }
    }
    const file = await store.fromFile();
    for (const [k, v] of file ?? []) known.set(k, v);
    for (const m of perStep.values()) for (const s of m.values()) known.set(`${s.name}@${s.source}`, s.value);
  }
  const mask = maskPatterns(known, o.config.secrets.minLength);
  const baseEnv = childBaseEnv(o.environ, [...pipeguardCredentials(o.config), ...[...known.keys()].map((k) => k.split('@')[0]!)]);

  const started = now();
  const record: RunRecord = {
    id: newRunId(started),
    pipeline: p.name,
    ...(env ? { env } : {}),
    status: 'running',
    startedAt: started.toISOString(),
    actor: o.actor,
    ...(o.configFile ? { config: o.configFile } : {}),
    stages: stages.map((s) => ({ name: s.name, status: 'skipped', steps: s.steps.map((st) => ({ name: st.name, status: 'skipped', secrets: refsOf(st).map((r) => r.name) })) })),
    overrides: [],
  };
  const runsDir = resolve(o.root, p.runs);
  const save = () => {
    saveRunRecord(runsDir, record);
    o.onRecord?.(record);
  };
  const run = { run: record.id };
  const say = (line: string) => o.stderr.write(`${line}\n`);
  save();
  await o.audit.append('run.started', { pipeline: p.name, ...(env ? { env } : {}), stages: stages.map((s) => s.name), ...(o.configFile ? { config: o.configFile } : {}) }, run);
  say(`pipeguard: run ${record.id} of pipeline ${p.name}${env ? ` (environment ${env})` : ''}`);

  const fail = (stage: StageRecord, reason: string, step?: string) => {
    record.failure = { stage: stage.name, ...(step ? { step } : {}), reason };
    stage.status = o.signal?.aborted ? 'interrupted' : 'failed';
    record.status = o.signal?.aborted ? 'interrupted' : 'failed';
  };
  const gateStep = async (id: string, gate: GateConfig): Promise<GateRecord> => {
    say(`--> gate ${id}: ${gate.scanners ? gate.scanners.join(',') : 'all scanners'} on ${gate.path}`);
    const g = await runGate(id, gate, { root: o.root, config: o.config, now, ...(o.ignored ? { ignored: o.ignored } : {}), ...(o.signal ? { signal: o.signal } : {}) });
    if (g.outcome === 'fail' || g.outcome === 'error') {
      const reason = overrides.get(id);
      if (reason !== undefined) {
        g.override = { reason, by: o.actor.user };
        g.outcome = 'overridden';
        record.overrides.push({ gate: id, reason });
      }
    }
    await o.audit.append(
      'gate.decision',
      {
        gate: id,
        outcome: g.outcome,
        failOn: g.failOn,
        scanners: g.scanners,
        path: g.path,
        findings: g.findings,
        violations: g.violations.length,
        rules: [...new Set(g.violations.map((v) => v.ruleId))].sort().slice(0, 50),
        ...(g.error ? { error: g.error } : {}),
      },
      run,
    );
    if (g.override) await o.audit.append('override', { gate: id, reason: g.override.reason, by: g.override.by, violations: g.violations.length }, run);
    const detail = g.error ?? `${g.findings} finding(s), ${g.violations.length} at or above ${g.failOn}`;
    say(`<-- gate ${id}: ${g.outcome.toUpperCase()} (${detail})${g.override ? `: overridden: ${g.override.reason}` : ''}`);
    for (const v of g.violations.slice(0, 20)) say(`    ${v.severity} ${v.ruleId} ${v.path}${v.line ? `:${v.line}` : ''}: ${v.message}`);
    return g;
  };

  try {
    outer: for (let si = 0; si < stages.length; si++) {
      const st = stages[si]!;
      const sr = record.stages[si]!;
      sr.status = 'running';
      sr.startedAt = now().toISOString();
      const t0 = Date.now();
      say(`==> stage ${st.name}`);
      for (let i = 0; i < st.steps.length; i++) {
        if (o.signal?.aborted) {
          fail(sr, `stopped by ${String(o.signal.reason)}`);
          break outer;
        }
        const step = st.steps[i]!;
        const rec: StepRecord = sr.steps[i]!;
        rec.startedAt = now().toISOString();
        if (step.run !== undefined || step.argv !== undefined) {
          say(`--> step ${st.name}/${step.name}`);
          const out = await runStep(step, {
            root: o.root,
            baseEnv,
            secrets: perStep.get(step) ?? new Map(),
            mask,
            stdout: o.stdout,
            stderr: o.stderr,
            audit: o.audit,
            runId: record.id,
            stage: st.name,
            killGraceMs: durationMs(p.killGrace),
            ...(p.timeout !== undefined ? { defaultTimeoutMs: durationMs(p.timeout) } : {}),
            ...(o.signal ? { signal: o.signal } : {}),
          });
          Object.assign(rec, {
            status: out.status,
            ...(out.command ? { command: out.command } : {}),
            exitCode: out.exitCode,
            signal: out.signal,
            durationMs: out.durationMs,
            outputTail: out.outputTail,
            ...(out.stoppedBy ? { stoppedBy: out.stoppedBy } : {}),
            ...(out.error ? { error: out.error } : {}),
          });
          say(`<-- step ${st.name}/${step.name}: ${describeOutcome(out)} in ${(out.durationMs / 1000).toFixed(1)}s`);
          save();
          if (out.status !== 'succeeded') {
            fail(sr, `step ${step.name} ${describeOutcome(out)}`, step.name);
            break outer;
          }
        } else {
          rec.status = 'succeeded';
          rec.durationMs = 0;
        }
        if (step.gate) {
          rec.gate = await gateStep(`${st.name}/${step.name}`, step.gate);
          save();
          if (rec.gate.outcome === 'fail' || rec.gate.outcome === 'error') {
            rec.status = 'failed';
            fail(sr, `gate ${rec.gate.id} ${rec.gate.outcome === 'fail' ? 'failed' : `could not run: ${rec.gate.error}`}`, step.name);
            break outer;
          }
        }
      }
      if (st.gate) {
        sr.gate = await gateStep(st.name, st.gate);
        if (sr.gate.outcome === 'fail' || sr.gate.outcome === 'error') {
          fail(sr, `gate ${st.name} ${sr.gate.outcome === 'fail' ? 'failed' : `could not run: ${sr.gate.error}`}`);
          sr.durationMs = Date.now() - t0;
          break;
        }
      }
      sr.status = 'passed';
      sr.durationMs = Date.now() - t0;
      save();
    }
  } catch (e) {
    if (!o.signal?.aborted) throw e;
    const sr = record.stages.find((s) => s.status === 'running');
    if (sr) fail(sr, `stopped by ${String(o.signal.reason)}`);
  }
  if (record.status === 'running') record.status = 'passed';
  const finished = now();
  record.finishedAt = finished.toISOString();
  record.durationMs = finished.getTime() - started.getTime();
  if (record.status === 'interrupted') {
    await o.audit.append('run.interrupted', { signal: String(o.signal?.reason ?? 'unknown'), stage: record.failure?.stage, step: record.failure?.step }, run);
  }
  await o.audit.append('run.finished', { pipeline: p.name, status: record.status, durationMs: record.durationMs, ...(record.failure ? { failure: record.failure } : {}), overrides: record.overrides.length }, run);
  await o.audit.checkpoint('end of run');
  save();
  say(`pipeguard: run ${record.id} ${record.status.toUpperCase()}${record.failure ? `: ${record.failure.stage}${record.failure.step ? `/${record.failure.step}` : ''}: ${record.failure.reason}` : ''}`);
  return record;
}

/** `succeeded`, `exited with status 3`, `killed by SIGKILL`, `timed out`, ... */
export function describeOutcome(o: { status: string; exitCode?: number | null; signal?: string | null; stoppedBy?: string; error?: string }): string {
  if (o.error) return `failed: ${o.error}`;
  if (o.status === 'succeeded') return 'succeeded';
  if (o.status === 'timed-out') return `timed out${o.signal ? ` (ended by ${o.signal})` : ''}`;
  if (o.status === 'interrupted') return `stopped by ${o.stoppedBy ?? 'a signal'}${o.signal ? ` (ended by ${o.signal})` : ''}`;
  if (o.signal) return `killed by ${o.signal}`;
  return `exited with status ${o.exitCode}`;
}

/** Variables holding pipeguard's own credentials (age identity, Vault, SIEM tokens): no step gets them. */
export function pipeguardCredentials(config: Config): string[] {
  return [...credentialVariables(config.secrets), ...config.audit.siem.flatMap((d) => (d.tokenEnv ? [d.tokenEnv] : []))];
}

/** The environment every child starts from: pipeguard's own, less its credentials and every secret's name. */
export function childBaseEnv(environ: Record<string, string | undefined>, drop: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const gone = new Set(drop);
  for (const [k, v] of Object.entries(environ)) if (v !== undefined && !gone.has(k)) out[k] = v;
  return out;
}

function selectStages(all: StageConfig[], only: string[] | undefined): StageConfig[] {
  if (!all.length) throw new InputError('the config has no pipeline.stages to run');
  if (!only?.length) return all;
  const names = new Set(all.map((s) => s.name));
  for (const n of only) if (!names.has(n)) throw new InputError(`unknown stage ${n} (stages: ${[...names].join(', ')})`);
  return all.filter((s) => only.includes(s.name));
}

function checkGates(stages: StageConfig[]): void {
  const known = new Set(SCANNER_IDS);
  const check = (g: GateConfig | undefined, where: string) => {
    for (const s of g?.scanners ?? []) if (!known.has(s)) throw new InputError(`${where}: unknown scanner ${s} (known: ${SCANNER_IDS.join(', ')})`);
  };
  for (const st of stages) {
    check(st.gate, `pipeline stage ${st.name} gate`);
    for (const s of st.steps) check(s.gate, `pipeline step ${st.name}/${s.name} gate`);
  }
}

function checkOverrides(stages: StageConfig[], overrides: ReadonlyMap<string, string>): void {
  const ids = new Set(stages.flatMap((st) => [...(st.gate ? [st.name] : []), ...st.steps.filter((s) => s.gate).map((s) => `${st.name}/${s.name}`)]));
  for (const id of overrides.keys()) if (!ids.has(id)) throw new InputError(`--override ${id}: no such gate (gates: ${[...ids].join(', ') || 'none'})`);
}
