/**
 * The GitHub Actions audits: one pass over a parsed workflow, composite/Docker action or dependabot.yml,
 * emitting {@link Hit}s with exact source offsets. Each audit is a small function; `auditGithub` runs
 * them in order.
 */
import { isAlias, isScalar } from 'yaml';
import type { Node, Pair, Scalar } from 'yaml';
import { accessPath, contextAccesses, findExpressions, parseExpression, walk } from './expr.js';
import type { Expr, Occurrence } from './expr.js';
import {
  ARCHIVED_ACTIONS,
  ATTACKER_CONTEXTS,
  BRANCH_REFS,
  CODE_INPUTS,
  INPUT_CONTEXTS,
  KNOWN_NEAR_OWNERS,
  POPULAR_OWNERS,
  TAINTED_OUTPUT_ACTIONS,
} from './data.js';
import {
  adhocInstalls,
  deprecatedCommands,
  envFileWrites,
  pipeToShell,
  plainHttpDownloads,
  publishCommands,
  publishes,
  pushesToGit,
} from './shell.js';
import { deref, entries, get, isMapNode, isSeqNode, items, pair, scalarBody, str } from './yamlsrc.js';
import type { YamlSource } from './yamlsrc.js';

/** One finding of an audit, before config and ignores are applied. */
export interface Hit {
  ruleId: string;
  /** Source offsets `[start, end)` of the offending node or expression. */
  start: number;
  end: number;
  message: string;
  /** Line-independent identity: job, step, offending text. */
  identity: string;
  /** Offset of the key that holds the offending value (an ignore comment above it applies). */
  anchor?: number;
}

/** Options the audits read from config. */
export interface GithubAuditOptions {
  allowRefPin: string[];
  trustedOwners: string[];
}

/** What kind of GitHub file a path is. */
export type GithubFileKind = 'workflow' | 'action' | 'dependabot';

/** The kind of GitHub file for a path, or undefined when it is none of them. */
export function githubFileKind(path: string): GithubFileKind | undefined {
  if (/(^|\/)\.github\/workflows\/[^/]+\.ya?ml$/.test(path)) return 'workflow';
  if (/(^|\/)\.github\/dependabot\.ya?ml$/.test(path)) return 'dependabot';
  if (/(^|\/)action\.ya?ml$/.test(path)) return 'action';
  return undefined;
}

const DANGEROUS_TRIGGERS = new Set(['pull_request_target', 'workflow_run', 'issue_comment']);
const PUBLIC_TRIGGERS = new Set([
  'pull_request',
  'pull_request_target',
  'pull_request_review',
  'pull_request_review_comment',
  'issue_comment',
  'issues',
  'discussion',
  'discussion_comment',
  'fork',
  'watch',
]);
const MAINTAINER_PR_EVENTS = new Set(['labeled', 'unlabeled', 'assigned', 'unassigned', 'review_requested', 'review_request_removed', 'locked', 'unlocked', 'milestoned', 'demilestoned', 'enqueued', 'dequeued', 'auto_merge_enabled', 'auto_merge_disabled']);
const PR_TRIGGERS = new Set(['pull_request', 'pull_request_target', 'pull_request_review', 'pull_request_review_comment', 'workflow_run', 'issue_comment']);

type Taint = 'attacker' | 'input' | undefined;

function segMatch(a: string, b: string): boolean {
  return a === b || a === '*' || b === '*' || a === '?';
}

/** Whether a context path is attacker-controlled ('attacker'), invoker-controlled ('input') or neither. */
export function contextTaint(path: string[]): Taint {
  for (const pat of ATTACKER_CONTEXTS) {
    const n = Math.min(path.length, pat.length);
    let ok = true;
    for (let i = 0; i < n && ok; i++) ok = segMatch(path[i]!, pat[i]!);
    if (!ok) continue;
    if (path.length >= pat.length) return 'attacker';
    if (path.length >= 3 || (path.length === 2 && path[1] === 'event')) return 'attacker';
  }
  for (const pat of INPUT_CONTEXTS) {
    if (path.length < pat.length) continue;
    if (pat.every((p, i) => segMatch(path[i]!, p))) return 'input';
  }
  return undefined;
}

const BOOLEAN_FNS = new Set(['contains', 'startswith', 'endswith', 'hashfiles', 'success', 'always', 'failure', 'cancelled']);

/** The context accesses whose value can reach the text of the expression's result. */
export function valueLeaves(e: Expr): (Expr & { kind: 'access' })[] {
  switch (e.kind) {
    case 'access':
      return e.base ? [...valueLeaves(e.base)] : [e];
    case 'call':
      return BOOLEAN_FNS.has(e.name) ? [] : e.args.flatMap(valueLeaves);
    case 'binary':
      return e.op === '&&' || e.op === '||' ? [...valueLeaves(e.left), ...valueLeaves(e.right)] : [];
    default:
      return [];
  }
}

interface Step {
  node: Node;
  index: number;
  label: string;
  uses?: string;
  usesNode?: Scalar;
  run?: Scalar;
  runPair?: Pair<Scalar, Node | null>;
  with: Node | null;
  env: Node | null;
}

interface Job {
  id: string;
  keyOffset: number;
  node: Node;
  steps: Step[];
  /** Step outputs carrying attacker-controlled text, computed once. */
  stepOutputs?: Map<string, Set<string>>;
}

function keyOffset(p: Pair<Scalar, Node | null> | undefined): number | undefined {
  return p?.key?.range?.[0];
}

function ownerRepo(uses: string): string {
  const at = uses.indexOf('@');
  const path = at === -1 ? uses : uses.slice(0, at);
  return path.split('/').slice(0, 2).join('/').toLowerCase();
}

