/**
 * `.pre-commit-config.yaml`: every hook repository runs its code on developer machines and in CI (`pre-commit run`,
 * pre-commit.ci). A `rev:` that is a tag or branch can be moved to new code by whoever controls the repository; only a
 * full commit SHA pins it.
 */
import { isScalar } from 'yaml';
import type { Hit } from './gha/model.js';
import { get, items, pairOf, str } from '../../analyzers/yaml.js';
import type { YamlSource } from '../../analyzers/yaml.js';

/** True for a pre-commit config path. */
export function isPrecommitPath(path: string): boolean {
  return /(^|\/)\.pre-commit-config\.ya?ml$/.test(path);
}

/** Audits a parsed pre-commit config. */
export function auditPrecommit(src: YamlSource): Hit[] {
  const hits: Hit[] = [];
  for (const r of items(get(src.doc.contents, 'repos'))) {
    const repo = (str(get(r, 'repo')) ?? '').trim();
    if (!repo || repo === 'local' || repo === 'meta') continue;
    const revPair = pairOf(r, 'rev');
    const rev = revPair && isScalar(revPair.value) ? (str(revPair.value) ?? '').trim() : '';
    if (/^[0-9a-f]{40}$/i.test(rev)) continue;
    const node = revPair?.value ?? get(r, 'repo') ?? r;
    const [start, end] = [node.range![0], node.range![1]];
    hits.push({ ruleId: 'precommit-unpinned-hook', start, end, anchor: revPair?.key.range![0] ?? start, identity: `${repo}|${rev}`, message: rev ? `Hook repository ${repo} is pinned to ${rev}, a tag or branch its owner can move; pin the commit SHA (pre-commit autoupdate --freeze).` : `Hook repository ${repo} has no rev:; pin a commit SHA.` });
  }
  return hits;
}
