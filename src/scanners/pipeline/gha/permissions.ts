/**
 * GITHUB_TOKEN permission audits: missing, write-all/read-all, broad writes at workflow level.
 */
import { isScalar } from 'yaml';
import type { Node, Pair } from 'yaml';
import { pairs, pairOf, str } from '../../../analyzers/yaml.js';
import type { YamlSource } from '../../../analyzers/yaml.js';
import type { Job, Emit } from './model.js';

/** Audits workflow and job `permissions:`. */
export function auditPermissions(src: YamlSource, root: Node, jobs: Job[], emit: Emit): void {
  const wfPair = pairOf(root, 'permissions');
  // As zizmor: a workflow-level read-all/write-all is a pedantic finding when it acts like a job-level one (a single
  // job, every job sets its own permissions, or a workflow only ever called by others).
  const on = pairOf(root, 'on') ?? pairOf(root, 'true');
  const onlyCalled = !!on && (isScalar(on.value) ? str(on.value) === 'workflow_call' : pairs(on.value).length === 1 && pairs(on.value)[0]![0] === 'workflow_call');
  const wfPedantic = jobs.length === 1 || jobs.every((j) => pairOf(j.node, 'permissions')) || onlyCalled;
  const check = (p: Pair<Node, Node>, where: string, workflowLevel: boolean): void => {
    const v = p.value;
    if (isScalar(v)) {
      const s = str(v);
      const persona = workflowLevel && wfPedantic ? { persona: 'pedantic' as const } : {};
      if (s === 'write-all') emit({ ruleId: 'gha-write-all-permissions', start: v.range![0], end: v.range![1], message: `permissions: write-all grants every scope (${where}).`, identity: where, anchor: p.key.range![0], ...persona });
      if (s === 'read-all') emit({ ruleId: 'gha-read-all-permissions', start: v.range![0], end: v.range![1], message: `permissions: read-all grants read on every scope (${where}).`, identity: where, anchor: p.key.range![0], ...persona });
      return;
    }
    if (!workflowLevel || jobs.length < 2) return;
    for (const [scope, sp] of pairs(v)) {
      if (str(sp.value) !== 'write') continue;
      const r = sp.value!.range!;
      if (scope === 'id-token') emit({ ruleId: 'gha-id-token-write-workflow', start: sp.key.range![0], end: r[1], message: 'id-token: write at workflow level lets every job mint OIDC tokens; grant it in the deploy job only.', identity: scope, anchor: sp.key.range![0] });
      else emit({ ruleId: 'gha-workflow-level-write', start: sp.key.range![0], end: r[1], message: `${scope}: write at workflow level applies to all ${jobs.length} jobs; grant it in the job that needs it.`, identity: scope, anchor: sp.key.range![0] });
    }
  };
  if (wfPair) check(wfPair, 'workflow', true);
  // No workflow-level block while a job also has none: the workflow itself is reported (where a fix goes), as each job.
  const bare = wfPair ? [] : jobs.filter((j) => !pairOf(j.node, 'permissions'));
  if (bare.length && root.range) {
    const firstKey = pairOf(root, 'on') ?? pairOf(root, 'true') ?? pairOf(root, 'name');
    const at = firstKey?.key?.range?.[0] ?? root.range[0];
    emit({ ruleId: 'gha-missing-permissions', start: root.range[0], end: Math.max(root.range[0] + 1, Math.min(root.range[1], at + 2)), message: `The workflow sets no permissions: block, so ${bare.length === jobs.length ? 'its jobs get' : `${bare.map((j) => j.id).join(', ')} get${bare.length === 1 ? 's' : ''}`} the repository's default token scopes. Add permissions: contents: read at the top.`, identity: '(workflow)', anchor: root.range[0] });
  }
  for (const job of jobs) {
    const jp = pairOf(job.node, 'permissions');
    if (jp) check(jp, `job ${job.id}`, false);
    else if (!wfPair) {
      emit({ ruleId: 'gha-missing-permissions', start: job.keyOffset, end: job.keyOffset + job.id.length, message: `Job ${job.id} has no permissions: block and the workflow sets none, so it gets the default token scopes.`, identity: job.id, anchor: job.keyOffset });
    }
  }
}