function globMatch(pattern: string, value: string): boolean {
  const re = new RegExp(`^${pattern.toLowerCase().replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
  return re.test(value.toLowerCase());
}

function editDistance1(a: string, b: string): boolean {
  if (a === b) return false;
  if (Math.abs(a.length - b.length) > 1) return false;
  if (a.length === b.length) {
    const diff: number[] = [];
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) diff.push(i);
    if (diff.length === 1) return true;
    return diff.length === 2 && diff[1] === diff[0]! + 1 && a[diff[0]!] === b[diff[1]!] && a[diff[1]!] === b[diff[0]!];
  }
  const [s, l] = a.length < b.length ? [a, b] : [b, a];
  let i = 0;
  while (i < s.length && s[i] === l[i]) i++;
  return s.slice(i) === l.slice(i + 1);
}

function truthy(v: string | undefined): boolean {
  return v !== undefined && /^(true|1|yes|on)$/i.test(v.trim());
}

/** Runs every GitHub Actions audit on one parsed file. */
export function auditGithub(src: YamlSource, kind: GithubFileKind, opts: GithubAuditOptions): Hit[] {
  const hits: Hit[] = [];
  const emit = (h: Hit): void => {
    hits.push(h);
  };
  const root = src.doc.contents;
  if (kind === 'dependabot') {
    auditDependabot(src, root, emit);
    return hits;
  }
  if (!isMapNode(root)) return hits;

  const triggers = readTriggers(src, root);
  const jobs: Job[] = [];
  if (kind === 'workflow') {
    for (const [id, p] of entries(src, get(src, root, 'jobs'))) {
      const node = get(src, get(src, root, 'jobs'), id);
      if (!node) continue;
      jobs.push({ id, keyOffset: keyOffset(p) ?? 0, node, steps: readSteps(src, get(src, node, 'steps')) });
    }
  } else {
    const runs = get(src, root, 'runs');
    jobs.push({ id: '(action)', keyOffset: keyOffset(pair(src, root, 'runs')) ?? 0, node: runs ?? root, steps: readSteps(src, get(src, runs, 'steps')) });
    auditDockerActionImage(src, runs, emit);
  }

  auditExpressions(src, triggers, emit);
  auditEnvFlags(src, emit);
  if (kind === 'workflow') {
    auditPermissions(src, root, jobs, emit);
    auditTriggers(src, root, triggers, jobs, emit);
  }
  const jobOutputs = taintedJobOutputs(src, jobs);
  for (const job of jobs) {
    // A finding inside an anchored node reached through an alias in this job is reported at the alias.
    const aliases = aliasesIn(src, job.node);
    const jobEmit: Emit = aliases.length
      ? (h) => {
          const a = aliases.find((x) => h.start >= x.target[0] && h.start < x.target[1]);
          emit(a ? { ...h, start: a.alias[0], end: a.alias[1], anchor: a.alias[0] } : h);
        }
      : emit;
    auditInjection(src, root, job, jobOutputs, triggers, jobEmit);
    auditCheckout(src, job, triggers, jobEmit);
    auditJobMisc(src, job, triggers, jobEmit);
    for (const step of job.steps) auditStepUses(src, job, step, opts, jobEmit);
    const reusable = kind === 'workflow' ? get(src, job.node, 'uses') : null;
    if (isScalar(reusable)) auditUses(src, job, undefined, reusable, opts, jobEmit);
  }
  return hits;
}

/** Aliases under `node` (not following them), with their own range and their anchor's range. */
function aliasesIn(src: YamlSource, node: unknown): { alias: [number, number]; target: [number, number] }[] {
  const out: { alias: [number, number]; target: [number, number] }[] = [];
  const walkNode = (n: unknown, depth: number): void => {
    if (depth > 100 || n === null || n === undefined) return;
    if (isAlias(n)) {
      const t = deref(src, n);
      if (t?.range && (n as Node).range) out.push({ alias: [(n as Node).range![0], (n as Node).range![1]], target: [t.range[0], t.range[1]] });
    } else if (isMapNode(n)) for (const p of n.items) walkNode(p.value, depth + 1);
    else if (isSeqNode(n)) for (const i of n.items) walkNode(i, depth + 1);
  };
  walkNode(node, 0);
  return out;
}

function readTriggers(src: YamlSource, root: Node): Map<string, Node | null> {
  const out = new Map<string, Node | null>();
  const on = get(src, root, 'on') ?? get(src, root, 'true');
  if (isScalar(on)) out.set(String(on.value), null);
  else if (isSeqNode(on)) for (const i of items(src, on)) out.set(str(i) ?? '', null);
  else for (const [k, p] of entries(src, on)) out.set(k, p.key as unknown as Node);
  return out;
}

function readSteps(src: YamlSource, seq: Node | null): Step[] {
  return items(src, seq).map((node, index) => {
    const usesNode = get(src, node, 'uses');
    const run = get(src, node, 'run');
    const name = str(get(src, node, 'id')) ?? str(get(src, node, 'name'));
    const step: Step = { node, index, label: name ? `${index}:${name}` : String(index), with: get(src, node, 'with'), env: get(src, node, 'env') };
    if (isScalar(usesNode)) {
      step.usesNode = usesNode;
      step.uses = str(usesNode);
    }
    if (isScalar(run)) {
      step.run = run;
      step.runPair = pair(src, node, 'run');
    }
    return step;
  });
}

type Emit = (h: Hit) => void;

/** Every scalar of the file with whether it is the value of an `if:` key. */
/** Every scalar value of the file with the key that holds it (one manual walk; aliases are not followed). */
function scalars(src: YamlSource, fn: (node: Scalar, key: string | undefined, keyStart: number | undefined) => void): void {
  const walkNode = (node: unknown, key: string | undefined, keyStart: number | undefined, depth: number): void => {
    if (depth > 200 || node === null || node === undefined) return;
    if (isScalar(node)) {
      fn(node as Scalar, key, keyStart);
      return;
    }
    if (isMapNode(node)) {
      for (const p of node.items) {
        const k = p.key as Node | null;
        walkNode(p.value, isScalar(k) ? String(k.value) : undefined, k?.range?.[0], depth + 1);
      }
    } else if (isSeqNode(node)) {
      for (const i of node.items) walkNode(i, undefined, undefined, depth + 1);
    }
  };
  walkNode(src.doc.contents, undefined, undefined, 0);
}

/** Every `env:` mapping of the file (workflow, job, step, container, service, action). */
function envMaps(src: YamlSource, fn: (env: Node) => void): void {
  const walkNode = (node: unknown, depth: number): void => {
    if (depth > 200 || node === null || node === undefined) return;
    if (isMapNode(node)) {
      for (const p of node.items) {
        const k = p.key as Node | null;
        if (isScalar(k) && k.value === 'env' && isMapNode(p.value)) fn(p.value as Node);
        else walkNode(p.value, depth + 1);
      }
    } else if (isSeqNode(node)) for (const i of node.items) walkNode(i, depth + 1);
  };
  walkNode(src.doc.contents, 0);
}

function auditExpressions(src: YamlSource, triggers: Map<string, Node | null>, emit: Emit): void {
  const prTriggers = [...triggers.keys()].some((t) => PR_TRIGGERS.has(t));
  scalars(src, (node, key, keyStart) => {
    const [bs, be] = scalarBody(src, node);
    const firstExpr = src.text.indexOf('${{', bs);
    if (key !== 'if' && (firstExpr === -1 || firstExpr >= be)) return;
    const occs: Occurrence[] = findExpressions(src.text, bs, be);
    const exprs: { expr: Expr; occ?: Occurrence }[] = [];
    for (const o of occs) {
      if (o.error) {
        emit({ ruleId: 'gha-expression-syntax', start: o.start, end: o.end, message: `Expression does not parse: ${o.error.message}.`, identity: o.text, ...(keyStart !== undefined ? { anchor: keyStart } : {}) });
      } else if (o.expr) exprs.push({ expr: o.expr, occ: o });
    }
    if (key === 'if') {
      const value = str(node) ?? '';
      if (occs.length > 0) {
        const single = occs.length === 1 && value.startsWith('${{') && value.endsWith('}}');
        if (!single) {
          emit({ ruleId: 'gha-always-true-if', start: node.range![0], end: node.range![1], message: 'This if: mixes ${{ }} with other text (or a trailing newline), so it is a non-empty string and always true.', identity: value.trim(), anchor: keyStart! });
        }
      } else if (node.type === 'PLAIN' || node.type === 'QUOTE_SINGLE' || node.type === 'QUOTE_DOUBLE') {
        try {
          // Bare conditions are expressions too.
          const parsed = findBare(src, bs, be);
          if (parsed) exprs.push({ expr: parsed });
        } catch (err) {
          emit({ ruleId: 'gha-expression-syntax', start: bs, end: be, message: `Condition does not parse: ${(err as Error).message}.`, identity: value, anchor: keyStart! });
        }
      }
    }
    for (const { expr } of exprs) {
      walk(expr, (n) => {
        const anchor = keyStart !== undefined ? { anchor: keyStart } : {};
        if (n.kind === 'call' && n.name === 'tojson' && n.args.length === 1) {
          const p = accessPath(n.args[0]!);
          if (p && p.length === 1 && p[0] === 'secrets') emit({ ruleId: 'gha-secrets-tojson', start: n.start, end: n.end, message: 'toJSON(secrets) exposes every secret of the repository to this step.', identity: src.text.slice(n.start, n.end), ...anchor });
        }
        if (n.kind === 'access' && n.base && n.base.kind === 'call' && n.base.name === 'fromjson') {
          const inner = n.base.args[0];
          const p = inner ? accessPath(inner) : undefined;
          if (p && p[0] === 'secrets') emit({ ruleId: 'gha-unredacted-secret', start: n.start, end: n.end, message: `Fields of the JSON secret ${p.slice(1).join('.')} are not masked in logs.`, identity: src.text.slice(n.start, n.end), ...anchor });
        }
        if (n.kind === 'access' && !n.base && n.segments.some((s) => s.bracket && s.index === undefined && /^[a-z_][a-z0-9_]*$/.test(s.name))) {
          emit({ ruleId: 'gha-obfuscated-expression', start: n.start, end: n.end, message: `Bracket access with a literal hides the context path; write ${[n.root, ...n.segments.map((s) => s.name)].join('.')}.`, identity: src.text.slice(n.start, n.end), ...anchor });
        }
        if (n.kind === 'call' && n.name === 'format' && n.args.length > 1 && n.args.every((a) => a.kind === 'literal')) {
          emit({ ruleId: 'gha-obfuscated-expression', start: n.start, end: n.end, message: 'format() with only literal arguments builds a constant; write the value directly.', identity: src.text.slice(n.start, n.end), ...anchor });
        }
        if (n.kind === 'call' && n.name === 'fromjson' && n.args[0]?.kind === 'literal' && typeof n.args[0].value === 'string' && !/^\s*[[{]/.test(n.args[0].value)) {
          emit({ ruleId: 'gha-obfuscated-expression', start: n.start, end: n.end, message: 'fromJSON() of a scalar literal hides a constant; write the value directly.', identity: src.text.slice(n.start, n.end), ...anchor });
        }
        if (n.kind === 'call' && n.name === 'contains' && n.args.length === 2) {
          const [hay, needle] = n.args;
          if (hay?.kind === 'literal' && typeof hay.value === 'string' && /[\s,]/.test(hay.value.trim()) && needle?.kind === 'access') {
            emit({ ruleId: 'gha-unsound-contains', start: n.start, end: n.end, message: 'contains() on a string matches any substring; use fromJSON(\'["a","b"]\') as the list.', identity: src.text.slice(n.start, n.end), ...anchor });
          }
        }
        if (key === 'if' && prTriggers && n.kind === 'binary' && (n.op === '==' || n.op === '!=')) {
          for (const [a, b] of [[n.left, n.right], [n.right, n.left]] as const) {
            const p = accessPath(a);
            if (p && p[0] === 'github' && (p[1] === 'actor' || p[1] === 'triggering_actor') && p.length === 2 && b.kind === 'literal' && typeof b.value === 'string' && /\[bot\]$/i.test(b.value)) {
              emit({ ruleId: 'gha-bot-actor-condition', start: n.start, end: n.end, message: `github.${p[1]} == '${b.value}' can be satisfied by an attacker's branch the bot touched; check the pull request author instead.`, identity: src.text.slice(n.start, n.end), ...anchor });
            }
          }
        }
      });
    }
  });
}

