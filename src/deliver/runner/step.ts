import { resolve } from 'node:path';
import { InputError } from '../../core/errors.js';
import type { AuditLog } from '../audit/log.js';
import { durationMs, type StepConfig } from '../config.js';
import { maskText } from '../mask/masker.js';
import type { ResolvedSecret } from '../secrets/store.js';
import { runProcess, type OutputSink, type ProcessOutcome } from './process.js';

/** Everything a step runs with besides its own config. */
export interface StepContext {
  /** Folder the step's `cwd` is relative to. */
  root: string;
  /** The environment pipeguard runs in, already stripped of its own credentials and undeclared secrets. */
  baseEnv: Record<string, string>;
  /** The secrets this step declared, by the variable each goes in. */
  secrets: ReadonlyMap<string, ResolvedSecret>;
  /** Byte strings to mask in its output (every secret known to the run, with encodings). */
  mask: readonly Uint8Array[];
  stdout: OutputSink;
  stderr: OutputSink;
  /** The audit log, and the run the events belong to. */
  audit?: AuditLog;
  runId?: string;
  /** The stage's name, for events and the output prefix. */
  stage: string;
  /** Timeout when the step sets none. */
  defaultTimeoutMs?: number;
  killGraceMs: number;
  signal?: AbortSignal;
  stdin?: NodeJS.ReadableStream;
  /** Prefix output lines with `[stage/step] ` (default true). */
  prefix?: boolean;
}

/** The argv of a step: `[shell, '-c', run]` or its own argv. */
export function stepArgv(step: StepConfig): string[] | undefined {
  if (step.argv) return step.argv;
  if (step.run !== undefined) return [step.shell, '-c', step.run];
  return undefined;
}

/** How a step's command is shown in records (masked by the caller). */
export function stepCommand(step: StepConfig): string | undefined {
  if (step.run !== undefined) return step.run;
  return step.argv?.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/**
 * Runs one step's command with only the secrets it declared in its environment (never on its command line,
 * never on disk), its output masked and prefixed, in its own process group, and writes `step.started`,
 * `secret.access` (names only) and `step.finished` to the audit log.
 */
export async function runStep(step: StepConfig, ctx: StepContext): Promise<ProcessOutcome & { command?: string }> {
  const argv = stepArgv(step);
  if (!argv) throw new Error(`step ${step.name} has no command`);
  for (const k of Object.keys(step.env)) {
    if (ctx.secrets.has(k)) throw new InputError(`step ${ctx.stage}/${step.name}: ${k} is set both in env and as a secret`);
  }
  const env: Record<string, string> = {
    ...ctx.baseEnv,
    ...(ctx.runId ? { PIPEGUARD_RUN_ID: ctx.runId } : {}),
    PIPEGUARD_STAGE: ctx.stage,
    PIPEGUARD_STEP: step.name,
    ...step.env,
  };
  for (const [as, s] of ctx.secrets) env[as] = s.value;
  const command = maskText(stepCommand(step) ?? '', ctx.mask);
  const where = { stage: ctx.stage, step: step.name };
  const run = ctx.runId ? { run: ctx.runId } : {};
  await ctx.audit?.append('step.started', { ...where, command, cwd: step.cwd ?? '.' }, run);
  for (const [as, s] of ctx.secrets) {
    await ctx.audit?.append('secret.access', { ...where, name: s.name, ...(as !== s.name ? { as } : {}), source: s.source }, run);
  }
  const timeout = step.timeout !== undefined ? durationMs(step.timeout) : ctx.defaultTimeoutMs;
  const outcome = await runProcess({
    argv,
    cwd: resolve(ctx.root, step.cwd ?? '.'),
    env,
    killGraceMs: ctx.killGraceMs,
    mask: ctx.mask,
    stdout: ctx.stdout,
    stderr: ctx.stderr,
    ...(ctx.prefix === false ? {} : { prefix: `[${ctx.stage}/${step.name}] ` }),
    ...(timeout ? { timeoutMs: timeout } : {}),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    ...(ctx.stdin ? { stdin: ctx.stdin } : {}),
  });
  await ctx.audit?.append(
    'step.finished',
    {
      ...where,
      status: outcome.status,
      exitCode: outcome.exitCode,
      signal: outcome.signal,
      durationMs: outcome.durationMs,
      ...(outcome.stoppedBy ? { stoppedBy: outcome.stoppedBy } : {}),
      ...(outcome.error ? { error: outcome.error } : {}),
    },
    run,
  );
  return { ...outcome, command };
}
