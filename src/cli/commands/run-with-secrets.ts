import { resolve } from 'node:path';
import { UsageError } from '../../core/errors.js';
import { durationMs, durationSchema } from '../../deliver/config.js';
import { maskPatterns } from '../../deliver/mask/masker.js';
import { childBaseEnv, describeOutcome, pipeguardCredentials } from '../../deliver/runner/pipeline.js';
import { runStep } from '../../deliver/runner/step.js';
import { SECRET_NAME } from '../../deliver/secrets/age-file.js';
import type { SecretRef } from '../../deliver/secrets/store.js';
import { list, parse } from '../args.js';
import { auditLog, auditSigner, chooseEnv, deliverContext, flushSiem, secretStore } from '../deliver-context.js';
import type { Command } from '../io.js';
import { abortOnSignal } from '../stop.js';

/** `pipeguard run --env ENV -- CMD ...`: one command with chosen secrets, its output masked. */
export const runCommand: Command = {
  name: 'run',
  summary: 'run a command with secrets of an environment in its environment, its output masked',
  help: `Usage: pipeguard run --env ENV (--secret NAME[=VAR]... | --all-secrets) [options] -- COMMAND [ARGS...]

Runs COMMAND with the named secrets of environment ENV (from its age-encrypted secrets file, or Vault) as
environment variables: never on its command line, never written to disk. Secrets it was not given are not in its
environment, nor are pipeguard's own credentials. Everything it writes to stdout and stderr passes a streaming
masker that replaces every secret of the environment and its base64, base64url, hex, URL and JSON forms with
***. It runs in a process group of its own: Ctrl-C, SIGTERM or --timeout stop the whole group. The audit log
records the command, the secret names it got and how it ended.
Exit 0 when COMMAND succeeds, 1 when it fails (its status is printed), 2 on bad usage, config or input.

  -e, --env ENV          environment (default: pipeline.env)
  -s, --secret NAME      a secret to give (repeatable, comma-separated); NAME=VAR gives it as variable VAR
      --all-secrets      give every secret of the environment
      --timeout DUR      stop the command after DUR (30s, 10m, 1h)
  -i, --identity FILE    age identity that decrypts the secrets file
  -c, --config FILE      pipeguard.yml to use

Example:
  pipeguard run --env production --secret DB_PASSWORD=PGPASSWORD -- psql -h db -U app -c 'select 1'
`,
  async run(argv, io) {
    const dash = argv.indexOf('--');
    if (dash < 0 || dash === argv.length - 1) throw new UsageError('give the command after --: pipeguard run --env ENV --secret NAME -- COMMAND [ARGS...]');
    const { values } = parse(
      argv.slice(0, dash),
      {
        env: { type: 'string', short: 'e' },
        secret: { type: 'string', short: 's', multiple: true },
        'all-secrets': { type: 'boolean' },
        timeout: { type: 'string' },
        identity: { type: 'string', short: 'i' },
        config: { type: 'string', short: 'c' },
      },
      0,
    );
    const command = argv.slice(dash + 1);
    const refs: SecretRef[] = list(values.secret).map((s) => {
      const [name, as = name] = s.split('=') as [string, string?];
      if (!SECRET_NAME.test(name) || !SECRET_NAME.test(as)) throw new UsageError(`--secret ${s}: expected NAME or NAME=VARIABLE`);
      return { name, as };
    });
    if (!refs.length && !values['all-secrets']) throw new UsageError('name the secrets the command may read with --secret NAME (or give --all-secrets)');
    if (values.timeout !== undefined && !durationSchema.safeParse(values.timeout).success) throw new UsageError(`--timeout ${values.timeout}: expected a duration such as 30s, 10m, 1h`);
    const ctx = deliverContext(io, values.config);
    const env = chooseEnv(ctx, values.env, true)!;
    const store = secretStore(ctx, io, env, values.identity);
    const all = values['all-secrets'] ? (await store.names()).map((n) => ({ name: n, as: n })) : [];
    const secrets = await store.resolve([...refs, ...all]);
    const known = new Map<string, string>();
    for (const [k, v] of (await store.fromFile().catch(() => undefined)) ?? []) known.set(k, v);
    for (const s of secrets.values()) known.set(`${s.name}@${s.source}`, s.value);
    const mask = maskPatterns(known, ctx.config.secrets.minLength);
    const signer = await auditSigner(ctx, store);
    const log = auditLog(ctx, io, signer);
    const stop = abortOnSignal(io, (n) => `stopping the command${n > 1 ? ' (now, with SIGKILL)' : ''}`, { escalate: true });
    try {
      const out = await runStep(
        { name: 'run', argv: command, shell: 'sh', env: {}, secrets: [] },
        {
          root: io.cwd,
          baseEnv: childBaseEnv(io.env, [...pipeguardCredentials(ctx.config), ...[...known.keys()].map((k) => k.split('@')[0]!)]),
          secrets,
          mask,
          stdout: io.stdout,
          stderr: io.stderr,
          audit: log,
          stage: `env:${env}`,
          killGraceMs: durationMs(ctx.config.pipeline.killGrace),
          ...(values.timeout ? { defaultTimeoutMs: durationMs(values.timeout) } : {}),
          signal: stop.signal,
          stdin: io.stdin,
          prefix: false,
        },
      );
      await log.checkpoint('end of run');
      await flushSiem(ctx, io, resolve(ctx.root, ctx.config.audit.log));
      if (out.status !== 'succeeded') {
        io.stderr.write(`pipeguard: ${command[0]} ${describeOutcome(out)}\n`);
        return 1;
      }
      return 0;
    } finally {
      stop.release();
    }
  },
};
