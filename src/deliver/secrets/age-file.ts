import { armor, Decrypter, Encrypter, generateX25519Identity, identityToRecipient } from 'age-encryption';
import { isMap, isScalar, parseDocument, stringify } from 'yaml';
import { InputError } from '../../core/errors.js';

/**
 * The secrets file of an environment: a YAML mapping `NAME: value` encrypted with age (ASCII armor) to the public
 * keys listed in its recipients file. Interoperable with the `age` CLI both ways: `age -d -i key.txt FILE` prints
 * the YAML, and `age -a -R RECIPIENTS -o FILE` writes a file pipeguard reads.
 */

/** One recipient: an age public key, and the comment line above it (who it is), if any. */
export interface Recipient {
  key: string;
  comment?: string;
}

/** A secret name: what the step gets it as (an environment variable). */
export const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Reads a recipients file (age's `-R` format: one public key a line, `#` comments, blank lines). */
export function parseRecipients(text: string, file: string): Recipient[] {
  const out: Recipient[] = [];
  let comment: string | undefined;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line) {
      comment = undefined;
      return;
    }
    if (line.startsWith('#')) {
      comment = line.replace(/^#\s*/, '');
      return;
    }
    checkRecipient(line, file, i + 1);
    out.push({ key: line, ...(comment ? { comment } : {}) });
    comment = undefined;
  });
  return out;
}

/** Writes a recipients file: each key under its comment. */
export function formatRecipients(list: readonly Recipient[]): string {
  return list.map((r) => `${r.comment ? `# ${r.comment}\n` : ''}${r.key}\n`).join('');
}

/** Throws an InputError unless `key` is an age recipient this implementation can encrypt to. */
export function checkRecipient(key: string, file?: string, line?: number): void {
  if (!/^age1[0-9a-z]+$/.test(key)) throw new InputError(`not an age public key (age1...): ${key.slice(0, 12)}...`, file, line);
  try {
    new Encrypter().addRecipient(key);
  } catch (e) {
    throw new InputError(`not a valid age public key (${(e as Error).message})`, file, line);
  }
}

/** The age identities (AGE-SECRET-KEY-1...) in an identity file's text; `#` comments and blank lines allowed. */
export function parseIdentities(text: string, source: string): string[] {
  const ids: string[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    if (!/^AGE-SECRET-KEY-(PQ-)?1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{20,}$/.test(line)) throw new InputError('not an age identity (AGE-SECRET-KEY-1...)', source, i + 1);
    ids.push(line);
  });
  if (!ids.length) throw new InputError('holds no age identity (AGE-SECRET-KEY-1...)', source);
  return ids;
}

/** A new X25519 identity and its public key (the kind the `age` CLI makes with age-keygen). */
export async function newIdentity(): Promise<{ identity: string; recipient: string }> {
  const identity = await generateX25519Identity();
  return { identity, recipient: await identityToRecipient(identity) };
}

/** The public key of an identity. */
export async function recipientOf(identity: string): Promise<string> {
  return identityToRecipient(identity);
}

/** Decrypts an age file (ASCII-armored or binary) with the identities; errors name the file, never a key. */
export async function decryptAge(data: Uint8Array, identities: readonly string[], file: string): Promise<string> {
  let raw = data;
  const text = Buffer.from(data.subarray(0, 64)).toString('latin1');
  if (text.trimStart().startsWith('-----BEGIN AGE ENCRYPTED FILE-----')) {
    try {
      raw = armor.decode(Buffer.from(data).toString('latin1'));
    } catch (e) {
      throw new InputError(`damaged age armor (${(e as Error).message})`, file);
    }
  } else if (!text.startsWith('age-encryption.org/v1\n')) {
    throw new InputError('not an age-encrypted file', file);
  }
  const d = new Decrypter();
  for (const id of identities) {
    try {
      d.addIdentity(id);
    } catch (e) {
      throw new InputError(`an age identity given is not valid (${(e as Error).message})`, file);
    }
  }
  let plain: Uint8Array;
  try {
    plain = await d.decrypt(raw);
  } catch (e) {
    const msg = (e as Error).message;
    if (/no identity matched/i.test(msg)) throw new InputError('cannot decrypt: none of the given age identities is a recipient of this file (wrong key?)', file);
    throw new InputError(`cannot decrypt: the file is damaged or was changed (${msg})`, file);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(plain);
  } catch {
    throw new InputError('decrypted content is not UTF-8 text', file);
  }
}

/** Encrypts text to the recipients; returns the ASCII-armored file. */
export async function encryptAge(text: string, recipients: readonly string[]): Promise<string> {
  if (!recipients.length) throw new Error('no recipients to encrypt to');
  const e = new Encrypter();
  for (const r of recipients) e.addRecipient(r);
  return armor.encode(await e.encrypt(text));
}

/**
 * Reads the decrypted YAML of a secrets file: a mapping of secret names to string values (every scalar is read
 * as text: `0123` stays `0123`). Values shorter than `minLength` are refused, naming the secret, never its value.
 */
export function parseSecretsYaml(text: string, file: string, minLength: number): Map<string, string> {
  const doc = parseDocument(text, { schema: 'failsafe', uniqueKeys: true, prettyErrors: false });
  const lineOf = (offset: number | undefined) => (offset === undefined ? undefined : text.slice(0, offset).split('\n').length);
  if (doc.errors.length) {
    // the position is in the plaintext, so say so without quoting it
    throw new InputError(`decrypted content is not valid YAML (line ${lineOf(doc.errors[0]!.pos[0])} of the plaintext)`, file);
  }
  const out = new Map<string, string>();
  if (doc.contents === null) return out;
  if (!isMap(doc.contents)) throw new InputError('decrypted content is not a mapping of NAME: value', file);
  for (const pair of doc.contents.items) {
    const name = isScalar(pair.key) ? String(pair.key.value) : '';
    const where = `plaintext line ${lineOf(isScalar(pair.key) ? pair.key.range?.[0] : undefined) ?? '?'}`;
    if (!SECRET_NAME.test(name)) throw new InputError(`secret name ${JSON.stringify(name.slice(0, 40))} (${where}) is not an environment variable name`, file);
    if (!isScalar(pair.value) || typeof pair.value.value !== 'string') throw new InputError(`secret ${name} is not a text value`, file);
    const value = pair.value.value;
    if (value.length < minLength) throw new InputError(`secret ${name} is shorter than ${minLength} characters: too short to mask in logs (secrets.minLength)`, file);
    out.set(name, value);
  }
  return out;
}

/** The YAML text of a secrets mapping, names sorted. */
export function formatSecretsYaml(values: ReadonlyMap<string, string>): string {
  const obj: Record<string, string> = {};
  for (const k of [...values.keys()].sort()) obj[k] = values.get(k)!;
  return values.size ? stringify(obj, { lineWidth: 0 }) : '{}\n';
}
