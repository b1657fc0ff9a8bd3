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
    const repoNode = get(r, 'repo');
    const scheme = /^(http|git|ftp):\/\//i.exec(repo)?.[1];
    if (scheme && repoNode?.range) {
      // Fetched in clear text: anyone on the path can serve other hook code (a SHA pin does not help over git://
      // or http://: the server chooses what object answers the fetch before pre-commit checks out the rev).
      hits.push({ ruleId: 'precommit-insecure-url', start: repoNode.range[0], end: repoNode.range[1], anchor: repoNode.range[0], identity: repo, message: `Hook repository ${repo} is fetched over ${scheme.toLowerCase()}://, unauthenticated and in clear text; use https://.` });
    }
    const revPair = pairOf(r, 'rev');
    const rev = revPair && isScalar(revPair.value) ? (str(revPair.value) ?? '').trim() : '';
    if (/^[0-9a-f]{40}$/i.test(rev)) continue;
    const node = revPair?.value ?? get(r, 'repo') ?? r;
    const [start, end] = [node.range![0], node.range![1]];
    hits.push({ ruleId: 'precommit-unpinned-hook', start, end, anchor: revPair?.key.range![0] ?? start, identity: `${repo}|${rev}`, message: rev ? `Hook repository ${repo} is pinned to ${rev}, a tag or branch its owner can move; pin the commit SHA (pre-commit autoupdate --freeze).` : `Hook repository ${repo} has no rev:; pin a commit SHA.` });
  }
  return hits;
}
