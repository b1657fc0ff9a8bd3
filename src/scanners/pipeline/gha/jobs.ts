/**
 * Per-job audits: secrets handling, container and service images and credentials, checkout credentials,
 * publishing tokens and cache poisoning in release workflows.
 */
import { isScalar } from 'yaml';
import type { Node, Scalar } from 'yaml';
import { contextAccesses, findExpressions } from '../expr.js';
import { pushesToGit } from '../../../analyzers/shell.js';
import { pairs, get, isSeq, items, str } from '../../../analyzers/yaml.js';
import type { YamlSource } from '../../../analyzers/yaml.js';
import { ownerRepo } from './model.js';
import type { Step, Job, Emit } from './model.js';

/** Per-job audits: secrets, images, credentials, checkout persistence, publishing, cache poisoning. */
export function auditJobMisc(src: YamlSource, job: Job, _triggers: Map<string, Node | null>, emit: Emit): void {
  // secrets: inherit
  const secrets = get(job.node, 'secrets');
  if (isScalar(secrets) && str(secrets) === 'inherit') {
    // Reported at the called workflow (the `uses:` a reviewer weighs), as zizmor does; `secrets: inherit` is related.
    const uses = get(job.node, 'uses');
    const at = uses?.range ? uses : secrets;
    emit({ ruleId: 'gha-secrets-inherit', start: at.range![0], end: at.range![1], anchor: secrets.range![0], identity: job.id, message: `Job ${job.id} passes every secret (secrets: inherit) to the called workflow ${str(uses) ?? ''}; pass the ones it needs by name.` });
  }
  // secrets outside environment
  if (job.id !== '(action)' && !get(job.node, 'environment') && !get(job.node, 'uses')) {
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
  // runs-on: GitHub-hosted images that were removed (the job never starts) or are announced for removal.
  const ro = get(job.node, 'runs-on');
  const labels: Scalar[] = isScalar(ro) ? [ro] : isSeq(ro) ? items(ro).filter((i): i is Scalar => isScalar(i)) : [];
  for (const l of labels) {
    const text = (str(l) ?? '').trim();
    const mk = /^\$\{\{\s*matrix\.([\w-]+)\s*\}\}$/.exec(text)?.[1];
    for (const v of mk ? matrixValues(src, job, mk) : [l]) {
      const label = (str(v) ?? '').trim().toLowerCase();
      const state = REMOVED_RUNNERS.test(label) ? 'removed' : DEPRECATED_RUNNERS.test(label) ? 'deprecated' : undefined;
      if (!state) continue;
      emit({ ...(state === 'deprecated' ? { persona: 'pedantic' as const } : {}), ruleId: 'gha-stale-runner', start: l.range![0], end: l.range![1], anchor: l.range![0], identity: `${job.id}|${label}`, message: state === 'removed' ? `runs-on ${label}${mk ? ` (matrix.${mk})` : ''}: GitHub removed this runner image, so the job waits for a runner that never comes (or runs on whatever self-hosted runner takes the label). Move to a current image.` : `runs-on ${label}${mk ? ` (matrix.${mk})` : ''}: GitHub has announced the removal of this runner image; move to a current one before it stops running.` });
    }
  }
  // container/services: images and credentials
  const container = get(job.node, 'container');
  const svcs = pairs(get(job.node, 'services')).map(([name, p]) => [`service ${name}`, p.value] as const);
  for (const [what, node] of [['container', container] as const, ...svcs]) {
    if (!node) continue;
    const image = isScalar(node) ? node : get(node, 'image');
    if (isScalar(image)) {
      imageAudit(src, job, what, image, emit);
      // `image: ${{ matrix.image }}`: each value the matrix gives it is an image reference.
      const mk = /^\$\{\{\s*matrix\.([\w-]+)\s*\}\}$/.exec((str(image) ?? '').trim())?.[1];
      if (mk) for (const v of matrixValues(src, job, mk)) imageAudit(src, job, `${what} (matrix.${mk})`, v, emit);
    }
    const pw = get(get(node, 'credentials'), 'password');
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
      const pc = str(get(step.with, 'persist-credentials'));
      if (pc === undefined || pc.trim().toLowerCase() !== 'false') {
        persisted = step;
        if (!pushes && pc === undefined) {
          emit({ ruleId: 'gha-checkout-persist-credentials', start: step.usesNode!.range![0], end: step.usesNode!.range![1], anchor: step.node.range![0], identity: `${job.id}|${step.label}`, message: 'actions/checkout keeps the token in .git/config; add persist-credentials: false.' });
        }
      } else persisted = undefined;
    }
    if (persisted && (u === 'actions/upload-artifact' || u === 'actions/upload-pages-artifact')) {
      const pathNode = get(step.with, 'path');
      const paths = (str(pathNode) ?? '').split('\n').map((x) => x.trim()).filter(Boolean);
      if (paths.some((x) => /^(?:\.\/?|\*\*?|\$\{\{\s*github\.workspace\s*\}\}\/?|\.\/\*\*?)$/.test(x))) {
        emit({ ruleId: 'gha-artifact-credential-leak', start: pathNode!.range![0], end: pathNode!.range![1], anchor: pathNode!.range![0], identity: `${job.id}|${step.label}`, message: `The workspace, with the token persisted by checkout in step ${persisted.index + 1}, is uploaded as an artifact.` });
      }
    }
  }
}

/** Pinning audit of a container or service image. */
export function imageAudit(src: YamlSource, job: Job, what: string, image: Scalar, emit: Emit): void {
  const ref = str(image) ?? '';
  if (!ref || ref.includes('${{') || ref.includes('@sha256:')) return;
  const lastSlash = ref.lastIndexOf('/');
  const colon = ref.indexOf(':', lastSlash + 1);
  const tag = colon === -1 ? '' : ref.slice(colon + 1);
  const base = { start: image.range![0], end: image.range![1], anchor: image.range![0], identity: `${job.id}|${what}|${ref}` };
  if (!tag || tag === 'latest') emit({ ruleId: 'gha-mutable-latest-image', ...base, message: `The ${what} image ${ref} has no fixed tag; pin a version and digest.` });
  else emit({ ruleId: 'gha-unpinned-image', ...base, message: `The ${what} image ${ref} is not pinned by digest.` });
}

/** GitHub-hosted runner images GitHub has removed. */
export const REMOVED_RUNNERS = /^(?:ubuntu-(?:16|18|20)\.04(?:-[\w-]+)?|macos-(?:10\.1[45]|11|12|13)(?:-[\w-]+)?|windows-(?:2016|2019)(?:-[\w-]+)?)$/;
/** GitHub-hosted runner images whose removal is announced. */
export const DEPRECATED_RUNNERS = /^(?:ubuntu-22\.04(?:-[\w-]+)?|windows-2022(?:-[\w-]+)?)$/;

/** The scalar values a job's matrix gives `key` (its list, and the `include:` entries that set it). */
export function matrixValues(src: YamlSource, job: Job, key: string): Scalar[] {
  const matrix = get(get(job.node, 'strategy'), 'matrix');
  const out: Scalar[] = [];
  const own = get(matrix, key);
  if (isSeq(own)) for (const i of items(own)) if (isScalar(i)) out.push(i);
  for (const inc of items(get(matrix, 'include'))) {
    const v = get(inc, key);
    if (isScalar(v)) out.push(v);
  }
  return out;
}
