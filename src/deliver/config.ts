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

/** The fields of a deploy hook or of the candidate's command: a step without a name or gate. */
const deployCommandShape = {
  run: z.string().min(1).optional().describe('Shell text, run with `shell -c`.'),
  argv: z.array(z.string()).min(1).optional().describe('A program and its arguments, run without a shell.'),
  shell: z.string().default('sh'),
  cwd: z.string().optional().describe('Working directory, relative to the config file.'),
  timeout: durationSchema.optional().describe('Stop it after this long (hooks; default 5m).'),
  env: z.record(envNameSchema, z.string()).default({}).describe('Environment variables (not secrets).'),
  secrets: z.array(secretRefSchema).default([]).describe('The secrets it may read, given as environment variables.'),
};

function runOrArgv(s: { run?: string | undefined; argv?: string[] | undefined }, ctx: z.RefinementCtx): void {
  if (s.run !== undefined && s.argv !== undefined) ctx.addIssue({ code: 'custom', message: 'give run or argv, not both', path: ['argv'] });
  if (s.run === undefined && s.argv === undefined) ctx.addIssue({ code: 'custom', message: 'give run or argv', path: ['run'] });
}

/** A deploy hook: a command run with its declared secrets, masked. */
export const deployCommandSchema = z.object(deployCommandShape).strict().superRefine(runOrArgv);

/** How a release is started on this host. */
const candidateSchema = z
  .object({
    ...deployCommandShape,
    port: z.number().int().min(1).max(65535).optional().describe('Port the candidate listens on (given to it as PORT); default a free port.'),
    host: z.string().default('127.0.0.1').describe('Host the candidate listens on (given to it as HOST).'),
  })
  .strict()
  .superRefine(runOrArgv);

/** A fraction between 0 and 1 (an error rate). */
const rateSchema = z.number().min(0, 'expected a fraction between 0 and 1 (0.05 is 5%)').max(1, 'expected a fraction between 0 and 1 (0.05 is 5%)');

