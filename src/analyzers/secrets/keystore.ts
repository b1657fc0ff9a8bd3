/**
 * Key stores committed as files: PKCS #12 (`.p12`, `.pfx`), Java key stores (JKS, JCEKS) and Bouncy Castle key
 * stores (BKS, UBER). A store holding a private (or secret) key entry is reported as one finding on the file,
 * saying whether it opens with an empty or a trivial password, which node:crypto can check cheaply:
 * - JKS / JCEKS: the store ends with SHA-1(password as UTF-16BE, "Mighty Aphrodite", the store's bytes);
 * - PKCS #12: OpenSSL (through `tls.createSecureContext`) verifies the MAC and decrypts the key with the password;
 * - BKS: the entries are followed by their HMAC-SHA1, keyed from the password by the PKCS #12 key derivation.
 * Stores holding only certificates (trust stores) are not reported. An UBER store encrypts its entries as a whole
 * (Twofish, which node:crypto lacks): it is reported as a store whose content cannot be read without its password.
 */
import { createHash, createHmac } from 'node:crypto';
import { createSecureContext } from 'node:tls';

/** Passwords tried: empty, then the defaults of keytool, tutorials and generators. */
export const TRIVIAL_PASSWORDS = ['', 'changeit', 'password', 'changeme', 'secret', '123456', 'keystore', 'storepass', 'test'];

/** What a key store file holds, as far as it can be read without its password. */
export interface KeystoreInfo {
  format: 'PKCS #12' | 'JKS' | 'JCEKS' | 'BKS' | 'UBER';
  /** Private key entries (JKS/JCEKS), or shrouded/plain key bags seen outside encrypted content (PKCS #12). */
  privateKeys: number;
  /** Secret key entries (JCEKS). */
  secretKeys: number;
  /** `''` when it opens with an empty password, the trivial password that opens it, or undefined. */
  opensWith: string | undefined;
  /** Its entries are encrypted as a whole (UBER): what they are is not known without the password. */
  sealed?: boolean;
}

const JKS_MAGIC = 0xfeedfeed;
const JCEKS_MAGIC = 0xcececece;
/** DER of the OIDs of PKCS #12 key bags: keyBag 1.2.840.113549.1.12.10.1.1 and pkcs8ShroudedKeyBag ...1.2. */
const KEY_BAG = Buffer.from('060b2a864886f70d010c0a0101', 'hex');
const SHROUDED_KEY_BAG = Buffer.from('060b2a864886f70d010c0a0102', 'hex');
/** DER of the PKCS #7 data OID 1.2.840.113549.1.7.1, which a PKCS #12 file's authenticated safe is. */
const PKCS7_DATA = Buffer.from('06092a864886f70d010701', 'hex');

/** Reads a JKS or JCEKS store's entries (private, certificate, secret); undefined when not one. */
function readJks(b: Buffer): KeystoreInfo | undefined {
  if (b.length < 32) return undefined;
  const magic = b.readUInt32BE(0);
  if (magic !== JKS_MAGIC && magic !== JCEKS_MAGIC) return undefined;
  const version = b.readUInt32BE(4);
  if (version !== 1 && version !== 2) return undefined;
  const count = b.readUInt32BE(8);
  let at = 12;
  let privateKeys = 0;
  let secretKeys = 0;
  const utf = () => {
    const n = b.readUInt16BE(at);
    at += 2 + n;
  };
  try {
    for (let i = 0; i < count && i < 10_000; i++) {
      const tag = b.readUInt32BE(at);
      at += 4;
      utf(); // alias
      at += 8; // date
      if (tag === 1) {
        privateKeys++;
        at += 4 + b.readUInt32BE(at); // protected key
        const chain = b.readUInt32BE(at);
        at += 4;
        for (let c = 0; c < chain; c++) {
          if (version === 2) utf(); // certificate type
          at += 4 + b.readUInt32BE(at);
        }
      } else if (tag === 2) {
        if (version === 2) utf();
        at += 4 + b.readUInt32BE(at);
      } else if (tag === 3) {
        // A JCEKS secret key is a serialized Java object: counted, and the rest is not read.
        secretKeys++;
        break;
      } else break;
    }
  } catch {
    // A truncated store: what was read stands.
  }
  let opensWith: string | undefined;
  const body = b.subarray(0, b.length - 20);
  const digest = b.subarray(b.length - 20);
  for (const pw of TRIVIAL_PASSWORDS) {
    const h = createHash('sha1').update(Buffer.from(pw, 'utf16le').swap16()).update('Mighty Aphrodite', 'utf8').update(body).digest();
    if (h.equals(digest)) {
      opensWith = pw;
      break;
    }
  }
  return { format: magic === JKS_MAGIC ? 'JKS' : 'JCEKS', privateKeys, secretKeys, opensWith };
}

