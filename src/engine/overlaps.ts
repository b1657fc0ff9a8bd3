import { locationPath, startLineOf } from '../core/location.js';
import type { Finding } from '../core/types.js';

/**
 * One problem, one finding: where two scanners report the same thing, the finding to drop and when. The audit of
 * every pair of scanners (docs/architecture.md, "Overlaps") found these; a scanner keeps its rule for runs where
 * the other scanner does not run (`pipeguard posture` runs the posture checks alone).
 */
export interface Overlap {
  /** Rules whose findings are dropped. */
  drop: readonly string[];
  /** The rules (or a whole scanner) that report the same problem and are kept. */
  keep: { rules?: readonly string[]; scanner?: string };
  /**
   * `run`: dropped whenever a kept rule ran in this scan (it decides for the whole target); `file`: when a kept
   * finding is in the same file; `line`: when one is on the same line of the same file.
   */
  scope: 'run' | 'file' | 'line';
  why: string;
}

const DOCKER_PINNING = ['docker-base-latest', 'docker-base-no-digest', 'docker-apt-unpinned', 'docker-apk-unpinned', 'docker-pip-unpinned', 'docker-npm-global-unpinned', 'docker-gem-unpinned', 'docker-go-install-latest'];

/** Every overlap between scanners, kept in one place. */
export const OVERLAPS: readonly Overlap[] = [
  {
    drop: ['posture-workflow-no-permissions'],
    keep: { rules: ['gha-missing-permissions'] },
    scope: 'run',
    why: 'the pipeline scanner checks the same workflows for a permissions block, per workflow and job, and can fix it',
  },
  {
    drop: ['posture-unpinned-dependencies'],
    keep: { rules: DOCKER_PINNING },
    scope: 'file',
    why: 'the IaC scanner reports each unpinned base image and package of a Dockerfile on its line',
  },
  {
    drop: ['docker-secret-env', 'docker-secret-arg', 'k8s-secret-in-env', 'compose-secret-in-environment', 'gha-hardcoded-env-credential', 'gha-hardcoded-container-credentials', 'gl-hardcoded-variable-secret', 'js-jwt-hardcoded-secret'],
    keep: { scanner: 'secrets' },
    scope: 'line',
    why: 'the secrets scanner names the kind of credential (and checks it) on the same line',
  },
];

const NONE: readonly Overlap[] = [];

/**
 * Drops the findings another scanner reports better (see {@link OVERLAPS}); `ranRules` are the rules of the
 * scanners that ran. Returns the findings kept and how many were dropped per scanner.
 */
export function dropOverlaps(findings: Finding[], ranRules: ReadonlySet<string>, overlaps: readonly Overlap[] = OVERLAPS): { kept: Finding[]; dropped: Map<string, number> } {
  const dropped = new Map<string, number>();
  const keeps = (o: Overlap, k: Finding): boolean => (o.keep.rules ? o.keep.rules.includes(k.ruleId) : k.scanner === o.keep.scanner);
  /** Where a finding is, at an overlap's scope (undefined: nowhere it could be covered). */
  const place = (o: Overlap, f: Finding): string | undefined => {
    const path = locationPath(f.location);
    if (path === undefined) return undefined;
    if (o.scope === 'file') return JSON.stringify([path]);
    const line = startLineOf(f.location);
    return line === undefined ? undefined : JSON.stringify([path, line]);
  };
  // Per overlap, how many kept findings stand at each place: built once (a scan of thousands of findings asked
  // every finding about every other one).
  const counts = new Map<Overlap, Map<string, number>>();
  const countsOf = (o: Overlap): Map<string, number> => {
    let m = counts.get(o);
    if (!m) {
      m = new Map();
      for (const k of findings) {
        if (!keeps(o, k)) continue;
        const at = place(o, k);
        if (at !== undefined) m.set(at, (m.get(at) ?? 0) + 1);
      }
      counts.set(o, m);
    }
    return m;
  };
  // The overlaps that may drop each rule's findings (most rules have none: their findings pass at one lookup).
  const dropping = new Map<string, Overlap[]>();
  for (const o of overlaps) for (const r of o.drop) dropping.set(r, [...(dropping.get(r) ?? []), o]);
  const kept = findings.filter((f) => {
    for (const o of dropping.get(f.ruleId) ?? NONE) {
      let covered: boolean;
      if (o.scope === 'run') covered = (o.keep.rules ?? []).some((r) => ranRules.has(r));
      else {
        const at = place(o, f);
        // Another finding than f itself keeps the place.
        covered = at !== undefined && (countsOf(o).get(at) ?? 0) - (keeps(o, f) ? 1 : 0) > 0;
      }
      if (covered) {
        dropped.set(f.scanner, (dropped.get(f.scanner) ?? 0) + 1);
        return false;
      }
    }
    return true;
  });
  return { kept, dropped };
}
