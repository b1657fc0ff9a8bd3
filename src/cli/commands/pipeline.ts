import { resolve } from 'node:path';
import { UsageError } from '../../core/errors.js';
import { listRuns, loadRunRecord, type RunRecord } from '../../deliver/runner/record.js';
import { runPipeline } from '../../deliver/runner/pipeline.js';
import { list, parse } from '../args.js';
import { auditLog, auditSigner, chooseEnv, cliActor, deliverContext, flushSiem, secretStore, showRecord } from '../deliver-context.js';
import type { CliIO, Command } from '../io.js';
import { readIgnoreFile } from '../scan-run.js';
import { abortOnSignal } from '../stop.js';

const HELP = `Usage: pipeguard pipeline run [options]
       pipeguard pipeline show [RUN] [--json] [--list]

run: runs the stages and steps of pipeline: in pipeguard.yml, in order. Each step gets only the secrets it
declares (from the environment's age-encrypted secrets file or Vault), in its environment; everything it writes
is masked and shown with a [stage/step] prefix; a gate (pipeguard's own scanners) runs after a step or stage,
and the first failure stops the run. Ctrl-C or SIGTERM stops the running step's whole process group. Every
event goes to the audit log; a run record is written to pipeline.runs.
Exit 0 when every step and gate passed, 1 when one failed (or the run was stopped), 2 on bad usage or config.

  -e, --env ENV          environment whose secrets the steps get (default: pipeline.env)
      --stage NAME       run only this stage (repeatable)
      --override GATE    let this gate's failure through ('stage' or 'stage/step'; repeatable); needs --reason
      --reason TEXT      why the overridden gates may fail (recorded in the run and the audit log)
  -i, --identity FILE    age identity that decrypts the secrets file
  -c, --config FILE      pipeguard.yml to use

show: prints a run record (default: the latest run; RUN may be an id or its last digits).
      --json             the record as JSON
      --list             list the recorded runs, newest first
`;

/** `pipeguard pipeline run|show`. */
export const pipelineCommand: Command = {
  name: 'pipeline',
  summary: 'run the pipeline of pipeguard.yml (stages, steps, gates, secrets, masking, audit) or show a run',
  help: HELP,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (sub === 'run') return runCmd(rest, io);
    if (sub === 'show') return showCmd(rest, io);
    throw new UsageError(sub ? `unknown pipeline command ${sub} (use run or show)` : 'give a pipeline command: run or show');
  },
};

async function runCmd(argv: string[], io: CliIO): Promise<number> {
  const { values } = parse(
    argv,
    {
      env: { type: 'string', short: 'e' },
      stage: { type: 'string', multiple: true },
      override: { type: 'string', multiple: true },
      reason: { type: 'string' },
      identity: { type: 'string', short: 'i' },
      config: { type: 'string', short: 'c' },
    },
    0,
  );
  const overrides = list(values.override);
  if (overrides.length && !values.reason?.trim()) throw new UsageError('--override needs --reason TEXT (it is recorded in the audit log)');
  if (values.reason && !overrides.length) throw new UsageError('--reason goes with --override');
  const ctx = deliverContext(io, values.config);
  const env = chooseEnv(ctx, values.env, false);
  const store = env ? secretStore(ctx, io, env, values.identity) : undefined;
  const signer = await auditSigner(ctx, store);
  const log = auditLog(ctx, io, signer);
  const ignored = readIgnoreFile(resolve(ctx.root, ctx.config.ignoreFile), false);
  const stop = abortOnSignal(io, (n) => `stopping the running step${n > 1 ? ' (now, with SIGKILL)' : ''}`, { escalate: true });
  try {
    const record = await runPipeline({
      config: ctx.config,
      root: ctx.root,
      ...(ctx.configFile ? { configFile: ctx.configFile } : {}),
      ...(env ? { env } : {}),
      ...(values.identity ? { identityFile: resolve(io.cwd, values.identity) } : {}),
      environ: io.env,
      audit: log,
      actor: cliActor(io),
      stdout: io.stdout,
      stderr: io.stderr,
      signal: stop.signal,
      now: io.now,
      overrides: new Map(overrides.map((g) => [g, values.reason!.trim()])),
      ignored,
      ...(values.stage ? { stages: list(values.stage) } : {}),
    });
    await flushSiem(ctx, io, log.path);
    return record.status === 'passed' ? 0 : 1;
  } finally {
    stop.release();
  }
}

function showCmd(argv: string[], io: CliIO): number {
  return showRecord(argv, io, {
    dir: (ctx) => resolve(ctx.root, ctx.config.pipeline.runs),
    list: listRuns,
    load: loadRunRecord,
    line: (id, r) => `${id}  ${r.status.padEnd(11)}  ${r.pipeline}${r.env ? ` (${r.env})` : ''}  ${r.actor.user}`,
    render: renderRun,
  });
}

/** A run record as text. */
export function renderRun(r: RunRecord): string {
  const out: string[] = [];
  const secs = (ms: number | undefined) => (ms === undefined ? '' : ` ${(ms / 1000).toFixed(1)}s`);
  out.push(`run ${r.id}  pipeline ${r.pipeline}${r.env ? `  env ${r.env}` : ''}  ${r.status.toUpperCase()}${secs(r.durationMs)}`);
  out.push(`by ${r.actor.user}@${r.actor.host}${r.actor.ci ? ` (${r.actor.ci}${r.actor.ciRun ? ` ${r.actor.ciRun}` : ''})` : ''}  started ${r.startedAt}`);
  for (const st of r.stages) {
    out.push(`  stage ${st.name}: ${st.status}${secs(st.durationMs)}`);
    for (const s of st.steps) {
      const code = s.exitCode !== undefined && s.exitCode !== null ? ` exit ${s.exitCode}` : s.signal ? ` ${s.signal}` : '';
      out.push(`    step ${s.name}: ${s.status}${code}${secs(s.durationMs)}${s.secrets.length ? `  secrets: ${s.secrets.join(', ')}` : ''}`);
      if (s.error) out.push(`      ${s.error}`);
      if (s.gate) out.push(...gateLines(s.gate));
    }
    if (st.gate) out.push(...gateLines(st.gate));
  }
  if (r.failure) out.push(`stopped at ${r.failure.stage}${r.failure.step ? `/${r.failure.step}` : ''}: ${r.failure.reason}`);
  for (const o of r.overrides) out.push(`override: gate ${o.gate}: ${o.reason}`);
  return out.join('\n') + '\n';
}

function gateLines(g: NonNullable<RunRecord['stages'][number]['gate']>): string[] {
  const head = `      gate ${g.id}: ${g.outcome.toUpperCase()} (${g.error ?? `${g.findings} finding(s), ${g.violations.length} at or above ${g.failOn}`})`;
  return [head, ...g.violations.slice(0, 20).map((v) => `        ${v.severity} ${v.ruleId} ${v.path}${v.line ? `:${v.line}` : ''}: ${v.message}`)];
}
