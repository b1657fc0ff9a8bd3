import type { Dependency, ParsedLockfile } from './types.js';

/**
 * Fills `direct`, `path` (shortest chain from a direct dependency) and, where the format gave no dev
 * flags, `dev` (reachable only from dev roots is not known without them, so it stays as parsed).
 * When the format records no roots, packages that nothing else depends on are taken as direct.
 */
export function linkGraph(lock: ParsedLockfile): void {
  const byKey = new Map<string, Dependency>();
  for (const p of lock.packages) if (!byKey.has(p.key)) byKey.set(p.key, p);
  let roots = lock.roots;
  if (!roots) {
    const required = new Set(lock.packages.flatMap((p) => p.dependsOn ?? []));
    roots = lock.packages.filter((p) => p.direct || !required.has(p.key)).map((p) => p.key);
  }
  const parent = new Map<string, string | null>();
  const queue: string[] = [];
  for (const r of roots) {
    if (!byKey.has(r) || parent.has(r)) continue;
    parent.set(r, null);
    queue.push(r);
    (byKey.get(r) as Dependency).direct = true;
  }
  for (let qi = 0; qi < queue.length; qi++) {
    const k = queue[qi] as string;
    for (const c of byKey.get(k)?.dependsOn ?? []) {
      if (parent.has(c) || !byKey.has(c)) continue;
      parent.set(c, k);
      queue.push(c);
    }
  }
  if (lock.devRoots?.length) {
    const dev = new Set(lock.devRoots);
    const prodSeen = new Set<string>();
    const stack = roots.filter((r) => !dev.has(r));
    while (stack.length) {
      const k = stack.pop() as string;
      if (prodSeen.has(k)) continue;
      prodSeen.add(k);
      for (const c of byKey.get(k)?.dependsOn ?? []) stack.push(c);
    }
    for (const p of lock.packages) if (!prodSeen.has(p.key)) p.dev = true;
  }
  const label = (d: Dependency): string => `${d.name}@${d.version}`;
  // each chain extends its parent's (memoised in BFS order): linear in the total path length, not quadratic in depth
  const chains = new Map<string, string[]>();
  for (const k of queue) {
    const d = byKey.get(k) as Dependency;
    const up = parent.get(k);
    const above = up ? chains.get(up) : undefined;
    chains.set(k, above ? [...above, label(d)] : [label(d)]);
  }
  for (const p of lock.packages) {
    if (p.direct === undefined) p.direct = false;
    p.path = chains.get(p.key) ?? [label(p)];
  }
}
