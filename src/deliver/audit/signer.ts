import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { canonicalize } from './canonical-json.js';
import type { AuditEntry } from './entry.js';

/** An Ed25519 key that signs checkpoints. */
export interface Signer {
  /** First 16 hex digits of the SHA-256 of the raw public key. */
  keyId: string;
  /** The raw 32-byte public key, base64. */
  publicKey: string;
  sign(data: Buffer): string;
}

/** Reads an Ed25519 private key (PKCS#8 PEM). Throws a plain Error when it is not one. */
export function signerFromPem(pem: string): Signer {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new Error('not a PEM private key');
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`an ${key.asymmetricKeyType ?? 'unknown'} key, not Ed25519`);
  const pub = rawPublicKey(createPublicKey(key));
  return { keyId: keyIdOf(pub), publicKey: pub.toString('base64'), sign: (data) => sign(null, data, key).toString('base64') };
}

/** A new Ed25519 key pair, as PEM (private PKCS#8, public SPKI). */
export function generateSigningKey(): { privatePem: string; publicPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** The raw public key (base64) of a PEM public or private Ed25519 key. */
export function publicKeyFromPem(pem: string): string {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new Error('not a PEM public key');
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`an ${key.asymmetricKeyType ?? 'unknown'} key, not Ed25519`);
  return rawPublicKey(key).toString('base64');
}

/** The key id of a raw public key (base64). */
export function keyIdOf(raw: Buffer | string): string {
  const b = typeof raw === 'string' ? Buffer.from(raw, 'base64') : raw;
  return createHash('sha256').update(b).digest('hex').slice(0, 16);
}

function rawPublicKey(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  return Buffer.from(String(jwk.x), 'base64url');
}

/** What a checkpoint's signature covers: the checkpoint entry without its signature, canonical. */
export function checkpointPayload(e: AuditEntry): Buffer {
  const data = { ...e.data };
  delete data['signature'];
  return Buffer.from(`pipeguard-audit-checkpoint\n${canonicalize({ ...e, data })}`);
}

/** True when `signature` (base64) is a valid Ed25519 signature of `data` by the raw public key (base64). */
export function verifySignature(publicKey: string, data: Buffer, signature: string): boolean {
  try {
    const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKey, 'base64').toString('base64url') }, format: 'jwk' });
    return verify(null, data, key, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}
