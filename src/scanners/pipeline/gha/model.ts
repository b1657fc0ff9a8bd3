/**
 * The shared model of the GitHub Actions audits: hits, jobs and steps read from the YAML, trigger sets,
 * and the taint helpers (which contexts, env values and step outputs carry attacker-controlled text).
 */
import { isAlias, isScalar } from 'yaml';
import type { Node, Pair, Scalar } from 'yaml';
import { accessPath, findExpressions } from '../expr.js';
import type { Expr } from '../expr.js';
import { ATTACKER_CONTEXTS, FREE_TEXT_LEAVES, FREE_TEXT_NAME_PARENTS, INPUT_CONTEXTS, TAINTED_OUTPUT_ACTIONS } from '../data.js';
import { deref, pairs, get, isMap, isSeq, items, pairOf, str } from '../../../analyzers/yaml.js';
import type { YamlSource } from '../../../analyzers/yaml.js';
import type { OsvRecord } from '../../../advisories/osv.js';

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
  /** Reported only from this persona up (a stricter variant of a rule that is otherwise on). */
  persona?: 'pedantic' | 'auditor';
}

/** Options the audits read from config. */
export interface GithubAuditOptions {
  allowRefPin: string[];
  trustedOwners: string[];
  /** The persona: zizmor's code-quality audits run only from `pedantic` up. */
  persona?: 'regular' | 'pedantic' | 'auditor';
  /** Live advisories of an action (`owner/repo`, lower-case) from the local database, when there is one. */
  advisories?: (name: string) => OsvRecord[];
  /** The `forbiddenUses` policy: an allow-list or a deny-list of `uses:` patterns. */
  forbiddenUses?: { allow: string[] } | { deny: string[] };
}

/** Triggers that run with secrets on events outside contributors cause. */
export const DANGEROUS_TRIGGERS = new Set(['pull_request_target', 'workflow_run', 'issue_comment']);

