/**
 * Offline checksum and structure validators for secret rules (`SecretRuleSpec.checksum`).
 * Each takes the extracted secret and says whether it has the shape of a real credential; a rule whose
 * validator returns false drops the match. Nothing here touches the network.
 */
import type { ChecksumName } from './rule.js';

const CRC_TABLE: Uint32Array = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (IEEE 802.3, the zlib one) of the Latin-1 code units of `s`. */
export function crc32(s: string): number {
  let crc = 0xffffffff;
  for (let i = 0; i < s.length; i++) crc = CRC_TABLE[(crc ^ s.charCodeAt(i)) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** `n` in base 62 (digits, upper, lower), left-padded with `0` to `width`. */
export function base62(n: number, width: number): string {
  let out = '';
  let v = n;
  do {
    out = BASE62[v % 62]! + out;
    v = Math.floor(v / 62);
  } while (v > 0);
  return out.padStart(width, '0');
}

/**
 * GitHub-style token (also npm's): `<prefix>_<30 base62 chars><6 chars base62 CRC32 of those 30>`.
 * Accepts any prefix ending in `_`; the body after the last `_` must be 36 base62 characters.
 */
function base62Crc32Token(secret: string): boolean {
  const us = secret.lastIndexOf('_');
  const body = secret.slice(us + 1);
  if (us < 1 || !/^[A-Za-z0-9]{36}$/.test(body)) return false;
  return base62(crc32(body.slice(0, 30)), 6) === body.slice(30);
}

function base64UrlDecode(s: string): Buffer | undefined {
  const clean = s.replace(/=+$/, '');
  if (!/^[A-Za-z0-9_\-+/]*$/.test(clean)) return undefined;
  if (clean.length % 4 === 1) return undefined;
  return Buffer.from(clean.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

/** Reads a protobuf-style unsigned varint; returns [value, nextOffset] or undefined past the end. */
function readVarint(buf: Buffer, at: number): [number, number] | undefined {
  let value = 0;
  let shift = 0;
  for (let i = at; i < buf.length && shift <= 28; i++) {
    const b = buf[i]!;
    value += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return [value, i + 1];
    shift += 7;
  }
  return undefined;
}

/**
 * PyPI API token: `pypi-` + base64url of a version-2 binary macaroon whose first field is the location
 * (`pypi.org` or `test.pypi.org`) and whose second field is a non-empty identifier.
 */
function pypi(secret: string): boolean {
  if (!secret.startsWith('pypi-')) return false;
  // Only the first two fields matter: tolerate a token cut short by a narrow window (drop a dangling partial quantum).
  const body = secret.slice(5);
  const buf = base64UrlDecode(body.slice(0, body.length - (body.length % 4)));
  if (!buf || buf.length < 12 || buf[0] !== 2) return false;
  let at = 1;
  const fields = new Map<number, Buffer>();
  for (const want of [1, 2]) {
    if (buf[at] !== want) return false;
    const len = readVarint(buf, at + 1);
    if (!len || len[0] === 0 || len[1] + len[0] > buf.length) return false;
    fields.set(want, buf.subarray(len[1], len[1] + len[0]));
    at = len[1] + len[0];
  }
  const location = fields.get(1)!.toString('latin1');
  return /^(?:https?:\/\/)?(?:test\.)?pypi\.org\/?$/.test(location) && fields.get(2)!.length >= 4;
}

/**
 * Slack incoming webhook: `https://hooks.slack.com/services/T…/B…/<24 alphanumerics>` (or `workflows/T…/A…/…`,
 * or `triggers/…`); the secret may be the whole URL or just the path after `services/`.
 */
function slackWebhook(secret: string): boolean {
  const path = secret.replace(/^https?:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\//, '');
  const parts = path.split('/');
  if (parts.length !== 3) return false;
  const [team, hook, key] = parts as [string, string, string];
  return /^T[A-Z0-9]{6,12}$/.test(team) && /^[AB][A-Z0-9]{6,12}$/.test(hook) && /^[A-Za-z0-9]{20,40}$/.test(key);
}

function jsonObject(part: string): Record<string, unknown> | undefined {
  const buf = base64UrlDecode(part);
  if (!buf) return undefined;
  try {
    const v: unknown = JSON.parse(buf.toString('utf8'));
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * JSON Web Token (JWS compact form): three base64url parts; the header decodes to a JSON object with a string
 * `alg` (or `typ`), the payload to a JSON object; the signature is present unless `alg` is `none`.
 */
function jwt(secret: string): boolean {
  const parts = secret.split('.');
  if (parts.length !== 3) return false;
  const [h, p, sig] = parts as [string, string, string];
  const header = jsonObject(h);
  if (!header || (typeof header.alg !== 'string' && typeof header.typ !== 'string')) return false;
  if (!jsonObject(p)) return false;
  if (sig === '') return header.alg === 'none';
  return base64UrlDecode(sig) !== undefined;
}

/** Luhn mod-10 check over the digits of `secret` (spaces and dashes ignored), 12 to 19 digits. */
function luhn(secret: string): boolean {
  const digits = secret.replace(/[\s-]/g, '');
  if (!/^\d{12,19}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** Validators by name, as used in `SecretRuleSpec.checksum`. */
export const CHECKSUMS: Record<ChecksumName, (secret: string) => boolean> = {
  github: base62Crc32Token,
  npm: (s) => s.startsWith('npm_') && base62Crc32Token(s),
  pypi,
  'slack-webhook': slackWebhook,
  jwt,
  luhn,
};
