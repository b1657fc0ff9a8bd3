import { resolve } from 'node:path';
import { UsageError } from '../../core/errors.js';
import { deployBehindProxy } from '../../deliver/deploy/rollout.js';
import { deployWithHooks } from '../../deliver/deploy/hooks.js';
import type { DeployRecord } from '../../deliver/deploy/record.js';
import { deployConfig, listDeploys, loadDeployRecord, type DeployOptions } from '../../deliver/deploy/session.js';
import { controlSocketPath, deployRemote, DeployServer } from '../../deliver/deploy/serve.js';
import { parse } from '../args.js';
import { auditLog, auditSigner, deliverContext, flushSiem, secretStore, showRecord } from '../deliver-context.js';
import type { CliIO, Command } from '../io.js';
import { abortOnSignal } from '../stop.js';

const HELP = `Usage: pipeguard deploy VERSION [options]
       pipeguard deploy show [ID] [--json] [--list]

Deploys release VERSION of the service in deploy: of pipeguard.yml and promotes it or rolls it back on its own.
blue-green and canary: starts the candidate (deploy.candidate, given PORT), checks its health before it takes
any traffic, shifts traffic through pipeguard's proxy on deploy.listen (all at once, or 10% -> 50% -> 100%),
watches the error rate and p95 latency of each window against the baseline and the thresholds of
deploy.analysis, then promotes it or rolls back to the baseline (which stays ready until then). Too few requests
to judge: it waits up to deploy.analysis.maxWindows windows, then rolls back; it never promotes on no data.
hooks: the same analysis, with deploy.hooks commands (start, shift, metrics, promote, rollback) driving another
platform. Ctrl-C or SIGTERM rolls back and records the deploy as interrupted.
Without --serve the proxy and the release pipeguard started stop when the deploy ends (a rehearsal, or a CI
canary check against deploy.baseline); with --serve pipeguard keeps serving the release that won until stopped.
Every step and decision goes to the audit log; the record goes to deploy.records/<id>.json.
Exit 0 promoted, 1 rolled back, failed or interrupted, 2 bad usage or config.

  -e, --env ENV          environment whose secrets the candidate and hooks get (default deploy.env, pipeline.env)
      --serve            keep serving the winning release through the proxy until stopped (blue-green, canary)
  -i, --identity FILE    age identity that decrypts the secrets file
  -c, --config FILE      pipeguard.yml to use

show: prints a deploy record (default the latest).
      --json             the record as JSON
      --list             list the recorded deploys, newest first
`;

/** `pipeguard deploy VERSION` and `pipeguard deploy show`. */
export const deployCommand: Command = {
  name: 'deploy',
  summary: 'deploy a release with a health check, canary or blue/green traffic shifting and automatic rollback',
  help: HELP,
  async run(argv, io) {
    if (argv[0] === 'show') return showCmd(argv.slice(1), io);
    return deployCmd(argv, io);
  },
};

