/**
 * The GitHub Actions audits: one pass over a parsed workflow, composite/Docker action or dependabot.yml,
 * emitting hits with exact source offsets. The audits live in ./gha/, one theme per file; this file
 * runs them in order.
 */
import { isScalar } from 'yaml';
import { pairs, get, isMap, pairOf } from '../../analyzers/yaml.js';
import type { YamlSource } from '../../analyzers/yaml.js';
import { keyOffset, aliasesIn, readTriggers, readSteps, taintedJobOutputs } from './gha/model.js';
import type { Hit, GithubAuditOptions, Job, Emit } from './gha/model.js';
import { auditExpressions, auditEnvFlags } from './gha/expressions.js';
import { auditPermissions } from './gha/permissions.js';
import { auditTriggers, auditCheckout } from './gha/triggers.js';
import { auditInjection } from './gha/injection.js';
import { auditJobMisc } from './gha/jobs.js';
import { auditDockerActionImage, auditStepUses, auditUses, auditDependabot } from './gha/uses.js';
import { auditInstalls } from './gha/installs.js';
import { auditCachePoisoning } from './gha/cache.js';
import { auditPublishing } from './gha/publishing.js';
import { auditPedantic } from './gha/pedantic.js';
import { auditAgentic, auditUsesPolicy } from './gha/agentic.js';

export type { GithubAuditOptions, Hit } from './gha/model.js';
export { contextTaint, isCredentialName, looksLikeLiteralSecret, valueLeaves } from './gha/model.js';

/** What kind of GitHub file a path is. */
export type GithubFileKind = 'workflow' | 'action' | 'dependabot';

/** The kind of GitHub file for a path, or undefined when it is none of them. */
export function githubFileKind(path: string): GithubFileKind | undefined {
  if (/(^|\/)\.github\/workflows\/[^/]+\.ya?ml$/.test(path)) return 'workflow';
  // .github/dependabot.yml is the one GitHub reads; a dependabot.yml elsewhere (a template, a vendored config) is one too.
  if (/(^|\/)dependabot\.ya?ml$/.test(path)) return 'dependabot';
  if (/(^|\/)action\.ya?ml$/.test(path)) return 'action';
  return undefined;
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
  if (!isMap(root)) return hits;

  const triggers = readTriggers(src, root);
  const jobs: Job[] = [];
  if (kind === 'workflow') {
    for (const [id, p] of pairs(get(root, 'jobs'))) {
      const node = get(get(root, 'jobs'), id);
      if (!node) continue;
      jobs.push({ id, keyOffset: keyOffset(p) ?? 0, node, steps: readSteps(src, get(node, 'steps')) });
    }
  } else {
    const runs = get(root, 'runs');
    jobs.push({ id: '(action)', keyOffset: keyOffset(pairOf(root, 'runs')) ?? 0, node: runs ?? root, steps: readSteps(src, get(runs, 'steps')) });
    auditDockerActionImage(src, runs, emit);
  }

  auditExpressions(src, triggers, emit);
  auditEnvFlags(src, emit);
  if (kind === 'workflow') {
    auditPermissions(src, root, jobs, emit);
    auditTriggers(src, root, triggers, jobs, emit);
  }
  if (opts.persona === 'pedantic' || opts.persona === 'auditor') auditPedantic(src, root, jobs, triggers, kind === 'workflow', emit);
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
    if (kind === 'workflow') auditCachePoisoning(src, job, triggers, jobEmit);
    auditPublishing(src, job, kind !== 'workflow', jobEmit);
    for (const step of job.steps) {
      auditStepUses(src, job, step, opts, jobEmit);
      auditInstalls(src, job, step, jobEmit);
      if (kind === 'workflow') auditAgentic(src, root, triggers, job, step, jobEmit);
      if (step.usesNode) auditUsesPolicy(job, step, step.usesNode, opts.forbiddenUses, jobEmit);
    }
    const reusable = kind === 'workflow' ? get(job.node, 'uses') : null;
    if (isScalar(reusable)) {
      auditUses(src, job, undefined, reusable, opts, jobEmit);
      auditUsesPolicy(job, undefined, reusable, opts.forbiddenUses, jobEmit);
    }
  }
  return hits;
}
