/**
 * How one run changes what a project knows, as a pure function: each finding of the run is new (never seen),
 * unchanged (open and seen again) or reintroduced (fixed before, back now); each open finding of a scanner
 * the run fully covers that the run does not hold is fixed. Identity is the fingerprint alone, so a finding
 * that moved lines or files' lines around it is the same finding, and its triage stays with it.
 */
import type { IncomingFinding } from '../ingest/model.js';

/** What the project holds for a fingerprint before the run. */
export interface Known {
  id: number;
  state: 'open' | 'fixed';
  scanner: string;
  openedAt: number;
}

/** A run's change of one finding. */
export type Change = 'new' | 'unchanged' | 'reintroduced' | 'fixed';

/** The plan {@link classify} returns. */
export interface Plan {
  created: IncomingFinding[];
  unchanged: { known: Known; finding: IncomingFinding }[];
  reintroduced: { known: Known; finding: IncomingFinding }[];
  fixed: Known[];
}

/** Classifies a run's findings (duplicates by fingerprint keep the first) against what is known. */
export function classify(known: ReadonlyMap<string, Known>, incoming: readonly IncomingFinding[], scope: readonly string[]): Plan {
  const plan: Plan = { created: [], unchanged: [], reintroduced: [], fixed: [] };
  const present = new Set<string>();
  for (const f of incoming) {
    if (present.has(f.fingerprint)) continue;
    present.add(f.fingerprint);
    const k = known.get(f.fingerprint);
    if (!k) plan.created.push(f);
    else if (k.state === 'open') plan.unchanged.push({ known: k, finding: f });
    else plan.reintroduced.push({ known: k, finding: f });
  }
  const covered = new Set(scope);
  for (const [fp, k] of known) if (k.state === 'open' && covered.has(k.scanner) && !present.has(fp)) plan.fixed.push(k);
  return plan;
}
