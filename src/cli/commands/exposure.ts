import { resolve } from 'node:path';
import { statSync } from 'node:fs';
import { resolveConfig } from '../../config/load.js';
import { InputError, UsageError } from '../../core/errors.js';
import { SCANNER_IDS } from '../../scanners/index.js';
import { checkExposure, portText } from '../../scanners/exposure/index.js';
import { openDirectory } from '../../targets/directory.js';
import { parse } from '../args.js';
import type { Command } from '../io.js';

/** `pipeguard exposure [path]`: the network-exposure map derived from the code, checked against the policy. */
export const exposureCommand: Command = {
  name: 'exposure',
  summary: 'show which ports the code exposes and check them against the exposure policy',
  help: `Usage: pipeguard exposure [PATH] [--format table|json] [-c pipeguard.yml]

Derives which ports each service exposes, and how far they reach, from Dockerfile EXPOSE, docker-compose
ports/expose/network_mode, Kubernetes Services, Ingresses, hostPort and hostNetwork, and Terraform
security groups, firewalls and NSGs. Compares them with scanners.exposure.services in pipeguard.yml:

  scanners:
    exposure:
      services:
        api:
          public: [443]
          internal: [8080]
          closed: [22]
          match: { compose: api, k8s: [deployment/api, service/api], docker: services/api/Dockerfile }

Exit 0 when the code matches the policy (or no policy is declared), 1 when it differs (a declared public
port that nothing exposes is reported but does not fail), 2 on bad input.

  -f, --format FMT        table (default) or json
  -c, --config FILE       config file (default: pipeguard.yml found from PATH)
`,
  async run(argv, io) {
    const { values, positionals } = parse(argv, { format: { type: 'string', short: 'f' }, config: { type: 'string', short: 'c' } }, 1);
    const fmt = values.format ?? 'table';
    if (fmt !== 'table' && fmt !== 'json') throw new UsageError(`unknown format ${fmt} (use table or json)`);
    const root = resolve(io.cwd, positionals[0] ?? '.');
    let isDir = false;
    try {
      isDir = statSync(root).isDirectory();
    } catch {
      throw new InputError('no such file or directory', positionals[0] ?? '.');
    }
    if (!isDir) throw new InputError('not a directory', positionals[0] ?? '.');
    const { config } = resolveConfig(root, values.config ? resolve(io.cwd, values.config) : undefined, SCANNER_IDS, io.cwd);
    const target = await openDirectory(root, { gitignore: config.gitignore, exclude: config.exclude, maxFileBytes: config.maxFileSize });
    const errors: { path: string; message: string }[] = [];
    try {
      const r = await checkExposure(target, config.scanners.exposure, (path, message) => errors.push({ path, message }));
      const failing = r.findings.filter((f) => f.severity !== 'info');
      if (fmt === 'json') {
        const out = {
          policy: r.policy,
          matches: r.policy ? failing.length === 0 : null,
          exposures: r.verdicts.map((v) => ({
            service: v.service ?? null,
            port: portText(v.exposure),
            from: v.exposure.from,
            to: v.exposure.to,
            protocol: v.exposure.protocol,
            reach: v.exposure.reach,
            via: v.exposure.via,
            source: v.exposure.source,
            resource: v.exposure.resource,
            location: { path: v.exposure.path, ...v.exposure.span },
            status: r.policy ? v.status : null,
          })),
          differences: r.findings.map((f) => ({ ruleId: f.ruleId, severity: f.severity, message: f.message, location: f.location })),
          errors,
        };
        io.stdout.write(JSON.stringify(out, null, 2) + '\n');
      } else {
        const rows = r.verdicts.map((v) => [
          v.service ?? '-',
          portText(v.exposure),
          v.exposure.protocol,
          v.exposure.reach,
          v.exposure.via,
          `${v.exposure.path}:${v.exposure.span.startLine}:${v.exposure.span.startColumn}`,
          r.policy ? v.status : '-',
        ]);
        const head = ['SERVICE', 'PORT', 'PROTO', 'REACH', 'VIA', 'SOURCE', 'POLICY'];
        if (rows.length === 0) io.stdout.write('No exposed ports found.\n');
        else {
          const w = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
          for (const row of [head, ...rows]) io.stdout.write(row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(w[i]!))).join('  ') + '\n');
        }
        for (const e of errors) io.stderr.write(`${e.path}: ${e.message}\n`);
        if (!r.policy) io.stdout.write('\nNo exposure policy is declared (scanners.exposure.services in pipeguard.yml); nothing was compared.\n');
        else if (r.findings.length) {
          io.stdout.write(`\n${failing.length ? `${failing.length} difference${failing.length === 1 ? '' : 's'} from the exposure policy` : 'The exposure matches the policy'}${r.findings.length > failing.length ? ` (${r.findings.length - failing.length} note${r.findings.length - failing.length === 1 ? '' : 's'})` : ''}:\n`);
          for (const f of r.findings) io.stdout.write(`  ${f.location.path}${f.location.startLine ? `:${f.location.startLine}:${f.location.startColumn}` : ''}  ${f.severity.padEnd(6)} ${f.ruleId}  ${f.message}\n`);
        } else io.stdout.write('\nThe exposure matches the policy.\n');
      }
      return r.policy && failing.length ? 1 : 0;
    } finally {
      await target.dispose();
    }
  },
};
