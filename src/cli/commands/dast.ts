import { dirname, isAbsolute, resolve } from 'node:path';
import { resolveConfig } from '../../config/load.js';
import { UsageError } from '../../core/errors.js';
import { runScan } from '../../engine/run.js';
import { isDuration } from '../../scanners/dast/index.js';
import { SCANNER_IDS } from '../../scanners/index.js';
import { openUrl } from '../../targets/url.js';
import { int, list, parse } from '../args.js';
import type { Command } from '../io.js';
import { gateAndRender, outputs, readBaseline, readIgnoreFile, REPORT_OPTIONS, severityOption } from '../scan-run.js';

const OPTIONS = {
  openapi: { type: 'string' },
  auth: { type: 'string' },
  browser: { type: 'boolean' },
  budget: { type: 'string' },
  'max-requests': { type: 'string' },
  rate: { type: 'string' },
  concurrency: { type: 'string' },
  only: { type: 'string', multiple: true },
  'exclude-path': { type: 'string', multiple: true },
  'allow-destructive': { type: 'boolean' },
  ...REPORT_OPTIONS,
  verbose: { type: 'boolean', short: 'v' },
} as const;

/** `pipeguard dast <base-url>`: DAST and API attacks on a running application, through the same gate and reports as `scan`. */
export const dastCommand: Command = {
  name: 'dast',
  summary: 'attack a running application and its API (DAST), with confirmed findings and the release gate',
  help: `Usage: pipeguard dast BASE-URL [--openapi FILE|URL] [--auth auth.yml] [--browser] [--budget 10m] [options]

Crawls BASE-URL (links, forms, robots.txt, sitemap.xml), imports the OpenAPI document and GraphQL schema,
optionally drives headless Chromium (--browser), then runs passive checks on every response and active
checks on every insertion point. Findings are confirmed (a second proof, a content oracle, a callback,
or a statistical timing fit) before they are reported. Settings: scanners.dast in pipeguard.yml.

Discovery and auth:
      --openapi FILE|URL  OpenAPI 2.0/3.0/3.1 document describing the API
      --auth FILE         auth file: users (the second one for BOLA), login, logged-in/out checks
      --browser           discover SPA routes and API calls with Chromium (/usr/bin/chromium)
Safety and budget:
      --budget DURATION   time budget of the scan (default 10m): untested parts are listed, not passed over
      --max-requests N    request budget (default 20000)
      --rate N            requests started per second (default 100)
      --concurrency N     requests in flight (default 8)
      --exclude-path GLOB never request matching paths (repeatable)
      --allow-destructive also send DELETE, and POSTs to paths that look destructive
      --only RULES        run only these rule ids or globs (comma-separated, e.g. dast-sqli-*)
Output and gate (as scan):
  -f, --format FMT        table (default), json, sarif, junit, markdown
  -o, --output FILE       write the matching --format to FILE
      --fail-on SEV       lowest severity that fails: critical, high (default), medium, low, info, none
      --baseline FILE     a previous JSON or SARIF report: only new findings fail the gate
      --ignore-file FILE  fingerprints to ignore (default: .pipeguardignore beside the config)
  -c, --config FILE       pipeguard.yml (default: found from the current folder)
  -v, --verbose           list suppressed findings and fingerprints

Exit 0 when the gate passes, 1 when it fails or the scan could not be done (target unreachable or gone,
authentication lost): then one line on stderr says why. 2 on bad usage or input.`,
  async run(argv, io) {
    const { values: v, positionals, tokens } = parse(argv, OPTIONS, 1);
    const base = positionals[0];
    if (!base) throw new UsageError('give the base URL to scan, e.g. pipeguard dast http://127.0.0.1:3000/');
    const target = openUrl(base);
    const outs = outputs(tokens);
    const failOn = severityOption(v['fail-on']);
    if (v.budget !== undefined && !isDuration(v.budget)) throw new UsageError(`--budget takes a duration such as 90s, 10m or 1h, not ${JSON.stringify(v.budget)}`);
    const loaded = resolveConfig(io.cwd, v.config ? resolve(io.cwd, v.config) : undefined, SCANNER_IDS, io.cwd);
    for (const w of loaded.warnings) io.stderr.write(`pipeguard: warning: ${w}\n`);
    const config = loaded.config;
    const configDir = loaded.path ? dirname(loaded.path) : io.cwd;
    const fromConfig = (p: string | undefined) => (p === undefined || /^https?:\/\//i.test(p) || isAbsolute(p) ? p : resolve(configDir, p));
    const fromCwd = (p: string) => (/^https?:\/\//i.test(p) ? p : resolve(io.cwd, p));
    const d = config.scanners.dast;
    const dast = {
      ...d,
      ...(v.openapi !== undefined ? { openapi: fromCwd(v.openapi) } : d.openapi !== undefined ? { openapi: fromConfig(d.openapi) } : {}),
      ...(v.auth !== undefined ? { auth: resolve(io.cwd, v.auth) } : d.auth !== undefined ? { auth: fromConfig(d.auth) } : {}),
      ...(v.browser ? { browser: true } : {}),
      ...(v.budget !== undefined ? { budget: v.budget } : {}),
      ...(v['max-requests'] !== undefined ? { maxRequests: int('max-requests', v['max-requests'])! } : {}),
      ...(v.rate !== undefined ? { rate: int('rate', v.rate)! } : {}),
      ...(v.concurrency !== undefined ? { concurrency: Math.min(64, int('concurrency', v.concurrency)!) } : {}),
      ...(v['allow-destructive'] ? { allowDestructive: true } : {}),
      ...(v.only ? { only: list(v.only) } : {}),
      scope: { ...d.scope, exclude: [...d.scope.exclude, ...(v['exclude-path'] ?? [])] },
      enabled: true,
    };
    const baseline = v.baseline ? readBaseline(resolve(io.cwd, v.baseline)) : undefined;
    const ignored = readIgnoreFile(v['ignore-file'] ? resolve(io.cwd, v['ignore-file']) : resolve(configDir, config.ignoreFile), v['ignore-file'] !== undefined);
    const report = await runScan({
      target,
      config: { ...config, scanners: { ...config.scanners, dast } },
      scanners: ['dast'],
      options: { env: io.env },
      now: io.now,
      log: { debug() {}, info() {}, warn: (m) => io.stderr.write(`pipeguard: warning: ${m}\n`) },
    });
    const status = report.statuses.find((s) => s.scanner === 'dast');
    const code = await gateAndRender(report, io, { config, outs, failOn, baseline, ignored, showSecrets: false, verbose: v.verbose === true });
    if (status?.status === 'failed') {
      io.stderr.write(`pipeguard: dast failed: ${(status.reason ?? 'unknown error').split('\n')[0]}\n`);
      return 1;
    }
    return code;
  },
};
