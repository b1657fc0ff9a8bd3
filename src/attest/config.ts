import * as z from 'zod';

/** The `build` section of pipeguard.yml: what the gate requires of a build artifact or image it scans. */
export const buildConfigSchema = z
  .object({
    require: z
      .array(z.enum(['signed', 'provenance']))
      .default([])
      .describe('What an artifact or image given to `pipeguard scan` must have: `signed` (a Sigstore bundle <artifact>.sigstore.json), `provenance` (a signed SLSA provenance attestation <artifact>.intoto.sigstore.json). Each one missing, not verifying, or not matching the artifact is a failing finding.'),
    key: z.string().optional().describe('PEM public key the signatures must verify with (relative to this file).'),
    trustedRoot: z.string().optional().describe('Sigstore trusted root (trusted_root.json) for keyless signatures (relative to this file); needs identity and issuer.'),
    identity: z.string().optional().describe('Keyless: the e-mail or URI the signing certificate must name.'),
    issuer: z.string().optional().describe('Keyless: the OIDC issuer that must have vouched for the identity.'),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.require.length === 0) return;
    if (!b.key && !b.trustedRoot) ctx.addIssue({ code: 'custom', path: ['require'], message: 'build.require needs build.key (a public key) or build.trustedRoot with identity and issuer' });
    if (b.key && b.trustedRoot) ctx.addIssue({ code: 'custom', path: ['trustedRoot'], message: 'give build.key or build.trustedRoot, not both' });
    if (b.trustedRoot && (!b.identity || !b.issuer)) ctx.addIssue({ code: 'custom', path: ['trustedRoot'], message: 'build.trustedRoot needs build.identity and build.issuer' });
  });

/** Validated `build` section. */
export type BuildConfig = z.infer<typeof buildConfigSchema>;

export { resolveBuildPaths } from './build-paths.js';
