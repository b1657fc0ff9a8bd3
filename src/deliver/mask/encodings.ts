/**
 * The forms a secret takes in a log besides itself: base64 and base64url (at each of the three alignments it
 * can have inside a longer encoded string), hex, URL encoding and JSON string escaping. The masker replaces every
 * one of them.
 */

/** The names of the encodings, for docs and tests. */
export const ENCODINGS = ['raw', 'line', 'base64', 'base64url', 'hex', 'url', 'json'] as const;
/** One encoding name. */
export type Encoding = (typeof ENCODINGS)[number];

/** One form of a secret, as the bytes to look for. */
export interface EncodedForm {
  encoding: Encoding;
  bytes: Buffer;
}

/**
 * Every form of `value` to mask, each at least `minLength` bytes long, without duplicates. A multi-line value
 * also gives each of its lines (programs print keys line by line).
 */
export function encodedForms(value: string, minLength: number): EncodedForm[] {
  const out = new Map<string, EncodedForm>();
  const add = (encoding: Encoding, text: string | Buffer) => {
    const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
    if (bytes.length < minLength) return;
    const key = bytes.toString('latin1');
    if (!out.has(key)) out.set(key, { encoding, bytes });
  };
  const raw = Buffer.from(value, 'utf8');
  add('raw', raw);
  if (/[\r\n]/.test(value)) {
    for (const line of value.split(/\r?\n|\r/)) add('line', line.trim());
    add('raw', value.replace(/\r?\n|\r/g, '\r\n'));
    add('raw', value.replace(/\r\n/g, '\n'));
  }
  for (const alphabet of ['base64', 'base64url'] as const) {
    add(alphabet, raw.toString(alphabet));
    if (alphabet === 'base64url') add(alphabet, raw.toString('base64').replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_'));
    for (const shift of [0, 1, 2]) add(alphabet, alignedCore(raw, shift, alphabet));
  }
  add('hex', raw.toString('hex'));
  add('hex', raw.toString('hex').toUpperCase());
  const uri = encodeURIComponent(value);
  add('url', uri);
  add('url', uri.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()));
  add('url', new URLSearchParams({ v: value }).toString().slice(2));
  const json = JSON.stringify(value).slice(1, -1);
  add('json', json);
  add('json', json.replace(/\//g, '\\/'));
  add('json', json.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
  add('json', json.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
  return [...out.values()];
}

/**
 * The characters of the base64 of `raw` that depend on its bytes only, when it follows `shift` other bytes in
 * the encoded data: the same characters appear whatever those other bytes are.
 */
function alignedCore(raw: Buffer, shift: number, alphabet: 'base64' | 'base64url'): string {
  const padded = Buffer.concat([Buffer.alloc(shift), raw]);
  const enc = padded.toString(alphabet);
  const first = Math.ceil((8 * shift) / 6);
  const end = Math.floor((8 * padded.length) / 6);
  return enc.slice(first, end);
}
