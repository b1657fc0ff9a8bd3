import { statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { resolveConfig } from '../../config/load.js';
import type { Config } from '../../config/schema.js';
import { InputError, UsageError } from '../../core/errors.js';
import type { RuleMeta } from '../../core/types.js';
import { VERSION } from '../../core/version.js';
import { DEFAULT_LIMITS } from '../../engine/run.js';
import { scanPath } from '../../engine/scan-path.js';
import { evaluate } from '../../gate/evaluate.js';
import { readCi } from '../../compliance/ci.js';
import { controlRef } from '../../compliance/frameworks/index.js';
import { mergeEvidence, readReport, reportEvidence, type Evidence } from '../../compliance/evidence.js';
import { FRAMEWORKS, framework as frameworkById } from '../../compliance/frameworks/index.js';
import type { FrameworkId } from '../../compliance/mapping.js';
import { renderComplianceHtml, renderComplianceJson, renderComplianceMarkdown } from '../../compliance/render.js';
import { complianceReport } from '../../compliance/run.js';
import { DiskCache, defaultCacheDir } from '../../forge/cache.js';
import { githubEndpoint, gitlabEndpoint } from '../../forge/endpoint.js';
import { ForgeUnavailable } from '../../forge/errors.js';
import { postureJson } from '../../posture/output.js';
import { FORGE_SCANNER, forgeRuleMeta } from '../../posture/rules.js';
import { runPosture } from '../../posture/run.js';
import { loadScanners, SCANNER_IDS } from '../../scanners/index.js';
import { parse } from '../args.js';
import type { CliIO, Command } from '../io.js';
import { outputs } from '../scan-run.js';
import { writeReports } from '../output.js';

const COMPLIANCE_FORMATS = ['markdown', 'html', 'json'] as const;

/** `pipeguard compliance`: which controls of a framework the repository, its pipeline and its platform settings meet. */
export const complianceCommand: Command = {
  name: 'compliance',
  summary: 'report which controls of NIST SSDF, CIS Supply Chain, SLSA or OWASP SAMM the pipeline meets, with evidence',
  help: `Usage: pipeguard compliance --framework ssdf|cis-supply-chain|slsa|samm [PATH] [options]

Maps every pipeguard rule and posture check to the framework's controls and reports each control as met, partly
met, not met, or with no automated evidence, with the evidence: which scans run in CI (PATH's workflows and
.gitlab-ci.yml), which gates are enforced, which platform settings are on, and the findings by fingerprint.

  --framework ID          ssdf (NIST SP 800-218 v1.1), cis-supply-chain (CIS Software Supply Chain Security
                          Guide v1.0), slsa (SLSA v1.0 Build track), samm (OWASP SAMM v2.0)
  --report FILE           a pipeguard JSON report (scan, secrets or posture) to use as evidence (repeatable)
  --scan                  run pipeguard scan on PATH now and use its result
  --github OWNER/REPO     read the repository's live settings now (as pipeguard posture does)
  --gitlab GROUP/PROJECT  the same on GitLab
  --api-url URL, --offline, --cache-dir DIR, --no-cache   as for pipeguard posture
  --require CONTROL       a control that must be met, e.g. ssdf:PS.1.1 (repeatable; adds to compliance.require)
  -f, --format FMT        markdown (default), html, json
  -o, --output FILE       write the matching --format to FILE
  -c, --config FILE       pipeguard.yml (default: found from PATH)
      --list              list the frameworks and their controls

Exit 0 when every required control is met (or none is required), 1 when one is not, 2 on bad input.
`,
  async run(argv, io) {
    const { values, positionals, tokens } = parse(
      argv,
      {
        framework: { type: 'string' },
        report: { type: 'string', multiple: true },
        scan: { type: 'boolean' },
        github: { type: 'string' },
        gitlab: { type: 'string' },
        'api-url': { type: 'string' },
        offline: { type: 'boolean' },
        'cache-dir': { type: 'string' },
        'no-cache': { type: 'boolean' },
        require: { type: 'string', multiple: true },
        format: { type: 'string', short: 'f', multiple: true },
        output: { type: 'string', short: 'o', multiple: true },
        config: { type: 'string', short: 'c' },
        list: { type: 'boolean' },
      },
      1,
    );
    if (values.list) {
      for (const f of FRAMEWORKS) {
        io.stdout.write(`${f.id}: ${f.name} ${f.version}\n`);
        for (const c of f.controls) io.stdout.write(`  ${f.id}:${c.id}  ${c.title}${c.manual ? ' (no automated evidence)' : ''}\n`);
      }
      return 0;
    }
    if (!values.framework) throw new UsageError(`give --framework (${FRAMEWORKS.map((f) => f.id).join(', ')})`);
    const fw = frameworkById(values.framework);
    if (!fw) throw new UsageError(`unknown framework ${values.framework} (use ${FRAMEWORKS.map((f) => f.id).join(', ')})`);
    if (values.github && values.gitlab) throw new UsageError('give one of --github and --gitlab');
    // Markdown by default (on stdout, or for each --output not naming another format).
    const outs = outputs(tokens, COMPLIANCE_FORMATS, 'markdown');
    for (const r of values.require ?? []) if (!controlRef(r)) throw new UsageError(`--require ${r}: expected FRAMEWORK:CONTROL (see pipeguard compliance --list)`);
    const root = resolve(io.cwd, positionals[0] ?? '.');
    try {
      if (!statSync(root).isDirectory()) throw new InputError('not a directory', positionals[0] ?? '.');
    } catch (e) {
      if (e instanceof InputError) throw e;
      throw new InputError('no such directory', positionals[0] ?? '.');
    }
    const loaded = resolveConfig(root, values.config ? resolve(io.cwd, values.config) : undefined, [...SCANNER_IDS, FORGE_SCANNER], io.cwd);
    for (const w of loaded.warnings) io.stderr.write(`pipeguard: warning: ${w}\n`);
    const config = loaded.config;
    const sections = config.scanners as Record<string, { enabled: boolean } | undefined>;
    const scanners = await loadScanners();
    const rules: RuleMeta[] = [...scanners.flatMap((s) => s.rules(sections[s.id])), ...forgeRuleMeta()];

    const evidence: Evidence[] = (values.report ?? []).map((p) => readReport(resolve(io.cwd, p), p));
    if (values.scan) evidence.push(await scanEvidence(root, config, io));
    let subject = relative(io.cwd, root) || '.';
    if (values.github || values.gitlab) {
      const live = await liveEvidence(values, root, config, io);
      evidence.push(live.evidence);
      subject = `${subject} (${live.repository})`;
    }
    const ci = readCi(root, { configFailOn: config.failOn, enabledScanners: SCANNER_IDS.filter((id) => sections[id]?.enabled !== false), configFound: loaded.path !== undefined });
    for (const e of ci.errors) io.stderr.write(`pipeguard: warning: ${e.file}: ${e.message}\n`);
    const report = complianceReport({
      framework: fw.id as FrameworkId,
      subject,
      rules,
      evidence: mergeEvidence(evidence),
      ci,
      require: [...config.compliance.require, ...(values.require ?? [])],
      ...(loaded.path ? { configPath: relative(io.cwd, loaded.path) || loaded.path } : {}),
      tool: { name: 'pipeguard', version: VERSION },
      now: io.now(),
    });
    const render = { markdown: renderComplianceMarkdown, html: renderComplianceHtml, json: renderComplianceJson };
    const texts = outs.map((o) => ({ ...o, text: render[o.format](report) }));
    await writeReports(texts.filter((o): o is typeof o & { file: string } => o.file !== undefined), io);
    for (const o of texts) if (o.file === undefined) io.stdout.write(o.text);
    const c = report.result.counts;
    if (outs.some((o) => o.file !== undefined) || report.required.length) {
      const req = report.required.length ? `; required controls ${report.outcome === 'pass' ? 'all met' : `not met: ${report.required.filter((q) => q.status !== 'met').map((q) => q.ref).join(', ')}`}` : '';
      io.stderr.write(`pipeguard: ${fw.id}: ${c.met} met, ${c['partly-met']} partly met, ${c['not-met']} not met, ${c['no-evidence']} with no automated evidence${req}\n`);
    }
    return report.outcome === 'pass' ? 0 : 1;
  },
};

/** Runs `pipeguard scan` on the folder in-process and returns its evidence. */
async function scanEvidence(root: string, config: Config, io: CliIO): Promise<Evidence> {
  const report = await scanPath({ path: root, cwd: io.cwd, config, limits: { ...DEFAULT_LIMITS, maxFileBytes: config.maxFileSize }, gitignore: config.gitignore, exclude: config.exclude, archives: config.scanners.secrets.archives, env: io.env as NodeJS.ProcessEnv, now: io.now });
  const decision = evaluate(report, { policy: config, now: io.now() });
  return reportEvidence(report, decision, 'pipeguard scan (this run)');
}

/** Reads the live settings (pipeguard posture) and returns their evidence. */
async function liveEvidence(values: { github?: string; gitlab?: string; 'api-url'?: string; offline?: boolean; 'cache-dir'?: string; 'no-cache'?: boolean }, root: string, config: Config, io: CliIO): Promise<{ evidence: Evidence; repository: string }> {
  const endpoint = values.github ? githubEndpoint(io.env, values['api-url']) : gitlabEndpoint(io.env, values['api-url']);
  const cache = values['no-cache'] ? undefined : new DiskCache(values['cache-dir'] ? resolve(io.cwd, values['cache-dir']) : defaultCacheDir(io.env));
  try {
    const run = await runPosture({
      subject: { kind: 'repo', name: (values.github ?? values.gitlab)! },
      endpoint,
      config,
      ...(cache ? { cache } : {}),
      ...(values.offline ? { offline: true } : {}),
      files: { mode: 'local', dir: root },
      now: io.now,
      warn: (m) => io.stderr.write(`pipeguard: warning: ${m}\n`),
    });
    const decision = evaluate(run.report, { policy: config, now: io.now() });
    for (const n of run.report.warnings ?? []) io.stderr.write(`pipeguard: note: ${n}\n`);
    return { evidence: reportEvidence(run.report, decision, 'pipeguard posture (this run)', postureJson(run)), repository: run.repos[0]!.facts.repository };
  } catch (e) {
    if (e instanceof ForgeUnavailable) throw new InputError(e.message, endpoint.apiUrl);
    throw e;
  }
}
