/**
 * What a repository's CI definitions show, for the compliance report: which scans run (pipeguard's and other tools'),
 * whether pipeguard's gate can fail the pipeline (no `--fail-on none`, no `continue-on-error` / `allow_failure`, no
 * `|| true`), whether reports are kept, SBOMs, provenance, signing, and whether builds run on hosted runners.
 * Reads GitHub Actions workflows and GitLab CI files as YAML (with lines); other CI systems as text.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { CiSignal } from './mapping.js';

/** One shell step or action use, where it is and whether its failure fails the pipeline. */
export interface CiStep {
  file: string;
  line: number;
  job: string;
  /** The script text (run / script lines). */
  script: string;
  /** `uses:` of a GitHub step. */
  uses?: string;
  /** True when a failure of this step does not fail the pipeline (continue-on-error, allow_failure). */
  mayFail: boolean;
  /** GitHub `runs-on` of the job, GitLab tags. */
  runner?: string;
}

/** A pipeguard run found in CI. */
export interface PipeguardRun {
  where: string;
  command: string;
  /** The scanners it runs, or 'all' (every scanner the config enables). */
  scanners: string[] | 'all';
  failOn?: string;
  /** Its exit code can fail the pipeline. */
  enforced: boolean;
  /** Why not, when not. */
  why?: string;
}

/** A signal and the evidence for it. */
export interface Signal {
  status: 'pass' | 'fail' | 'unknown';
  detail: string;
}

/** What the CI files show. */
export interface CiFacts {
  files: string[];
  /** Files that could not be read or parsed, with why. */
  errors: { file: string; message: string }[];
  steps: CiStep[];
  pipeguard: PipeguardRun[];
  /** Scanner kind → where it runs in CI (pipeguard or another tool) and whether it can fail the pipeline. */
  scans: Map<string, { where: string; tool: string; enforced: boolean }[]>;
  signals: Record<CiSignal, Signal>;
}

const OTHER_TOOLS: { scanner: string; re: RegExp }[] = [
  { scanner: 'secrets', re: /\b(gitleaks|trufflehog|detect-secrets|ggshield)\b/i },
  { scanner: 'sast', re: /\b(codeql|semgrep|bandit|gosec|brakeman|njsscan)\b/i },
  { scanner: 'deps', re: /\b(osv-scanner|(?:npm|pnpm|yarn) audit|pip-audit|govulncheck|dependency-review-action|snyk test|grype|trivy (?:fs|repo|image))\b/i },
  { scanner: 'licenses', re: /\b(license[-_]finder|licensee|fossa|license-checker|dependency-review-action)\b/i },
  { scanner: 'pipeline', re: /\b(zizmor|poutine)\b/i },
  { scanner: 'iac', re: /\b(checkov|tfsec|kics|hadolint|kube-score|kubescape|terrascan|trivy (?:config|iac))\b/i },
];

