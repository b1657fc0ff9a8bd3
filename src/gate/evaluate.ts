import { globMatcher } from '../core/glob.js';
import { matchPath } from '../core/location.js';
import type { Config, Suppression } from '../config/schema.js';
import { atLeast, type Confidence, type Decision, type Finding, type Report, type Severity, type Suppressed } from '../core/types.js';

/** What the gate needs besides the report: the policy, and what the user told us to ignore. */
export interface GateInput {
  /** `failOn`, `thresholds`, `suppressions` and `minConfidence` (default `low`: every finding counts) of pipeguard.yml. */
  policy: Pick<Config, 'failOn' | 'thresholds' | 'suppressions'> & { minConfidence?: Confidence };
  /** `--fail-on` from the command line; overrides the config's `failOn` and its per-scanner thresholds. */
  failOn?: Severity | 'none';
  /** Fingerprints of a previous report: findings in it are known and do not fail the gate. */
  baseline?: ReadonlySet<string>;
  /** Fingerprints from the ignore file, with the reason written next to each (if any). */
  ignored?: ReadonlyMap<string, string>;
  /** Today, for suppression expiry. */
  now: Date;
}

/**
 * The gate: a pure function from a report and a policy to a decision. A finding fails the gate when it is at or
 * above its scanner's threshold, not suppressed (inline comment, ignore file, config suppression) and not in the
 * baseline, and as sure as `minConfidence` asks (a finding without a confidence counts as high). A scanner that
 * failed makes the gate fail too: a scan that did not happen cannot pass.
 */
export function evaluate(report: Report, input: GateInput): Decision {
  const failOn = input.failOn ?? input.policy.failOn;
  const today = input.now.toISOString().slice(0, 10);
  const notes: string[] = [];
  // `index` is the suppression's place in the config, so messages number them as the user wrote them.
  const active: { s: Suppression; index: number; path: ((p: string) => boolean) | null; used: boolean }[] = [];
  input.policy.suppressions.forEach((s, i) => {
    const label = describe(s, i);
    if (s.expires !== undefined && s.expires < today) {
      notes.push(`suppression ${label} expired on ${s.expires} and no longer suppresses`);
      return;
    }
    const path = s.path !== undefined ? globMatcher(s.path) : null;
    active.push({ s, index: i, used: false, path });
  });
  // Which suppressions' path globs match a path, worked out once per path (a file's findings share it): a config's
  // path suppressions were otherwise matched against every finding.
  const pathHits = new Map<string, boolean[]>();
  const firstMatch = (f: Finding) => {
    let hits: boolean[] | undefined;
    for (let i = 0; i < active.length; i++) {
      const a = active[i]!;
      if (a.s.rule !== undefined && a.s.rule !== f.ruleId) continue;
      if (a.s.fingerprint !== undefined && a.s.fingerprint !== f.fingerprint) continue;
      if (a.path !== null) {
        if (!hits) {
          const p = matchPath(f.location);
          hits = pathHits.get(p);
          if (!hits) pathHits.set(p, (hits = active.map((x) => x.path === null || x.path(p))));
        }
        if (!hits[i]) continue;
      }
      return a;
    }
    return undefined;
  };
  const usedIgnores = new Set<string>();
  const suppressed: Suppressed[] = [];
  const violations: Finding[] = [];
  const others: Finding[] = [];
  const baselineState: Record<string, 'new' | 'unchanged'> = {};
  // Each lookup only where there is something to find: a fingerprint looked up as an object's key is hashed and
  // searched for among the engine's interned strings, per finding of a report of thousands.
  const inlineIgnored = report.inlineIgnored && hasKeys(report.inlineIgnored) ? report.inlineIgnored : undefined;
  const configIgnored = report.configIgnored && hasKeys(report.configIgnored) ? report.configIgnored : undefined;
  const ignored = input.ignored?.size ? input.ignored : undefined;
  for (const f of report.findings) {
    const inline = inlineIgnored?.[f.fingerprint];
    if (inline !== undefined) {
      suppressed.push({ finding: f, kind: 'inline', reason: inline });
      continue;
    }
    const scannerConfig = configIgnored?.[f.fingerprint];
    if (scannerConfig !== undefined) {
      suppressed.push({ finding: f, kind: 'config', reason: scannerConfig });
      continue;
    }
    const ignoreReason = ignored?.get(f.fingerprint);
    if (ignoreReason !== undefined) {
      usedIgnores.add(f.fingerprint);
      suppressed.push({ finding: f, kind: 'ignore-file', reason: ignoreReason || 'listed in the ignore file' });
      continue;
    }
    const sup = active.length ? firstMatch(f) : undefined;
    if (sup) {
      sup.used = true;
      const until = sup.s.expires ? ` (until ${sup.s.expires})` : '';
      suppressed.push({ finding: f, kind: 'config', reason: sup.s.reason + until });
      continue;
    }
    if (input.baseline) baselineState[f.fingerprint] = input.baseline.has(f.fingerprint) ? 'unchanged' : 'new';
    // `--fail-on` on the command line is the user's explicit word for this run: it overrides per-scanner thresholds.
    const threshold = input.failOn ?? input.policy.thresholds[f.scanner] ?? failOn;
    const inBaseline = input.baseline?.has(f.fingerprint) === true;
    const sure = CONFIDENCE_RANK[f.confidence ?? 'high'] >= CONFIDENCE_RANK[input.policy.minConfidence ?? 'low'];
    if (threshold !== 'none' && atLeast(f.severity, threshold) && sure && !inBaseline) violations.push(f);
    else others.push(f);
  }
  active.forEach((a) => {
    if (!a.used) notes.push(`suppression ${describe(a.s, a.index)} matched no finding: remove it if it is no longer needed`);
  });
  for (const fp of input.ignored?.keys() ?? []) {
    if (!usedIgnores.has(fp)) notes.push(`ignore-file entry ${fp} matched no finding`);
  }
  const failed = report.statuses.filter((s) => s.status === 'failed' || (s.status === 'skipped' && s.failsGate));
  for (const s of failed) notes.push(`scanner ${s.scanner} ${s.status}: ${s.reason ?? 'unknown error'}${s.status === 'skipped' ? ' (a required check did not run: the gate fails)' : ''}`);
  let absent: string[] | undefined;
  if (input.baseline) {
    const present = new Set(report.findings.map((f) => f.fingerprint));
    absent = [...input.baseline].filter((fp) => !present.has(fp)).sort();
  }
  return {
    outcome: violations.length > 0 || failed.length > 0 ? 'fail' : 'pass',
    violations,
    findings: others,
    suppressed,
    ...(input.baseline ? { baselineState, absent } : {}),
    notes,
    failOn,
  };
}

const CONFIDENCE_RANK: Record<Confidence, number> = { low: 0, medium: 1, high: 2 };

/** Whether an object has an own enumerable key. */
function hasKeys(o: object): boolean {
  return Object.keys(o).length > 0;
}

function describe(s: Suppression, i: number): string {
  const parts = [s.rule && `rule ${s.rule}`, s.path && `path ${s.path}`, s.fingerprint && `fingerprint ${s.fingerprint}`];
  return `#${i + 1} (${parts.filter(Boolean).join(', ')})`;
}
