/**
 * A streaming tar reader: 512-byte headers (v7, ustar with its name prefix, GNU), GNU long names (`L`) and
 * pax extended headers (`x`: `path`, `size`). Members are read from a {@link ByteSource}, so a gzip stream is
 * decompressed only as far as it is read. Never writes anything anywhere: member names are only names.
 */

import { readSync } from 'node:fs';
import { decodeName } from '../core/byte-names.js';
import { ChunkQueue } from './chunks.js';

/** Raised for a malformed archive (bad header, truncated data, bad compressed stream). */
export class ArchiveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArchiveError';
  }
}

/** Sequential bytes: from memory, or from a decompressor. */
export interface ByteSource {
  /** Up to `n` bytes without consuming them (fewer only at the end). */
  peek(n: number): Promise<Uint8Array>;
  /** Exactly `n` bytes; throws {@link ArchiveError} when the data ends first. */
  read(n: number): Promise<Uint8Array>;
  /** Drops exactly `n` bytes; throws {@link ArchiveError} when the data ends first. */
  skip(n: number): Promise<void>;
}

/** Bytes already in memory. */
export class MemorySource implements ByteSource {
  private pos = 0;
  constructor(private readonly bytes: Uint8Array) {}
  async peek(n: number): Promise<Uint8Array> {
    return this.bytes.subarray(this.pos, Math.min(this.bytes.length, this.pos + n));
  }
  async read(n: number): Promise<Uint8Array> {
    if (this.pos + n > this.bytes.length) throw new ArchiveError('unexpected end of data (truncated archive?)');
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  async skip(n: number): Promise<void> {
    await this.read(n);
  }
}

/**
 * A range of a file read with positional reads: `skip` moves on without reading, so listing the members of a
 * large uncompressed tar costs one read per header.
 */
export class FileRangeSource implements ByteSource {
  private pos: number;
  private readonly end: number;
  constructor(
    private readonly fd: number,
    start: number,
    length: number,
  ) {
    this.pos = start;
    this.end = start + length;
  }
  /** Offset in the file of the next byte. */
  get position(): number {
    return this.pos;
  }
  private get(n: number): Uint8Array {
    const k = Math.max(0, Math.min(n, this.end - this.pos));
    const buf = Buffer.allocUnsafe(k);
    let got = 0;
    while (got < k) {
      const r = readSync(this.fd, buf, got, k - got, this.pos + got);
      if (r === 0) break;
      got += r;
    }
    return got === k ? buf : buf.subarray(0, got);
  }
  async peek(n: number): Promise<Uint8Array> {
    return this.get(n);
  }
  async read(n: number): Promise<Uint8Array> {
    const b = this.get(n);
    if (b.length < n) throw new ArchiveError('unexpected end of data (truncated archive?)');
    this.pos += n;
    return b;
  }
  async skip(n: number): Promise<void> {
    if (this.pos + n > this.end) throw new ArchiveError('unexpected end of data (truncated archive?)');
    this.pos += n;
  }
}

/**
 * Bytes pulled from an async stream of chunks (a decompressor). `charge` is told about every chunk pulled
 * and may throw to stop (the expanded-size budget).
 */
export class StreamSource implements ByteSource {
  private readonly queue = new ChunkQueue((n) => new Uint8Array(n));
  private done = false;
  private readonly it: AsyncIterator<Uint8Array>;

  constructor(
    stream: AsyncIterable<Uint8Array>,
    private readonly charge: (n: number) => void,
    private readonly describeError: (e: unknown) => string = (e) => (e instanceof Error ? e.message : String(e)),
  ) {
    this.it = stream[Symbol.asyncIterator]();
  }

  private async fill(n: number): Promise<void> {
    while (this.queue.buffered < n && !this.done) {
      let r: IteratorResult<Uint8Array>;
      try {
        r = await this.it.next();
      } catch (e) {
        throw new ArchiveError(this.describeError(e));
      }
      if (r.done) {
        this.done = true;
        break;
      }
      this.charge(r.value.length);
      this.queue.push(r.value);
    }
  }

  async peek(n: number): Promise<Uint8Array> {
    await this.fill(n);
    const out = this.queue.take(Math.min(n, this.queue.buffered));
    this.queue.unshift(out);
    return out;
  }

  async read(n: number): Promise<Uint8Array> {
    await this.fill(n);
    if (this.queue.buffered < n) throw new ArchiveError('unexpected end of data (truncated archive?)');
    return this.queue.take(n);
  }

  async skip(n: number): Promise<void> {
    let left = n;
    while (left > 0) {
      await this.fill(Math.min(left, 1 << 20));
      if (this.queue.buffered === 0) throw new ArchiveError('unexpected end of data (truncated archive?)');
      const k = Math.min(left, this.queue.buffered);
      this.queue.drop(k);
      left -= k;
    }
  }