const PIPEGUARD = /(?:^|[\s;&|(`])(?:(?:npx|bunx)\s+(?:(?:--yes|-y)\s+)?|(?:pnpm|yarn)\s+(?:dlx\s+|exec\s+)?|node\s+\S*\s+)?pipeguard(?:@[\w.^~-]+)?\s+(scan|secrets|posture|sbom|compliance)\b([^\n]*)/g;

/** Reads the CI files of `root`. `configFailOn` and `enabledScanners` come from the repository's pipeguard.yml. */
export function readCi(root: string, o: { configFailOn: string; enabledScanners: string[]; configFound: boolean }): CiFacts {
  const files: string[] = [];
  const errors: { file: string; message: string }[] = [];
  const steps: CiStep[] = [];
  for (const rel of listCiFiles(root)) {
    files.push(rel);
    let text: string;
    try {
      text = readFileSync(join(root, rel), 'utf8');
    } catch (e) {
      errors.push({ file: rel, message: `cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})` });
      continue;
    }
    if (rel.startsWith('.github/workflows/')) steps.push(...githubSteps(rel, text, errors));
    else if (/(?:^|\/)\.gitlab-ci\.ya?ml$|^\.gitlab\/ci\//.test(rel)) steps.push(...gitlabSteps(rel, text, errors));
    else steps.push({ file: rel, line: 1, job: '', script: text, mayFail: false });
  }
  const pipeguard: PipeguardRun[] = [];
  const scans = new Map<string, { where: string; tool: string; enforced: boolean }[]>();
  const addScan = (scanner: string, where: string, tool: string, enforced: boolean) => scans.set(scanner, [...(scans.get(scanner) ?? []), { where, tool, enforced }]);
  for (const s of steps) {
    const text = `${s.uses ? `uses: ${s.uses}\n` : ''}${s.script}`;
    const where = `${s.file}:${s.line}${s.job ? ` (${s.job})` : ''}`;
    for (const m of text.matchAll(PIPEGUARD)) {
      const [, command, rest = ''] = m as unknown as [string, string, string];
      const args = rest.split(/\s*(?:&&|\|\||;|\|)\s*/)[0]!;
      const failOn = /--fail-on[=\s]+(\S+)/.exec(args)?.[1] ?? (command === 'scan' || command === 'secrets' || command === 'posture' ? o.configFailOn : undefined);
      const scannerArg = /--scanners[=\s]+(\S+)/.exec(args)?.[1];
      const scanners: string[] | 'all' = command === 'secrets' ? ['secrets'] : command === 'posture' ? ['forge', 'posture'] : command === 'scan' ? (scannerArg ? scannerArg.split(',') : 'all') : [];
      const swallowed = /\|\|\s*(?:true|:|exit\s+0)\b|;\s*(?:true|exit\s+0)\b/.test(rest);
      const why = s.mayFail ? 'the step or job may fail without failing the pipeline (continue-on-error / allow_failure)' : swallowed ? 'its exit code is swallowed (|| true)' : failOn === 'none' ? 'it runs with --fail-on none' : undefined;
      const run: PipeguardRun = { where, command, scanners, ...(failOn ? { failOn } : {}), enforced: why === undefined && command !== 'sbom' && command !== 'compliance', ...(why ? { why } : {}) };
      pipeguard.push(run);
      const list = scanners === 'all' ? o.enabledScanners : scanners;
      for (const sc of list) addScan(sc, where, `pipeguard ${command}`, run.enforced);
    }
    if (s.uses && /(?:^|\/)pipeguard(?:-action)?(?:@|$)/i.test(s.uses)) {
      pipeguard.push({ where, command: 'scan', scanners: 'all', enforced: !s.mayFail, ...(s.mayFail ? { why: 'continue-on-error' } : {}) });
      for (const sc of o.enabledScanners) addScan(sc, where, s.uses, !s.mayFail);
    }
    for (const t of OTHER_TOOLS) {
      const m = t.re.exec(text);
      if (m) addScan(t.scanner, where, m[1]!.toLowerCase(), !s.mayFail && !/\|\|\s*(?:true|:)\b/.test(text));
    }
  }
  return { files, errors, steps, pipeguard, scans, signals: signals(files, steps, pipeguard, o.configFound) };
}

function signals(files: string[], steps: CiStep[], pipeguard: PipeguardRun[], configFound: boolean): Record<CiSignal, Signal> {
  const find = (re: RegExp) => steps.filter((s) => re.test(`${s.uses ?? ''}\n${s.script}`)).map((s) => `${s.file}:${s.line}`);
  const sig = (where: string[], yes: string, no: string): Signal => (where.length ? { status: 'pass', detail: `${yes}: ${where.slice(0, 3).join(', ')}` } : { status: 'fail', detail: no });
  const gates = pipeguard.filter((p) => p.enforced && (p.command === 'scan' || p.command === 'secrets' || p.command === 'posture'));
  const loose = pipeguard.filter((p) => !p.enforced && p.command !== 'sbom' && p.command !== 'compliance');
  const isolated = find(/slsa-framework\/slsa-github-generator\//);
  const signedProv = [...find(/actions\/attest(?:-build-provenance)?@|npm\s+publish\b[^\n]*--provenance|NPM_CONFIG_PROVENANCE\s*[:=]\s*['"]?true|cosign\s+attest\b/), ...isolated];
  const anyProv = [...signedProv, ...find(/RUNNER_GENERATE_ARTIFACTS_METADATA\s*:\s*['"]?true|witness\s+run\b/)];
  const runners = [...new Set(steps.filter((s) => s.file.startsWith('.github/workflows/') && s.runner !== undefined).map((s) => `${s.runner}\0${s.file}`))];
  const selfHosted = runners.filter((r) => /self-hosted/i.test(r)).map((r) => r.split('\0')[1]!);
  const unresolved = runners.filter((r) => /\$\{\{/.test(r) && !/self-hosted/i.test(r));
  const hosted: Signal = !runners.length
    ? { status: 'unknown', detail: 'no GitHub Actions job names its runner (GitLab runners cannot be told apart from the CI file)' }
    : selfHosted.length
      ? { status: 'fail', detail: `self-hosted runners build in ${[...new Set(selfHosted)].slice(0, 3).join(', ')}` }
      : unresolved.length
        ? { status: 'unknown', detail: `runs-on set by an expression in ${unresolved[0]!.split('\0')[1]}` }
        : { status: 'pass', detail: `every job runs on GitHub-hosted runners (${[...new Set(runners.map((r) => r.split('\0')[0]))].slice(0, 4).join(', ')})` };
  return {
    'ci-defined': files.length ? { status: 'pass', detail: `CI defined in ${files.slice(0, 4).join(', ')}${files.length > 4 ? ` and ${files.length - 4} more` : ''}` } : { status: 'fail', detail: 'no CI definition in the repository' },
    'policy-as-code': configFound ? { status: 'pass', detail: 'the gate\'s criteria are in pipeguard.yml' } : { status: 'fail', detail: 'no pipeguard.yml: the gate runs on its defaults, not on written criteria' },
    'ci-gate': gates.length
      ? { status: 'pass', detail: `pipeguard's gate fails the pipeline at ${gates.slice(0, 3).map((g) => `${g.where} (fail-on ${g.failOn ?? 'high'})`).join(', ')}` }
      : { status: 'fail', detail: loose.length ? `pipeguard runs in CI but cannot fail it: ${loose[0]!.where}: ${loose[0]!.why}` : 'no CI job runs pipeguard scan, secrets or posture' },
    'ci-reports-kept': sig(find(/codeql-action\/upload-sarif|actions\/upload-artifact|^\s*artifacts\s*:|\breports\s*:\s*\n?\s*(?:sast|dependency_scanning|secret_detection|codequality)/m), 'reports kept', 'no CI job keeps the scan reports (SARIF upload or artifacts)'),
    'ci-sbom': sig(find(/pipeguard\s+sbom\b|\b(?:syft|cdxgen|cyclonedx-(?:npm|py|gomod|bom))\b|anchore\/sbom-action|spdx-sbom-generator|trivy\b[^\n]*--format\s+(?:cyclonedx|spdx)/), 'SBOM generated', 'no CI job generates an SBOM'),
    'ci-provenance': sig(anyProv, 'provenance generated', 'no CI job generates build provenance'),
    'ci-signed-provenance': sig(signedProv, 'provenance signed with the platform identity', 'no CI job generates signed provenance'),
    'ci-isolated-provenance': sig(isolated, 'provenance generated in an isolated reusable workflow (slsa-github-generator)', 'provenance is not generated in an isolated job the build cannot influence'),
    'ci-signing': sig([...find(/\bcosign\s+(?:sign|sign-blob|attest)\b|\bgpg\b[^\n]*--detach-sign|\bminisign\s+-S\b|\bsigstore\s+sign\b|pipeguard\s+sign\b/), ...signedProv], 'artifacts signed', 'no CI job signs artifacts'),
    'ci-hosted-runners': hosted,
  };
}

