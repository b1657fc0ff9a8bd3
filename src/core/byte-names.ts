/**
 * File names are bytes on Linux, and not every byte string is UTF-8. pipeguard reads such a file by its bytes and
 * reports its path in a stable text form: every byte that is not part of a valid UTF-8 sequence is written as `\xNN`
 * (a backslash, `x`, two lowercase hex digits); everything else is the name as UTF-8 text. A valid UTF-8 name is
 * unchanged (a name that really contains `\xff` as four characters reads the same; such names are rare enough that
 * the form stays readable rather than escaping every backslash).
 */

/** Length of the valid UTF-8 sequence starting at `i` (WHATWG rules: no overlongs, surrogates or > U+10FFFF), or 0. */
function sequenceAt(b: Uint8Array, i: number): number {
  const c = b[i]!;
  if (c < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf) => i + k < b.length && b[i + k]! >= lo && b[i + k]! <= hi;
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if ((c >= 0xe1 && c <= 0xec) || c === 0xee || c === 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (c === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
  if (c === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (c >= 0xf1 && c <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (c === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

/** The text form of a name's bytes (see the module comment). Fast when the bytes are valid UTF-8. */
export function decodeName(bytes: Uint8Array): string {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const fast = buf.toString('utf8');
  if (!fast.includes('\uFFFD')) return fast;
  let out = '';
  let start = 0;
  for (let i = 0; i < buf.length; ) {
    const n = sequenceAt(buf, i);
    if (n > 0) {
      i += n;
      continue;
    }
    out += buf.toString('utf8', start, i) + '\\x' + buf[i]!.toString(16).padStart(2, '0');
    i += 1;
    start = i;
  }
  return out + buf.toString('utf8', start);
}

/** True when `bytes` is valid UTF-8 (so the name's text form is the name itself). */
export function isUtf8Name(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; ) {
    const n = sequenceAt(bytes, i);
    if (n === 0) return false;
    i += n;
  }
  return true;
}