  /** True when no byte is left. */
  async atEnd(): Promise<boolean> {
    await this.fill(1);
    return this.queue.buffered === 0;
  }
}

/** One member of a tar archive. Call `read` or `skip` before asking for the next member (else it is skipped). */
export interface TarEntry {
  name: string;
  type: 'file' | 'dir' | 'link' | 'other';
  /** Size declared by the header (the data that follows it). */
  size: number;
  /** Permission bits and file type bits of the header's mode field. */
  mode: number;
  /** For links: the path the link names, and whether it is a hard link (else symbolic). */
  linkName: string;
  hardLink: boolean;
  /** Offset of the member's data from the start of the archive stream. */
  dataOffset: number;
  read(): Promise<Uint8Array>;
  /** Hands the data to `onChunk` in pieces of at most 1 MiB (for members too large to hold at once). */
  pipe(onChunk: (chunk: Uint8Array) => void): Promise<void>;
  skip(): Promise<void>;
}

const latin1 = new TextDecoder('latin1');
/** Member names: bytes that are not UTF-8 are written `\xNN` (core/byte-names.ts), as for names on disk. */
const names = { decode: decodeName };

function cstr(b: Uint8Array, off: number, len: number, dec: { decode(b: Uint8Array): string } = names): string {
  let end = off;
  while (end < off + len && b[end] !== 0) end++;
  return dec.decode(b.subarray(off, end));
}

/** A numeric header field: octal text, or base-256 when the first byte has its high bit set. */
function num(b: Uint8Array, off: number, len: number): number {
  if ((b[off]! & 0x80) !== 0) {
    let v = b[off]! & 0x3f;
    for (let i = 1; i < len; i++) v = v * 256 + b[off + i]!;
    return v;
  }
  const s = cstr(b, off, len, latin1).trim();
  if (s === '') return 0;
  if (!/^[0-7]+$/.test(s)) return NaN;
  return parseInt(s, 8);
}

/** True when the 512-byte block is a tar header whose checksum is right. */
export function isTarHeader(b: Uint8Array): boolean {
  if (b.length < 512) return false;
  const want = num(b, 148, 8);
  if (!Number.isFinite(want)) return false;
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : b[i]!;
  return sum === want && b[156] !== undefined;
}

function isZeroBlock(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] !== 0) return false;
  return true;
}

/** Parses pax records `"<len> <key>=<value>\n"`. */
function paxRecords(data: Uint8Array): Map<string, string> {
  const out = new Map<string, string>();
  let pos = 0;
  while (pos < data.length) {
    let sp = pos;
    while (sp < data.length && data[sp] !== 0x20) sp++;
    const len = parseInt(latin1.decode(data.subarray(pos, sp)), 10);
    if (!Number.isFinite(len) || len <= 0 || pos + len > data.length) break;
    const rec = decodeName(data.subarray(sp + 1, pos + len - 1));
    const eq = rec.indexOf('=');
    if (eq > 0) out.set(rec.slice(0, eq), rec.slice(eq + 1));
    pos += len;
  }
  return out;
}

/** Reads the members of a tar archive from `src`, in order. Throws {@link ArchiveError} for malformed data. */
export async function* tarEntries(src: ByteSource): AsyncGenerator<TarEntry> {
  let longName: string | undefined;
  let longLink: string | undefined;
  let pax: Map<string, string> | undefined;
  let offset = 0;
  for (;;) {
    const h = await src.peek(512);
    if (h.length === 0) return;
    if (h.length < 512) throw new ArchiveError(`truncated tar header at offset ${offset}`);
    await src.read(512);
    if (isZeroBlock(h)) return;
    if (!isTarHeader(h)) throw new ArchiveError(`bad tar header checksum at offset ${offset}`);
    const typeByte = h[156]!;
    const type = typeByte === 0 ? '0' : String.fromCharCode(typeByte);
    let size = num(h, 124, 12);
    if (!Number.isFinite(size) || size < 0) throw new ArchiveError(`bad tar member size at offset ${offset}`);
    const ustar = cstr(h, 257, 6, latin1) === 'ustar' && h[262] === 0;
    let name = cstr(h, 0, 100);
    if (ustar) {
      const prefix = cstr(h, 345, 155);
      if (prefix) name = `${prefix}/${name}`;
    }
    offset += 512;
    const pad = (512 - (size % 512)) % 512;
    if (type === 'x' || type === 'g' || type === 'L' || type === 'K') {
      if (size > 1 << 20) throw new ArchiveError(`oversized tar extended header at offset ${offset - 512}`);
      const data = await src.read(size);
      await src.skip(pad);
      offset += size + pad;
      if (type === 'x') pax = paxRecords(data);
      else if (type === 'L') longName = cstr(data, 0, data.length);
      else if (type === 'K') longLink = cstr(data, 0, data.length);
      continue;
    }
    if (longName !== undefined) name = longName;
    if (pax?.has('path')) name = pax.get('path')!;
    let linkName = longLink ?? cstr(h, 157, 100);
    if (pax?.has('linkpath')) linkName = pax.get('linkpath')!;
    const mode = num(h, 100, 8);
    if (pax?.has('size')) {
      const s = Number(pax.get('size'));
      if (Number.isSafeInteger(s) && s >= 0) size = s;
    }
    longName = undefined;
    longLink = undefined;
    pax = undefined;
    const dataPad = (512 - (size % 512)) % 512;
    let consumed = false;
    const entryType: TarEntry['type'] =
      type === '0' || type === '7' ? 'file' : type === '5' ? 'dir' : type === '1' || type === '2' ? 'link' : 'other';
    const bodySize = entryType === 'dir' || entryType === 'link' ? 0 : size;
    yield {
      name,
      type: entryType,
      size: bodySize,
      mode: Number.isFinite(mode) ? mode : 0,
      linkName,
      hardLink: type === '1',
      dataOffset: offset,
      read: async () => {
        consumed = true;
        const d = await src.read(bodySize);
        await src.skip(dataPad);
        return d;
      },
      pipe: async (onChunk) => {
        consumed = true;
        for (let left = bodySize; left > 0; ) {
          const piece = await src.read(Math.min(left, 1 << 20));
          onChunk(piece);
          left -= piece.length;
        }
        await src.skip(dataPad);
      },
      skip: async () => {
        consumed = true;
        await src.skip(bodySize + (bodySize ? dataPad : 0));
      },
    };
    if (!consumed) await src.skip(bodySize + (bodySize ? dataPad : 0));
    offset += bodySize + (bodySize ? dataPad : 0);
  }
}
