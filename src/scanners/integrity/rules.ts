import { rule, type RuleInfo } from '../../core/rules.js';

/**
 * An example is the JSON of a scenario the rule tests run for real: an artifact, the `build.require` of the config,
 * what sits beside it (`signature` / `provenance`: `key` made with the configured key, `other` made with another
 * key, `none`), and `change: true` to change one byte of the artifact after signing.
 */
const ex = (o: { require: string[]; signature?: string; provenance?: string; change?: boolean }): string => JSON.stringify(o);

/** The rules of the build gate. */
export const INTEGRITY_RULES: RuleInfo[] = [
  rule('artifact-unsigned', 'Artifact not signed', 'high', 'build.require lists `signed`, and no signature bundle sits beside the artifact (`<artifact>.sigstore.json`). Sign it in the build job (`pipeguard sign <artifact> --key ...`, or keyless with cosign) so a deploy can check it is the artifact the build made.', {
    cwe: 'CWE-345',
    confidence: 'high',
    tags: ['build', 'supply-chain'],
    examples: { positive: [ex({ require: ['signed'], signature: 'none' })], negative: [ex({ require: ['signed'], signature: 'key' }), ex({ require: ['provenance'], signature: 'none', provenance: 'key' })] },
  }),
  rule('artifact-signature-invalid', 'Artifact signature does not verify', 'critical', 'The signature bundle beside the artifact does not verify with the key (or keyless identity) build.key/build.trustedRoot name: it was made by someone else, or the bundle is malformed. Do not ship the artifact: find out who signed it.', {
    cwe: 'CWE-347',
    confidence: 'high',
    tags: ['build', 'supply-chain'],
    examples: { positive: [ex({ require: ['signed'], signature: 'other' })], negative: [ex({ require: ['signed'], signature: 'key' })] },
  }),
  rule('artifact-tampered', 'Artifact changed after signing', 'critical', 'The artifact is not what was signed or attested: its digest differs from the signed one (or an image layer does not match its digest). Something changed it between the build and now; rebuild it and find out what touched it.', {
    cwe: 'CWE-494',
    confidence: 'high',
    tags: ['build', 'supply-chain'],
    examples: { positive: [ex({ require: ['signed'], signature: 'key', change: true }), ex({ require: ['provenance'], provenance: 'key', change: true })], negative: [ex({ require: ['signed', 'provenance'], signature: 'key', provenance: 'key' })] },
  }),
  rule('provenance-missing', 'No provenance attestation', 'high', 'build.require lists `provenance`, and no provenance attestation sits beside the artifact (`<artifact>.intoto.sigstore.json`). Attest it in the build job: `pipeguard attest <artifact> --predicate slsa --key ...`.', {
    cwe: 'CWE-345',
    confidence: 'high',
    tags: ['build', 'supply-chain', 'slsa'],
    examples: { positive: [ex({ require: ['provenance'], signature: 'key' })], negative: [ex({ require: ['provenance'], provenance: 'key' }), ex({ require: ['signed'], signature: 'key' })] },
  }),
  rule('provenance-invalid', 'Provenance attestation does not verify', 'critical', 'The provenance attestation beside the artifact does not verify with the configured key or identity, or is not SLSA provenance v1 (a plain signature in its place, another predicate). Do not trust where the artifact says it came from.', {
    cwe: 'CWE-347',
    confidence: 'high',
    tags: ['build', 'supply-chain', 'slsa'],
    examples: { positive: [ex({ require: ['provenance'], provenance: 'other' }), ex({ require: ['provenance'], provenance: 'plain' })], negative: [ex({ require: ['provenance'], provenance: 'key' })] },
  }),
];
