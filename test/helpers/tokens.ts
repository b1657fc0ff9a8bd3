import { randomBytes } from 'node:crypto';
import { base62, crc32 } from '../../src/analyzers/secrets/validators.js';

const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A deterministic pseudo-random base62 string (seeded), so fixtures are stable without literal secrets in the repo. */
export function seeded(seed: number, n: number, alphabet = ALNUM): string {
  let x = seed >>> 0 || 1;
  let out = '';
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out += alphabet[x % alphabet.length];
  }
  return out;
}

/** A synthetic GitHub classic token with a valid checksum: built at run time, never committed. */
export function githubToken(seed: number, prefix = 'ghp'): string {
  const body = seeded(seed, 30);
  return `${prefix}_${body}${base62(crc32(body), 6)}`;
}

/** A synthetic AWS access key id (base32 alphabet). */
export function awsKeyId(seed: number): string {
  return 'AKIA' + seeded(seed, 16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567');
}

/** Random bytes as base62, for values that only need to look random. */
export function randomToken(n: number): string {
  return [...randomBytes(n)].map((b) => ALNUM[b % 62]).join('');
}
