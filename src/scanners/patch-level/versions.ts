/**
 * Where an installed npm version stands in its release line: the newest patch of its minor (`1.4.x`) and the
 * newest minor of its major (`1.x`), from the versions a registry lists. A line is the major, or for `0.x` the
 * minor (npm's caret: `^0.3.1` never takes `0.4.0`). Pre-releases and deprecated versions are never suggested.
 */
import { compareSemver, parseSemver } from '../../advisories/versions/semver.js';

/** Newer releases of the installed version's line, when there are any. */
export interface LineStatus {
  /** Newest release with the same major and minor, when newer than the installed one. */
  patch?: string;
  /** Newest release of the same line with a higher minor (not for `0.x`, whose minor is the line). */
  minor?: string;
}

const STRICT = /^v?\d+\.\d+\.\d+(?:\+[0-9A-Za-z.-]+)?$/;

/** Compares `installed` with the published `versions`. */
export function lineStatus(installed: string, versions: readonly string[], deprecated: readonly string[] = []): LineStatus {
  if (!STRICT.test(installed) && !/^v?\d+\.\d+\.\d+-/.test(installed)) return {};
  const cur = parseSemver(installed).core.map(Number);
  const [maj, min] = [cur[0]!, cur[1]!];
  const dep = new Set(deprecated);
  let patch: string | undefined;
  let minor: string | undefined;
  for (const v of versions) {
    if (!STRICT.test(v) || dep.has(v) || compareSemver(v, installed) <= 0) continue;
    const [vm, vn] = parseSemver(v).core.map(Number) as [number, number];
    if (vm !== maj) continue;
    if (vn === min) {
      if (!patch || compareSemver(v, patch) > 0) patch = v;
    } else if (maj > 0 && (!minor || compareSemver(v, minor) > 0)) minor = v;
  }
  return { ...(patch ? { patch } : {}), ...(minor ? { minor } : {}) };
}
