/**
 * Reads the layers of an image into an {@link ImageTree}. Each blob is hashed as it is read and checked against
 * its digest. An uncompressed layer is listed in place (its members are byte ranges of the blob); a gzip layer
 * is decompressed once, its files written to one scratch file that lives as long as the target. The archive
 * budgets apply to each layer (members, bytes expanded), so a layer bomb ends that layer with a note.
 */
import { createHash } from 'node:crypto';
import { read, writeSync } from 'node:fs';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { lazyBuiltin } from '../../core/lazy.js';
import { InputError } from '../../core/errors.js';
import type { ImageLayer, Limits } from '../../core/types.js';
import { ArchiveError, FileRangeSource, StreamSource, tarEntries, type ByteSource } from '../tar.js';
import { readFully, type BlobRange } from './source.js';
import { ImageTree, pathParts } from './tree.js';

const zlib = lazyBuiltin<typeof import('node:zlib')>('node:zlib');

/** The scratch file decompressed layers are written to. */
export interface Scratch {
  fd: number;
  size: number;
  /** Most bytes the scratch file may hold, all layers together. */
  max: number;
}

/** Raised when a budget ends a layer. */
class LayerLimit extends Error {}

/** Options of {@link readLayers}. */
export interface LayerReadOptions {
  limits: Limits;
  scratch: Scratch;
  /** The file named on the command line, for errors. */
  file: string;
  /** A layer (or part of one) not read: told once per cause. */
  onNote: (path: string, message: string) => void;
  signal?: AbortSignal;
}

const GZIP = (b: Uint8Array) => b[0] === 0x1f && b[1] === 0x8b;
const ZSTD = (b: Uint8Array) => b[0] === 0x28 && b[1] === 0xb5 && b[2] === 0x2f && b[3] === 0xfd;

/** The first bytes of a blob. */
function head(r: BlobRange): Buffer {
  return readFully(r.fd, Math.min(4, r.size), r.offset);
}

const readAt = promisify(read);

/** The bytes of a blob in pieces of 1 MiB (positional reads: the descriptor stays open for the files read later). */
async function* blobChunks(r: BlobRange): AsyncGenerator<Buffer> {
  for (let pos = 0; pos < r.size; ) {
    const n = Math.min(1 << 20, r.size - pos);
    const b = Buffer.allocUnsafe(n);
    const { bytesRead } = await readAt(r.fd, b, 0, n, r.offset + pos);
    if (bytesRead === 0) throw new ArchiveError(`blob ${r.name} ends early`);
    yield bytesRead === n ? b : b.subarray(0, bytesRead);
    pos += bytesRead;
  }
}

/** sha256 (or sha512) of a byte range. */
async function digestOf(r: BlobRange, alg: string): Promise<string> {
  const h = createHash(alg);
  for await (const c of blobChunks(r)) h.update(c);
  return `${alg}:${h.digest('hex')}`;
}

/**
 * Reads every layer in order into a fresh tree. Throws {@link InputError} for a blob whose digest is wrong and for
 * a layer that is not a tar (corrupt or cut-short data); a budget reached is a note and the layer ends there.
 */
export async function readLayers(layers: (ImageLayer & { blob: BlobRange })[], legacy: boolean, o: LayerReadOptions): Promise<ImageTree> {
  const tree = new ImageTree();
  for (const layer of layers) {
    o.signal?.throwIfAborted();
    const alg = layer.digest.startsWith('sha512:') ? 'sha512' : 'sha256';
    // Legacy `docker save`: the layer is the uncompressed tar, named by its diff id.
    const want = legacy ? (layer.diffId ?? layer.digest) : layer.digest;
    const magic = head(layer.blob);
    const name = `layer ${layer.digest || layer.blob.name}`;
    try {
      if (GZIP(magic)) {
        await readCompressed(tree, layer, o, alg, want);
      } else if (ZSTD(magic)) {
        await readZstd(tree, layer, o, alg, want);
      } else {
        const got = await digestOf(layer.blob, alg);
        checkDigest(layer, want, got, o.file);
        await readTar(tree, layer, new FileRangeSource(layer.blob.fd, layer.blob.offset, layer.blob.size), o, true);
      }
    } catch (e) {
      if (e instanceof LayerLimit) {
        o.onNote(layer.digest, `${e.message}; the rest of the layer was not read`);
        continue;
      }
      if (e instanceof ArchiveError) throw new InputError(`corrupt ${name}: ${e.message}`, o.file);
      throw e;
    }
  }
  return tree;
}

function checkDigest(layer: ImageLayer, want: string, got: string, file: string): void {
  if (!want) {
    layer.digest = got;
    return;
  }
  if (got !== want) throw new InputError(`layer ${want} does not match its digest (content hashes to ${got})`, file);
}

/**
 * A zstd layer (Node 20's zlib has none: fzstd, in pure JavaScript), hashed and decompressed in one pass. Input is
 * pushed 1 KiB at a time, so one push never expands to more than a few tens of MiB (a zstd block holds at most
 * 128 KiB and takes a few bytes at least) before the budget is checked again.
 */
