/**
 * Known-vulnerable actions, offline: a `uses:` of `owner/repo@ref` is matched against the `GitHub Actions` records of
 * the local advisory database. The version is the ref (`v4.1.1`; a floating `v4` stands for the newest release of
 * its series, which is what the tag points at) or, for a commit SHA, the version written in the comment beside it
 * (`@<sha> # v4.1.1`), a claim about the SHA that the message says it relies on.
 */
import type { OsvRecord } from '../../../advisories/osv.js';
import { compareSemver } from '../../../advisories/versions/semver.js';

/** The ecosystem name of GitHub Actions advisories in OSV. */
export const ACTIONS_ECOSYSTEM = 'GitHub Actions';

/** Looks up the live advisories of an action (`owner/repo`, lower-case). */
export type ActionAdvisories = (name: string) => OsvRecord[];

/** A version read from a `uses:` ref or the comment beside a SHA pin. */
export interface ActionVersion {
  /** Full `X.Y.Z` to compare with. */
  version: string;
  /** As written (`v4`, `v4.1.1`). */
  written: string;
  /** True when read from the comment beside a SHA. */
  fromComment: boolean;
}

/** The version a `uses:` ref names: the tag itself, or the `# vX.Y.Z` comment beside a 40-hex SHA. */
export function actionVersion(ref: string, lineText: string): ActionVersion | undefined {
  const sha = /^[0-9a-f]{40}$/i.test(ref);
  const src = sha ? (/#\s*(?:tag[=:]\s*|version[=:]\s*|pin\s*@?)?(v?\d+(?:\.\d+){0,2})\b/i.exec(lineText)?.[1] ?? '') : ref;
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(src);
  if (!m) return undefined;
  // A partial tag floats to the newest release of its series.
  const top = '999999';
  return { version: `${m[1]}.${m[2] ?? top}.${m[3] ?? top}`, written: src, fromComment: sha };
}

/** True when `version` falls in one of the record's ranges or versions for `name`. */
export function recordAffectsAction(rec: OsvRecord, name: string, v: ActionVersion): boolean {
  for (const a of rec.affected ?? []) {
    const p = a.package;
    if (!p || p.ecosystem !== ACTIONS_ECOSYSTEM || p.name.toLowerCase() !== name) continue;
    if ((a.versions ?? []).some((x) => x.replace(/^v/, '') === v.written.replace(/^v/, ''))) return true;
    for (const r of a.ranges ?? []) {
      if (r.type !== 'ECOSYSTEM' && r.type !== 'SEMVER') continue;
      let introduced: string | undefined;
      for (const e of r.events ?? []) {
        if (e.introduced !== undefined) introduced = e.introduced === '0' ? '0.0.0' : e.introduced;
        const end = e.fixed ?? e.last_affected;
        if (end !== undefined && introduced !== undefined) {
          const lo = compareSemver(v.version, norm(introduced)) >= 0;
          const hi = e.fixed !== undefined ? compareSemver(v.version, norm(end)) < 0 : compareSemver(v.version, norm(end)) <= 0;
          if (lo && hi) return true;
          introduced = undefined;
        }
      }
      if (introduced !== undefined && compareSemver(v.version, norm(introduced)) >= 0) return true;
    }
  }
  return false;
}

/** `v1.2` → `1.2.0`. */
function norm(v: string): string {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(.*)$/.exec(v.trim());
  return m ? `${m[1]}.${m[2] ?? 0}.${m[3] ?? 0}${m[4] ?? ''}` : v;
}

/** The first fixed version named for the action in a record, if any. */
export function fixedIn(rec: OsvRecord, name: string): string | undefined {
  for (const a of rec.affected ?? []) {
    if (a.package?.ecosystem !== ACTIONS_ECOSYSTEM || a.package.name.toLowerCase() !== name) continue;
    for (const r of a.ranges ?? []) for (const e of r.events ?? []) if (e.fixed) return e.fixed;
  }
  return undefined;
}