/** CI definition files under `root`, relative, sorted. */
function listCiFiles(root: string): string[] {
  const out: string[] = [];
  const dir = (rel: string, re: RegExp) => {
    try {
      for (const n of readdirSync(join(root, rel))) if (re.test(n) && statSync(join(root, rel, n)).isFile()) out.push(`${rel}/${n}`);
    } catch {
      // no such folder
    }
  };
  dir('.github/workflows', /\.ya?ml$/);
  dir('.gitlab/ci', /\.ya?ml$/);
  for (const f of ['.gitlab-ci.yml', '.gitlab-ci.yaml', 'Jenkinsfile', '.circleci/config.yml', 'azure-pipelines.yml', 'bitbucket-pipelines.yml', '.buildkite/pipeline.yml', '.drone.yml']) {
    try {
      if (statSync(join(root, f)).isFile()) out.push(f);
    } catch {
      // absent
    }
  }
  return out.sort();
}

/** The YAML document of a CI file with its line counter, or undefined (and an error noted) when it does not parse. */
function parseCi(file: string, text: string, errors: { file: string; message: string }[]): { doc: Document; lc: LineCounter } | undefined {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  if (doc.errors.length) {
    errors.push({ file, message: `invalid YAML: ${doc.errors[0]!.message.split('\n')[0]}` });
    return undefined;
  }
  return { doc, lc };
}

