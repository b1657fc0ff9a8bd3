import { resolve } from 'node:path';
import { checkArtifact, type Requirement } from '../../attest/check.js';
import { loadPolicy } from '../../attest/policy.js';
import { UsageError } from '../../core/errors.js';
import { parse, platformOption } from '../args.js';
import type { Command } from '../io.js';

/** `pipeguard verify`: checks a Sigstore bundle (signature or attestation) against the artifact, offline. */
export const verifyCommand: Command = {
  name: 'verify',
  summary: 'verify the signature or provenance attestation of an artifact, image, SBOM or attestation (offline)',
  help: `Usage: pipeguard verify <path> --key FILE [--bundle FILE] [--predicate slsa]
       pipeguard verify <path> --trusted-root FILE --certificate-identity ID --certificate-oidc-issuer URL

Checks that path (a file or a container image) is what the bundle signed, and that the signature was
made with the public key given (key-based signing, pipeguard sign), or, for keyless signatures (cosign
or sigstore clients in CI with an OIDC token), by a Fulcio certificate that chains to the trusted root,
names the expected identity and issuer, and was logged in a trusted Rekor log (signed entry timestamp,
inclusion proof and checkpoint checked offline against the trusted_root.json given). Nothing is fetched.

Exit 0 verified; 1 not verified (the reason on stderr): the artifact changed, another key or identity,
a bad signature; 2 bad usage or input (no such bundle, a malformed bundle or key).

  -k, --key FILE                     PEM public key of the signer
      --trusted-root FILE            Sigstore trusted root (trusted_root.json) for keyless signatures
      --certificate-identity ID      the e-mail or URI the signing certificate must name
      --certificate-oidc-issuer URL  the OIDC issuer that must have vouched for it
      --bundle FILE                  the bundle (default <path>.sigstore.json, or with --predicate slsa
                                     <path>.intoto.sigstore.json)
      --predicate slsa               verify a SLSA provenance attestation rather than a signature
      --platform P                   for a multi-platform image: os/arch[/variant] (default linux/amd64)
`,
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      key: { type: 'string', short: 'k' },
      'trusted-root': { type: 'string' },
      'certificate-identity': { type: 'string' },
      'certificate-oidc-issuer': { type: 'string' },
      bundle: { type: 'string' },
      predicate: { type: 'string' },
      platform: { type: 'string' },
    });
    const shown = positionals[0];
    if (!shown) throw new UsageError('name the artifact or image to verify');
    if (values.predicate !== undefined && values.predicate !== 'slsa') throw new UsageError(`unknown predicate ${values.predicate} (use slsa)`);
    const policy = loadPolicy(
      {
        ...(values.key ? { key: values.key } : {}),
        ...(values['trusted-root'] ? { trustedRoot: values['trusted-root'] } : {}),
        ...(values['certificate-identity'] ? { identity: values['certificate-identity'] } : {}),
        ...(values['certificate-oidc-issuer'] ? { issuer: values['certificate-oidc-issuer'] } : {}),
      },
      io.cwd,
      'give',
    );
    const requirement: Requirement = values.predicate ? 'provenance' : 'signed';
    const { subject, checks } = await checkArtifact(resolve(io.cwd, shown), shown, {
      require: [requirement],
      policy,
      base: io.cwd,
      strict: true,
      ...(values.platform ? { platform: platformOption(values.platform) } : {}),
      ...(values.bundle ? { bundles: { [requirement]: resolve(io.cwd, values.bundle) } } : {}),
    });
    const c = checks[0]!;
    if (c.outcome !== 'verified') {
      io.stderr.write(`pipeguard: ${shown}: ${c.outcome === 'tampered' ? 'tampered' : 'not verified'}: ${c.detail}\n`);
      return 1;
    }
    const what = subject?.kind === 'image' ? `image ${subject.name} (manifest sha256:${subject.sha256})` : `${shown} (sha256:${subject?.sha256})`;
    io.stdout.write(`verified ${requirement === 'provenance' ? 'SLSA provenance of ' : ''}${what}, signed by ${c.detail}\n`);
    if (c.statement && requirement === 'provenance') {
      const pred = c.statement.predicate as { runDetails?: { builder?: { id?: string } }; buildDefinition?: { externalParameters?: { source?: { uri?: string; digest?: { gitCommit?: string } } } } };
      const src = pred.buildDefinition?.externalParameters?.source;
      io.stdout.write(`  builder: ${pred.runDetails?.builder?.id ?? 'unknown'}\n${src ? `  source:  ${src.uri ?? ''} @ ${src.digest?.gitCommit ?? ''}\n` : ''}`);
    }
    return 0;
  },
};
