import { join } from 'node:path';
import { AuditLog } from '../../../src/deliver/audit/log.js';
import type { Actor } from '../../../src/deliver/audit/entry.js';
import { cli } from '../../helpers/cli.js';

/** Appends events to `dir`'s audit log (`.pipeguard/audit.jsonl`) at given times, as a pipeline or deploy would. */
export function eventWriter(dir: string, actor: Partial<Actor> = {}) {
  return async (type: string, data: Record<string, unknown>, o: { run?: string; time?: string; commit?: string } = {}) => {
    const log = new AuditLog({
      path: join(dir, '.pipeguard/audit.jsonl'),
      actor: { user: 'ci', host: 'runner-1', ...actor, ...(o.commit ? { commit: o.commit } : {}) },
      now: () => new Date(o.time ?? '2026-01-06T10:00:00Z'),
      fsync: false,
    });
    await log.append(type, data, o.run ? { run: o.run } : {});
  };
}

/** A step's run as the runner logs it: started, the secrets it read, events in between, finished. */
export async function stepRun(
  write: ReturnType<typeof eventWriter>,
  run: string,
  where: { stage: string; step: string },
  o: { secrets?: string[]; hosts?: string[]; pipeline?: string } = {},
): Promise<void> {
  await write('run.started', { pipeline: o.pipeline ?? 'web', stages: [where.stage] }, { run });
  await write('step.started', { ...where, command: 'make', cwd: '.' }, { run });
  for (const s of o.secrets ?? []) await write('secret.access', { ...where, name: s, source: 'secrets/prod.age.yml' }, { run });
  if (o.hosts) await write('net.connect', { ...where, hosts: o.hosts }, { run });
  await write('step.finished', { ...where, status: 'succeeded', exitCode: 0, signal: null, durationMs: 5 }, { run });
}

/** Finding of a JSON report. */
export interface JsonFinding {
  ruleId: string;
  severity: string;
  message: string;
  data: { count: number; rule: string };
}

/** Runs `pipeguard monitor ... -f json --from-start` and returns its findings. */
export async function monitorJson(dir: string, args: string[] = [], env: Record<string, string> = {}): Promise<{ code: number; findings: JsonFinding[]; stderr: string }> {
  const r = await cli(['monitor', '--from-start', '-f', 'json', ...args], { cwd: dir, env });
  let findings: JsonFinding[] = [];
  if (r.stdout) findings = (JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings;
  return { code: r.code, findings, stderr: r.stderr };
}
