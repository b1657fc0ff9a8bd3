import * as z from 'zod';
import { severitySchema } from '../core/config-section.js';

/**
 * The config sections of the stages that act: `pipeline:` (stages, steps, gates), `secrets:` (where a step's
 * secrets come from: the age-encrypted secrets file of an environment, HashiCorp Vault) and `audit:` (the
 * tamper-evident log and where it is exported). Merged into pipeguard.yml's schema by src/config/schema.ts.
 */

/** A duration: seconds as a number, or a string such as `500ms`, `30s`, `10m`, `1h`. */
export const durationSchema = z
  .union([z.number().positive(), z.string().regex(/^\d+(\.\d+)?(ms|s|m|h)$/, 'expected a duration such as 30s, 10m, 1h or a number of seconds')])
  .describe('Seconds, or a string such as 500ms, 30s, 10m, 1h.');

/** A name of a stage, step or environment. */
const nameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'use letters, digits, dot, underscore and dash (up to 64, starting with a letter or digit)');

/** An environment variable name: what a secret is called and how a step receives it. */
export const envNameSchema = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'not an environment variable name (letters, digits, underscore)');

/** A gate: pipeguard's own scanners run on a path after a step or stage; a failure stops the run. */
export const gateSchema = z
  .object({
    scanners: z.array(z.string()).min(1).optional().describe('Scanner ids to run (default: every enabled scanner).'),
    path: z.string().default('.').describe('What to scan, relative to the pipeline root: a folder, file or archive.'),
    failOn: z.union([severitySchema, z.literal('none')]).optional().describe('Lowest severity that fails this gate (default: failOn of the config).'),
  })
  .strict();

/** A secret a step may read: its name, or the name and the variable the step gets it in. */
const secretRefSchema = z.union([
  envNameSchema,
  z.object({ name: envNameSchema, as: envNameSchema.describe('The environment variable the step gets it in.') }).strict(),
]);

/** One step: a command (shell text or argv), its limits and environment, the secrets it may read, a gate. */
export const stepSchema = z
  .object({
    name: nameSchema,
    run: z.string().min(1).optional().describe('Shell text, run with `shell -c`.'),
    argv: z.array(z.string()).min(1).optional().describe('A program and its arguments, run without a shell.'),
    shell: z.string().default('sh').describe('The shell `run` is given to (a program on PATH taking -c).'),
    cwd: z.string().optional().describe('Working directory, relative to the pipeline root.'),
    timeout: durationSchema.optional().describe('Stop the step (its whole process group) after this long.'),
    env: z.record(envNameSchema, z.string()).default({}).describe('Environment variables (not secrets) for the step.'),
    secrets: z.array(secretRefSchema).default([]).describe('The secrets this step may read, given to it as environment variables.'),
    gate: gateSchema.optional().describe('Scanners run after the step; a failure stops the run.'),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.run !== undefined && s.argv !== undefined) ctx.addIssue({ code: 'custom', message: 'give run or argv, not both', path: ['argv'] });
    if (s.run === undefined && s.argv === undefined && s.gate === undefined) ctx.addIssue({ code: 'custom', message: 'a step needs run, argv or a gate', path: ['name'] });
  });

/** One stage: steps in order, then an optional gate. */
export const stageSchema = z
  .object({
    name: nameSchema,
    steps: z.array(stepSchema).default([]),
    gate: gateSchema.optional().describe('Scanners run after the stage\'s steps; a failure stops the run.'),
  })
  .strict()
  .superRefine((st, ctx) => unique(st.steps.map((s) => s.name), 'step', ['steps'], ctx));

/** `pipeline:` of pipeguard.yml. */
export const pipelineSchema = z
  .object({
    name: z.string().min(1).default('pipeline').describe('Name of the pipeline, in run records and the audit log.'),
    env: nameSchema.optional().describe('Environment whose secrets the steps read (overridden by --env).'),
    runs: z.string().default('.pipeguard/runs').describe('Folder for run records, relative to the config file.'),
    timeout: durationSchema.optional().describe('Default step timeout.'),
    killGrace: durationSchema.default(5).describe('Time between SIGTERM and SIGKILL when a step is stopped.'),
    stages: z.array(stageSchema).default([]),
  })
  .strict()
  .superRefine((p, ctx) => unique(p.stages.map((s) => s.name), 'stage', ['stages'], ctx));

const vaultAuthSchema = z.discriminatedUnion('method', [
  z
    .object({
      method: z.literal('token'),
      tokenEnv: envNameSchema.default('VAULT_TOKEN').describe('Environment variable holding the Vault token.'),
    })
    .strict(),
  z
    .object({
      method: z.literal('approle'),
      mount: z.string().default('approle').describe('Mount path of the AppRole auth method.'),
      roleId: z.string().optional().describe('The role id (not secret); or give roleIdEnv.'),
      roleIdEnv: envNameSchema.default('VAULT_ROLE_ID'),
      secretIdEnv: envNameSchema.default('VAULT_SECRET_ID').describe('Environment variable holding the secret id.'),
    })
    .strict(),
]);