function findBare(src: YamlSource, bs: number, be: number): Expr | undefined {
  if (src.text.slice(bs, be).trim() === '') return undefined;
  return parseExpression(src.text, bs, be);
}

function auditEnvFlags(src: YamlSource, emit: Emit): void {
  envMaps(src, (env) => {
    for (const [name, ep] of entries(src, env)) {
      const v = str(ep.value);
      const vr = (ep.value as Node | null)?.range;
      const start = vr?.[0] ?? ep.key.range![0];
      const end = vr?.[1] ?? ep.key.range![1];
      const anchor = ep.key.range![0];
      if (name === 'ACTIONS_ALLOW_UNSECURE_COMMANDS' && truthy(v)) {
        emit({ ruleId: 'gha-unsecure-commands', start, end, message: 'ACTIONS_ALLOW_UNSECURE_COMMANDS re-enables set-env/add-path log commands.', identity: name, anchor });
      }
      if ((name === 'ACTIONS_STEP_DEBUG' || name === 'ACTIONS_RUNNER_DEBUG') && truthy(v)) {
        emit({ ruleId: 'gha-debug-logging-enabled', start, end, message: `${name} forces debug logging on every run.`, identity: name, anchor });
      }
      if (v && isCredentialName(name) && looksLikeLiteralSecret(v)) {
        emit({ ruleId: 'gha-hardcoded-env-credential', start, end, message: `${name} is set to a literal credential; use a secret.`, identity: name, anchor });
      }
    }
  });
}

/** True for env/variable names that hold credentials. */
export function isCredentialName(name: string): boolean {
  return /(?:^|_)(?:TOKEN|PASSWORD|PASSWD|PASS|SECRET|SECRET_KEY|API_?KEY|PRIVATE_KEY|ACCESS_KEY|AUTH_TOKEN|CLIENT_SECRET)$/i.test(name) && !/(?:_FILE|_PATH|_URL|_NAME|_ID|_HEADER|_ENV|_VAR)$/i.test(name);
}