/** `deploy:` of pipeguard.yml: health-checked releases with automatic rollback. */
export const deploySchema = z
  .object({
    service: nameSchema.default('app').describe('The service deployed: names records and the audit events.'),
    strategy: z.enum(['blue-green', 'canary', 'hooks']).default('canary').describe('blue-green and canary: pipeguard\'s own proxy in front of releases on this host; hooks: commands drive another platform.'),
    env: nameSchema.optional().describe('Environment whose secrets the candidate and hooks get (default pipeline.env).'),
    records: z.string().default('.pipeguard/deploys').describe('Folder for deploy records, relative to the config file.'),
    listen: z
      .string()
      .regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'expected host:port, e.g. 127.0.0.1:8080')
      .default('127.0.0.1:8080')
      .describe('Where the proxy listens (blue-green, canary).'),
    sticky: z.boolean().default(false).describe('Canary: a client that got a release keeps it (a cookie) while both serve.'),
    steps: z
      .array(z.number().gt(0, 'traffic steps are percentages above 0').max(100, 'traffic steps are percentages up to 100'))
      .min(1)
      .optional()
      .describe('Canary traffic steps in percent (default [10, 50, 100]); blue-green is [100]. The last must be 100.'),
    baseline: z
      .object({
        version: z.string().min(1).describe('What the release serving now is called.'),
        url: z.string().url().describe('Where it listens, e.g. http://127.0.0.1:9001.'),
      })
      .strict()
      .optional()
      .describe('The release serving now, when pipeguard did not start it (a `deploy --serve` process knows its own).'),
    candidate: candidateSchema
      .optional()
      .describe('How to start a release: a command given PORT and PIPEGUARD_DEPLOY_VERSION.'),
    health: z
      .object({
        path: z.string().regex(/^\//, 'expected a path starting with /').describe('The health check path, e.g. /healthz.'),
        status: z.number().int().min(100).max(599).default(200).describe('The status a healthy release answers.'),
        timeout: durationSchema.default(2).describe('Time one check may take.'),
        wait: durationSchema.default(30).describe('How long a starting release has to become healthy.'),
        interval: durationSchema.default('200ms').describe('Time between checks while waiting.'),
      })
      .strict()
      .optional()
      .describe('Pre-flight health check of the candidate; it takes no traffic until it passes.'),
    analysis: z
      .object({
        window: durationSchema.default(30).describe('Length of one analysis window.'),
        maxErrorRate: rateSchema.default(0.01).describe('Error budget: errors (5xx, failed connections) the candidate may have above the baseline\'s own rate, as a fraction.'),
        maxP95Ms: z.number().positive('maxP95Ms is milliseconds above 0').optional().describe('The candidate fails when its p95 latency is above this many milliseconds.'),
        minRequests: z.number().int().min(1).default(50).describe('Fewer candidate requests in a window: not conclusive, the window is extended.'),
        maxWindows: z.number().int().min(1).default(5).describe('Windows a step may stay inconclusive before the deploy fails safe (rolls back).'),
        windowsPerStep: z.number().int().min(1).default(1).describe('Passing windows needed at each step.'),
      })
      .strict()
      .prefault({}),
    artifact: z
      .object({
        path: z.string().min(1).describe('The artifact deployed (relative to the config file).'),
        require: z.array(z.enum(['signed', 'provenance'])).min(1).default(['signed']).describe('What must verify before the deploy starts.'),
        key: z.string().optional().describe('PEM public key (default build.key; or build.trustedRoot with identity and issuer).'),
        bundle: z.string().optional().describe('Signature bundle (default <path>.sigstore.json).'),
        provenance: z.string().optional().describe('Provenance bundle (default <path>.intoto.sigstore.json).'),
      })
      .strict()
      .optional()
      .describe('Pre-deploy gate: the artifact\'s signature and provenance are checked again; a failure blocks the deploy.'),
    hooks: z
      .object({
        url: z.string().url().optional().describe('Where the candidate answers its health check once started, when pipeguard can reach it.'),
        start: deployCommandSchema.optional().describe('Starts the candidate on the platform.'),
        shift: deployCommandSchema.describe('Sends PIPEGUARD_DEPLOY_WEIGHT percent of traffic to the candidate.'),
        metrics: deployCommandSchema.describe('Prints one JSON object: { candidate: {requests, errors, p95Ms?}, baseline?: {...} } for the last window.'),
        promote: deployCommandSchema.optional().describe('Makes the candidate the release (retires the baseline).'),
        rollback: deployCommandSchema.optional().describe('Sends all traffic back to the baseline and removes the candidate.'),
      })
      .strict()
      .optional()
      .describe('strategy hooks: commands that drive Kubernetes, systemd or a PaaS.'),
    killGrace: durationSchema.default(5).describe('Time between SIGTERM and SIGKILL when a release is stopped.'),
    drain: durationSchema.default(10).describe('How long a retired release may finish its in-flight requests.'),
  })
  .strict()
  .superRefine((d, ctx) => {
    if (d.steps) {
      if (d.steps[d.steps.length - 1] !== 100) ctx.addIssue({ code: 'custom', message: 'the last traffic step must be 100', path: ['steps'] });
      for (let i = 1; i < d.steps.length; i++) {
        if (d.steps[i]! <= d.steps[i - 1]!) ctx.addIssue({ code: 'custom', message: 'traffic steps must increase', path: ['steps', i] });
      }
    }
    if (d.strategy !== 'hooks') {
      if (!d.candidate) ctx.addIssue({ code: 'custom', message: `strategy ${d.strategy} needs deploy.candidate (the command that starts a release)`, path: ['candidate'] });
      if (!d.health) ctx.addIssue({ code: 'custom', message: `strategy ${d.strategy} needs deploy.health (at least path)`, path: ['health'] });
    }
    if (d.strategy === 'hooks' && !d.hooks) ctx.addIssue({ code: 'custom', message: 'strategy hooks needs deploy.hooks (shift and metrics at least)', path: ['hooks'] });
    if (d.strategy !== 'hooks' && d.hooks) ctx.addIssue({ code: 'custom', message: `deploy.hooks is for strategy hooks, not ${d.strategy}`, path: ['hooks'] });
  });

/** The sections this module adds to pipeguard.yml, spread into the config schema. */
export const DELIVER_CONFIG = {
  pipeline: pipelineSchema.prefault({}),
  secrets: secretsDeliverySchema.prefault({}),
  audit: auditSchema.prefault({}),
  deploy: deploySchema.optional().describe('Health-checked deploys with automatic rollback: `pipeguard deploy`.'),
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
/** Validated `deploy:`. */
export type DeployConfig = z.infer<typeof deploySchema>;
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
