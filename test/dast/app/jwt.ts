/**
 * JWT signing and verification for the test application: HS256 with the app's secret; the vulnerable variant
 * also honours `alg: none`, reads the key file a `kid` names, and fetches the key set a `jku` names.
 */
import { createHmac, createPublicKey, timingSafeEqual, verify as rsaVerify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64url');

/** An HS256 token for `payload`. */
export function signJwt(payload: object, secret: string): string {
  const input = `${b64(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64(JSON.stringify(payload))}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** The payload of a valid token, or undefined. `vulnerable` turns on the flaws. */
export async function verifyJwt(token: string, secret: string, vulnerable: boolean, keysDir: string): Promise<Record<string, unknown> | undefined> {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [h, p, s] = parts as [string, string, string];
  let header: Record<string, unknown>;
  let payload: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(h, 'base64url').toString()) as Record<string, unknown>;
    payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const input = `${h}.${p}`;
  const hmacOk = (key: string | Buffer) => {
    const mac = createHmac('sha256', key).update(input).digest();
    const sig = Buffer.from(s, 'base64url');
    return mac.length === sig.length && timingSafeEqual(mac, sig);
  };
  if (!vulnerable) return header.alg === 'HS256' && hmacOk(secret) ? payload : undefined;
  const alg = String(header.alg).toLowerCase();
  if (alg === 'none') return payload;
  if (alg === 'rs256' && typeof header.jku === 'string') {
    try {
      const jwks = (await (await fetch(header.jku)).json()) as { keys: Record<string, unknown>[] };
      const key = createPublicKey({ key: jwks.keys[0] as never, format: 'jwk' });
      return rsaVerify('sha256', Buffer.from(input), key, Buffer.from(s, 'base64url')) ? payload : undefined;
    } catch {
      return undefined;
    }
  }
  if (alg === 'hs256') {
    if (typeof header.kid === 'string') {
      let key: Buffer;
      try {
        key = readFileSync(join(keysDir, header.kid));
      } catch {
        return undefined;
      }
      return hmacOk(key) ? payload : undefined;
    }
    return hmacOk(secret) ? payload : undefined;
  }
  return undefined;
}