/** Triggers outside contributors can start. */
export const PUBLIC_TRIGGERS = new Set([
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

/** pull_request_target activity types only a maintainer can cause. */
export const MAINTAINER_PR_EVENTS = new Set(['labeled', 'unlabeled', 'assigned', 'unassigned', 'review_requested', 'review_request_removed', 'locked', 'unlocked', 'milestoned', 'demilestoned', 'enqueued', 'dequeued', 'auto_merge_enabled', 'auto_merge_disabled']);

/** Triggers where a bot actor check can be spoofed through a pull request. */
export const PR_TRIGGERS = new Set(['pull_request', 'pull_request_target', 'pull_request_review', 'pull_request_review_comment', 'workflow_run', 'issue_comment']);

/** Who controls a value: an outside contributor, an invoker, or nobody. */
export type Taint = 'attacker' | 'input' | undefined;

/** True when two path segments match (`*` and `?` match anything). */
export function segMatch(a: string, b: string): boolean {
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
  // Free-text fields of any event payload: titles, bodies, messages, branch names, label names.
  if (path[0] === 'github' && path[1] === 'event' && path.length >= 4) {
    const leaf = path[path.length - 1]!;
    const parent = path[path.length - 2]!;
    const grand = path[path.length - 3] ?? '';
    if (FREE_TEXT_LEAVES.has(leaf)) return 'attacker';
    if (leaf === 'name' && (FREE_TEXT_NAME_PARENTS.has(parent) || ((parent === '*' || parent === '?' || /^\d+$/.test(parent)) && FREE_TEXT_NAME_PARENTS.has(grand)))) return 'attacker';
    if (leaf === 'from' && grand === 'changes') return 'attacker';
    if (leaf === 'ref' && parent === 'head') return 'attacker';
    // The fork's repository name (workflow_run.pull_requests[*].head.repo.name, pull_request.head.repo.name).
    if (leaf === 'name' && parent === 'repo' && grand === 'head') return 'attacker';
  }
  return undefined;
}

/** Functions whose result is a boolean, so their arguments never reach the text. */
export const BOOLEAN_FNS = new Set(['contains', 'startswith', 'endswith', 'hashfiles', 'success', 'always', 'failure', 'cancelled']);

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

/** One step of a job, with the nodes the audits read. */
export interface Step {
  node: Node;
  index: number;
  label: string;
  uses?: string;
  usesNode?: Scalar;
  run?: Scalar;
  runPair?: Pair<Node, Node>;
  with: Node | null | undefined;
  env: Node | null | undefined;
}

/** One job (or the steps of a composite action). */
export interface Job {
  id: string;
  keyOffset: number;
  node: Node;
  steps: Step[];
  /** Step outputs carrying attacker-controlled text, computed once. */
  stepOutputs?: Map<string, Set<string>>;
}

/** Offset of a pair's key. */
export function keyOffset(p: Pair<Node, Node> | undefined): number | undefined {
  return p?.key?.range?.[0];
}

/** `owner/repo` (lower-cased) of a `uses:` value. */
export function ownerRepo(uses: string): string {
  const at = uses.indexOf('@');
  const path = at === -1 ? uses : uses.slice(0, at);
  return path.split('/').slice(0, 2).join('/').toLowerCase();
}

/** Case-insensitive glob match with `*`. */
export function globMatch(pattern: string, value: string): boolean {
  const re = new RegExp(`^${pattern.toLowerCase().replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
  return re.test(value.toLowerCase());
}

/** True when `a` and `b` differ by exactly one insertion, deletion, substitution or transposition. */
export function editDistance1(a: string, b: string): boolean {
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

/** True for true/1/yes/on. */
export function truthy(v: string | undefined): boolean {
  return v !== undefined && /^(true|1|yes|on)$/i.test(v.trim());
}

/** Aliases under `node` (not following them), with their own range and their anchor's range. */
export function aliasesIn(src: YamlSource, node: unknown): { alias: [number, number]; target: [number, number] }[] {
  const out: { alias: [number, number]; target: [number, number] }[] = [];
  const walkNode = (n: unknown, depth: number): void => {
    if (depth > 100 || n === null || n === undefined) return;
    if (isAlias(n)) {
      const t = deref(n);
      if (t?.range && (n as Node).range) out.push({ alias: [(n as Node).range![0], (n as Node).range![1]], target: [t.range[0], t.range[1]] });
    } else if (isMap(n)) for (const p of n.items) walkNode(p.value, depth + 1);
    else if (isSeq(n)) for (const i of n.items) walkNode(i, depth + 1);
  };
  walkNode(node, 0);
  return out;
}

/** The workflow's triggers by name, with the key node when `on:` is a mapping. */
export function readTriggers(src: YamlSource, root: Node): Map<string, Node | null> {
  const out = new Map<string, Node | null>();
  const on = get(root, 'on') ?? get(root, 'true');
  if (isScalar(on)) out.set(String(on.value), null);
  else if (isSeq(on)) for (const i of items(on)) out.set(str(i) ?? '', null);
  else for (const [k, p] of pairs(on)) out.set(k, p.key as unknown as Node);
  return out;
}

/** The steps of a `steps:` sequence. */
export function readSteps(src: YamlSource, seq: Node | null | undefined): Step[] {
  return items(seq).map((node, index) => {
    const usesNode = get(node, 'uses');
    const run = get(node, 'run');
    const name = str(get(node, 'id')) ?? str(get(node, 'name'));
    const step: Step = { node, index, label: name ? `${index}:${name}` : String(index), with: get(node, 'with'), env: get(node, 'env') };
    if (isScalar(usesNode)) {
      step.usesNode = usesNode;
      step.uses = str(usesNode);
    }
    if (isScalar(run)) {
      step.run = run;
      step.runPair = pairOf(node, 'run');
    }
    return step;
  });
}

/** Where audits send their hits. */
export type Emit = (h: Hit) => void;

/** Every scalar value of the file with the key that holds it (one manual walk; aliases are not followed). */
export function scalars(src: YamlSource, fn: (node: Scalar, key: string | undefined, keyStart: number | undefined) => void): void {
  const walkNode = (node: unknown, key: string | undefined, keyStart: number | undefined, depth: number): void => {
    if (depth > 200 || node === null || node === undefined) return;
    if (isScalar(node)) {
      fn(node as Scalar, key, keyStart);
      return;
    }
    if (isMap(node)) {
      for (const p of node.items) {
        const k = p.key as Node | null;
        walkNode(p.value, isScalar(k) ? String(k.value) : undefined, k?.range?.[0], depth + 1);
      }
    } else if (isSeq(node)) {
      for (const i of node.items) walkNode(i, undefined, undefined, depth + 1);
    }
  };
  walkNode(src.doc.contents, undefined, undefined, 0);
}

/** Every `env:` mapping of the file (workflow, job, step, container, service, action). */
export function envMaps(src: YamlSource, fn: (env: Node) => void): void {
  const walkNode = (node: unknown, depth: number): void => {
    if (depth > 200 || node === null || node === undefined) return;
    if (isMap(node)) {
      for (const p of node.items) {
        const k = p.key as Node | null;
        if (isScalar(k) && k.value === 'env' && isMap(p.value)) fn(p.value as Node);
        else walkNode(p.value, depth + 1);
      }
    } else if (isSeq(node)) for (const i of node.items) walkNode(i, depth + 1);
  };
  walkNode(src.doc.contents, 0);
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

/** Step outputs (`stepId` → output names, '*' all) in a job that carry attacker-controlled text. */
export function taintedStepOutputs(src: YamlSource, job: Job, wfEnvTainted: Set<string>): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const jobEnvTainted = new Set([...wfEnvTainted, ...taintedEnvNames(src, get(job.node, 'env'))]);
  for (const step of job.steps) {
    const id = str(get(step.node, 'id'));
    if (!id) continue;
    if (step.uses) {
      const known = TAINTED_OUTPUT_ACTIONS.get(ownerRepo(step.uses));
      if (known) out.set(id, new Set(known));
      if (ownerRepo(step.uses) === 'actions/github-script') {
        const script = str(get(step.with, 'script')) ?? '';
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

/** True when some `${{ }}` in `text` yields attacker-controlled text. */
export function exprTaintedByAttacker(text: string, stepOut?: Map<string, Set<string>>): boolean {
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

/** Tainted env names per env mapping node, computed once. */
export const envTaintCache = new WeakMap<Node, string[]>();

/** Names in an env mapping whose value is attacker-controlled. */
export function taintedEnvNames(src: YamlSource, env: Node | null | undefined): string[] {
  if (!env) return [];
  let names = envTaintCache.get(env);
  if (!names) {
    names = pairs(env)
      .filter(([, p]) => exprTaintedByAttacker(str(p.value) ?? ''))
      .map(([k]) => k);
    envTaintCache.set(env, names);
  }
  return names;
}

/** Job outputs (`jobId` → names) that carry attacker-controlled text. */
export function taintedJobOutputs(src: YamlSource, jobs: Job[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const wfEnv = new Set(taintedEnvNames(src, get(src.doc.contents, 'env')));
  for (const job of jobs) {
    const stepOut = taintedStepOutputs(src, job, wfEnv);
    job.stepOutputs = stepOut;
    const names = new Set<string>();
    for (const [name, p] of pairs(get(job.node, 'outputs'))) {
      const v = str(p.value) ?? str(get(p.value, 'value')) ?? '';
      if (exprTaintedByAttacker(v, stepOut)) names.add(name);
    }
    if (names.size) out.set(job.id, names);
  }
  return out;
}
