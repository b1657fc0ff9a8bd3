import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Config } from '../../config/schema.js';
import { checkArtifact, type ArtifactCheck, type Requirement } from '../../attest/check.js';
import { loadPolicy } from '../../attest/policy.js';
import { InputError, UsageError } from '../../core/errors.js';
import type { DeployConfig } from '../config.js';

/** The pre-deploy gate's answer on the artifact. */
export interface ArtifactGate {
  ok: boolean;
  ref: string;
  digest?: string;
  checks: ArtifactCheck[];
  /** Why it is blocked (the first check that did not verify). */
  reason?: string;
}

/**
 * Re-checks the deployed artifact's signature and provenance (`deploy.artifact`) with the build stage's verifier:
 * the key of `deploy.artifact.key`, else `build.key`, else `build.trustedRoot` with its identity and issuer.
 * A missing artifact or key is an InputError (the config is wrong); a missing, tampered or invalid bundle blocks.
 */
export async function checkDeployArtifact(config: Config, d: DeployConfig, root: string, configFile: string | undefined): Promise<ArtifactGate | undefined> {
  const a = d.artifact;
  if (!a) return undefined;
  const where = configFile ?? 'pipeguard.yml';
  const path = resolve(root, a.path);
  if (!existsSync(path)) throw new InputError(`deploy.artifact.path: no such file ${a.path}`, where);
  let policy;
  try {
    policy = loadPolicy(
      a.key
        ? { key: a.key }
        : {
            ...(config.build.key ? { key: config.build.key } : {}),
            ...(config.build.trustedRoot ? { trustedRoot: config.build.trustedRoot } : {}),
            ...(config.build.identity ? { identity: config.build.identity } : {}),
            ...(config.build.issuer ? { issuer: config.build.issuer } : {}),
          },
      root,
      'set deploy.artifact.key or build.key:',
    );
  } catch (e) {
    if (e instanceof UsageError || e instanceof InputError) throw new InputError(`deploy.artifact: ${e.message}`, where);
    throw e;
  }
  const bundles: Partial<Record<Requirement, string>> = {};
  if (a.bundle) bundles.signed = resolve(root, a.bundle);
  if (a.provenance) bundles.provenance = resolve(root, a.provenance);
  const { subject, checks } = await checkArtifact(path, a.path, { require: a.require, policy, base: root, bundles });
  const bad = checks.find((c) => c.outcome !== 'verified');
  return {
    ok: !bad,
    ref: a.path,
    ...(subject?.sha256 ? { digest: `sha256:${subject.sha256}` } : {}),
    checks,
    ...(bad ? { reason: `artifact ${a.path}: ${bad.requirement === 'signed' ? 'signature' : 'provenance'} ${bad.outcome}: ${bad.detail}` } : {}),
  };
}
