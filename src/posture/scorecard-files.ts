/**
 * What OpenSSF Scorecard's file-based checks (Token-Permissions, Dangerous-Workflow, Pinned-Dependencies) look at,
 * read from a repository's tree: each workflow's token permissions, the dangerous workflow patterns, and every
 * dependency a workflow, Dockerfile or shell script pulls in with whether it is pinned. Scored in `scorecard.ts`.
 * Our own reading of Scorecard's published checks (docs/checks.md and its evaluation code); differences are listed in
 * docs/posture.md.
 */
import { readText, targetFiles, type Target } from '../core/types.js';
import { parseDockerfile, shellCommands, splitImage, substitute, type Command } from '../analyzers/iac/dockerfile.js';
import { isDockerfile } from '../analyzers/iac/files.js';
import { pipeToShell } from '../analyzers/shell.js';
import { entries, get, isMap, items, parseYaml, str } from '../analyzers/yaml.js';
import type { Node } from 'yaml';

/** A workflow's (or a job's) token permissions. */
export type Permissions =
  | { kind: 'undeclared' }
  | { kind: 'none' }
  | { kind: 'read' }
  | { kind: 'write-all' }
  /** Scopes granted `write`. Empty when every listed scope is read or none. */
  | { kind: 'scopes'; write: string[] };

export interface WorkflowPermissions {
  path: string;
  top: Permissions;
  jobs: { name: string; permissions: Permissions }[];
}

/** Scorecard's dependency kinds (its DependencyUseType names). */
export type DependencyType =
  | 'GitHubAction'
  | 'containerImage'
  | 'downloadThenRun'
  | 'goCommand'
  | 'npmCommand'
  | 'pipCommand'
  | 'chocoCommand'
  | 'nugetCommand';

export interface PinnedDependency {
  type: DependencyType;
  /** For GitHub actions: owned by GitHub (`actions/*`, `github/*`), which Scorecard weighs lower. */
  githubOwned?: boolean;
  pinned: boolean;
  path: string;
  line: number;
  /** What was seen (an action reference, an image, a command name). */
  what: string;
}

export interface DangerousPattern {
  kind: 'untrusted-checkout' | 'script-injection';
  path: string;
  line: number;
  what: string;
}

export interface FileEvidence {
  workflows: WorkflowPermissions[];
  dangerous: DangerousPattern[];
  dependencies: PinnedDependency[];
  /** Workflows that publish a package or image, and what gives it away. */
  packaging: { path: string; what: string }[];
  /** Fuzzing set up in the tree (ClusterFuzzLite, Go native fuzz tests, cargo-fuzz, Atheris, Jazzer, fast-check...). */
  fuzzing: { tool: string; path: string }[];
  /** SAST tools a workflow runs (CodeQL, Snyk, Pysa, Qodana, Hadolint) or a pom.xml reports to (Sonar). */
  sastTools: { tool: string; path: string }[];
  /** Users (not teams) named as owners in CODEOWNERS, without the `@`. */
  codeOwners: string[];
  /** Files that could not be read or parsed (Scorecard's "possibly incomplete results"). */
  incomplete: string[];
  /** Known vulnerabilities of the tree's locked dependencies (the deps scanner, offline), when it ran. */
  vulnerabilities?: { ok: true; advisories: { id: string; packages: string[] }[]; unread: string[] } | { ok: false; reason: string };
}

