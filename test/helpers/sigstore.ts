/**
 * A local stand-in for Sigstore's public services, made with node:crypto, so keyless verification is tested
 * offline: a DER writer, a certificate authority (root and intermediate, like Fulcio's) that issues short-lived
 * code-signing certificates naming an identity and an OIDC issuer, and a transparency log (like Rekor) that
 * integrates entries into an RFC 6962 Merkle tree and hands out signed entry timestamps, inclusion proofs and
 * signed checkpoints. Bundles made with these verify exactly as recorded public-good bundles do.
 */
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { Bundle, TlogEntry } from '../../src/attest/bundle.js';
import { pae, type DsseEnvelope } from '../../src/attest/dsse.js';
import { canonicalJson, leafHash, nodeHash } from '../../src/attest/tlog.js';

// --- DER writer -------------------------------------------------------------------------------------------------

function len(n: number): Buffer {
  if (n < 128) return Buffer.from([n]);
  const bytes: number[] = [];
  while (n > 0) {
    bytes.unshift(n & 0xff);
    n = Math.floor(n / 256);
  }
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
const tlv = (tag: number, body: Buffer): Buffer => Buffer.concat([Buffer.from([tag]), len(body.length), body]);
const seq = (...parts: Buffer[]): Buffer => tlv(0x30, Buffer.concat(parts));
const set = (...parts: Buffer[]): Buffer => tlv(0x31, Buffer.concat(parts));
const ctx = (n: number, body: Buffer, constructed = true): Buffer => tlv((constructed ? 0xa0 : 0x80) | n, body);
const octets = (b: Buffer): Buffer => tlv(0x04, b);
const utf8 = (s: string): Buffer => tlv(0x0c, Buffer.from(s, 'utf8'));
const bool = (v: boolean): Buffer => tlv(0x01, Buffer.from([v ? 0xff : 0]));
const bits = (b: Buffer): Buffer => tlv(0x03, Buffer.concat([Buffer.from([0]), b]));
function int(n: bigint): Buffer {
  let hex = n.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let b = Buffer.from(hex, 'hex');
  if (b[0]! & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return tlv(0x02, b);
}
function oid(text: string): Buffer {
  const p = text.split('.').map(Number);
  const out = [40 * p[0]! + p[1]!];
  for (const n of p.slice(2)) {
    const chunk: number[] = [n & 0x7f];
    let v = Math.floor(n / 128);
    while (v > 0) {
      chunk.unshift((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}
function time(d: Date): Buffer {
  const s = d.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';
  return tlv(0x17, Buffer.from(s));
}
const name = (cn: string): Buffer => seq(set(seq(oid('2.5.4.10'), utf8('pipeguard-test'))), set(seq(oid('2.5.4.3'), utf8(cn))));
const ext = (id: string, critical: boolean, value: Buffer): Buffer => seq(oid(id), ...(critical ? [bool(true)] : []), octets(value));

// --- certificate authority --------------------------------------------------------------------------------------

/** A certificate and its key. */
export interface Issued {
  der: Buffer;
  key: KeyObject;
  pem: string;
}

function pemOf(der: Buffer): string {
  return `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n').trim()}\n-----END CERTIFICATE-----\n`;
}

let serial = 1000n;

/** Issues a certificate for `subjectKey` signed by `issuerKey` (ECDSA P-256 with SHA-256). */
function certificate(o: { subject: string; issuer: string; subjectKey: KeyObject; issuerKey: KeyObject; from: Date; to: Date; extensions: Buffer[] }): Buffer {
  const alg = seq(oid('1.2.840.10045.4.3.2'));
  const tbs = seq(
    ctx(0, int(2n)),
    int(serial++),
    alg,
    name(o.issuer),
    seq(time(o.from), time(o.to)),
    name(o.subject),
    o.subjectKey.export({ type: 'spki', format: 'der' }),
    ctx(3, seq(...o.extensions)),
  );
  return seq(tbs, alg, bits(sign('sha256', tbs, { key: o.issuerKey, dsaEncoding: 'der' })));
}

const ecKeys = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' });

/** A Fulcio-like CA: a self-signed root and an intermediate that issues leaf certificates. */
export class LocalCa {
  readonly root: Issued;
  readonly intermediate: Issued;
  constructor(readonly from = new Date('2020-01-01T00:00:00Z')) {
    const to = new Date('2040-01-01T00:00:00Z');
    const rk = ecKeys();
    const caExts = [ext('2.5.29.19', true, seq(bool(true))), ext('2.5.29.15', true, bits(Buffer.from([0x06])))];
    const rootDer = certificate({ subject: 'test root', issuer: 'test root', subjectKey: rk.publicKey, issuerKey: rk.privateKey, from, to, extensions: caExts });
    this.root = { der: rootDer, key: rk.privateKey, pem: pemOf(rootDer) };
    const ik = ecKeys();
    const intDer = certificate({ subject: 'test intermediate', issuer: 'test root', subjectKey: ik.publicKey, issuerKey: rk.privateKey, from, to, extensions: caExts });
    this.intermediate = { der: intDer, key: ik.privateKey, pem: pemOf(intDer) };
  }

  /** A short-lived code-signing certificate naming `identity` (e-mail or URI) and the OIDC `issuer`. */
  leaf(o: { identity: string; issuer: string; at: Date; minutes?: number; codeSigning?: boolean }): Issued {
    const k = ecKeys();
    const san = o.identity.includes('@') && !o.identity.includes('/') ? ctx(1, Buffer.from(o.identity), false) : ctx(6, Buffer.from(o.identity), false);
    const der = certificate({
      subject: 'sigstore',
      issuer: 'test intermediate',
      subjectKey: k.publicKey,
      issuerKey: this.intermediate.key,
      from: o.at,
      to: new Date(o.at.getTime() + (o.minutes ?? 10) * 60_000),
      extensions: [
        ext('2.5.29.15', true, bits(Buffer.from([0x80]))),
        ext('2.5.29.37', false, seq(oid(o.codeSigning === false ? '1.3.6.1.5.5.7.3.1' : '1.3.6.1.5.5.7.3.3'))),
        ext('2.5.29.17', true, seq(san)),
        ext('1.3.6.1.4.1.57264.1.1', false, Buffer.from(o.issuer)),
        ext('1.3.6.1.4.1.57264.1.8', false, utf8(o.issuer)),
      ],
    });
    return { der, key: k.privateKey, pem: pemOf(der) };
  }
}

// --- transparency log -------------------------------------------------------------------------------------------

function mth(leaves: Buffer[]): Buffer {
  if (leaves.length === 0) return createHash('sha256').digest();
  if (leaves.length === 1) return leaves[0]!;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return nodeHash(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

/** The RFC 6962 audit path of leaf `m` in `leaves` (leaf hashes). */
export function auditPath(m: number, leaves: Buffer[]): Buffer[] {
  if (leaves.length <= 1) return [];
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return m < k ? [...auditPath(m, leaves.slice(0, k)), mth(leaves.slice(k))] : [...auditPath(m - k, leaves.slice(k)), mth(leaves.slice(0, k))];
}

/** The Merkle tree hash of leaf hashes (RFC 6962). */
export function treeHash(leaves: Buffer[]): Buffer {
  return mth(leaves);
}

/** A Rekor-like log: entries go into a Merkle tree; each gets a signed entry timestamp and an inclusion proof. */
export class LocalLog {
  readonly key = ecKeys();
  readonly leaves: Buffer[] = [];
  readonly origin = 'rekor.test - 1234';
  /** Unrelated entries before ours, so proofs have several steps. */
  constructor(padding = 6) {
    for (let i = 0; i < padding; i++) this.leaves.push(leafHash(Buffer.from(`other entry ${i}`)));
  }

  get logId(): Buffer {
    return createHash('sha256').update(this.key.publicKey.export({ type: 'spki', format: 'der' })).digest();
  }

  /** Integrates a body at `at` and returns the bundle's entry; `extra` more entries are logged after it. */
  add(body: Record<string, unknown>, at: Date, extra = 3): TlogEntry {
    const bodyBytes = Buffer.from(JSON.stringify(body));
    const index = this.leaves.length;
    this.leaves.push(leafHash(bodyBytes));
    for (let i = 0; i < extra; i++) this.leaves.push(leafHash(Buffer.from(`later entry ${index}-${i}`)));
    const size = this.leaves.length;
    const root = mth(this.leaves);
    const integratedTime = Math.floor(at.getTime() / 1000);
    const canonicalizedBody = bodyBytes.toString('base64');
    const set = sign('sha256', Buffer.from(canonicalJson({ body: canonicalizedBody, integratedTime, logID: this.logId.toString('hex'), logIndex: index })), { key: this.key.privateKey, dsaEncoding: 'der' });
    const note = `${this.origin}\n${size}\n${root.toString('base64')}\n`;
    const noteSig = sign('sha256', Buffer.from(note), { key: this.key.privateKey, dsaEncoding: 'der' });
    // Rekor signs as its host name; the note's origin line adds the tree id
    const checkpoint = `${note}\n\u2014 rekor.test ${Buffer.concat([this.logId.subarray(0, 4), noteSig]).toString('base64')}\n`;
    return {
      logIndex: String(index),
      logId: { keyId: this.logId.toString('base64') },
      kindVersion: { kind: String(body.kind), version: '0.0.1' },
      integratedTime: String(integratedTime),
      inclusionPromise: { signedEntryTimestamp: set.toString('base64') },
      inclusionProof: { logIndex: String(index), rootHash: root.toString('base64'), treeSize: String(size), hashes: auditPath(index, this.leaves).map((h) => h.toString('base64')), checkpoint: { envelope: checkpoint } },
      canonicalizedBody,
    };
  }
}

/** Writes a trusted_root.json naming the CA and the log. */
export function writeTrustedRoot(file: string, ca: LocalCa, log: LocalLog): void {
  const root = {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [{ baseUrl: 'https://rekor.test', hashAlgorithm: 'SHA2_256', publicKey: { rawBytes: log.key.publicKey.export({ type: 'spki', format: 'der' }).toString('base64'), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start: '2020-01-01T00:00:00Z' } }, logId: { keyId: log.logId.toString('base64') } }],
    certificateAuthorities: [{ subject: { organization: 'pipeguard-test', commonName: 'test' }, uri: 'https://fulcio.test', certChain: { certificates: [{ rawBytes: ca.intermediate.der.toString('base64') }, { rawBytes: ca.root.der.toString('base64') }] }, validFor: { start: '2020-01-01T00:00:00Z' } }],
    ctlogs: [],
    timestampAuthorities: [],
  };
  writeFileSync(file, JSON.stringify(root, null, 2));
}

/** A keyless bundle of a message signature over `artifact`, logged as a hashedrekord entry, as cosign sign-blob makes. */
export function keylessMessageBundle(artifact: Buffer, cert: Issued, log: LocalLog, at: Date, o: { logDigest?: string } = {}): Bundle {
  const digest = createHash('sha256').update(artifact).digest();
  const sig = sign('sha256', artifact, { key: cert.key, dsaEncoding: 'der' });
  const body = { apiVersion: '0.0.1', kind: 'hashedrekord', spec: { data: { hash: { algorithm: 'sha256', value: o.logDigest ?? digest.toString('hex') } }, signature: { content: sig.toString('base64'), publicKey: { content: Buffer.from(cert.pem).toString('base64') } } } };
  return {
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    verificationMaterial: { certificate: { rawBytes: cert.der.toString('base64') }, tlogEntries: [log.add(body, at)] },
    messageSignature: { messageDigest: { algorithm: 'SHA2_256', digest: digest.toString('base64') }, signature: sig.toString('base64') },
  };
}

/** A keyless bundle of a DSSE envelope of `statement`, logged as a dsse entry, as cosign attest-blob makes. */
export function keylessDsseBundle(statement: unknown, cert: Issued, log: LocalLog, at: Date): Bundle {
  const payload = Buffer.from(JSON.stringify(statement));
  const type = 'application/vnd.in-toto+json';
  const sig = sign('sha256', pae(type, payload), { key: cert.key, dsaEncoding: 'der' });
  const envelope: DsseEnvelope = { payload: payload.toString('base64'), payloadType: type, signatures: [{ sig: sig.toString('base64'), keyid: '' }] };
  const body = {
    apiVersion: '0.0.1',
    kind: 'dsse',
    spec: {
      envelopeHash: { algorithm: 'sha256', value: createHash('sha256').update(JSON.stringify(envelope)).digest('hex') },
      payloadHash: { algorithm: 'sha256', value: createHash('sha256').update(payload).digest('hex') },
      signatures: [{ signature: sig.toString('base64'), verifier: Buffer.from(cert.pem).toString('base64') }],
    },
  };
  return { mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json', verificationMaterial: { certificate: { rawBytes: cert.der.toString('base64') }, tlogEntries: [log.add(body, at)] }, dsseEnvelope: envelope };
}