/**
 * The PKCS #12 key derivation (RFC 7292 appendix B.2) with SHA-1: `n` bytes of key material of kind `id` (1 cipher
 * key, 2 IV, 3 MAC key) from a password (BMPString with its two-byte terminator; empty for no password), a salt and
 * an iteration count. Bouncy Castle keys a BKS store's MAC with it.
 */
export function pkcs12Kdf(password: string, salt: Uint8Array, iterations: number, id: number, n: number): Buffer {
  const v = 64;
  const u = 20;
  const pw = password.length ? Buffer.concat([Buffer.from(password, 'utf16le').swap16(), Buffer.alloc(2)]) : Buffer.alloc(0);
  const fill = (b: Uint8Array) => {
    const out = Buffer.alloc(b.length ? v * Math.ceil(b.length / v) : 0);
    for (let i = 0; i < out.length; i++) out[i] = b[i % b.length]!;
    return out;
  };
  const d = Buffer.alloc(v, id);
  const i = Buffer.concat([fill(salt), fill(pw)]);
  const out: Buffer[] = [];
  for (let made = 0; made < n; made += u) {
    let a = createHash('sha1').update(d).update(i).digest();
    for (let r = 1; r < iterations; r++) a = createHash('sha1').update(a).digest();
    out.push(a);
    // I_j = (I_j + B + 1) mod 2^(8v) for each v-byte block, B being A repeated to v bytes.
    const b = fill(a);
    for (let j = 0; j < i.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = i[j + k]! + b[k]! + carry;
        i[j + k] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return Buffer.concat(out).subarray(0, n);
}

/** Bouncy Castle store entry types (BcKeyStoreSpi): NULL ends the entries. */
const BKS_NULL = 0;
const BKS_CERTIFICATE = 1;
const BKS_KEY = 2;
const BKS_SECRET = 3;
const BKS_SEALED = 4;
/** encodeKey's first byte: a private, public or secret key. */
const BKS_KEY_PRIVATE = 0;
const BKS_KEY_SECRET = 2;

/**
 * The header of a Bouncy Castle store (BKS and UBER share it): version (1 or 2), salt length, salt, iteration
 * count. Undefined when the bytes are not one: Bouncy Castle writes a salt of 20 bytes and 1024 to 2047 iterations;
 * a reader of other writers' stores accepts salts up to 255 bytes and up to a million iterations.
 */
function bcHeader(b: Buffer): { version: number; salt: Buffer; iterations: number; at: number } | undefined {
  if (b.length < 4 + 4 + 8 + 4 + 1 + 20) return undefined;
  const version = b.readUInt32BE(0);
  const saltLength = b.readUInt32BE(4);
  if (version < 1 || version > 2 || saltLength < 8 || saltLength > 255 || b.length < 12 + saltLength) return undefined;
  const iterations = b.readUInt32BE(8 + saltLength);
  if (iterations < 1 || iterations > 1_000_000) return undefined;
  return { version, salt: b.subarray(8, 8 + saltLength), iterations, at: 12 + saltLength };
}

/**
 * Reads a BKS store's entries, then checks its HMAC-SHA1 with the trivial passwords; undefined when the bytes are
 * not a whole BKS store (every entry read, the NULL type, then exactly the 20-byte MAC).
 */
function readBks(b: Buffer): KeystoreInfo | undefined {
  const h = bcHeader(b);
  if (!h) return undefined;
  let at = h.at;
  let privateKeys = 0;
  let secretKeys = 0;
  const int = () => {
    const n = b.readUInt32BE(at);
    at += 4;
    return n;
  };
  const utf = () => {
    const n = b.readUInt16BE(at);
    at += 2 + n;
  };
  const bytes = () => {
    const n = int();
    if (n > b.length) throw new RangeError('length');
    at += n;
  };
  const certificate = () => {
    utf(); // type, `X.509`
    bytes();
  };
  try {
    for (let i = 0; ; i++) {
      if (i > 10_000) return undefined;
      const type = b[at++];
      if (type === BKS_NULL) break;
      if (type === undefined || type > BKS_SEALED) return undefined;
      utf(); // alias
      at += 8; // date
      const chain = int();
      if (chain > 1000) return undefined;
      for (let c = 0; c < chain; c++) certificate();
      if (type === BKS_CERTIFICATE) certificate();
      else if (type === BKS_KEY) {
        const keyType = b[at++];
        utf(); // format
        utf(); // algorithm
        bytes();
        if (keyType === BKS_KEY_PRIVATE) privateKeys++;
        else if (keyType === BKS_KEY_SECRET) secretKeys++;
      } else {
        // A sealed entry is a key encrypted with its own password (a private key, or a secret key when there is
        // no chain); a secret entry, the raw bytes of a secret.
        bytes();
        if (type === BKS_SEALED && chain > 0) privateKeys++;
        else if (type === BKS_SEALED || type === BKS_SECRET) secretKeys++;
      }
    }
  } catch {
    return undefined;
  }
  if (at + 20 !== b.length) return undefined;
  const entries = b.subarray(h.at, at);
  const mac = b.subarray(at);
  let opensWith: string | undefined;
  for (const pw of TRIVIAL_PASSWORDS) {
    // Version 1 stores asked the derivation for 20 bits where it meant bytes: their MAC key is 2 bytes long.
    const key = pkcs12Kdf(pw, h.salt, h.iterations, 3, h.version < 2 ? 2 : 20);
    if (createHmac('sha1', key).update(entries).digest().equals(mac)) {
      opensWith = pw;
      break;
    }
  }
  return { format: 'BKS', privateKeys, secretKeys, opensWith };
}

/**
 * An UBER store: the Bouncy Castle header, then the entries and their SHA-1 encrypted with Twofish-CBC, so a whole
 * number of 16-byte blocks. Only read when the file is named as a store (see {@link KEYSTORE_PATH}).
 */
function readUber(b: Buffer): KeystoreInfo | undefined {
  const h = bcHeader(b);
  if (!h) return undefined;
  const rest = b.length - h.at;
  if (rest < 32 || rest % 16 !== 0) return undefined;
  return { format: 'UBER', privateKeys: 0, secretKeys: 0, opensWith: undefined, sealed: true };
}

/** A DER SEQUENCE header at the start, the version 3 INTEGER and a PKCS #7 data content: a PKCS #12 file. */
function isPkcs12(b: Buffer): boolean {
  if (b.length < 32 || b[0] !== 0x30) return false;
  const lenBytes = b[1]! & 0x80 ? b[1]! & 0x7f : 0;
  const at = 2 + lenBytes;
  return b[at] === 0x02 && b[at + 1] === 0x01 && b[at + 2] === 0x03 && b.subarray(0, 64).includes(PKCS7_DATA);
}

/** Reads a PKCS #12 file: key bags seen, and whether a trivial password opens it. */
function readPkcs12(b: Buffer): KeystoreInfo | undefined {
  if (!isPkcs12(b)) return undefined;
  let privateKeys = 0;
  for (const oid of [KEY_BAG, SHROUDED_KEY_BAG]) for (let i = b.indexOf(oid); i !== -1; i = b.indexOf(oid, i + 1)) privateKeys++;
  let opensWith: string | undefined;
  let opened = false;
  for (const pw of TRIVIAL_PASSWORDS) {
    try {
      createSecureContext({ pfx: b, passphrase: pw });
      opensWith = pw;
      opened = true;
      break;
    } catch (e) {
      // "mac verify failure" is a wrong password; any other error (an algorithm OpenSSL 3 no longer loads, a
      // store without a key) leaves the question open.
      if (!/mac verify|bad decrypt|invalid password/i.test(String((e as Error).message))) break;
    }
  }
  // A store that opened holds a key OpenSSL accepted (a store without a key makes the context throw).
  if (opened && privateKeys === 0) privateKeys = 1;
  return { format: 'PKCS #12', privateKeys, secretKeys: 0, opensWith };
}

/** Key store file names: `.p12`, `.pfx`, `.jks`, `.jceks`, `.keystore`, and Bouncy Castle's `.bks`, `.ubr`, `.uber`. */
export const KEYSTORE_PATH = /\.(?:p12|pfx|jks|jceks|keystore|bks|ubr|uber)$/i;

/**
 * What the key store at `bytes` holds, or undefined when it is not one (or holds no private or secret key). An UBER
 * store, whose entries cannot be read without its password, counts as holding a key.
 */
export function readKeystore(bytes: Uint8Array): KeystoreInfo | undefined {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const info = readJks(b) ?? readPkcs12(b) ?? readBks(b) ?? readUber(b);
  return info && (info.sealed || info.privateKeys + info.secretKeys > 0) ? info : undefined;
}
