/**
 * Audits of the newest zizmor and poutine classes: AI agent actions (Claude Code, Codex, Gemini CLI, AI inference)
 * that outside users can trigger, that get attacker-controlled text in their prompt or that run without tool
 * restrictions; `uses:` forbidden by the `forbiddenUses` policy; and local `./` references that should use
 * GitHub's self-repository syntax `$/`.
 */
import { isScalar } from 'yaml';
import type { Node, Scalar } from 'yaml';
import { accessPath, findExpressions } from '../expr.js';
import { get, isSeq, items, pairOf, pairs, str } from '../../../analyzers/yaml.js';
import type { YamlSource } from '../../../analyzers/yaml.js';
import { contextTaint, globMatch, ownerRepo, valueLeaves } from './model.js';
import type { Emit, Job, Step } from './model.js';

/** One agentic action: the `with:` keys naming who may invoke it, its dangerous sandbox values, whether it needs a tool restriction. */
interface AgentConfig {
  userKeys: string[];
  dangerousSandbox: string[];
  toolRestriction: boolean;
}

/** AI agent actions (`owner/repo`, lower-case). */
export const AGENTIC_ACTIONS: ReadonlyMap<string, AgentConfig> = new Map<string, AgentConfig>([
  ['anthropics/claude-code-action', { userKeys: ['allowed_non_write_users', 'allowed_bots'], dangerousSandbox: [], toolRestriction: false }],
  ['anthropics/claude-code-base-action', { userKeys: [], dangerousSandbox: [], toolRestriction: false }],
  ['openai/codex-action', { userKeys: ['allow-users', 'allow-bots'], dangerousSandbox: ['danger-full-access'], toolRestriction: false }],
  ['google-github-actions/run-gemini-cli', { userKeys: [], dangerousSandbox: [], toolRestriction: true }],
  ['google-gemini/gemini-cli-action', { userKeys: [], dangerousSandbox: [], toolRestriction: true }],
  ['actions/ai-inference', { userKeys: [], dangerousSandbox: [], toolRestriction: false }],
  ['pydantic/ollama-action', { userKeys: [], dangerousSandbox: [], toolRestriction: false }],
]);

/** Triggers through which an outside user can start an agent (zizmor's and poutine's lists together). */
const AGENT_TRIGGERS = ['issue_comment', 'issues', 'pull_request_target', 'pull_request', 'pull_request_review', 'pull_request_review_comment', 'discussion', 'discussion_comment', 'workflow_call'];

/** Shell commands a Gemini `run_shell_command(cmd)` restriction may name without opening a shell to everything. */
const EXPANDABLE = new Set(['echo', 'cat', 'printf', 'tee', 'head', 'tail', 'wc', 'sort']);