/** True for a literal that looks like a real credential (not a placeholder, not an expression). */
export function looksLikeLiteralSecret(v: string): boolean {
  if (v.includes('${{') || v.includes('$')) return false;
  if (v.length < 16 || /\s/.test(v)) return false;
  if (!/[0-9]/.test(v) || !/[A-Za-z]/.test(v)) return false;
  if (/^(x+|\*+|<.*>|your[-_].*|dummy.*|fake.*|test.*|example.*|changeme.*|placeholder.*)$/i.test(v)) return false;
  return true;
}

function auditPermissions(src: YamlSource, root: Node, jobs: Job[], emit: Emit): void {
  const wfPair = pair(src, root, 'permissions');
  const check = (p: Pair<Scalar, Node | null>, where: string, workflowLevel: boolean): void => {
    const v = p.value;
    if (isScalar(v)) {
      const s = str(v);
      if (s === 'write-all') emit({ ruleId: 'gha-write-all-permissions', start: v.range![0], end: v.range![1], message: `permissions: write-all grants every scope (${where}).`, identity: where, anchor: p.key.range![0] });
      if (s === 'read-all') emit({ ruleId: 'gha-read-all-permissions', start: v.range![0], end: v.range![1], message: `permissions: read-all grants read on every scope (${where}).`, identity: where, anchor: p.key.range![0] });
      return;
    }
    if (!workflowLevel || jobs.length < 2) return;
    for (const [scope, sp] of entries(src, v)) {
      if (str(sp.value) !== 'write') continue;
      const r = sp.value!.range!;
      if (scope === 'id-token') emit({ ruleId: 'gha-id-token-write-workflow', start: sp.key.range![0], end: r[1], message: 'id-token: write at workflow level lets every job mint OIDC tokens; grant it in the deploy job only.', identity: scope, anchor: sp.key.range![0] });
      else emit({ ruleId: 'gha-workflow-level-write', start: sp.key.range![0], end: r[1], message: `${scope}: write at workflow level applies to all ${jobs.length} jobs; grant it in the job that needs it.`, identity: scope, anchor: sp.key.range![0] });
    }
  };
  if (wfPair) check(wfPair, 'workflow', true);
  for (const job of jobs) {
    const jp = pair(src, job.node, 'permissions');
    if (jp) check(jp, `job ${job.id}`, false);
    else if (!wfPair) {
      emit({ ruleId: 'gha-missing-permissions', start: job.keyOffset, end: job.keyOffset + job.id.length, message: `Job ${job.id} has no permissions: block and the workflow sets none, so it gets the default token scopes.`, identity: job.id, anchor: job.keyOffset });
    }
  }
}

function jobIfGuards(src: YamlSource, job: Job): string {
  return str(get(src, job.node, 'if')) ?? '';
}

const SAME_REPO_GUARD = /head\.repo\.full_name\s*==\s*github\.repository|github\.repository\s*==\s*github\.event\.pull_request\.head\.repo\.full_name|head\.repo\.fork\s*==\s*false|!\s*github\.event\.pull_request\.head\.repo\.fork|head_repository\.full_name\s*==\s*github\.repository|author_association|contains\(\s*github\.event\.pull_request\.labels|github\.event\.label\.name/;

function auditTriggers(src: YamlSource, root: Node, triggers: Map<string, Node | null>, jobs: Job[], emit: Emit): void {
  const prt = triggers.get('pull_request_target');
  if (triggers.has('pull_request_target')) {
    const prtNode = get(src, get(src, root, 'on'), 'pull_request_target');
    const typesNode = get(src, prtNode, 'types');
    const types = isSeqNode(typesNode) ? items(src, typesNode).map((t) => str(t) ?? '') : typesNode ? [str(typesNode) ?? ''] : [];
    // Only events a maintainer causes (labelling, assigning...) restrict who can start the run.
    const maintainerOnly = types.length > 0 && types.every((t) => MAINTAINER_PR_EVENTS.has(t));
    const restricted = maintainerOnly || jobs.some((j) => get(src, j.node, 'if') || get(src, j.node, 'environment'));
    // Jobs that only call pinned actions (labelers, greeters) are the intended use; flag when code runs or is checked out.
    const runsCode = jobs.some((j) => !!get(src, j.node, 'uses') || j.steps.some((st) => st.run || (st.uses && (ownerRepo(st.uses) === 'actions/checkout' || st.uses.startsWith('./')))));
    if (!restricted && runsCode) {
      const onPair = pair(src, root, 'on');
      const start = prt?.range?.[0] ?? findTriggerOffset(src, onPair);
      emit({ ruleId: 'gha-pull-request-target-unrestricted', start, end: start + 'pull_request_target'.length, message: 'pull_request_target runs code with secrets for every fork PR, with no if:, environment or maintainer-only types: restriction.', identity: 'pull_request_target', anchor: start });
    }
  }
  const publicTrig = [...triggers.keys()].filter((t) => PUBLIC_TRIGGERS.has(t));
  if (publicTrig.length) {
    for (const job of jobs) {
      const ro = get(src, job.node, 'runs-on');
      const labels = isSeqNode(ro) ? items(src, ro).map((i) => str(i) ?? '') : isScalar(ro) ? [str(ro) ?? ''] : entries(src, ro).flatMap(([, p]) => (isSeqNode(p.value) ? items(src, p.value).map((i) => str(i) ?? '') : [str(p.value) ?? '']));
      if (labels.some((l) => l.toLowerCase() === 'self-hosted')) {
        const rp = pair(src, job.node, 'runs-on')!;
        emit({ ruleId: 'gha-self-hosted-public-trigger', start: rp.key.range![0], end: ro!.range![1], message: `Job ${job.id} runs on a self-hosted runner and the workflow is triggered by ${publicTrig.join(', ')}.`, identity: job.id, anchor: ro!.range![0] });
      }
    }
  }
}

function findTriggerOffset(src: YamlSource, onPair: Pair<Scalar, Node | null> | undefined): number {
  const r = onPair?.value?.range;
  if (!r) return 0;
  const i = src.text.indexOf('pull_request_target', r[0]);
  return i === -1 ? r[0] : i;
}

/** Step outputs (`stepId` → output names, '*' all) in a job that carry attacker-controlled text. */
function taintedStepOutputs(src: YamlSource, job: Job, wfEnvTainted: Set<string>): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const jobEnvTainted = new Set([...wfEnvTainted, ...taintedEnvNames(src, get(src, job.node, 'env'))]);
  for (const step of job.steps) {
    const id = str(get(src, step.node, 'id'));
    if (!id) continue;
    if (step.uses) {
      const known = TAINTED_OUTPUT_ACTIONS.get(ownerRepo(step.uses));
      if (known) out.set(id, new Set(known));
      if (ownerRepo(step.uses) === 'actions/github-script') {
        const script = str(get(src, step.with, 'script')) ?? '';
        if (/context\.payload\.(?:issue|pull_request|comment|review|discussion)\.(?:title|body|head\.ref)|context\.payload\.head_commit\.message/.test(script) && /return\b|setOutput/.test(script)) out.set(id, new Set(['*']));
      }
    }
    if (step.run) {
      const text = str(step.run) ?? '';
      if (/GITHUB_OUTPUT|::set-output/.test(text)) {
        const stepEnvTainted = taintedEnvNames(src, step.env);
        const usesTaintedVar = [...jobEnvTainted, ...stepEnvTainted].some((n) => new RegExp(`\\$\\{?${n}\\b`).test(text));
        const direct = findExpressions(text).some((o) => o.expr && valueLeaves(o.expr).some((l) => contextTaint(accessPath(l) ?? []) === 'attacker'));
        if (usesTaintedVar || direct) out.set(id, new Set(['*']));
      }
    }
  }
  return out;
}