/** `secrets.vault`: HashiCorp Vault KV version 2. */
export const vaultSchema = z
  .object({
    address: z.string().url().optional().describe('Vault address (default: $VAULT_ADDR).'),
    mount: z.string().default('secret').describe('Mount path of the KV v2 engine.'),
    namespace: z.string().optional().describe('Vault Enterprise namespace.'),
    caFile: z.string().optional().describe('PEM CA bundle to trust for https.'),
    timeout: durationSchema.default(10),
    auth: vaultAuthSchema.prefault({ method: 'token' }),
    secrets: z
      .record(envNameSchema, z.string().regex(/^[^#]+#[^#]+$/, 'expected path#key, e.g. app/{env}/db#password'))
      .default({})
      .describe('Secret name -> `path#key` in the KV engine; `{env}` in a path is the environment.'),
  })
  .strict();

/** `secrets:` of pipeguard.yml (not the secrets scanner, which is `scanners.secrets`). */
export const secretsDeliverySchema = z
  .object({
    minLength: z.number().int().min(4).default(8).describe('Secrets shorter than this are refused: masking them would destroy the logs.'),
    file: z.string().default('secrets/{env}.age.yml').describe('The age-encrypted secrets file of an environment.'),
    recipients: z.string().default('secrets/{env}.recipients').describe('Its recipients (age public keys, one a line).'),
    identity: z.string().optional().describe('File holding the age identity (private key) that decrypts it (relative to the config file, or ~/...).'),
    vault: vaultSchema.optional(),
  })
  .strict();

/** `audit.siem[]`: one destination the log is exported to. */
export const siemSchema = z
  .object({
    to: z
      .string()
      .regex(/^(syslog\+(tcp|udp|tls):\/\/|https?:\/\/)/, 'expected syslog+tcp://, syslog+udp://, syslog+tls:// or https://')
      .describe('Destination URL.'),
    format: z.enum(['syslog', 'cef', 'leef', 'jsonl', 'hec']).optional().describe('Message format (syslog destinations: syslog, cef, leef; https: jsonl, hec).'),
    ca: z.string().optional().describe('PEM CA bundle to trust (TLS).'),
    tokenEnv: envNameSchema.optional().describe('Environment variable holding the bearer or HEC token (https).'),
    flushTimeout: durationSchema.default(5).describe('How long a pipeline run waits at its end for delivery (the rest goes next time).'),
  })
  .strict();

/** `audit:` of pipeguard.yml. */
export const auditSchema = z
  .object({
    log: z.string().default('.pipeguard/audit.jsonl').describe('The audit log, relative to the config file.'),
    checkpointEvery: z.number().int().positive().default(100).describe('A signed checkpoint after this many entries (and at the end of every run).'),
    signingKey: z.string().optional().describe('Ed25519 private key (PEM): a file, or secret:NAME for a secret of the environment.'),
    publicKey: z.string().optional().describe('Ed25519 public key (PEM) that checkpoints must be signed with.'),
    siem: z.array(siemSchema).default([]),
  })
  .strict();

/** The sections this module adds to pipeguard.yml, spread into the config schema. */
export const DELIVER_CONFIG = {
  pipeline: pipelineSchema.prefault({}),
  secrets: secretsDeliverySchema.prefault({}),
  audit: auditSchema.prefault({}),
};

/** Validated `pipeline:`. */
export type PipelineConfig = z.infer<typeof pipelineSchema>;
/** Validated stage. */
export type StageConfig = z.infer<typeof stageSchema>;
/** Validated step. */
export type StepConfig = z.infer<typeof stepSchema>;
/** Validated gate. */
export type GateConfig = z.infer<typeof gateSchema>;
/** Validated `secrets:`. */
export type SecretsDeliveryConfig = z.infer<typeof secretsDeliverySchema>;
/** Validated `secrets.vault`. */
export type VaultConfig = z.infer<typeof vaultSchema>;
/** Validated `audit:`. */
export type AuditConfig = z.infer<typeof auditSchema>;
/** Validated `audit.siem[]` entry. */
export type SiemConfig = z.infer<typeof siemSchema>;

/** Milliseconds of a duration value. */
export function durationMs(d: number | string): number {
  if (typeof d === 'number') return Math.round(d * 1000);
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(d);
  if (!m) throw new TypeError(`not a duration: ${d}`);
  const n = Number(m[1]);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
  return Math.round(n * unit);
}

function unique(names: string[], what: string, path: (string | number)[], ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  names.forEach((n, i) => {
    if (seen.has(n)) ctx.addIssue({ code: 'custom', message: `two ${what}s are named ${n}`, path: [...path, i, 'name'] });
    seen.add(n);
  });
}
