/**
 * Sigstore bundles (media type `application/vnd.dev.sigstore.bundle.v0.3+json`): the signed content (a message
 * signature over an artifact, or a DSSE envelope of an in-toto statement) with what verifies it: a public key hint
 * (offline, key-based signing) or a Fulcio certificate with Rekor transparency-log entries (keyless signing).
 * Bundles of v0.1 and v0.2 (certificate chains) are read too.
 */
import { InputError } from '../core/errors.js';
import type { DsseEnvelope } from './dsse.js';

/** The bundle media type pipeguard writes. */
export const BUNDLE_V03 = 'application/vnd.dev.sigstore.bundle.v0.3+json';

const MEDIA_TYPES = new Set([BUNDLE_V03, 'application/vnd.dev.sigstore.bundle+json;version=0.3', 'application/vnd.dev.sigstore.bundle+json;version=0.2', 'application/vnd.dev.sigstore.bundle+json;version=0.1']);

/** One Rekor entry as a bundle records it (numbers as strings, bytes as base64). */
export interface TlogEntry {
  logIndex: string;
  logId: { keyId: string };
  kindVersion: { kind: string; version: string };
  integratedTime: string;
  inclusionPromise?: { signedEntryTimestamp: string };
  inclusionProof?: { logIndex: string; rootHash: string; treeSize: string; hashes: string[]; checkpoint: { envelope: string } };
  canonicalizedBody: string;
}

/** What verifies a bundle's signature. */
export interface VerificationMaterial {
  publicKey?: { hint: string };
  certificate?: { rawBytes: string };
  x509CertificateChain?: { certificates: { rawBytes: string }[] };
  tlogEntries: TlogEntry[];
  timestampVerificationData?: { rfc3161Timestamps?: unknown[] };
}

/** A message signature over an artifact's bytes. */
export interface MessageSignature {
  messageDigest: { algorithm: 'SHA2_256'; digest: string };
  signature: string;
}

/** A Sigstore bundle: exactly one of `messageSignature` and `dsseEnvelope`. */
export interface Bundle {
  mediaType: string;
  verificationMaterial: VerificationMaterial;
  messageSignature?: MessageSignature;
  dsseEnvelope?: DsseEnvelope;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const B64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Parses and checks the shape of a bundle; anything else is an InputError naming the file. */
export function parseBundle(text: string, file: string): Bundle {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch (e) {
    throw new InputError(`not JSON: ${(e as Error).message}`, file);
  }
  const bad = (why: string): never => {
    throw new InputError(`not a Sigstore bundle: ${why}`, file);
  };
  if (!isObj(j)) return bad('not an object');
  if (typeof j.mediaType !== 'string' || !MEDIA_TYPES.has(j.mediaType)) return bad(`unknown mediaType ${JSON.stringify(j.mediaType)}`);
  const vm = j.verificationMaterial;
  if (!isObj(vm)) return bad('no verificationMaterial');
  const hasKey = isObj(vm.publicKey);
  const hasCert = isObj(vm.certificate) || isObj(vm.x509CertificateChain);
  if (!hasKey && !hasCert) return bad('verificationMaterial has neither publicKey nor certificate');
  if (isObj(vm.certificate) && (typeof vm.certificate.rawBytes !== 'string' || !B64.test(vm.certificate.rawBytes))) return bad('certificate.rawBytes is not base64');
  if (isObj(vm.x509CertificateChain) && !Array.isArray(vm.x509CertificateChain.certificates)) return bad('x509CertificateChain has no certificates');
  const tlog = vm.tlogEntries ?? [];
  if (!Array.isArray(tlog)) return bad('tlogEntries is not a list');
  for (const t of tlog) {
    if (!isObj(t) || typeof t.canonicalizedBody !== 'string' || !isObj(t.logId) || typeof t.integratedTime !== 'string' || typeof t.logIndex !== 'string') return bad('a tlog entry lacks logIndex, logId, integratedTime or canonicalizedBody');
  }
  const ms = j.messageSignature;
  const env = j.dsseEnvelope;
  if ((ms === undefined) === (env === undefined)) return bad('it needs exactly one of messageSignature and dsseEnvelope');
  if (ms !== undefined) {
    if (!isObj(ms) || typeof ms.signature !== 'string' || !B64.test(ms.signature)) return bad('messageSignature.signature is not base64');
    if (ms.messageDigest !== undefined && (!isObj(ms.messageDigest) || typeof ms.messageDigest.digest !== 'string')) return bad('messageSignature.messageDigest is malformed');
  }
  if (env !== undefined) {
    if (!isObj(env) || typeof env.payload !== 'string' || typeof env.payloadType !== 'string' || !Array.isArray(env.signatures) || env.signatures.length === 0) return bad('dsseEnvelope needs payload, payloadType and signatures');
    for (const s of env.signatures) if (!isObj(s) || typeof s.sig !== 'string') return bad('a DSSE signature has no sig');
  }
  return { ...(j as unknown as Bundle), verificationMaterial: { ...(vm as unknown as VerificationMaterial), tlogEntries: tlog as TlogEntry[] } };
}

/** A key-based bundle of a message signature. */
export function messageBundle(sha256Hex: string, signature: Buffer, hint: string): Bundle {
  return {
    mediaType: BUNDLE_V03,
    verificationMaterial: { publicKey: { hint }, tlogEntries: [] },
    messageSignature: { messageDigest: { algorithm: 'SHA2_256', digest: Buffer.from(sha256Hex, 'hex').toString('base64') }, signature: signature.toString('base64') },
  };
}

/** A key-based bundle of a DSSE envelope. */
export function dsseBundle(envelope: DsseEnvelope, hint: string): Bundle {
  return { mediaType: BUNDLE_V03, verificationMaterial: { publicKey: { hint }, tlogEntries: [] }, dsseEnvelope: envelope };
}
