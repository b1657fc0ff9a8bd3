/**
 * DSSE (Dead Simple Signing Envelope): a payload, its type, and signatures over the pre-authentication encoding
 * `DSSEv1 <len(type)> <type> <len(payload)> <payload>`, so a signature never covers bytes of another type.
 */
import type { KeyObject } from 'node:crypto';
import { keyHint, signBytes, verifyBytes } from './keys.js';

/** The payload type of in-toto statements. */
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

/** A DSSE envelope as JSON (`payload` and `sig` base64). */
export interface DsseEnvelope {
  payload: string;
  payloadType: string;
  signatures: { sig: string; keyid?: string }[];
}

/** The pre-authentication encoding DSSE signs. */
export function pae(payloadType: string, payload: Uint8Array): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${payload.length} `), Buffer.from(payload)]);
}

/** Signs `payload` into an envelope with one signature. */
export function signEnvelope(key: KeyObject, payloadType: string, payload: Uint8Array, keyid: string = keyHint(key)): DsseEnvelope {
  return { payload: Buffer.from(payload).toString('base64'), payloadType, signatures: [{ sig: signBytes(key, pae(payloadType, payload)).toString('base64'), keyid }] };
}

/** True when one of the envelope's signatures verifies with `key`. */
export function verifyEnvelope(key: KeyObject, env: DsseEnvelope): boolean {
  const data = pae(env.payloadType, Buffer.from(env.payload, 'base64'));
  return env.signatures.some((s) => verifyBytes(key, data, Buffer.from(s.sig, 'base64')));
}
