/**
 * zizmor's pedantic audits: code-quality findings reported only from the `pedantic` persona up (rules listed in
 * PERSONA_OF). Anonymous workflows and jobs, missing concurrency limits, permissions without an explaining comment,
 * actions whose job the runner's own tools do, and jobs without a timeout.
 */
import type { Node } from 'yaml';
import { get, isMap, pairOf, pairs, str } from '../../../analyzers/yaml.js';
import type { YamlSource } from '../../../analyzers/yaml.js';
import { ownerRepo } from './model.js';
import type { Emit, Job } from './model.js';

/** Actions the runner images already do with a preinstalled tool, and the tool. */
const SUPERFLUOUS: ReadonlyMap<string, string> = new Map([
  ['dtolnay/rust-toolchain', '`rustup` and/or `cargo` in a script step'],
  ['actions-rs/toolchain', '`rustup` in a script step'],
  ['actions-rs/cargo', '`cargo` in a script step'],
  ['peter-evans/create-or-update-comment', '`gh pr comment` or `gh issue comment` in a script step'],
  ['thollander/actions-comment-pull-request', '`gh pr comment` in a script step'],
  ['marocchino/sticky-pull-request-comment', '`gh pr comment --edit-last` in a script step'],
  ['actions/create-release', '`gh release create` in a script step'],
  ['actions/upload-release-asset', '`gh release upload` in a script step'],
  ['softprops/action-gh-release', '`gh release create`/`gh release upload` in a script step'],
  ['ncipollo/release-action', '`gh release create` in a script step'],
  ['svenstaro/upload-release-action', '`gh release upload` in a script step'],
  ['actions-ecosystem/action-add-labels', '`gh pr edit --add-label` in a script step'],
  ['actions-ecosystem/action-remove-labels', '`gh pr edit --remove-label` in a script step'],
  ['andymckay/labeler', '`gh issue edit --add-label` in a script step'],
  ['peter-evans/close-issue', '`gh issue close` in a script step'],
  ['juliangruber/merge-pull-request-action', '`gh pr merge` in a script step'],
  ['pascalgn/automerge-action', '`gh pr merge --auto` in a script step'],
]);

/** Triggers of a workflow that only other workflows call (concurrency is the caller's business there). */
function reusableOnly(triggers: Map<string, Node | null>): boolean {
  return triggers.size > 0 && [...triggers.keys()].every((t) => t === 'workflow_call');
}

/** True when the line of `offset` carries a comment with words (`packages: write # push the image`). */
function documented(src: YamlSource, offset: number): boolean {
  const a = src.text.lastIndexOf('\n', offset) + 1;
  const b = src.text.indexOf('\n', offset);
  const own = src.text.slice(a, b === -1 ? undefined : b);
  const hash = own.indexOf(' #');
  return hash !== -1 && /\S/.test(own.slice(hash + 2));
}

/** Audits one workflow (or action) for the pedantic findings. */
export function auditPedantic(src: YamlSource, root: Node, jobs: Job[], triggers: Map<string, Node | null>, workflow: boolean, emit: Emit): void {
  if (workflow) {
    // anonymous definitions
    if (!str(get(root, 'name')) && root.range) {
      const first = pairOf(root, 'on') ?? pairOf(root, 'true');
      const at = first?.key?.range ?? [root.range[0], root.range[0] + 1];
      emit({ ruleId: 'gha-anonymous-definition', start: at[0], end: at[1], anchor: at[0], identity: '(workflow)', message: 'The workflow has no name:, so the Actions UI and status checks show its file path; name it.' });
    }
    for (const job of jobs) {
      if (!str(get(job.node, 'name'))) emit({ ruleId: 'gha-anonymous-definition', start: job.keyOffset, end: job.keyOffset + job.id.length, anchor: job.keyOffset, identity: job.id, message: `Job ${job.id} has no name:; name it so checks and logs say what it does.` });
    }
    // concurrency limits
    const wfConc = pairOf(root, 'concurrency');
    const noCancel = (p: ReturnType<typeof pairOf>, where: string): void => {
      if (!p?.key?.range) return;
      if (isMap(p.value) && pairOf(p.value, 'cancel-in-progress')) return;
      emit({ ruleId: 'gha-concurrency-limits', start: p.key.range[0], end: (p.value ?? p.key).range![1], anchor: p.key.range[0], identity: `${where}|no-cancel`, message: `The ${where} concurrency: sets no cancel-in-progress, so new runs queue behind stale ones; set cancel-in-progress (true, or an expression).` });
    };
    if (wfConc) noCancel(wfConc, 'workflow');
    else if (!reusableOnly(triggers)) {
      const bare = jobs.filter((j) => !get(j.node, 'uses') && !pairOf(j.node, 'concurrency'));
      const on = pairOf(root, 'on') ?? pairOf(root, 'true');
      if (bare.length && on?.key?.range) {
        emit({ ruleId: 'gha-concurrency-limits', start: on.key.range[0], end: on.key.range[1], anchor: on.key.range[0], identity: '(workflow)|missing', message: `The workflow sets no concurrency: (nor do ${bare.map((j) => j.id).join(', ')}), so every push starts a run even when a newer one supersedes it; add concurrency: { group: \${{ github.workflow }}-\${{ github.ref }}, cancel-in-progress: true }.` });
      }
    }
    for (const job of jobs) {
      const jc = pairOf(job.node, 'concurrency');
      if (jc) noCancel(jc, `job ${job.id}`);
    }
    // undocumented permissions
    const perms: [string, Node | null | undefined][] = [['workflow', get(root, 'permissions')], ...jobs.map((j) => [`job ${j.id}`, get(j.node, 'permissions')] as [string, Node | null | undefined])];
    for (const [where, node] of perms) {
      const es = pairs(node ?? null);
      if (!es.length) continue;
      if (es.length === 1 && es[0]![0] === 'contents' && str(es[0]![1].value) === 'read') continue;
      for (const [scope, p] of es) {
        // contents: read is the baseline every job needs: it explains itself.
        if (!p.key?.range || (scope === 'contents' && str(p.value) === 'read') || documented(src, p.key.range[0])) continue;
        emit({ ruleId: 'gha-undocumented-permissions', start: p.key.range[0], end: (p.value ?? p.key).range![1], anchor: p.key.range[0], identity: `${where}|${scope}`, message: `${scope}: ${str(p.value) ?? ''} (${where}) has no comment saying why it is needed; add one so reviewers can tell when it can go.` });
      }
    }
    // missing timeouts
    for (const job of jobs) {
      if (get(job.node, 'uses') || pairOf(job.node, 'timeout-minutes')) continue;
      emit({ ruleId: 'gha-missing-timeout', start: job.keyOffset, end: job.keyOffset + job.id.length, anchor: job.keyOffset, identity: job.id, message: `Job ${job.id} sets no timeout-minutes, so a hung step holds the runner (and its token) for up to 6 hours; set a timeout.` });
    }
  }
  // superfluous actions (workflows and composite actions)
  for (const job of jobs) {
    for (const step of job.steps) {
      if (!step.uses || !step.usesNode?.range) continue;
      const alt = SUPERFLUOUS.get(ownerRepo(step.uses));
      if (alt) emit({ ruleId: 'gha-superfluous-action', start: step.usesNode.range[0], end: step.usesNode.range[1], anchor: step.node.range![0], identity: `${job.id}|${step.label}|${ownerRepo(step.uses)}`, message: `${ownerRepo(step.uses)} does what the runner's preinstalled tools do; use ${alt} and drop a third-party dependency.` });
    }
  }
}
