import { globMatcher } from '../core/glob.js';
import { locationPath } from '../core/location.js';
import { atLeast, type Finding, type Severity } from '../core/types.js';

/** The tag a finding in a test, spec, fixture or example path carries. */
export const TEST_CONTEXT_TAG = 'context:test';

/** What {@link applyTestContext} reads: `testContext` of pipeguard.yml. */
export interface TestContextPolicy {
  /** Globs of test, spec, fixture and example paths. */
  paths: string[];
  /** Scanners whose findings there are lowered to `severity`. */
  scanners: string[];
  /** The most severe such a finding is reported as. */
  severity: Severity;
}

/**
 * Tags every finding whose file is in a test path with {@link TEST_CONTEXT_TAG}; findings of the listed scanners
 * (secrets and SAST by default: synthetic passwords, deliberately unsafe test code) are lowered to the policy's
 * severity, keeping the scanner's own in `data.severityOutsideTests`. They stay in every report. Returns new
 * findings; the input is not changed.
 */
export function applyTestContext<F extends Finding>(findings: F[], policy: TestContextPolicy): F[] {
  if (!policy.paths.length) return findings;
  const matcher = globMatcher(policy.paths);
  // Many findings share a file: each path is matched once.
  const seen = new Map<string, boolean>();
  // (an archive member's path, `a.zip!x/y`, is matched as a path of folders)
  const isTest = (p: string): boolean => {
    let r = seen.get(p);
    if (r === undefined) seen.set(p, (r = matcher(p.includes('!') ? p.replace(/!/g, '/') : p)));
    return r;
  };
  const lowered = new Set(policy.scanners);
  return findings.map((f) => {
    const path = locationPath(f.location);
    if (path === undefined || !isTest(path)) return f;
    const out: F = { ...f, tags: [...(f.tags ?? []).filter((t) => t !== TEST_CONTEXT_TAG), TEST_CONTEXT_TAG] };
    if (lowered.has(f.scanner) && f.severity !== policy.severity && atLeast(f.severity, policy.severity)) {
      out.severity = policy.severity;
      out.data = { ...f.data, severityOutsideTests: f.severity };
    }
    return out;
  });
}