async function deployCmd(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      env: { type: 'string', short: 'e' },
      serve: { type: 'boolean' },
      identity: { type: 'string', short: 'i' },
      config: { type: 'string', short: 'c' },
    },
    1,
  );
  const version = positionals[0];
  if (!version && !values.serve) throw new UsageError('give the VERSION to deploy: pipeguard deploy VERSION');
  if (version !== undefined && !/^[\w.+@:/-]{1,128}$/.test(version)) throw new UsageError(`VERSION ${JSON.stringify(version)}: use letters, digits and . _ - + @ : / (up to 128)`);
  const ctx = deliverContext(io, values.config);
  const d = deployConfig({ config: ctx.config, ...(ctx.configFile ? { configFile: ctx.configFile } : {}) });
  if (values.serve && d.strategy === 'hooks') throw new UsageError('--serve is for strategies blue-green and canary (hooks hand the release to the platform)');
  const env = values.env ?? d.env ?? ctx.config.pipeline.env;
  const store = env ? secretStore(ctx, io, env, values.identity) : undefined;
  const signer = await auditSigner(ctx, store);
  const log = auditLog(ctx, io, signer);
  const stop = abortOnSignal(io, (n) => (n > 1 ? 'stopping' : 'rolling back'));
  const base = {
    root: ctx.root,
    ...(ctx.configFile ? { configFile: ctx.configFile } : {}),
    ...(env ? { env } : {}),
    ...(values.identity ? { identityFile: resolve(io.cwd, values.identity) } : {}),
    environ: io.env,
    audit: log,
    stdout: io.stdout,
    stderr: io.stderr,
    now: io.now,
  };
  try {
    if (values.serve) return await serve(version, { ...base, loadConfig: () => deliverContext(io, values.config).config }, stop.signal, io);
    // a `deploy --serve` process of this service takes the deploy; else it runs here, with a proxy of its own
    if (d.strategy !== 'hooks') {
      const remote = await deployRemote(controlSocketPath(ctx.root, d), { version: version!, ...(values.env ? { env: values.env } : {}) }, io, stop.signal);
      if (remote) {
        if (remote.error) io.stderr.write(`pipeguard: the serving process refused the deploy: ${remote.error}\n`);
        return remote.outcome === 'promoted' ? 0 : 1;
      }
    }
    const opts: DeployOptions = { ...base, config: ctx.config, version: version!, signal: stop.signal };
    let record: DeployRecord;
    if (d.strategy === 'hooks') record = await deployWithHooks(opts);
    else {
      const r = await deployBehindProxy(opts);
      record = r.record;
      // without --serve, what this command started ends with it
      if (r.live?.kind === 'owned') await r.live.release.stop();
    }
    await flushSiem(ctx, io, log.path);
    return record.outcome === 'promoted' ? 0 : 1;
  } finally {
    stop.release();
  }
}

/** `deploy [VERSION] --serve`: the proxy and the live release stay up until SIGINT/SIGTERM. */
async function serve(version: string | undefined, o: ConstructorParameters<typeof DeployServer>[0], signal: AbortSignal, io: CliIO): Promise<number> {
  const server = new DeployServer(o);
  const { listen, socket } = await server.start();
  io.stderr.write(`pipeguard: serving on ${listen}; deploys are handed over on ${socket}\n`);
  let code = 0;
  if (version) {
    const r = await server.deploy(version, io, signal);
    if (r.outcome !== 'promoted') code = 1;
  }
  if (!signal.aborted) {
    io.stderr.write('pipeguard: serving until stopped (Ctrl-C or SIGTERM)\n');
    await new Promise<void>((ok) => signal.addEventListener('abort', () => ok(), { once: true }));
  }
  await server.stop(signal.reason === 'SIGTERM' ? 'SIGTERM' : 'SIGINT');
  io.stderr.write('pipeguard: stopped serving\n');
  return code;
}

function showCmd(argv: string[], io: CliIO): number {
  return showRecord(argv, io, {
    dir: (ctx) => resolve(ctx.root, ctx.config.deploy?.records ?? '.pipeguard/deploys'),
    list: listDeploys,
    load: loadDeployRecord,
    line: (id, r) => `${id}  ${(r.outcome ?? 'running').padEnd(11)}  ${r.service} ${r.candidate.version}${r.baseline ? ` (baseline ${r.baseline.version})` : ''}`,
    render: renderDeploy,
  });
}

/** A deploy record as text. */
export function renderDeploy(r: DeployRecord): string {
  const out = [
    `deploy ${r.id}  ${r.service} ${r.candidate.version}  ${r.strategy}  ${(r.outcome ?? 'running').toUpperCase()}${r.reason ? `: ${r.reason}` : ''}`,
    `started ${r.startedAt}${r.finishedAt ? `  finished ${r.finishedAt}` : ''}${r.baseline ? `  baseline ${r.baseline.version}` : ''}  steps ${r.steps.join(' -> ')}%`,
  ];
  for (const v of r.decisions) {
    const c = v.candidate;
    out.push(`  ${String(v.weight).padStart(3)}%  ${v.verdict.padEnd(12)}  ${c.requests} req, ${c.errors} err${c.p95Ms !== undefined ? `, p95 ${c.p95Ms} ms` : ''}  ${v.reason}`);
  }
  return out.join('\n') + '\n';
}
