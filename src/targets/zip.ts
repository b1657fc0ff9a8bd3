/**
 * A zip reader over bytes in memory: the central directory (with ZIP64) lists the members, each member's
 * data is found through its local header and inflated with a hard output cap, so declared sizes are never
 * trusted. Never writes anything anywhere: member names are only names.
 */
import { lazyBuiltin } from '../core/lazy.js';
import { ArchiveError } from './tar.js';

const zlib = lazyBuiltin<typeof import('node:zlib')>('node:zlib');

/** One member as the central directory describes it. */
export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflate; others are not supported. */
  method: number;
  encrypted: boolean;
  compressedSize: number;
  /** As declared; a bomb may lie. */
  declaredSize: number;
  localOffset: number;
  /** CRC-32 of the expanded data, as the central directory records it. */
  crc: number;
  isDir: boolean;
  isSymlink: boolean;
}

const SIG_EOCD = 0x06054b50;
const SIG_EOCD64 = 0x06064b50;
const SIG_LOC64 = 0x07064b50;
const SIG_CEN = 0x02014b50;
const SIG_LOC = 0x04034b50;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

function decodeName(b: Uint8Array, utf8Flag: boolean): string {
  try {
    return strictUtf8.decode(b);
  } catch {
    return utf8Flag ? new TextDecoder('utf-8').decode(b) : latin1.decode(b);
  }
}

function u64(v: DataView, off: number): number {
  const lo = v.getUint32(off, true);
  const hi = v.getUint32(off + 4, true);
  return hi * 0x100000000 + lo;
}

/**
 * Lists the members from the central directory. Throws {@link ArchiveError} when there is no valid end of
 * central directory record or the directory runs out of the file. `maxEntries` bounds the work on a directory
 * that claims millions of members.
 */
export function zipEntries(bytes: Uint8Array, maxEntries = Number.MAX_SAFE_INTEGER): ZipEntry[] {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.length;
  let eocd = -1;
  for (let i = n - 22; i >= Math.max(0, n - 22 - 0xffff); i--) {
    if (v.getUint32(i, true) === SIG_EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ArchiveError('not a valid zip archive (end of central directory not found)');
  let count = v.getUint16(eocd + 10, true);
  let cdSize = v.getUint32(eocd + 12, true);
  let cdOffset = v.getUint32(eocd + 16, true);
  if (eocd >= 20 && v.getUint32(eocd - 20, true) === SIG_LOC64) {
    const off64 = u64(v, eocd - 20 + 8);
    if (off64 + 56 <= n && v.getUint32(off64, true) === SIG_EOCD64) {
      count = u64(v, off64 + 32);
      cdSize = u64(v, off64 + 40);
      cdOffset = u64(v, off64 + 48);
    }
  }
  if (cdOffset + cdSize > n) throw new ArchiveError('not a valid zip archive (central directory outside the file)');
  const out: ZipEntry[] = [];
  let p = cdOffset;
  const end = cdOffset + cdSize;
  for (let k = 0; k < count && out.length < maxEntries; k++) {
    if (p + 46 > end || v.getUint32(p, true) !== SIG_CEN) {
      throw new ArchiveError(`not a valid zip archive (bad central directory entry ${k + 1})`);
    }
    const madeBy = v.getUint16(p + 4, true);
    const flags = v.getUint16(p + 8, true);
    const method = v.getUint16(p + 10, true);
    const crc = v.getUint32(p + 16, true);
    let compressedSize = v.getUint32(p + 20, true);
    let declaredSize = v.getUint32(p + 24, true);
    const nameLen = v.getUint16(p + 28, true);
    const extraLen = v.getUint16(p + 30, true);
    const commentLen = v.getUint16(p + 32, true);
    const extAttr = v.getUint32(p + 38, true);
    let localOffset = v.getUint32(p + 42, true);
    if (p + 46 + nameLen + extraLen + commentLen > end) {
      throw new ArchiveError(`not a valid zip archive (central directory entry ${k + 1} runs past its end)`);
    }
    const name = decodeName(bytes.subarray(p + 46, p + 46 + nameLen), (flags & 0x800) !== 0);
    // ZIP64 extended information: the fields whose 32-bit value is 0xFFFFFFFF, in this order.
    let e = p + 46 + nameLen;
    const eEnd = e + extraLen;
    while (e + 4 <= eEnd) {
      const id = v.getUint16(e, true);
      const len = v.getUint16(e + 2, true);
      if (id === 0x0001) {
        let q = e + 4;
        const qEnd = Math.min(e + 4 + len, eEnd);
        if (declaredSize === 0xffffffff && q + 8 <= qEnd) {
          declaredSize = u64(v, q);
          q += 8;
        }
        if (compressedSize === 0xffffffff && q + 8 <= qEnd) {
          compressedSize = u64(v, q);
          q += 8;
        }
        if (localOffset === 0xffffffff && q + 8 <= qEnd) localOffset = u64(v, q);
      }
      e += 4 + len;
    }
    const unixMode = madeBy >> 8 === 3 ? extAttr >>> 16 : 0;
    out.push({
      name,
      method,
      encrypted: (flags & 1) !== 0,
      compressedSize,
      declaredSize,
      localOffset,
      crc,
      isDir: name.endsWith('/') || (unixMode & 0o170000) === 0o040000,
      isSymlink: (unixMode & 0o170000) === 0o120000,
    });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

/** The result of expanding one member. */
export type ZipData = { ok: true; bytes: Uint8Array; expanded: number } | { ok: false; overCap: true; expanded: number };

/**
 * The data of `e`, expanded to at most `cap` bytes. When the member holds more than `cap` bytes (whatever its
 * header says), returns `overCap` without ever holding more than about `cap` bytes. Throws {@link ArchiveError}
 * for a bad local header, data outside the file, an unsupported method or a corrupt deflate stream.
 */
export function zipData(bytes: Uint8Array, e: ZipEntry, cap: number): ZipData {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const p = e.localOffset;
  if (p + 30 > bytes.length || v.getUint32(p, true) !== SIG_LOC) throw new ArchiveError('bad local header');
  const start = p + 30 + v.getUint16(p + 26, true) + v.getUint16(p + 28, true);
  const stop = start + e.compressedSize;
  if (stop > bytes.length) throw new ArchiveError('member data runs past the end of the file');
  const raw = bytes.subarray(start, stop);
  if (e.method === 0) {
    if (raw.length > cap) return { ok: false, overCap: true, expanded: 0 };
    return { ok: true, bytes: raw, expanded: 0 };
  }
  if (e.method !== 8) throw new ArchiveError(`unsupported compression method ${e.method}`);
  if (cap <= 0) return { ok: false, overCap: true, expanded: 0 };
  try {
    const out = zlib().inflateRawSync(raw, { maxOutputLength: cap });
    return { ok: true, bytes: out, expanded: out.length };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) return { ok: false, overCap: true, expanded: cap };
    throw new ArchiveError(`corrupt deflate data (${(err as Error).message})`);
  }
}
