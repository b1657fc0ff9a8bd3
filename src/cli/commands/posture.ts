import { resolve } from 'node:path';
import { statSync } from 'node:fs';
import { resolveConfig } from '../../config/load.js';
import { InputError, UsageError } from '../../core/errors.js';
import { evaluate } from '../../gate/evaluate.js';
import { DiskCache, defaultCacheDir } from '../../forge/cache.js';
import { githubEndpoint, gitlabEndpoint } from '../../forge/endpoint.js';
import { ForgeUnavailable } from '../../forge/errors.js';
import { postureJson, renderScorecard, summaryMarkdown, summaryText } from '../../posture/output.js';
import { FORGE_SCANNER } from '../../posture/rules.js';
import { runPosture, type PostureSubject } from '../../posture/run.js';
import { FORMATS, render } from '../../report/index.js';
import { SCANNER_IDS } from '../../scanners/index.js';
import { int, parse } from '../args.js';
import type { Command } from '../io.js';
import { outputs, readBaseline, readIgnoreFile, severityOption } from '../scan-run.js';
import { writeReports } from '../output.js';

const POSTURE_FORMATS = [...FORMATS, 'scorecard'] as const;

/** `pipeguard posture`: a repository's (or an organisation's) live settings through the forge's API. */
export const postureCommand: Command = {
  name: 'posture',
  summary: 'check branch protection, review, access and CI settings of a GitHub or GitLab repository through its API',
  help: `Usage: pipeguard posture --github OWNER/REPO | --gitlab GROUP/PROJECT | --org ORG [--forge gitlab] [options]

Reads the repository's live settings through the forge's API and checks them: branch protection or rulesets on
the default and release branches (reviews, code owners, stale approvals, admin bypass, required checks including
the pipeguard gate, signed commits, linear history, force pushes, deletion), CODEOWNERS errors, administrators and
outside collaborators, deploy keys, repository vs environment secrets, Actions settings (default token, PR
approval, fork pull requests, allowed actions), secret scanning and push protection, Dependabot alerts, webhooks,
and the review rate of the last merged pull requests. GitLab: protected branches, approval rules, CI/CD variable
protection and masking, runner exposure. The offline posture file checks run on the repository's tree through
the API (or on --path). Token from GITHUB_TOKEN / GITLAB_TOKEN; a check the token cannot run is a note.

  --github OWNER/REPO     a GitHub repository
  --gitlab GROUP/PROJECT  a GitLab project
  --org ORG               every repository of a GitHub organisation (or user), or with --forge gitlab every
                          project of a GitLab group and its subgroups; organisation settings are checked too
  --forge FORGE           github (default) or gitlab, for --org
  --api-url URL           API root (default $GITHUB_API_URL or https://api.github.com; $CI_API_V4_URL or
                          https://gitlab.com/api/v4)
  -f, --format FMT        table (default), json, sarif, junit, markdown, scorecard (OpenSSF Scorecard JSON v2)
  -o, --output FILE       write the matching --format to FILE
      --fail-on SEV       lowest severity that fails: critical, high (default), medium, low, info, none
      --baseline FILE     a previous JSON or SARIF report: only new findings fail the gate
      --ignore-file FILE  fingerprints to ignore (default: .pipeguardignore next to the config)
  -c, --config FILE       pipeguard.yml (default: found from the current folder; its forge: section tunes the checks)
      --path DIR          run the file checks on this checkout instead of the API (one repository only)
      --no-files          skip the file checks (SECURITY.md, CODEOWNERS coverage, lockfiles, workflow permissions...)
      --offline           answer from the cache only (a request it cannot answer becomes a note)
      --cache-dir DIR     answers cache (default $PIPEGUARD_CACHE_DIR or ~/.cache/pipeguard/forge)
      --no-cache          neither read nor write the cache
      --include-archived  with --org, archived repositories too
      --concurrency N     repositories assessed at once with --org (default 4)
      --max-wait SECONDS  longest total wait for rate limits before giving up (default 900)
  -v, --verbose           list suppressed findings and fingerprints

Exit 0 when the gate passes, 1 when it fails, 2 on bad usage, an unknown repository or an unusable API.
`,
  async run(argv, io) {
    const { values, tokens } = parse(
      argv,
      {
        github: { type: 'string' },
        gitlab: { type: 'string' },
        org: { type: 'string' },
        forge: { type: 'string' },
        'api-url': { type: 'string' },
        format: { type: 'string', short: 'f', multiple: true },
        output: { type: 'string', short: 'o', multiple: true },
        'fail-on': { type: 'string' },
        baseline: { type: 'string' },
        'ignore-file': { type: 'string' },
        config: { type: 'string', short: 'c' },
        path: { type: 'string' },
        'no-files': { type: 'boolean' },
        offline: { type: 'boolean' },
        'cache-dir': { type: 'string' },
        'no-cache': { type: 'boolean' },
        'include-archived': { type: 'boolean' },
        concurrency: { type: 'string' },
        'max-wait': { type: 'string' },
        verbose: { type: 'boolean', short: 'v' },
      },
      0,
    );
    const picked = [values.github && 'github', values.gitlab && 'gitlab', values.org && 'org'].filter(Boolean);
    if (picked.length !== 1) throw new UsageError('give exactly one of --github OWNER/REPO, --gitlab GROUP/PROJECT, --org ORG');
    if (values.forge !== undefined && !['github', 'gitlab'].includes(values.forge)) throw new UsageError(`--forge takes github or gitlab, not ${JSON.stringify(values.forge)}`);
    if (values.forge !== undefined && !values.org) throw new UsageError('--forge goes with --org');
    if (values.path !== undefined && values.org) throw new UsageError('--path checks one repository: it cannot go with --org');
    if (values.path !== undefined && values['no-files']) throw new UsageError('--path and --no-files contradict each other');
    if (values.offline && values['no-cache']) throw new UsageError('--offline answers from the cache: it cannot go with --no-cache');
    const outs = outputs(tokens, POSTURE_FORMATS);
    const failOn = severityOption(values['fail-on']);
    const concurrency = int('concurrency', values.concurrency);
    const maxWait = seconds('max-wait', values['max-wait']);
    const kind = values.gitlab || values.forge === 'gitlab' ? 'gitlab' : 'github';
    const endpoint = kind === 'github' ? githubEndpoint(io.env, values['api-url']) : gitlabEndpoint(io.env, values['api-url']);
    const subject: PostureSubject = values.org ? { kind: 'org', name: values.org } : { kind: 'repo', name: (values.github ?? values.gitlab)!.replace(/^\/+|\/+$/g, '') };
    let localDir: string | undefined;
    if (values.path !== undefined) {
      localDir = resolve(io.cwd, values.path);
      let dir = false;
      try {
        dir = statSync(localDir).isDirectory();
      } catch {
        throw new InputError('no such directory', values.path);
      }
      if (!dir) throw new InputError('not a directory', values.path);
    }
    const loaded = resolveConfig(localDir ?? io.cwd, values.config ? resolve(io.cwd, values.config) : undefined, [...SCANNER_IDS, FORGE_SCANNER], io.cwd);
    for (const w of loaded.warnings) io.stderr.write(`pipeguard: warning: ${w}\n`);
    const config = loaded.config;
    if (io.env['PIPEGUARD_BEST_PRACTICES_URL']) config.forge.bestPracticesUrl = io.env['PIPEGUARD_BEST_PRACTICES_URL'];
    const baseline = values.baseline ? readBaseline(resolve(io.cwd, values.baseline)) : undefined;
    const ignored = readIgnoreFile(values['ignore-file'] ? resolve(io.cwd, values['ignore-file']) : resolve(loaded.path ? resolve(loaded.path, '..') : io.cwd, config.ignoreFile), values['ignore-file'] !== undefined);
    const cache = values['no-cache'] ? undefined : new DiskCache(values['cache-dir'] ? resolve(io.cwd, values['cache-dir']) : defaultCacheDir(io.env));

    let run;
    try {
      run = await runPosture({
        subject,
        endpoint,
        config,
        ...(cache ? { cache } : {}),
        ...(values.offline ? { offline: true } : {}),
        files: values['no-files'] ? { mode: 'none' } : localDir ? { mode: 'local', dir: localDir } : { mode: 'remote' },
        ...(values['include-archived'] ? { includeArchived: true } : {}),
        ...(concurrency ? { concurrency } : {}),
        ...(maxWait !== undefined ? { maxWaitMs: maxWait * 1000 } : {}),
        now: io.now,
        warn: (m) => io.stderr.write(`pipeguard: warning: ${m}\n`),
      });
    } catch (e) {
      if (e instanceof ForgeUnavailable) throw new InputError(e.message, endpoint.apiUrl);
      throw e;
    }
    const report = run.report;
    const decision = evaluate(report, { policy: config, now: io.now(), ...(failOn ? { failOn } : {}), ...(baseline ? { baseline } : {}), ignored });
    decision.notes.push(...(report.warnings ?? []));
    const color = (io.stdout.isTTY === true && !io.env['NO_COLOR']) || Boolean(io.env['FORCE_COLOR'] && io.env['FORCE_COLOR'] !== '0');
    const rendered = outs.map((o) => {
      let text: string;
      if (o.format === 'scorecard') text = renderScorecard(run, io.now());
      else if (o.format === 'json') {
        const doc = JSON.parse(render('json', report, decision, { color: false })) as Record<string, unknown>;
        text = JSON.stringify({ ...doc, posture: postureJson(run) }, null, 2) + '\n';
      } else {
        text = render(o.format, report, decision, { color: o.file === undefined && color, ...(io.stdout.columns ? { width: io.stdout.columns } : {}), verbose: values.verbose === true });
        if (o.format === 'table') text += summaryText(run);
        if (o.format === 'markdown') text += summaryMarkdown(run);
      }
      return { ...o, text };
    });
    await writeReports(rendered.filter((r): r is typeof r & { file: string } => r.file !== undefined), io);
    for (const r of rendered) if (r.file === undefined) io.stdout.write(r.text);
    const files = rendered.filter((r) => r.file !== undefined);
    if (files.length) {
      const verdict = decision.outcome === 'pass' ? 'PASS' : 'FAIL';
      io.stderr.write(`pipeguard: ${verdict}: ${report.findings.length} finding(s) on ${run.repos.length} repositor${run.repos.length === 1 ? 'y' : 'ies'}, ${decision.violations.length} failing the gate; wrote ${files.map((f) => f.file).join(', ')}\n`);
    }
    return decision.outcome === 'pass' ? 0 : 1;
  },
};

/** A whole number of seconds (0 allowed). */
function seconds(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new UsageError(`--${name} takes a whole number of seconds, not ${JSON.stringify(v)}`);
  return Number(v);
}