const WORKFLOW = /^\.github\/workflows\/[^/]+\.ya?ml$/;
const SCRIPT = /\.(?:sh|bash)$/;
const POM = /(?:^|\/)pom\.xml$/i;
const CODEOWNERS = /^(?:\.github\/|docs\/)?CODEOWNERS$/;
/** Files that may set up fuzzing: ClusterFuzzLite's folder, and sources or manifests with `fuzz` in their path. */
const FUZZ_FILE = /^\.clusterfuzzlite\/|fuzz[^/]*\.(?:go|py|rs|java|kt|js|ts|mjs|cjs|c|cc|cpp|hs|toml)$|(?:^|\/)fuzz\/Cargo\.toml$/i;
const FUZZERS: [RegExp, RegExp, string][] = [
  [/^\.clusterfuzzlite\//, /./, 'ClusterFuzzLite'],
  [/_test\.go$/, /\bfunc\s+Fuzz\w*\s*\(\s*\w+\s+\*testing\.F\s*\)/, 'Go native fuzzing'],
  [/(?:^|\/)fuzz\/Cargo\.toml$/, /\blibfuzzer-sys\b|\bcargo-fuzz\s*=\s*true/, 'cargo-fuzz'],
  [/\.py$/, /^\s*(?:import\s+atheris|from\s+atheris\s+import)\b/m, 'Atheris'],
  [/\.(?:java|kt)$/, /com\.code_intelligence\.jazzer|@FuzzTest\b/, 'Jazzer'],
  [/\.(?:js|ts|mjs|cjs)$/, /@jazzer\.js\/|\bfc\.assert\s*\(|from\s+['"]fast-check['"]|require\(\s*['"]fast-check['"]\s*\)/, 'JavaScript fuzzing (Jazzer.js, fast-check)'],
  [/^package\.json$/, /"(?:@jazzer\.js\/core|fast-check)"\s*:/, 'JavaScript fuzzing (Jazzer.js, fast-check)'],
  [/\.(?:c|cc|cpp)$/, /\bLLVMFuzzerTestOneInput\b/, 'libFuzzer'],
  [/\.hs$/, /\bimport\s+(?:Test\.QuickCheck|Hedgehog)\b/, 'Haskell property testing'],
];
/** Steps and commands that publish a package or an image. */
const PUBLISH_ACTIONS = /^(?:pypa\/gh-action-pypi-publish|docker\/build-push-action|goreleaser\/goreleaser-action|ko-build\/setup-ko|JS-DevTools\/npm-publish|rubygems\/release-gem|changesets\/action|gradle\/gradle-build-action)$/i;
const PUBLISH_COMMANDS = /\b(?:npm|pnpm|yarn)\s+publish\b|\btwine\s+upload\b|\b(?:uv|poetry|flit|hatch)\s+publish\b|\bdocker\s+(?:image\s+)?push\b|\bmvn\w*\s+(?:\S+\s+)*deploy\b|\bgradlew?\s+(?:\S+\s+)*publish\w*\b|\bcargo\s+publish\b|\bgem\s+push\b|\bdotnet\s+nuget\s+push\b|\bnuget\s+push\b|\bgoreleaser\s+release\b|\bko\s+(?:build|publish)\b/;
/** Actions that run a SAST tool, as Scorecard's SAST check knows them. */
const SAST_ACTIONS: [RegExp, string][] = [
  [/^github\/codeql-action\/analyze$/i, 'CodeQL'],
  [/^snyk\/actions\/.+/i, 'Snyk'],
  [/^facebook\/pysa-action$/i, 'Pysa'],
  [/^JetBrains\/qodana-action$/i, 'Qodana'],
  [/^hadolint\/hadolint-action$/i, 'Hadolint'],
];
const VENDORED = /(?:^|\/)(?:node_modules|vendor|third_party|\.venv|venv)\//;
const MAX_FILES = 200;
const MAX_FUZZ_READS = 60;

/** Reads the workflows, Dockerfiles and shell scripts of `target` (at most 200) and collects the evidence. */
export async function collectFileEvidence(target: Target): Promise<FileEvidence> {
  const ev: FileEvidence = { workflows: [], dangerous: [], dependencies: [], packaging: [], fuzzing: [], sastTools: [], codeOwners: [], incomplete: [] };
  let n = 0;
  let fuzzReads = 0;
  const fuzzCandidate = (p: string) => FUZZ_FILE.test(p) || /_test\.go$/.test(p) || p === 'package.json';
  const wanted = (p: string) => WORKFLOW.test(p) || CODEOWNERS.test(p) || ((isDockerfile(p) || SCRIPT.test(p) || POM.test(p) || fuzzCandidate(p)) && !VENDORED.test(p));
  for await (const f of targetFiles(target, { path: wanted })) {
    const main = WORKFLOW.test(f.path) || CODEOWNERS.test(f.path) || isDockerfile(f.path) || SCRIPT.test(f.path) || POM.test(f.path);
    if (!main) {
      // Fuzzing needs one hit: candidates are read until one is found, at most MAX_FUZZ_READS of them.
      if (ev.fuzzing.length || ++fuzzReads > MAX_FUZZ_READS) continue;
    } else if (++n > MAX_FILES) {
      ev.incomplete.push(`more than ${MAX_FILES} workflows, Dockerfiles and scripts: the rest were not read`);
      break;
    }
    const text = await readText(f, (path, message) => ev.incomplete.push(`${path}: ${message}`));
    if (text === undefined) continue;
    fuzzEvidence(f.path, text, ev.fuzzing);
    if (CODEOWNERS.test(f.path)) {
      for (const m of text.replace(/#.*$/gm, '').matchAll(/(?:^|\s)@([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)(?=\s|$)/g)) if (!ev.codeOwners.includes(m[1]!)) ev.codeOwners.push(m[1]!);
    } else if (WORKFLOW.test(f.path)) workflowEvidence(f.path, text, ev);
    else if (POM.test(f.path)) {
      if (/<sonar\.host\.url>\s*\S+\s*<\/sonar\.host\.url>/.test(text)) ev.sastTools.push({ tool: 'Sonar', path: f.path });
    } else if (isDockerfile(f.path)) dockerfileEvidence(f.path, text, ev);
    else if (SCRIPT.test(f.path)) scriptDependencies(f.path, text, (o) => 1 + lineWithin(text, o), ev.dependencies);
  }
  return ev;
}

/** Contexts an outside contributor writes (issue and PR text, branch names, commit messages and authors). */
const UNTRUSTED_CONTEXT =
  /\bgithub\s*\.\s*(?:head_ref\b|event\s*\.\s*(?:(?:issue|pull_request|discussion)\s*\.\s*(?:title|body)|comment\s*\.\s*body|review(?:_comment)?\s*\.\s*body|pull_request\s*\.\s*head\s*\.\s*(?:ref|label|repo\s*\.\s*default_branch)|pages\b[^}]*\.\s*page_name|(?:commits\b[^}]*|head_commit)\s*\.\s*(?:message|author\s*\.\s*(?:email|name))|workflow_run\s*\.\s*(?:head_branch|head_commit\s*\.\s*(?:message|author\s*\.\s*(?:email|name))|pull_requests\b[^}]*\.\s*head\s*\.\s*ref)))/i;
/** A checkout ref that names the code of the triggering pull request. */
const PR_HEAD_REF = /github\s*\.\s*(?:event\s*\.\s*(?:pull_request\s*\.\s*(?:head\s*\.\s*(?:sha|ref)|merge_commit_sha|number)|workflow_run\s*\.\s*head_(?:sha|branch)|number)|head_ref)|refs\/pull\//i;
const SHA = /^[0-9a-f]{40}$/i;

function lineOf(y: ReturnType<typeof parseYaml>, node: unknown): number {
  const r = (node as { range?: [number, number, number] } | undefined)?.range;
  return r ? y.lc.linePos(r[0]).line : 1;
}

function permissionsOf(node: Node | undefined): Permissions {
  if (node === undefined) return { kind: 'undeclared' };
  const s = str(node);
  if (s !== undefined) {
    if (s === 'write-all') return { kind: 'write-all' };
    if (s === 'read-all') return { kind: 'read' };
    return { kind: 'scopes', write: [] };
  }
  const es = entries(node);
  if (!es.length) return { kind: 'none' };
  const write = es.filter(([, v]) => str(v) === 'write').map(([k]) => k);
  return write.length ? { kind: 'scopes', write } : es.every(([, v]) => str(v) === 'none') ? { kind: 'none' } : { kind: 'read' };
}

function triggers(root: unknown): Set<string> {
  const on = get(root, 'on') ?? get(root, 'true');
  const s = str(on);
  if (s !== undefined) return new Set([s]);
  const list = items(on);
  if (list.length) return new Set(list.map((x) => str(x) ?? ''));
  return new Set(entries(on).map(([k]) => k));
}

function workflowEvidence(path: string, text: string, ev: FileEvidence): void {
  const y = parseYaml(text);
  const root = y.docs[0]?.contents;
  if (y.error || !isMap(root)) {
    ev.incomplete.push(`${path}: ${y.error ?? 'not a mapping'}`);
    return;
  }
  const jobs = entries(get(root, 'jobs'));
  ev.workflows.push({ path, top: permissionsOf(get(root, 'permissions')), jobs: jobs.map(([name, job]) => ({ name, permissions: permissionsOf(get(job, 'permissions')) })) });
  const on = triggers(root);
  const privileged = on.has('pull_request_target') || on.has('workflow_run');
  for (const [, job] of jobs) {
    const reusable = str(get(job, 'uses'));
    if (reusable !== undefined) actionDependency(path, reusable, lineOf(y, get(job, 'uses')), ev.dependencies);
    for (const step of items(get(job, 'steps'))) {
      const uses = str(get(step, 'uses'));
      if (uses !== undefined) {
        actionDependency(path, uses, lineOf(y, get(step, 'uses')), ev.dependencies);
        const action = uses.split('@')[0]!;
        if (PUBLISH_ACTIONS.test(action) && !ev.packaging.some((x) => x.path === path)) ev.packaging.push({ path, what: action });
        const tool = SAST_ACTIONS.find(([re]) => re.test(action))?.[1];
        if (tool && !ev.sastTools.some((t) => t.path === path && t.tool === tool)) ev.sastTools.push({ tool, path });
        if (privileged && /^actions\/checkout@/i.test(uses)) {
          const ref = str(get(get(step, 'with'), 'ref'));
          if (ref !== undefined && PR_HEAD_REF.test(ref)) ev.dangerous.push({ kind: 'untrusted-checkout', path, line: lineOf(y, get(get(step, 'with'), 'ref')), what: ref });
        }
      }
      const run = get(step, 'run');
      const script = str(run);
      if (script === undefined) continue;
      const publish = PUBLISH_COMMANDS.exec(script);
      if (publish && !ev.packaging.some((x) => x.path === path)) ev.packaging.push({ path, what: publish[0] });
      // A block scalar's text starts on the line after its indicator (`|` or `>`).
      const indicator = text.charAt((run as { range?: number[] }).range?.[0] ?? -1);
      const first = lineOf(y, run) + (indicator === '|' || indicator === '>' ? 1 : 0);
      for (const m of script.matchAll(/\$\{\{([^}]*)\}\}/g)) {
        if (UNTRUSTED_CONTEXT.test(m[1]!)) ev.dangerous.push({ kind: 'script-injection', path, line: first + lineWithin(script, m.index), what: m[0].trim() });
      }
      scriptDependencies(path, script, (o) => first + lineWithin(script, o), ev.dependencies);
    }
  }
}

function fuzzEvidence(path: string, text: string, out: FileEvidence['fuzzing']): void {
  for (const [where, what, tool] of FUZZERS) {
    if (where.test(path) && what.test(text) && !out.some((x) => x.tool === tool)) out.push({ tool, path });
  }
}

function lineWithin(text: string, offset: number): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function actionDependency(path: string, uses: string, line: number, out: PinnedDependency[]): void {
  if (uses.startsWith('./') || uses.startsWith('.\\')) return;
  if (uses.startsWith('docker://')) {
    out.push({ type: 'containerImage', pinned: /@sha256:[0-9a-f]{64}$/i.test(uses), path, line, what: uses });
    return;
  }
  const at = uses.lastIndexOf('@');
  const ref = at < 0 ? '' : uses.slice(at + 1);
  const owner = uses.split('/')[0]!.toLowerCase();
  out.push({ type: 'GitHubAction', githubOwned: owner === 'actions' || owner === 'github', pinned: SHA.test(ref), path, line, what: uses });
}

function dockerfileEvidence(path: string, text: string, ev: FileEvidence): void {
  const df = parseDockerfile(text);
  const stageNames = new Set<string>();
  for (const st of df.stages) {
    const image = substitute(st.image, df.globalArgs).trim();
    const lower = image.toLowerCase();
    if (lower && lower !== 'scratch' && !stageNames.has(lower) && !image.includes('$')) {
      ev.dependencies.push({ type: 'containerImage', pinned: splitImage(image).digest !== undefined, path, line: st.from.startLine, what: image });
    }
    if (st.name) stageNames.add(st.name);
  }
  for (const ins of df.instructions) {
    if (ins.keyword !== 'RUN') continue;
    scriptDependencies(path, ins.args.text, (o) => ins.args.pos(o).line, ev.dependencies);
    for (const h of ins.heredocs) scriptDependencies(path, h.body.text, (o) => h.body.pos(o).line, ev.dependencies);
  }
}

/** Commands in a script that install something, and `curl | sh`. `lineAt` maps an offset of the script to its file line. */
function scriptDependencies(path: string, script: string, lineAt: (offset: number) => number, out: PinnedDependency[]): void {
  for (const h of pipeToShell(script)) out.push({ type: 'downloadThenRun', pinned: false, path, line: lineAt(h.start), what: h.text.slice(0, 80) });
  for (const c of shellCommands(script)) {
    const d = classify(c);
    if (d) out.push({ ...d, path, line: lineAt(c.words[0]!.start) });
  }
}

function classify(c: Command): Omit<PinnedDependency, 'path' | 'line'> | undefined {
  let w = c.words.map((x) => x.text);
  for (;;) {
    if (w[0] === 'sudo') {
      w = w.slice(1);
      while (w[0]?.startsWith('-')) w = w.slice(1);
    } else if (w[0] !== undefined && /^[A-Za-z_][A-Za-z0-9_]*=/.test(w[0])) w = w.slice(1);
    else break;
  }
  const [cmd, sub] = [w[0] ?? '', w[1] ?? ''];
  const args = w.slice(2);
  const positional = args.filter((a) => !a.startsWith('-'));
  if (/^pip[0-9.]*$/.test(cmd) || (/^python[0-9.]*$/.test(cmd) && sub === '-m' && /^pip[0-9.]*$/.test(args[0] ?? ''))) {
    const rest = cmd.startsWith('python') ? w.slice(3) : w.slice(1);
    if (rest[0] !== 'install') return undefined;
    const opts = rest.slice(1);
    const pkgs = opts.filter((a, i) => !a.startsWith('-') && !/^-(?:r|c|e|i|t)$|^--(?:requirement|constraint|editable|index-url|extra-index-url|target|prefix|root|find-links)$/.test(opts[i - 1] ?? ''));
    const fromFile = opts.some((a) => /^-r$|^--requirement(?:=|$)|^-r\S/.test(a));
    const local = pkgs.length > 0 && pkgs.every((p) => /^(?:\.|\.\/|\/|\.\.\/)|\.whl$/.test(p));
    if (!fromFile && (pkgs.length === 0 || local)) return undefined;
    return { type: 'pipCommand', pinned: opts.includes('--require-hashes'), what: 'pip install' };
  }
  if (cmd === 'npm') {
    if (sub === 'ci' || sub === 'clean-install' || sub === 'install-clean') return { type: 'npmCommand', pinned: true, what: `npm ${sub}` };
    if (['install', 'i', 'add', 'isntall', 'in', 'ins', 'inst', 'insta', 'instal', 'isnt', 'isnta', 'isntal'].includes(sub)) return { type: 'npmCommand', pinned: false, what: `npm ${sub}` };
    return undefined;
  }
  if (cmd === 'go' && (sub === 'install' || sub === 'get')) {
    const pkg = positional[0];
    if (!pkg || pkg.startsWith('.')) return undefined;
    const at = pkg.lastIndexOf('@');
    const v = at < 0 ? '' : pkg.slice(at + 1);
    return { type: 'goCommand', pinned: SHA.test(v) || /^v\d+\.\d+\.\d+-(?:\d+\.)?\d{14}-[0-9a-f]{12}$/.test(v), what: `go ${sub} ${pkg}` };
  }
  if (cmd === 'choco' && sub === 'install') return { type: 'chocoCommand', pinned: args.some((a) => /^--require-?checksums$/i.test(a)), what: 'choco install' };
  if ((cmd === 'nuget' || cmd === 'nuget.exe') && sub === 'install') return { type: 'nugetCommand', pinned: args.some((a) => /^-version$/i.test(a)), what: 'nuget install' };
  if (cmd === 'dotnet' && sub === 'add' && args[0] === 'package') return { type: 'nugetCommand', pinned: args.some((a) => a === '--version' || a === '-v'), what: 'dotnet add package' };
  return undefined;
}
