/**
 * Signing keys for offline signing: ECDSA P-256 (SHA-256) or Ed25519, as PEM files (PKCS#8 private key, SPKI
 * public key), through `node:crypto`. A key is named in bundles by its hint: the hex SHA-256 of its SPKI DER.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { InputError } from '../core/errors.js';

/** The key algorithms pipeguard signs with. */
export type KeyAlgorithm = 'ecdsa-p256' | 'ed25519';

/** A new key pair as PEM text. */
export function generateKeyPair(alg: KeyAlgorithm): { privatePem: string; publicPem: string } {
  const pair = alg === 'ed25519' ? generateKeyPairSync('ed25519') : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    privatePem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** The algorithm of a key, or an error naming the file for a key of another kind (RSA, P-384). */
export function keyAlgorithm(key: KeyObject, file: string): KeyAlgorithm {
  if (key.asymmetricKeyType === 'ed25519') return 'ed25519';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ecdsa-p256';
  throw new InputError(`unsupported key (${key.asymmetricKeyType}${key.asymmetricKeyDetails?.namedCurve ? ` ${key.asymmetricKeyDetails.namedCurve}` : ''}): use ECDSA P-256 or Ed25519`, file);
}

function readKeyFile(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new InputError(`cannot read key: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, file);
  }
}

/** Loads a PEM private key (PKCS#8 or SEC1), optionally encrypted with `passphrase`. */
export function loadPrivateKey(file: string, passphrase?: string): KeyObject {
  const pem = readKeyFile(file);
  let key: KeyObject;
  try {
    key = createPrivateKey(passphrase !== undefined ? { key: pem, passphrase } : { key: pem });
  } catch {
    const encrypted = /-----BEGIN (ENCRYPTED PRIVATE KEY|[A-Z ]+PRIVATE KEY-----\r?\nProc-Type: 4,ENCRYPTED)/.test(pem.toString('latin1'));
    throw new InputError(encrypted ? `cannot decrypt the private key (${passphrase === undefined ? 'no' : 'wrong'} passphrase in PIPEGUARD_KEY_PASSWORD)` : 'not a PEM private key', file);
  }
  keyAlgorithm(key, file);
  return key;
}

/** Loads a PEM public key (SPKI) or takes the public key of a private key file or a certificate. */
export function loadPublicKey(file: string): KeyObject {
  const pem = readKeyFile(file);
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new InputError('not a PEM public key', file);
  }
  keyAlgorithm(key, file);
  return key;
}

/** The key hint bundles carry: hex SHA-256 of the public key's SPKI DER. */
export function keyHint(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return createHash('sha256').update(pub.export({ type: 'spki', format: 'der' })).digest('hex');
}

/** Signs `data`: ECDSA P-256 with SHA-256 (DER signature) or Ed25519. */
export function signBytes(key: KeyObject, data: Uint8Array): Buffer {
  return key.asymmetricKeyType === 'ed25519' ? sign(null, data, key) : sign('sha256', data, { key, dsaEncoding: 'der' });
}

/** Checks a signature made by {@link signBytes} (or by any ECDSA-SHA256 / Ed25519 signer). False, never throws. */
export function verifyBytes(key: KeyObject, data: Uint8Array, signature: Uint8Array): boolean {
  try {
    return key.asymmetricKeyType === 'ed25519' ? verify(null, data, key, signature) : verify('sha256', data, { key, dsaEncoding: 'der' }, signature);
  } catch {
    return false;
  }
}
