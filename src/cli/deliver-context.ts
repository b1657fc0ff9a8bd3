import { readFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { dirname, relative, resolve } from 'node:path';
import { resolveConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { InputError, UsageError } from '../core/errors.js';
import { actorFromEnv } from '../deliver/audit/actor.js';
import type { Actor } from '../deliver/audit/entry.js';
import { AuditLog } from '../deliver/audit/log.js';
import { signerFromPem, type Signer } from '../deliver/audit/signer.js';
import { durationMs } from '../deliver/config.js';
import { forward } from '../deliver/siem/forwarder.js';
import { ENV_NAME, SecretStore } from '../deliver/secrets/store.js';
import { SCANNER_IDS } from '../scanners/index.js';
import { parse } from './args.js';
import type { CliIO } from './io.js';

/** The config and folders the deliver commands (pipeline, run, secrets-file, audit) work from. */
export interface DeliverContext {
  config: Config;
  /** Folder of the config file (or the working folder without one): every configured path is relative to it. */
  root: string;
  /** The config file as shown to the user, if there is one. */
  configFile: string | undefined;
  /** A path as shown to the user (relative to the working folder). */
  show(path: string): string;
}

/** Loads pipeguard.yml (`--config`, else found from the working folder). */
export function deliverContext(io: CliIO, configFlag: string | undefined): DeliverContext {
  const loaded = resolveConfig(io.cwd, configFlag ? resolve(io.cwd, configFlag) : undefined, SCANNER_IDS, io.cwd);
  for (const w of loaded.warnings) io.stderr.write(`pipeguard: warning: ${w}\n`);
  const root = loaded.path ? dirname(loaded.path) : io.cwd;
  const show = (p: string) => {
    const r = relative(io.cwd, p);
    return r && !r.startsWith('..') ? r : p;
  };
  return { config: loaded.config, root, configFile: loaded.path ? show(loaded.path) : undefined, show };
}

/** Who is running this command, from the CI system's variables or the local user. */
export function cliActor(io: CliIO): Actor {
  let user = io.env['USER'] ?? io.env['LOGNAME'] ?? 'unknown';
  try {
    user = userInfo().username || user;
  } catch {
    // no passwd entry (a container with an arbitrary uid): keep $USER
  }
  return actorFromEnv(io.env, { user, host: hostname() });
}

/** The environment a command works on: `--env`, else pipeline.env; checked. */
export function chooseEnv(ctx: DeliverContext, flag: string | undefined, required: boolean): string | undefined {
  const env = flag ?? ctx.config.pipeline.env;
  if (env === undefined) {
    if (required) throw new UsageError('give --env ENVIRONMENT (or set pipeline.env in the config)');
    return undefined;
  }
  if (!ENV_NAME.test(env)) throw new UsageError(`--env ${JSON.stringify(env)}: use letters, digits, dot, underscore or dash`);
  return env;
}

/** The secret store of an environment. */
export function secretStore(ctx: DeliverContext, io: CliIO, env: string, identityFlag: string | undefined): SecretStore {
  return new SecretStore({
    root: ctx.root,
    env,
    config: ctx.config.secrets,
    environ: io.env,
    cwd: io.cwd,
    ...(identityFlag ? { identityFile: resolve(io.cwd, identityFlag) } : {}),
  });
}

/**
 * The checkpoint signing key of `audit.signingKey`: a PEM file, or `secret:NAME` read from the environment's
 * secrets (only when a store is at hand). Undefined when none is configured.
 */
export async function auditSigner(ctx: DeliverContext, store: SecretStore | undefined): Promise<Signer | undefined> {
  const spec = ctx.config.audit.signingKey;
  if (!spec) return undefined;
  let pem: string;
  let where: string;
  if (spec.startsWith('secret:')) {
    if (!store) return undefined;
    const name = spec.slice('secret:'.length);
    pem = (await store.resolve([{ name, as: name }])).get(name)!.value;
    where = `secret ${name}`;
  } else {
    const path = resolve(ctx.root, spec);
    where = ctx.show(path);
    try {
      pem = readFileSync(path, 'utf8');
    } catch (e) {
      throw new InputError(`cannot read the audit signing key (${(e as NodeJS.ErrnoException).code ?? 'error'})`, where);
    }
  }
  try {
    return signerFromPem(pem);
  } catch (e) {
    throw new InputError(`audit.signingKey: ${(e as Error).message}`, where);
  }
}

/** The audit log of the config (`audit.log`), or `path` when given. */
export function auditLog(ctx: DeliverContext, io: CliIO, signer: Signer | undefined, path?: string): AuditLog {
  const abs = resolve(path ? io.cwd : ctx.root, path ?? ctx.config.audit.log);
  return new AuditLog({
    path: abs,
    actor: cliActor(io),
    now: io.now,
    checkpointEvery: ctx.config.audit.checkpointEvery,
    display: ctx.show(abs),
    ...(signer ? { signer } : {}),
  });
}

/**
 * Delivers the log to every `audit.siem` destination (or the `destinations` given, e.g. `monitor.siem`), each for at most its `flushTimeout`; what is not delivered
 * waits in the log for the next time. Prints one line per destination; never fails the command.
 */
export async function flushSiem(ctx: DeliverContext, io: CliIO, logPath: string, destinations = ctx.config.audit.siem): Promise<void> {
  for (const d of destinations) {
    let ca: string | undefined;
    try {
      ca = d.ca ? readFileSync(resolve(ctx.root, d.ca), 'utf8') : undefined;
    } catch {
      io.stderr.write(`pipeguard: siem ${d.to}: cannot read CA file ${d.ca}; not delivered this time\n`);
      continue;
    }
    const token = d.tokenEnv ? io.env[d.tokenEnv] : undefined;
    const r = await forward({
      logPath,
      dest: { to: d.to, ...(d.format ? { format: d.format } : {}), ...(ca ? { ca } : {}), ...(token ? { token } : {}) },
      deadlineMs: durationMs(d.flushTimeout),
    });
    const state = r.busy ? 'another process is delivering' : r.pending ? `${r.pending} pending (${r.lastError ?? 'time is up'}); sent next time` : 'all delivered';
    io.stderr.write(`pipeguard: siem ${d.to}: ${r.delivered} sent, ${state}\n`);
  }
}

/**
 * `pipeguard pipeline show` and `pipeguard deploy show`: one record as text or JSON (default the latest; an id, its
 * prefix or its last digits), or `--list` of the recorded ids, newest first, one line each.
 */
export function showRecord<T>(
  argv: string[],
  io: CliIO,
  o: { dir: (ctx: DeliverContext) => string; list: (dir: string) => string[]; load: (dir: string, id: string | undefined, display: string) => T; line: (id: string, r: T) => string; render: (r: T) => string },
): number {
  const { values, positionals } = parse(argv, { json: { type: 'boolean' }, list: { type: 'boolean' }, config: { type: 'string', short: 'c' } }, 1);
  const ctx = deliverContext(io, values.config);
  const dir = o.dir(ctx);
  if (values.list) {
    const ids = o.list(dir);
    if (values.json) io.stdout.write(JSON.stringify(ids, null, 2) + '\n');
    else for (const id of ids) io.stdout.write(o.line(id, o.load(dir, id, ctx.show(dir))) + '\n');
    return 0;
  }
  const r = o.load(dir, positionals[0], ctx.show(dir));
  io.stdout.write(values.json ? JSON.stringify(r, null, 2) + '\n' : o.render(r));
  return 0;
}
