/**
 * Verifies a Sigstore bundle against the artifact it is about, offline. Key-based bundles are checked with the
 * public key given; keyless ones with a trusted root: the certificate must chain to a trusted Fulcio CA, name the
 * expected identity and OIDC issuer, allow code signing, and have been valid when a trusted Rekor log integrated
 * the signature (the log entry's signed timestamp, inclusion proof and checkpoint are checked, and its body must
 * record this signature over this content).
 */
import { createHash, X509Certificate, type KeyObject } from 'node:crypto';
import type { Bundle } from './bundle.js';
import { certificateExtensions, extendedKeyUsages, extensionText, subjectAltNames } from './der.js';
import { IN_TOTO_PAYLOAD_TYPE, verifyEnvelope } from './dsse.js';
import { keyHint, verifyBytes } from './keys.js';
import type { Statement } from './provenance.js';
import type { Subject } from './subject.js';
import { verifyTlogEntry } from './tlog.js';
import { within, type TrustedRoot } from './trusted-root.js';

/** What a signature must have been made with. */
export type VerifyPolicy =
  | { kind: 'key'; key: KeyObject }
  | { kind: 'keyless'; root: TrustedRoot; identity: string; issuer: string };

/** Why verification failed, in words a reader acts on, and which kind of failure it is. */
export interface VerifyFailure {
  ok: false;
  /** `tampered`: the content is not what was signed; `signature`: a bad or foreign signature; `identity`: the signer is not the one expected; `trust`: the certificate or log entry is not trusted. */
  kind: 'tampered' | 'signature' | 'identity' | 'trust';
  reason: string;
}

/** A verified bundle: who signed, when (keyless), and the statement of an attestation. */
export interface VerifySuccess {
  ok: true;
  signer: string;
  time?: Date;
  statement?: Statement;
}

/** The outcome of {@link verifyBundle}. */
export type VerifyResult = VerifySuccess | VerifyFailure;

const fail = (kind: VerifyFailure['kind'], reason: string): VerifyFailure => ({ ok: false, kind, reason });

/** OIDs Fulcio puts in its certificates. */
const OID_ISSUER_V1 = '1.3.6.1.4.1.57264.1.1';
const OID_ISSUER_V2 = '1.3.6.1.4.1.57264.1.8';
const OID_CODE_SIGNING = '1.3.6.1.5.5.7.3.3';

/** Checks `bundle` is a valid signature of `subject` under `policy`. */
export function verifyBundle(bundle: Bundle, subject: Subject, policy: VerifyPolicy): VerifyResult {
  // What the signature covers, and that the artifact is what was signed.
  let statement: Statement | undefined;
  let signature: Buffer;
  let digest: string;
  const env = bundle.dsseEnvelope;
  if (env) {
    if (env.payloadType !== IN_TOTO_PAYLOAD_TYPE) return fail('signature', `the envelope holds ${env.payloadType}, not an in-toto statement`);
    const payload = Buffer.from(env.payload, 'base64');
    try {
      statement = JSON.parse(payload.toString('utf8')) as Statement;
    } catch {
      return fail('signature', 'the envelope payload is not JSON');
    }
    if (!Array.isArray(statement.subject) || !statement.subject.some((s) => s?.digest?.sha256 === subject.sha256)) {
      return fail('tampered', `the artifact (sha256:${subject.sha256.slice(0, 12)}…) is not a subject of the attestation`);
    }
    signature = Buffer.from(env.signatures[0]!.sig, 'base64');
    digest = createHash('sha256').update(payload).digest('hex');
  } else {
    const ms = bundle.messageSignature!;
    const signed = ms.messageDigest ? Buffer.from(ms.messageDigest.digest, 'base64').toString('hex') : undefined;
    if (signed !== undefined && signed !== subject.sha256) return fail('tampered', `the artifact's digest sha256:${subject.sha256.slice(0, 12)}… is not the signed sha256:${signed.slice(0, 12)}…`);
    signature = Buffer.from(ms.signature, 'base64');
    digest = subject.sha256;
  }
  const check = (key: KeyObject): boolean => (env ? verifyEnvelope(key, env) : verifyBytes(key, subject.bytes, signature));

  const vm = bundle.verificationMaterial;
  if (policy.kind === 'key') {
    if (!vm.publicKey) return fail('trust', 'the bundle is signed keyless (a certificate): verify it with --trusted-root, --certificate-identity and --certificate-oidc-issuer');
    const hint = keyHint(policy.key);
    if (vm.publicKey.hint && vm.publicKey.hint !== hint) return fail('signature', `signed with another key (hint ${vm.publicKey.hint.slice(0, 12)}…, the key given is ${hint.slice(0, 12)}…)`);
    if (!check(policy.key)) return fail('signature', 'the signature does not verify with the key given');
    return { ok: true, signer: `key ${hint.slice(0, 16)}`, ...(statement ? { statement } : {}) };
  }

  const rawCert = vm.certificate?.rawBytes ?? vm.x509CertificateChain?.certificates[0]?.rawBytes;
  if (!rawCert) return fail('trust', 'the bundle is signed with a key, not a certificate: verify it with --key');
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(Buffer.from(rawCert, 'base64'));
  } catch {
    return fail('trust', 'the signing certificate does not parse');
  }
  const ca = policy.root.cas.find((c) => chainsTo(leaf, c.chain));
  if (!ca) return fail('trust', 'the signing certificate does not chain to a certificate authority of the trusted root');
  const exts = certificateExtensions(leaf.raw);
  if (!extendedKeyUsages(exts).includes(OID_CODE_SIGNING)) return fail('trust', 'the signing certificate is not for code signing');
  const san = subjectAltNames(exts);
  const names = [...san.emails, ...san.uris];
  if (!names.includes(policy.identity)) return fail('identity', `signed by ${names.join(', ') || 'an unnamed identity'}, not ${policy.identity}`);
  const issuer = extensionText(exts, OID_ISSUER_V2) ?? extensionText(exts, OID_ISSUER_V1);
  if (issuer !== policy.issuer) return fail('identity', `the identity was vouched for by ${issuer ?? 'no OIDC issuer'}, not ${policy.issuer}`);
  if (vm.tlogEntries.length === 0) return fail('trust', 'the bundle has no transparency-log entry (a keyless signature needs one to prove when it was made)');
  const pem = leaf.toString();
  let why = '';
  for (const entry of vm.tlogEntries) {
    const r = verifyTlogEntry(entry, policy.root.tlogs, { signature, verifierPem: pem, digest });
    if (!r.ok) {
      why = r.reason;
      continue;
    }
    const t = r.integratedTime;
    if (t < new Date(leaf.validFrom) || t > new Date(leaf.validTo)) {
      why = `the certificate was not valid when the log integrated the signature (${t.toISOString()})`;
      continue;
    }
    if (!within(ca.validFor, t)) {
      why = 'the certificate authority was not trusted when the signature was made';
      continue;
    }
    if (!check(leaf.publicKey)) return fail('signature', 'the signature does not verify with the certificate\'s key');
    return { ok: true, signer: `${policy.identity} (${issuer})`, time: t, ...(statement ? { statement } : {}) };
  }
  return fail('trust', why);
}

/** True when `leaf` is issued by the first certificate of `chain` and each certificate by the next. */
function chainsTo(leaf: X509Certificate, chain: X509Certificate[]): boolean {
  let cur = leaf;
  for (const c of chain) {
    if (!cur.checkIssued(c) || !cur.verify(c.publicKey)) return false;
    cur = c;
  }
  const root = chain[chain.length - 1]!;
  return root.checkIssued(root) && root.verify(root.publicKey);
}