/** True when a Gemini tool specifier grants an unrestricted (or expandable) shell. */
function dangerousTool(spec: string): boolean {
  const i = spec.indexOf('run_shell_command');
  if (i === -1) return false;
  const after = spec.slice(i + 'run_shell_command'.length).trimStart();
  if (!after.startsWith('(')) return true;
  const cmd = after.slice(1).split(/[\s),"']/)[0] ?? '';
  return EXPANDABLE.has(cmd);
}

/** The gates that limit who triggers `name` (types, branch and path filters, `if:` of job and step). */
function gatesOf(on: Node | null | undefined, name: string, job: Job, step: Step): string[] {
  const body = get(on, name);
  const gates: string[] = [];
  for (const k of ['types', 'branches', 'branches-ignore', 'paths', 'paths-ignore']) {
    const v = get(body, k);
    if (v) gates.push(`${k} [${(isSeq(v) ? items(v).map((x) => str(x) ?? '') : [str(v) ?? '']).join(', ')}]`);
  }
  const jif = str(get(job.node, 'if'));
  if (jif) gates.push(`job if [${jif.trim()}]`);
  const sif = str(get(step.node, 'if'));
  if (sif) gates.push(`step if [${sif.trim()}]`);
  return gates;
}

/** Audits one step that uses an AI agent action. */
export function auditAgentic(src: YamlSource, root: Node, triggers: Map<string, Node | null>, job: Job, step: Step, emit: Emit): void {
  if (!step.uses || !step.usesNode) return;
  const or = ownerRepo(step.uses);
  const cfg = AGENTIC_ACTIONS.get(or);
  if (!cfg) return;
  const usesNode = step.usesNode;
  const where = `${job.id}|${step.label}`;
  const anchor = step.node.range![0];
  const at = (n: Node | null | undefined, fallback: Node = usesNode): { start: number; end: number } => ({ start: (n ?? fallback).range![0], end: (n ?? fallback).range![1] });
  const onPair = pairOf(root, 'on') ?? pairOf(root, 'true');
  const on = onPair?.value;
  for (const t of AGENT_TRIGGERS) {
    if (!triggers.has(t)) continue;
    const gates = gatesOf(on, t, job, step);
    // Reported at the `on:` block, as zizmor does (the trigger is what lets outsiders in); the step is named in the message.
    const span = onPair?.key?.range && on?.range ? { start: onPair.key.range[0], end: on.range[1] } : at(usesNode);
    emit({ ruleId: 'gha-agentic-untrusted-trigger', ...span, anchor: span.start, identity: `${where}|${or}|${t}`, message: `${t} lets outside users trigger the ${or} step of job ${job.id} and feed it text; ${gates.length ? `gates that may limit it: ${gates.join('; ')}` : 'no gate restricts who triggers it'}.` });
  }
  // Attacker-controlled text flowing into any input of the agent (its prompt, its arguments).
  for (const [key, p] of pairs(step.with)) {
    const v = p.value;
    if (!isScalar(v)) continue;
    const text = str(v) ?? '';
    if (!text.includes('${{')) continue;
    for (const occ of findExpressions(text)) {
      if (!occ.expr) continue;
      const bad = valueLeaves(occ.expr).map((l) => accessPath(l)).find((path) => path && contextTaint(path) === 'attacker');
      if (!bad) continue;
      emit({ ruleId: 'gha-agentic-prompt-injection', ...at(v), anchor: p.key.range![0] as number, identity: `${where}|${key}|${bad.join('.')}`, message: `${bad.join('.')} (attacker-controlled) flows into the ${key} input of ${or}: the text can instruct the agent. Let the agent read the event itself with read-only tools, or pass only trusted fields.` });
      break;
    }
  }
  const unrestricted = (n: Node, key: string, why: string): void => emit({ ruleId: 'gha-agentic-unrestricted', ...at(n), anchor: n.range![0], identity: `${where}|${key}|${why}`, message: `${or}: ${why}.` });
  for (const k of cfg.userKeys) {
    const p = pairOf(step.with, k);
    if (p && isScalar(p.value) && (str(p.value) ?? '').trim() === '*') unrestricted(p.value, k, `${k}: '*' lets any user invoke this agent`);
  }
  const sandbox = pairOf(step.with, 'sandbox');
  const sv = sandbox && isScalar(sandbox.value) ? (str(sandbox.value) ?? '').trim() : '';
  if (sandbox && cfg.dangerousSandbox.includes(sv)) unrestricted(sandbox.value as Scalar, 'sandbox', `sandbox: ${sv} gives the agent unrestricted shell access`);
  const safety = pairOf(step.with, 'safety-strategy');
  if (safety && isScalar(safety.value) && (str(safety.value) ?? '').trim() === 'unsafe') unrestricted(safety.value, 'safety-strategy', 'safety-strategy: unsafe turns off every safety check');
  // Claude: `Bash(*)` (or a bare `Bash`) in claude_args or the older allowed_tools input; any agent: a CLI flag that skips approvals.
  for (const [key, p] of pairs(step.with)) {
    if (!isScalar(p.value)) continue;
    const v = str(p.value) ?? '';
    const bypass = /--dangerously-(?:skip-permissions|bypass-approvals-and-sandbox)\b/.exec(v);
    if (bypass) unrestricted(p.value, key, `${bypass[0]} lets the agent run any tool without approval`);
    else if ((key === 'claude_args' || key === 'allowed_tools') && /(?:^|[\s,"'])Bash(?:\(\s*\*?\s*\)|(?=$|[\s,"']))/.test(v)) unrestricted(p.value, key, 'Bash(*) gives the agent unrestricted shell access');
  }
  if (cfg.toolRestriction) {
    const sp = pairOf(step.with, 'settings');
    let settings: Record<string, unknown> | undefined;
    try {
      const raw = sp && isScalar(sp.value) ? str(sp.value) : undefined;
      const parsed: unknown = raw ? JSON.parse(raw) : undefined;
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) settings = parsed as Record<string, unknown>;
    } catch {
      settings = undefined;
    }
    const tools = settings?.['tools'] as Record<string, unknown> | undefined;
    const hasRestriction = !!tools && typeof tools === 'object' && ('core' in tools || 'exclude' in tools);
    if (!hasRestriction) {
      emit({ ruleId: 'gha-agentic-no-tool-restriction', ...at(sp?.value ?? (pairOf(step.node, 'with')?.key as Node | undefined)), anchor, identity: `${where}|tools`, message: `${or} runs without tools.core or tools.exclude in settings, so the agent may use every tool, the shell included. List the tools it needs in settings.tools.core.` });
    }
    const n = (sp?.value ?? usesNode) as Node;
    const core = tools && Array.isArray(tools['core']) ? (tools['core'] as unknown[]) : [];
    if (core.some((t) => typeof t === 'string' && dangerousTool(t))) unrestricted(n, 'tools.core', 'tools.core grants run_shell_command without a command restriction');
    if (settings && settings['sandbox'] === false) unrestricted(n, 'settings.sandbox', 'settings turn the sandbox off, so the agent has unrestricted access');
    const yolo = (k: string): boolean => settings !== undefined && k in settings && settings[k] !== null && settings[k] !== false;
    if (yolo('--yolo') || yolo('--approval-mode=yolo')) unrestricted(n, 'yolo', 'yolo mode approves every tool call without asking');
  }
}

/** One `forbiddenUses` pattern: `owner/repo[/path][@ref]`, `owner/*`, `*`, with `*` globs. */
export function usesPatternMatches(pattern: string, uses: string): boolean {
  const pAt = pattern.lastIndexOf('@');
  const pPath = (pAt === -1 ? pattern : pattern.slice(0, pAt)).toLowerCase();
  const pRef = pAt === -1 ? undefined : pattern.slice(pAt + 1);
  const uAt = uses.lastIndexOf('@');
  const uPath = (uAt === -1 ? uses : uses.slice(0, uAt)).toLowerCase();
  const uRef = uAt === -1 ? '' : uses.slice(uAt + 1);
  if (pRef !== undefined && pRef !== '*' && pRef !== uRef) return false;
  if (pPath === '*') return true;
  const segs = pPath.split('/');
  // `owner/*` matches every repository and sub-path of the owner; `owner/repo` matches its sub-paths too.
  if (segs.length === 2 && segs[1] === '*') return globMatch(segs[0]!, uPath.split('/')[0] ?? '');
  if (segs.length === 2) return globMatch(pPath, uPath.split('/').slice(0, 2).join('/'));
  return globMatch(pPath, uPath);
}

/** The `forbiddenUses` policy: an allow-list or a deny-list of `uses:` patterns. */
export type ForbiddenUses = { allow: string[] } | { deny: string[] };

/** True when the policy forbids a repository `uses:` (local and `docker://` uses are never forbidden). */
export function forbidden(policy: ForbiddenUses, uses: string): boolean {
  if (uses.startsWith('./') || uses.startsWith('$/') || uses.startsWith('docker://') || uses.includes('${{')) return false;
  return 'allow' in policy ? !policy.allow.some((p) => usesPatternMatches(p, uses)) : policy.deny.some((p) => usesPatternMatches(p, uses));
}

/** Audits one `uses:` (a step's or a reusable-workflow job's) for the forbidden-uses policy and the self-repository syntax. */
export function auditUsesPolicy(job: Job, step: Step | undefined, node: Scalar, policy: ForbiddenUses | undefined, emit: Emit): void {
  const uses = (str(node) ?? '').trim();
  if (!uses) return;
  const where = step ? `${job.id}|${step.label}` : job.id;
  const base = { start: node.range![0], end: node.range![1], anchor: node.range![0] };
  if (policy && forbidden(policy, uses)) {
    emit({ ruleId: 'gha-forbidden-uses', ...base, identity: `${where}|${uses}|forbidden`, message: `${uses} is forbidden by scanners.pipeline.forbiddenUses (${'allow' in policy ? 'not on the allow-list' : 'on the deny-list'}).` });
  }
  if (uses.startsWith('./')) {
    emit({ ruleId: 'gha-self-repository', ...base, identity: `${where}|${uses}|self`, message: `${uses} resolves against whatever is checked out in the workspace (in a reusable workflow, the caller's repository); write $${uses.slice(1)} to use this repository's own file at the same revision.` });
  }
}