async function readZstd(tree: ImageTree, layer: ImageLayer & { blob: BlobRange }, o: LayerReadOptions, alg: string, want: string): Promise<void> {
  const h = createHash(alg);
  const { Decompress } = await import('fzstd');
  async function* chunks(): AsyncGenerator<Uint8Array> {
    const out: Uint8Array[] = [];
    const d = new Decompress((c) => {
      out.push(c);
    });
    const push = (c: Uint8Array, final: boolean) => {
      try {
        d.push(c, final);
      } catch (e) {
        throw new ArchiveError(`corrupt zstd data (${(e as Error).message})`);
      }
    };
    for await (const c of blobChunks(layer.blob)) {
      h.update(c);
      for (let i = 0; i < c.length; i += 1024) {
        push(c.subarray(i, i + 1024), false);
        while (out.length) yield out.shift()!;
      }
    }
    push(new Uint8Array(0), true);
    while (out.length) yield out.shift()!;
  }
  await readStream(tree, layer, o, chunks(), 'zstd');
  checkDigest(layer, want, `${alg}:${h.digest('hex')}`, o.file);
}

/** Lists a decompressed layer's tar from `stream`, within the layer's expanded-size budget, and drains the rest. */
async function readStream(tree: ImageTree, layer: ImageLayer & { blob: BlobRange }, o: LayerReadOptions, stream: AsyncIterable<Uint8Array>, kind: 'gzip' | 'zstd'): Promise<void> {
  let expanded = 0;
  const src = new StreamSource(
    stream,
    (n) => {
      expanded += n;
      if (expanded > o.limits.maxArchiveExpandedBytes) throw new LayerLimit(`expanded size limit of ${o.limits.maxArchiveExpandedBytes} bytes reached`);
    },
    (e) => (e instanceof ArchiveError ? e.message : `corrupt ${kind} data (${e instanceof Error ? e.message : String(e)})`),
  );
  await readTar(tree, layer, src, o, false);
  // Drain what the tar did not read (padding after the end blocks), so the whole blob is hashed.
  for (let rest = await src.peek(1 << 16); rest.length; rest = await src.peek(1 << 16)) await src.skip(rest.length);
}

/** A gzip layer: hashed and decompressed in one pass; the digest is checked once the blob is read. */
async function readCompressed(tree: ImageTree, layer: ImageLayer & { blob: BlobRange }, o: LayerReadOptions, alg: string, want: string): Promise<void> {
  const h = createHash(alg);
  const gz = zlib().createGunzip({ chunkSize: 64 * 1024 });
  gz.on('error', () => undefined); // surfaced by the iterator
  const raw = Readable.from(
    (async function* () {
      for await (const c of blobChunks(layer.blob)) {
        h.update(c);
        yield c;
      }
    })(),
  );
  raw.on('error', (e) => gz.destroy(e));
  raw.pipe(gz);
  try {
    await readStream(tree, layer, o, gz, 'gzip');
  } finally {
    raw.unpipe(gz);
    raw.destroy();
    gz.destroy();
  }
  checkDigest(layer, want, `${alg}:${h.digest('hex')}`, o.file);
}

/** Lists one layer's tar into the tree. `inPlace`: member data are ranges of the blob itself. */
async function readTar(tree: ImageTree, layer: ImageLayer & { blob: BlobRange }, src: ByteSource, o: LayerReadOptions, inPlace: boolean): Promise<void> {
  let members = 0;
  const base = layer.blob.offset;
  for await (const e of tarEntries(src)) {
    if (++members > o.limits.maxArchiveMembers) throw new LayerLimit(`member limit of ${o.limits.maxArchiveMembers} reached`);
    if (members % 1024 === 0) o.signal?.throwIfAborted();
    const parts = pathParts(e.name);
    if (!parts) continue;
    const last = parts[parts.length - 1]!;
    if (last === '.wh..wh..opq') {
      tree.opaque(parts.slice(0, -1), layer.index);
      continue;
    }
    if (last.startsWith('.wh.')) {
      tree.whiteout([...parts.slice(0, -1), last.slice(4)], layer.index);
      continue;
    }
    const path = parts.join('/');
    if (e.type === 'dir') {
      tree.addDir(parts, layer.index, e.mode);
    } else if (e.type === 'file') {
      let data;
      if (inPlace) {
        data = { fd: layer.blob.fd, offset: base + e.dataOffset, size: e.size };
      } else {
        if (o.scratch.size + e.size > o.scratch.max) throw new LayerLimit(`scratch space limit of ${o.scratch.max} bytes for decompressed layers reached`);
        const offset = o.scratch.size;
        let at = offset;
        await e.pipe((c) => {
          let done = 0;
          while (done < c.length) done += writeSync(o.scratch.fd, c, done, c.length - done, at + done);
          at += c.length;
        });
        o.scratch.size = at;
        data = { fd: o.scratch.fd, offset, size: e.size };
      }
      tree.addFile(parts, { path, layer: layer.index, kind: 'file', mode: e.mode, data });
    } else if (e.type === 'link' && e.hardLink) {
      const target = pathParts(e.linkName);
      const t = target ? tree.fileAt(target) : undefined;
      if (t?.data) tree.addFile(parts, { path, layer: layer.index, kind: 'file', mode: t.mode, data: t.data });
    } else {
      tree.addFile(parts, { path, layer: layer.index, kind: e.type === 'link' ? 'symlink' : 'other', mode: e.mode });
    }
  }
}
