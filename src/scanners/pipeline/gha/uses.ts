/**
 * `uses:` audits: pinning, typosquats, archived actions, Docker images, and dependabot.yml.
 */
import { isScalar } from 'yaml';
import type { Node, Scalar } from 'yaml';
import { ARCHIVED_ACTIONS, BRANCH_REFS, KNOWN_NEAR_OWNERS, POPULAR_OWNERS } from '../data.js';
import { get, items, pairOf, str } from '../../../analyzers/yaml.js';
import type { YamlSource } from '../../../analyzers/yaml.js';
import { globMatch, editDistance1 } from './model.js';
import { actionVersion, fixedIn, recordAffectsAction } from './advisories.js';
import type { GithubAuditOptions, Step, Job, Emit } from './model.js';

/** Audits the image of a Docker action. */
export function auditDockerActionImage(src: YamlSource, runs: Node | null | undefined, emit: Emit): void {
  const image = get(runs, 'image');
  const s = str(image);
  if (!isScalar(image) || !s || !s.startsWith('docker://')) return;
  if (!s.includes('@sha256:')) emit({ ruleId: 'gha-unpinned-docker-uses', start: image.range![0], end: image.range![1], anchor: image.range![0], identity: `(action)|${s}`, message: `The action image ${s} is not pinned by digest.` });
}

/** Audits a step's `uses:`. */
export function auditStepUses(src: YamlSource, job: Job, step: Step, opts: GithubAuditOptions, emit: Emit): void {
  if (step.usesNode) auditUses(src, job, step, step.usesNode, opts, emit);
}

/** Audits one `uses:` value: pinning, typosquats, archived actions. */
export function auditUses(src: YamlSource, job: Job, step: Step | undefined, node: Scalar, opts: GithubAuditOptions, emit: Emit): void {
  const uses = (str(node) ?? '').trim();
  if (!uses || uses.startsWith('./') || uses.startsWith('$/') || uses.includes('${{')) return;
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
  // `owner/repo/./sub`, `owner/repo/a/../b`, `owner/repo//sub`: the same action written so it reads as another.
  const sub = name.split('/').slice(2);
  if (sub.some((x) => x === '.' || x === '..' || x === '') && name.split('/').length > 2) {
    emit({ ruleId: 'gha-obfuscated-expression', ...base, message: `${name} has '.', '..' or empty path components; write the action's plain path (${normalizeActionPath(name)}).` });
  }
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
  if (opts.advisories && owner && repo) {
    const recs = opts.advisories(or);
    if (recs.length) {
      const lineStart = src.text.lastIndexOf('\n', node.range![0]) + 1;
      const lineEnd = src.text.indexOf('\n', node.range![0]);
      const v = actionVersion(ref, src.text.slice(node.range![1], lineEnd === -1 ? undefined : lineEnd) || src.text.slice(lineStart, lineEnd === -1 ? undefined : lineEnd));
      const hit = v ? recs.filter((r) => recordAffectsAction(r, or, v)) : [];
      if (v && hit.length) {
        const fix = fixedIn(hit[0]!, or);
        const ids = hit.map((r) => r.id).join(', ');
        emit({ ruleId: 'gha-known-vulnerable-action', ...base, identity: `${where}|${uses}|${ids}`, message: `${or} ${v.written}${v.fromComment ? ' (the version in the comment beside the SHA)' : ''} has known vulnerabilities: ${ids}${fix ? `; upgrade to ${fix} or later` : ''}.` });
      }
    }
  }
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

/** Ecosystems dependabot offers no cooldown for. */
const NO_COOLDOWN_ECOSYSTEMS = new Set(['opentofu']);

/** The shortest cooldown (days) the audit accepts. */
export const MIN_COOLDOWN_DAYS = 7;

/** Audits dependabot.yml. */
export function auditDependabot(src: YamlSource, root: unknown, emit: Emit): void {
  for (const u of items(get(root, 'updates'))) {
    const p = pairOf(u, 'insecure-external-code-execution');
    if (p && str(p.value) === 'allow') {
      const eco = str(get(u, 'package-ecosystem')) ?? '?';
      const dir = str(get(u, 'directory')) ?? '/';
      emit({ ruleId: 'gha-dependabot-insecure-execution', start: p.key.range![0], end: p.value!.range![1], anchor: p.key.range![0], identity: `${eco}|${dir}`, message: `Dependabot may run code from ${eco} dependencies while it holds registry credentials.` });
    }
    // Cooldown: without one, a release published minutes ago (a compromised maintainer's, say) is proposed at once.
    const eco = str(get(u, 'package-ecosystem')) ?? '?';
    if (NO_COOLDOWN_ECOSYSTEMS.has(eco)) continue;
    const where = `${eco}|${str(get(u, 'directory')) ?? str(get(u, 'directories')) ?? '/'}`;
    const cd = pairOf(u, 'cooldown');
    const ecoPair = pairOf(u, 'package-ecosystem');
    if (!cd) {
      const at = ecoPair ?? undefined;
      const [s, e] = at ? [at.key.range![0], (at.value ?? at.key).range![1]] : [u.range![0], u.range![0] + 1];
      emit({ ruleId: 'gha-dependabot-cooldown', start: s, end: e, anchor: s, identity: where, message: `Dependabot ${eco} updates have no cooldown, so a release is proposed minutes after it is published; set cooldown: default-days: ${MIN_COOLDOWN_DAYS} or more.` });
      continue;
    }
    if (get(u, 'multi-ecosystem-group')) {
      // Dependabot does not apply a cooldown to updates grouped across ecosystems: it only looks set.
      emit({ ruleId: 'gha-dependabot-cooldown', start: cd.key.range![0], end: (cd.value ?? cd.key).range![1], anchor: cd.key.range![0], identity: `${where}|multi-ecosystem`, message: `This ${eco} entry belongs to a multi-ecosystem-group, where Dependabot does not honour cooldown: releases are still proposed at once. Give the entry its own group (or none) to get the cooldown.` });
      continue;
    }
    const dd = pairOf(cd.value, 'default-days');
    const days = Number(str(dd?.value) ?? NaN);
    if (!dd || (Number.isFinite(days) && days < MIN_COOLDOWN_DAYS)) {
      const node = dd ?? cd;
      emit({ ruleId: 'gha-dependabot-cooldown', start: node.key.range![0], end: (node.value ?? node.key).range![1], anchor: node.key.range![0], identity: where, message: dd ? `A cooldown of ${days} day(s) leaves little time for a malicious release to be found; use ${MIN_COOLDOWN_DAYS} or more.` : `The cooldown sets no default-days, so most updates still have none; set default-days: ${MIN_COOLDOWN_DAYS} or more.` });
    }
  }
}

/** `owner/repo/a/../b/./c` → `owner/repo/b/c`. */
export function normalizeActionPath(name: string): string {
  const out: string[] = [];
  for (const seg of name.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length > 2) out.pop();
      continue;
    }
    out.push(seg);
  }
  return out.join('/');
}