function githubSteps(file: string, text: string, errors: { file: string; message: string }[]): CiStep[] {
  const parsed = parseCi(file, text, errors);
  if (!parsed) return [];
  const { doc, lc } = parsed;
  const out: CiStep[] = [];
  const jobs = get(doc.contents, 'jobs');
  if (!isMap(jobs)) return out;
  for (const pair of jobs.items) {
    const job = String(isScalar(pair.key) ? pair.key.value : '');
    const j = pair.value as Node;
    const runner = text.slice(...range(get(j, 'runs-on'))).trim() || undefined;
    const jobMayFail = truthy(get(j, 'continue-on-error'));
    // A job calling a reusable workflow is a "step" of its own (uses at job level).
    const jobUses = scalar(get(j, 'uses'));
    if (jobUses) out.push({ file, line: line(lc, get(j, 'uses')), job, script: '', uses: jobUses, mayFail: jobMayFail, ...(runner ? { runner } : {}) });
    const steps = get(j, 'steps');
    if (!isSeq(steps)) continue;
    for (const s of steps.items as Node[]) {
      const run = scalar(get(s, 'run'));
      const uses = scalar(get(s, 'uses'));
      const withText = get(s, 'with') ? text.slice(...range(get(s, 'with'))) : '';
      const envText = get(s, 'env') ? text.slice(...range(get(s, 'env'))) : '';
      out.push({ file, line: line(lc, s), job, script: [run ?? '', withText, envText].filter(Boolean).join('\n'), ...(uses ? { uses } : {}), mayFail: jobMayFail || truthy(get(s, 'continue-on-error')), ...(runner ? { runner } : {}) });
    }
    const env = get(j, 'env');
    if (env) out.push({ file, line: line(lc, env), job, script: text.slice(...range(env)), mayFail: jobMayFail });
  }
  const topEnv = get(doc.contents, 'env');
  if (topEnv) out.push({ file, line: line(lc, topEnv), job: '', script: text.slice(...range(topEnv)), mayFail: false });
  return out;
}

const GITLAB_KEYWORDS = new Set(['stages', 'variables', 'default', 'include', 'workflow', 'image', 'services', 'cache', 'before_script', 'after_script', 'types']);

function gitlabSteps(file: string, text: string, errors: { file: string; message: string }[]): CiStep[] {
  const parsed = parseCi(file, text, errors);
  if (!parsed) return [];
  const { doc, lc } = parsed;
  const out: CiStep[] = [];
  if (!isMap(doc.contents)) return out;
  const vars = get(doc.contents, 'variables');
  if (vars) out.push({ file, line: line(lc, vars), job: '', script: text.slice(...range(vars)), mayFail: false });
  for (const pair of doc.contents.items) {
    const job = String(isScalar(pair.key) ? pair.key.value : '');
    if (GITLAB_KEYWORDS.has(job) || job.startsWith('.') || !isMap(pair.value)) continue;
    const j = pair.value as Node;
    const parts = ['before_script', 'script', 'after_script', 'variables', 'artifacts'].map((k) => get(j, k)).filter(Boolean) as Node[];
    const allow = get(j, 'allow_failure');
    const tags = get(j, 'tags');
    out.push({
      file,
      line: line(lc, pair.key as Node),
      job,
      script: parts.map((p) => `${text.slice(...range(p))}`).join('\n') + (get(j, 'artifacts') ? '\nartifacts:' : ''),
      mayFail: truthy(allow) || (isMap(allow) && allow.items.length > 0),
      ...(tags ? { runner: text.slice(...range(tags)).trim() } : {}),
    });
  }
  return out;
}

function get(n: unknown, key: string): Node | undefined {
  if (!isMap(n)) return undefined;
  const p = n.items.find((it) => isScalar(it.key) && it.key.value === key);
  return (p?.value ?? undefined) as Node | undefined;
}

function scalar(n: Node | undefined): string | undefined {
  return isScalar(n) && n.value !== null && n.value !== undefined ? String(n.value) : undefined;
}

function truthy(n: Node | undefined): boolean {
  return isScalar(n) && (n.value === true || n.value === 'true');
}

function range(n: Node | undefined): [number, number] {
  const r = (n as { range?: [number, number, number] } | undefined)?.range;
  return r ? [r[0], r[1]] : [0, 0];
}

function line(lc: LineCounter, n: Node | undefined): number {
  const r = (n as { range?: [number, number, number] } | undefined)?.range;
  return r ? lc.linePos(r[0]).line : 1;
}