function exprTaintedByAttacker(text: string, stepOut?: Map<string, Set<string>>): boolean {
  return findExpressions(text).some(
    (o) =>
      o.expr &&
      valueLeaves(o.expr).some((l) => {
        const p = accessPath(l) ?? [];
        if (contextTaint(p) === 'attacker') return true;
        if (stepOut && p[0] === 'steps' && p[2] === 'outputs') {
          const outs = stepOut.get(p[1] ?? '');
          return !!outs && (outs.has('*') || outs.has(p[3] ?? ''));
        }
        return false;
      }),
  );
}

const envTaintCache = new WeakMap<Node, string[]>();

function taintedEnvNames(src: YamlSource, env: Node | null): string[] {
  if (!env) return [];
  let names = envTaintCache.get(env);
  if (!names) {
    names = entries(src, env)
      .filter(([, p]) => exprTaintedByAttacker(str(p.value) ?? ''))
      .map(([k]) => k);
    envTaintCache.set(env, names);
  }
  return names;
}

/** Job outputs (`jobId` → names) that carry attacker-controlled text. */
function taintedJobOutputs(src: YamlSource, jobs: Job[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const wfEnv = new Set(taintedEnvNames(src, get(src, src.doc.contents, 'env')));
  for (const job of jobs) {
    const stepOut = taintedStepOutputs(src, job, wfEnv);
    job.stepOutputs = stepOut;
    const names = new Set<string>();
    for (const [name, p] of entries(src, get(src, job.node, 'outputs'))) {
      const v = str(p.value) ?? str(get(src, p.value, 'value')) ?? '';
      if (exprTaintedByAttacker(v, stepOut)) names.add(name);
    }
    if (names.size) out.set(job.id, names);
  }
  return out;
}

interface Sink {
  node: Scalar;
  kind: 'run' | 'code-input';
  name: string;
  anchor: number;
}

function stepSinks(src: YamlSource, step: Step): Sink[] {
  const sinks: Sink[] = [];
  if (step.run && step.runPair) sinks.push({ node: step.run, kind: 'run', name: 'run', anchor: step.runPair.key.range![0] });
  if (step.uses) {
    const inputs = CODE_INPUTS.get(ownerRepo(step.uses));
    if (inputs) {
      for (const [k, p] of entries(src, step.with)) {
        if (inputs.includes(k.toLowerCase()) && isScalar(p.value)) sinks.push({ node: p.value, kind: 'code-input', name: `${ownerRepo(step.uses)} ${k}`, anchor: p.key.range![0] });
      }
    }
  }
  return sinks;
}

function auditInjection(src: YamlSource, root: Node, job: Job, jobOutputs: Map<string, Set<string>>, triggers: Map<string, Node | null>, emit: Emit): void {
  const wfEnv = new Set(taintedEnvNames(src, get(src, root, 'env')));
  const jobEnv = new Set(taintedEnvNames(src, get(src, job.node, 'env')));
  const stepOut = job.stepOutputs ?? taintedStepOutputs(src, job, wfEnv);
  const dangerous = [...triggers.keys()].filter((t) => DANGEROUS_TRIGGERS.has(t));
  const needs = new Set(
    isSeqNode(get(src, job.node, 'needs')) ? items(src, get(src, job.node, 'needs')).map((n) => str(n) ?? '') : [str(get(src, job.node, 'needs')) ?? ''],
  );
  for (const step of job.steps) {
    const stepEnv = new Set(taintedEnvNames(src, step.env));
    for (const sink of stepSinks(src, step)) {
      const [bs, be] = scalarBody(src, sink.node);
      for (const occ of findExpressions(src.text, bs, be)) {
        if (!occ.expr) continue;
        const seen = new Set<string>();
        for (const leaf of valueLeaves(occ.expr)) {
          const p = accessPath(leaf);
          if (!p) continue;
          const text = src.text.slice(leaf.start, leaf.end);
          if (seen.has(text)) continue;
          seen.add(text);
          const base = { start: leaf.start, end: leaf.end, anchor: sink.anchor, identity: `${job.id}|${step.label}|${sink.name}|${text}` };
          const taint = contextTaint(p);
          if (taint === 'attacker') {
            emit({ ruleId: 'gha-template-injection', ...base, message: `${text} is attacker-controlled and is expanded into ${sink.name} of job ${job.id}; pass it through env: and use "$VAR".` });
          } else if (taint === 'input') {
            emit({ ruleId: 'gha-input-injection', ...base, message: `${text} is chosen by whoever triggers or calls this and is expanded into ${sink.name}; pass it through env:.` });
          } else if (p[0] === 'steps' && p[2] === 'outputs') {
            const outs = stepOut.get(p[1] ?? '');
            if (outs && (outs.has('*') || outs.has(p[3] ?? ''))) emit({ ruleId: 'gha-step-output-injection', ...base, message: `${text} carries attacker-controlled text (step ${p[1]} computed it from an untrusted context); pass it through env:.` });
          } else if (p[0] === 'needs' && p[2] === 'outputs' && needs.has(p[1] ?? '')) {
            const outs = jobOutputs.get(p[1] ?? '');
            if (outs && outs.has(p[3] ?? '')) emit({ ruleId: 'gha-step-output-injection', ...base, message: `${text} carries attacker-controlled text from job ${p[1]}; pass it through env:.` });
          } else if (p[0] === 'env' && p.length === 2) {
            const name = p[1]!;
            const entry = [step.env, get(src, job.node, 'env'), get(src, root, 'env')].flatMap((e) => entries(src, e)).find(([k]) => k.toLowerCase() === name);
            const tainted = entry && (stepEnv.has(entry[0]) || jobEnv.has(entry[0]) || wfEnv.has(entry[0]));
            if (tainted) emit({ ruleId: 'gha-env-injection', ...base, message: `env.${entry[0]} holds attacker-controlled text and \${{ env.${entry[0]} }} pastes it into the script; use "$${entry[0]}".` });
          } else if (p[0] === 'secrets' && sink.kind === 'run') {
            emit({ ruleId: 'gha-secret-in-run', ...base, message: `${text} is pasted into the script text; pass it through env:.` });
          }
        }
      }
      if (sink.kind === 'run') {
        const script = src.text.slice(bs, be);
        const attackerHere = exprTaintedByAttacker(script, stepOut) || stepEnv.size > 0;
        for (const h of envFileWrites(script)) {
          if (dangerous.length || attackerHere) {
            const why = dangerous.length ? `the workflow is triggered by ${dangerous.join(', ')}` : 'the step handles attacker-controlled values';
            emit({ ruleId: 'gha-github-env-write', start: bs + h.start, end: bs + h.end, anchor: sink.anchor, identity: `${job.id}|${step.label}|${h.text.replace(/\s+/g, ' ')}`, message: `Writes to ${/PATH/.test(h.text) ? 'GITHUB_PATH' : 'GITHUB_ENV'} while ${why}; later steps trust that file.` });
          }
        }
        scriptAudits(src, job, step, bs, be, sink.anchor, emit);
      }
    }
  }
}

function scriptAudits(src: YamlSource, job: Job, step: Step, bs: number, be: number, anchor: number, emit: Emit): void {
  const script = src.text.slice(bs, be);
  const id = (t: string): string => `${job.id}|${step.label}|${t.replace(/\s+/g, ' ').trim()}`;
  for (const h of pipeToShell(script)) emit({ ruleId: 'gha-curl-pipe-shell', start: bs + h.start, end: bs + h.end, anchor, identity: id(h.text), message: 'A downloaded script is piped straight into an interpreter; pin and verify it first.' });
  for (const h of adhocInstalls(script)) emit({ ruleId: 'gha-adhoc-install-from-url', start: bs + h.start, end: bs + h.end, anchor, identity: id(h.text), message: 'Installs a package from a URL or @latest without a pinned version or hash.' });
  for (const h of plainHttpDownloads(script)) emit({ ruleId: 'gha-insecure-download-url', start: bs + h.start, end: bs + h.end, anchor, identity: id(h.text), message: `Downloads ${h.text} over plain http.` });
  for (const h of deprecatedCommands(script)) emit({ ruleId: 'gha-deprecated-workflow-command', start: bs + h.start, end: bs + h.end, anchor, identity: id(h.text), message: `${h.text} is a deprecated workflow command; write to the GITHUB_* files instead.` });
}

const CHECKOUT_UNTRUSTED_REF = /github\.event\.pull_request\.head\.(?:sha|ref)|github\.head_ref|github\.event\.workflow_run\.head_(?:sha|branch)|refs\/pull\/|github\.event\.issue\.number|github\.event\.pull_request\.merge_commit_sha|github\.event\.workflow_run\.pull_requests|head\.repo\.full_name|steps\.[\w-]+\.outputs\.head_(?:ref|sha)/;
const BUILD_ACTIONS = /^(?:\.\/|docker\/build-push-action|gradle\/|cypress-io\/github-action|github\/codeql-action\/autobuild|golangci\/golangci-lint-action|pre-commit\/action|ruby\/setup-ruby|actions\/setup-node)/i;

function auditCheckout(src: YamlSource, job: Job, triggers: Map<string, Node | null>, emit: Emit): void {
  const dangerous = [...triggers.keys()].filter((t) => DANGEROUS_TRIGGERS.has(t));
  if (!dangerous.length) return;
  if (SAME_REPO_GUARD.test(jobIfGuards(src, job))) return;
  job.steps.forEach((step, i) => {
    let untrusted: { start: number; end: number; text: string; rest?: string } | undefined;
    if (step.uses && ownerRepo(step.uses) === 'actions/checkout') {
      for (const key of ['ref', 'repository']) {
        const v = get(src, step.with, key);
        const s = str(v);
        if (s && CHECKOUT_UNTRUSTED_REF.test(s)) {
          untrusted = { start: v!.range![0], end: v!.range![1], text: s };
          break;
        }
      }
    } else if (step.run) {
      const [bs, be] = scalarBody(src, step.run);
      const script = src.text.slice(bs, be);
      const m = /\bgh\s+pr\s+checkout\b|\bgit\s+fetch\b[^\n]*\bpull\/|\bgit\s+checkout\b[^\n]*(?:FETCH_HEAD|\$\{\{\s*github\.(?:head_ref|event\.pull_request\.head))/.exec(script);
      if (m) untrusted = { start: bs + m.index, end: bs + m.index + m[0].length, text: m[0], rest: script.slice(m.index + m[0].length) };
    }
    if (!untrusted) return;
    if (SAME_REPO_GUARD.test(str(get(src, step.node, 'if')) ?? '')) return;
    const later = job.steps.slice(i + 1);
    const sameScript = untrusted.rest !== undefined && /(?:&&|;|\n)\s*[^\s#]/.test(untrusted.rest) ? step : undefined;
    const exec = sameScript ?? later.find((s) => s.run || (s.uses && BUILD_ACTIONS.test(s.uses)));
    const anchor = step.node.range![0];
    const identity = `${job.id}|${step.label}|${untrusted.text.replace(/\s+/g, ' ')}`;
    if (exec) {
      emit({ ruleId: 'gha-untrusted-checkout-exec', start: untrusted.start, end: untrusted.end, anchor, identity, message: `Job ${job.id} (${dangerous.join(', ')}) checks out the pull request head and then runs it${exec === step ? ' in the same script' : ` in step ${exec.index + 1}`}.` });
    } else {
      emit({ ruleId: 'gha-untrusted-checkout', start: untrusted.start, end: untrusted.end, anchor, identity, message: `Job ${job.id} (${dangerous.join(', ')}) checks out the pull request head in a privileged context.` });
    }
  });
  if (triggers.has('workflow_run')) {
    job.steps.forEach((step, i) => {
      const u = step.uses ? ownerRepo(step.uses) : '';
      const viaAction = (u === 'actions/download-artifact' && (get(src, step.with, 'run-id') || get(src, step.with, 'github-token'))) || u === 'dawidd6/action-download-artifact';
      const runText = step.run ? str(step.run) ?? '' : '';
      const viaCli = /\bgh\s+run\s+download\b/.test(runText);
      if (!viaAction && !viaCli) return;
      const exec = job.steps.slice(i + (viaCli ? 0 : 1)).find((s) => s.run && (s !== step || /\n\s*\S/.test(runText.split(/gh\s+run\s+download/)[1] ?? '')));
      if (!exec) return;
      const node = viaCli ? step.run! : step.usesNode!;
      emit({ ruleId: 'gha-workflow-run-artifact', start: node.range![0], end: node.range![1], anchor: step.node.range![0], identity: `${job.id}|${step.label}|artifact`, message: `Job ${job.id} downloads artifacts of the triggering (untrusted) run and then runs scripts.` });
    });
  }
}

function auditJobMisc(src: YamlSource, job: Job, triggers: Map<string, Node | null>, emit: Emit): void {
  // secrets: inherit
  const secrets = get(src, job.node, 'secrets');
  if (isScalar(secrets) && str(secrets) === 'inherit') {
    emit({ ruleId: 'gha-secrets-inherit', start: secrets.range![0], end: secrets.range![1], anchor: secrets.range![0], identity: job.id, message: `Job ${job.id} passes every secret to the called workflow.` });
  }
  // secrets outside environment
  if (job.id !== '(action)' && !get(src, job.node, 'environment') && !get(src, job.node, 'uses')) {
    const [s, e] = job.node.range ?? [0, 0];
    const seen = new Set<string>();
    for (const occ of findExpressions(src.text, s, e)) {
      for (const a of occ.expr ? contextAccesses(occ.expr) : []) {
        if (a.path[0] !== 'secrets' || a.path.length < 2 || a.path[1] === 'github_token' || seen.has(a.path[1]!)) continue;
        seen.add(a.path[1]!);
        emit({ ruleId: 'gha-secrets-outside-environment', start: a.node.start, end: a.node.end, identity: `${job.id}|${a.path[1]}`, message: `Job ${job.id} reads secrets.${a.path[1]} without a deployment environment.` });
      }
    }
  }
  // container/services: images and credentials
  const container = get(src, job.node, 'container');
  const svcs = entries(src, get(src, job.node, 'services')).map(([name, p]) => [`service ${name}`, p.value] as const);
  for (const [what, node] of [['container', container] as const, ...svcs]) {
    if (!node) continue;
    const image = isScalar(node) ? node : get(src, node, 'image');
    if (isScalar(image)) imageAudit(src, job, what, image, emit);
    const pw = get(src, get(src, node, 'credentials'), 'password');
    const pws = str(pw);
    if (pw && pws && !pws.includes('${{')) {
      emit({ ruleId: 'gha-hardcoded-container-credentials', start: pw.range![0], end: pw.range![1], anchor: pw.range![0], identity: `${job.id}|${what}`, message: `The ${what} registry password of job ${job.id} is written in the file.` });
    }
  }
  // checkout credentials and artifacts
  const pushes = job.steps.some((s) => (s.run && pushesToGit(str(s.run) ?? '')) || (s.uses && /^(?:stefanzweifel\/git-auto-commit-action|endbug\/add-and-commit|ad-m\/github-push-action)/i.test(s.uses)));
  let persisted: Step | undefined;
  for (const step of job.steps) {
    const u = step.uses ? ownerRepo(step.uses) : '';
    if (u === 'actions/checkout') {
      const pc = str(get(src, step.with, 'persist-credentials'));
      if (pc === undefined || pc.trim().toLowerCase() !== 'false') {
        persisted = step;
        if (!pushes && pc === undefined) {
          emit({ ruleId: 'gha-checkout-persist-credentials', start: step.usesNode!.range![0], end: step.usesNode!.range![1], anchor: step.node.range![0], identity: `${job.id}|${step.label}`, message: 'actions/checkout keeps the token in .git/config; add persist-credentials: false.' });
        }
      } else persisted = undefined;
    }
    if (persisted && (u === 'actions/upload-artifact' || u === 'actions/upload-pages-artifact')) {
      const pathNode = get(src, step.with, 'path');
      const paths = (str(pathNode) ?? '').split('\n').map((x) => x.trim()).filter(Boolean);
      if (paths.some((x) => /^(?:\.\/?|\*\*?|\$\{\{\s*github\.workspace\s*\}\}\/?|\.\/\*\*?)$/.test(x))) {
        emit({ ruleId: 'gha-artifact-credential-leak', start: pathNode!.range![0], end: pathNode!.range![1], anchor: pathNode!.range![0], identity: `${job.id}|${step.label}`, message: `The workspace, with the token persisted by checkout in step ${persisted.index + 1}, is uploaded as an artifact.` });
      }
    }
  }
  // publishing with long-lived tokens
  const jobEnv = get(src, job.node, 'env');
  const wfEnv = get(src, src.doc.contents, 'env');
  for (const step of job.steps) {
    const envNames = [step.env, jobEnv, wfEnv].flatMap((e) => entries(src, e).filter(([, p]) => /\bsecrets\./.test(str(p.value) ?? '')).map(([k]) => k));
    if (step.run) {
      const [bs, be] = scalarBody(src, step.run);
      const script = src.text.slice(bs, be);
      for (const h of publishCommands(script)) {
        const npm = !h.text.startsWith('twine');
        const tok = npm ? envNames.find((n) => /^(NODE_AUTH_TOKEN|NPM_TOKEN|NPM_AUTH_TOKEN)$/.test(n)) : envNames.find((n) => /^(TWINE_PASSWORD|PYPI_API_TOKEN|PYPI_TOKEN)$/.test(n));
        const inline = npm ? /NPM_TOKEN|NODE_AUTH_TOKEN|_authToken/.test(script) && /secrets\./.test(script) : /TWINE_PASSWORD|--password|-p\s/.test(script) && /secrets\./.test(script);
        if (tok || inline) emit({ ruleId: 'gha-long-lived-publish-token', start: bs + h.start, end: bs + h.end, anchor: step.runPair!.key.range![0], identity: `${job.id}|${step.label}|${h.text}`, message: `${h.text} uses a stored registry token${tok ? ` (${tok})` : ''}; use trusted publishing with id-token: write.` });
      }
    }
    if (step.uses && ownerRepo(step.uses) === 'pypa/gh-action-pypi-publish') {
      const pw = pair(src, step.with, 'password');
      if (pw && pw.value) emit({ ruleId: 'gha-long-lived-publish-token', start: pw.value.range![0], end: pw.value.range![1], anchor: pw.key.range![0], identity: `${job.id}|${step.label}|pypi-password`, message: 'pypa/gh-action-pypi-publish is given a stored API token; drop password: and use trusted publishing.' });
    }
  }
  // cache poisoning in release workflows
  const on = get(src, src.doc.contents, 'on');
  const release = triggers.has('release') || !!get(src, get(src, on, 'push'), 'tags');
  if (release) {
    const pub = job.steps.some((s) => (s.run && publishes(str(s.run) ?? '')) || (s.uses && /^(?:pypa\/gh-action-pypi-publish|softprops\/action-gh-release|goreleaser\/goreleaser-action|docker\/build-push-action|ncipollo\/release-action|js-devtools\/npm-publish)/i.test(s.uses)));
    if (pub) {
      for (const step of job.steps) {
        if (!step.uses) continue;
        const u = ownerRepo(step.uses);
        const cacheIn = get(src, step.with, 'cache');
        const cacheVal = str(cacheIn);
        const setupCache = /^actions\/setup-/.test(u) && cacheVal !== undefined && cacheVal !== '' && cacheVal.toLowerCase() !== 'false';
        const explicit = u === 'actions/cache' || u === 'swatinem/rust-cache' || setupCache;
        if (explicit) {
          const n = setupCache ? cacheIn! : step.usesNode!;
          emit({ ruleId: 'gha-cache-poisoning', start: n.range![0], end: n.range![1], anchor: step.node.range![0], identity: `${job.id}|${step.label}|${u}`, message: `Job ${job.id} publishes a release and restores a cache (${u}) that other runs can write.` });
        }
        const cacheFrom = get(src, step.with, 'cache-from');
        if (u === 'docker/build-push-action' && /\btype=gha\b/.test(str(cacheFrom) ?? '')) {
          emit({ ruleId: 'gha-cache-poisoning', start: cacheFrom!.range![0], end: cacheFrom!.range![1], anchor: step.node.range![0], identity: `${job.id}|${step.label}|${u}|cache-from`, message: `Job ${job.id} builds a release image with layers from the shared GitHub Actions cache (cache-from: type=gha), which pull request runs can write.` });
        }
      }
    }
  }
}

function imageAudit(src: YamlSource, job: Job, what: string, image: Scalar, emit: Emit): void {
  const ref = str(image) ?? '';
  if (!ref || ref.includes('${{') || ref.includes('@sha256:')) return;
  const lastSlash = ref.lastIndexOf('/');
  const colon = ref.indexOf(':', lastSlash + 1);
  const tag = colon === -1 ? '' : ref.slice(colon + 1);
  const base = { start: image.range![0], end: image.range![1], anchor: image.range![0], identity: `${job.id}|${what}|${ref}` };
  if (!tag || tag === 'latest') emit({ ruleId: 'gha-mutable-latest-image', ...base, message: `The ${what} image ${ref} has no fixed tag; pin a version and digest.` });
  else emit({ ruleId: 'gha-unpinned-image', ...base, message: `The ${what} image ${ref} is not pinned by digest.` });
}

function auditDockerActionImage(src: YamlSource, runs: Node | null, emit: Emit): void {
  const image = get(src, runs, 'image');
  const s = str(image);
  if (!isScalar(image) || !s || !s.startsWith('docker://')) return;
  if (!s.includes('@sha256:')) emit({ ruleId: 'gha-unpinned-docker-uses', start: image.range![0], end: image.range![1], anchor: image.range![0], identity: `(action)|${s}`, message: `The action image ${s} is not pinned by digest.` });
}

function auditStepUses(src: YamlSource, job: Job, step: Step, opts: GithubAuditOptions, emit: Emit): void {
  if (step.usesNode) auditUses(src, job, step, step.usesNode, opts, emit);
}

function auditUses(src: YamlSource, job: Job, step: Step | undefined, node: Scalar, opts: GithubAuditOptions, emit: Emit): void {
  const uses = (str(node) ?? '').trim();
  if (!uses || uses.startsWith('./') || uses.includes('${{')) return;
  const where = step ? `${job.id}|${step.label}` : job.id;
  const base = { start: node.range![0], end: node.range![1], anchor: node.range![0], identity: `${where}|${uses}` };
  if (uses.startsWith('docker://')) {
    if (!uses.includes('@sha256:')) emit({ ruleId: 'gha-unpinned-docker-uses', ...base, message: `${uses} is not pinned by digest.` });
    return;
  }
  const at = uses.lastIndexOf('@');
  const name = at === -1 ? uses : uses.slice(0, at);
  const ref = at === -1 ? '' : uses.slice(at + 1);
  const [owner = '', repo = ''] = name.split('/');
  const or = `${owner}/${repo}`.toLowerCase();
  // typosquats and archived actions first: they matter even when pinned.
  const lowOwner = owner.toLowerCase();
  const popular = POPULAR_OWNERS.map((o) => o.toLowerCase());
  if (!popular.includes(lowOwner) && !KNOWN_NEAR_OWNERS.has(lowOwner) && !opts.trustedOwners.some((t) => t.toLowerCase() === lowOwner)) {
    const like = popular.find((p) => p.length >= 4 && editDistance1(lowOwner, p));
    if (like) emit({ ruleId: 'gha-typosquat-action', ...base, message: `Owner '${owner}' is one character away from '${like}': check this is not a typosquat.` });
  }
  const archived = ARCHIVED_ACTIONS.get(or) ?? [...ARCHIVED_ACTIONS].find(([k]) => k.endsWith('/*') && k.slice(0, -2).toLowerCase() === lowOwner)?.[1];
  if (archived) emit({ ruleId: 'gha-archived-action', ...base, message: `${or} is archived; use ${archived}.` });
  if (/^[0-9a-f]{40}$/i.test(ref)) return;
  if (opts.allowRefPin.some((p) => globMatch(p.includes('/') ? p : `${p}/*`, or) || globMatch(p, name))) return;
  if (!ref || BRANCH_REFS.has(ref.toLowerCase()) || /^(?:refs\/heads\/|feature\/|fix\/)/.test(ref)) {
    emit({ ruleId: 'gha-branch-ref-action', ...base, message: `${name} is used from ${ref ? `branch ${ref}` : 'no ref at all'}; pin a commit SHA.` });
    return;
  }
  if (!step && /\.github\/workflows\//.test(name)) {
    emit({ ruleId: 'gha-unpinned-reusable-workflow', ...base, message: `Reusable workflow ${name} is pinned to ${ref}, not a commit SHA.` });
    return;
  }
  if (lowOwner === 'actions' || lowOwner === 'github') emit({ ruleId: 'gha-unpinned-first-party-action', ...base, message: `${name}@${ref} is a tag; pin the commit SHA or allow ${lowOwner}/* in allowRefPin.` });
  else emit({ ruleId: 'gha-unpinned-action', ...base, message: `${name}@${ref} is a tag the owner can move; pin the full commit SHA.` });
}

function auditDependabot(src: YamlSource, root: unknown, emit: Emit): void {
  for (const u of items(src, get(src, root, 'updates'))) {
    const p = pair(src, u, 'insecure-external-code-execution');
    if (p && str(p.value) === 'allow') {
      const eco = str(get(src, u, 'package-ecosystem')) ?? '?';
      const dir = str(get(src, u, 'directory')) ?? '/';
      emit({ ruleId: 'gha-dependabot-insecure-execution', start: p.key.range![0], end: p.value!.range![1], anchor: p.key.range![0], identity: `${eco}|${dir}`, message: `Dependabot may run code from ${eco} dependencies while it holds registry credentials.` });
    }
  }
}
