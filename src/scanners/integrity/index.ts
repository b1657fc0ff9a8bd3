/**
 * The build gate: with `build.require` in pipeguard.yml, an artifact or image given to `pipeguard scan` must be
 * signed and/or carry a signed SLSA provenance attestation, verified offline against the configured public key or
 * keyless identity; each requirement missing, failing or contradicted by the artifact's bytes is a finding.
 */
import { basename, dirname } from 'node:path';
import type { ArtifactCheck } from '../../attest/check.js';
import { toRuleMeta } from '../../core/rules.js';
import type { Location, RawFinding, Scanner, ScanContext, Target } from '../../core/types.js';
import type { IntegrityConfig } from './config.js';
import { INTEGRITY_RULES } from './rules.js';

/** The rule a failed requirement is reported under. */
function ruleFor(c: ArtifactCheck): string | undefined {
  if (c.outcome === 'verified') return undefined;
  if (c.outcome === 'tampered') return 'artifact-tampered';
  if (c.requirement === 'signed') return c.outcome === 'missing' ? 'artifact-unsigned' : 'artifact-signature-invalid';
  return c.outcome === 'missing' ? 'provenance-missing' : 'provenance-invalid';
}

/** The integrity scanner (the build gate's signature and provenance checks). */
export const integrityScanner: Scanner<IntegrityConfig> = {
  id: 'integrity',
  title: 'Build gate: artifacts and images signed, provenance attested, unchanged since (build.require)',
  requires: ['files'],
  targets: ['archive', 'file', 'image'],
  rules(config) {
    return toRuleMeta('integrity', INTEGRITY_RULES, { disabled: new Set(config?.disable ?? []) });
  },
  idle: (root) => (root.build.require.length === 0 ? 'nothing to check: build.require is empty' : undefined),
  async *scan(target: Target, ctx: ScanContext<IntegrityConfig>) {
    const build = ctx.root.build;
    if (build.require.length === 0 || !target.path) return;
    const disabled = new Set(ctx.config.disable);
    // The verifier (bundles, keys, the transparency log) loads only for a run that has something to check: every
    // scan loads this scanner, and a folder scan without build.require never gets here.
    const [{ checkArtifact }, { loadPolicy }] = await Promise.all([import('../../attest/check.js'), import('../../attest/policy.js')]);
    const policy = loadPolicy(
      { ...(build.key ? { key: build.key } : {}), ...(build.trustedRoot ? { trustedRoot: build.trustedRoot } : {}), ...(build.identity ? { identity: build.identity } : {}), ...(build.issuer ? { issuer: build.issuer } : {}) },
      dirname(target.path),
      'build: set',
    );
    const shown = target.image?.reference ?? basename(target.path);
    const { checks } = await checkArtifact(target.path, shown, { require: build.require, policy, base: dirname(target.path) });
    const location: Location = target.image ? { kind: 'image', image: target.image.reference, path: 'manifest' } : { path: basename(target.path) };
    for (const c of checks) {
      ctx.count(`${c.requirement}-${c.outcome}`);
      const ruleId = ruleFor(c);
      if (!ruleId || disabled.has(ruleId)) continue;
      const def = INTEGRITY_RULES.find((r) => r.id === ruleId)!;
      const what = c.requirement === 'signed' ? 'signature' : 'provenance attestation';
      const finding: RawFinding = {
        scanner: 'integrity',
        ruleId,
        severity: def.severity,
        confidence: 'high',
        message: c.outcome === 'missing' ? `${shown} has ${c.detail}.` : c.outcome === 'tampered' ? `${shown} is not what was signed (${what} ${c.bundle}): ${c.detail}.` : `The ${what} of ${shown} (${c.bundle}) does not verify: ${c.detail}.`,
        location,
        identity: `${c.requirement}|${ruleId}`,
        ...(def.cwe ? { cwe: def.cwe } : {}),
      };
      yield finding;
    }
  },
};
