/**
 * Where bundles sit beside what they sign, and the verification policy from options (CLI flags or the `build`
 * section of pipeguard.yml): a public key, or a trusted root with the expected identity and OIDC issuer.
 */
import { resolve } from 'node:path';
import { InputError, UsageError } from '../core/errors.js';
import { loadPublicKey } from './keys.js';
import { loadTrustedRoot } from './trusted-root.js';
import type { VerifyPolicy } from './verify.js';

/** The bundle of a signature beside the artifact: `<artifact>.sigstore.json`. */
export function signaturePath(artifact: string): string {
  return `${artifact.replace(/\/+$/, '')}.sigstore.json`;
}

/** The bundle of a provenance attestation beside the artifact: `<artifact>.intoto.sigstore.json`. */
export function provenancePath(artifact: string): string {
  return `${artifact.replace(/\/+$/, '')}.intoto.sigstore.json`;
}

/** How a signature is to be checked, as the user gave it (paths relative to `base`). */
export interface PolicyOptions {
  key?: string;
  trustedRoot?: string;
  identity?: string;
  issuer?: string;
}

/** The policy the options name; a UsageError when they name none or half of one. */
export function loadPolicy(o: PolicyOptions, base: string, where = 'give'): VerifyPolicy {
  if (o.key && o.trustedRoot) throw new UsageError(`${where} either a public key or a trusted root, not both`);
  if (o.key) return { kind: 'key', key: loadPublicKey(resolve(base, o.key)) };
  if (o.trustedRoot) {
    if (!o.identity || !o.issuer) throw new UsageError(`keyless verification needs the expected certificate identity and OIDC issuer (${where} both)`);
    return { kind: 'keyless', root: loadTrustedRoot(resolve(base, o.trustedRoot)), identity: o.identity, issuer: o.issuer };
  }
  throw new UsageError(`${where} a public key, or a trusted root with the certificate identity and OIDC issuer`);
}

/** Reads a bundle file; undefined when it does not exist. */
export async function readBundleText(path: string, shown: string): Promise<string | undefined> {
  const { readFile } = await import('node:fs/promises');
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new InputError(`cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, shown);
  }
}
