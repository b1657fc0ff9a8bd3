/**
 * Key stores committed as files: PKCS #12 (`.p12`, `.pfx`) and Java key stores (JKS, JCEKS). A store holding a
 * private (or secret) key entry is reported as one finding on the file, saying whether it opens with an empty or
 * a trivial password, which node:crypto can check cheaply:
 * - JKS / JCEKS: the store ends with SHA-1(password as UTF-16BE, "Mighty Aphrodite", the store's bytes);
 * - PKCS #12: OpenSSL (through `tls.createSecureContext`) verifies the MAC and decrypts the key with the password.
 * Stores holding only certificates (trust stores) are not reported.
 */
import { createHash } from 'node:crypto';
import { createSecureContext } from 'node:tls';

/** Passwords tried: empty, then the defaults of keytool, tutorials and generators. */
export const TRIVIAL_PASSWORDS = ['', 'changeit', 'password', 'changeme', 'secret', '123456', 'keystore', 'storepass', 'test'];

/** What a key store file holds, as far as it can be read without its password. */
export interface KeystoreInfo {
  format: 'PKCS #12' | 'JKS' | 'JCEKS';
  /** Private key entries (JKS/JCEKS), or shrouded/plain key bags seen outside encrypted content (PKCS #12). */
  privateKeys: number;
  /** Secret key entries (JCEKS). */
  secretKeys: number;
  /** `''` when it opens with an empty password, the trivial password that opens it, or undefined. */
  opensWith: string | undefined;
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

/** Key store file names: `.p12`, `.pfx`, `.jks`, `.jceks`, `.keystore`, `.bks`-less Java stores. */
export const KEYSTORE_PATH = /\.(?:p12|pfx|jks|jceks|keystore)$/i;

/** What the key store at `bytes` holds, or undefined when it is not one (or holds no private or secret key). */
export function readKeystore(bytes: Uint8Array): KeystoreInfo | undefined {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const info = readJks(b) ?? readPkcs12(b);
  return info && info.privateKeys + info.secretKeys > 0 ? info : undefined;
}
