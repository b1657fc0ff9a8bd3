/**
 * Where the blobs of an image are: an OCI image layout folder (`oci-layout`, `index.json`, `blobs/<alg>/<hex>`),
 * a tar of one (an OCI archive), or a `docker save` tarball (`manifest.json`, per-layer folders or, from Docker 25,
 * an OCI layout inside). Each is read in place: a tar is listed header by header with positional reads (bodies
 * are skipped, never loaded) and a blob is a byte range of a file. Nothing is extracted.
 */
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../core/errors.js';
import { ArchiveError, FileRangeSource, isTarHeader, tarEntries } from '../tar.js';

/** A byte range of a file: one blob, or one member of a tarball. */
export interface BlobRange {
  fd: number;
  offset: number;
  size: number;
  /** Where it is, for messages: `blobs/sha256/ab…` or `layer.tar`. */
  name: string;
}

/** The three ways images are stored on disk. */
export type ImageFormat = 'oci-layout' | 'oci-archive' | 'docker-archive';

/** An image store opened for reading. */
export interface ImageStore {
  format: ImageFormat;
  /** The file or folder the user named. */
  path: string;
  /** A member by its path in the layout (`index.json`, `blobs/sha256/<hex>`, `<id>/layer.tar`). */
  member(path: string): BlobRange | undefined;
  close(): void;
}

const DIGEST = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;

/** True for a well-formed digest (`sha256:<64 hex>`, `sha512:<128 hex>`): only those become paths. */
export function isDigest(d: unknown): d is string {
  return typeof d === 'string' && DIGEST.test(d);
}

/** The layout path of a blob. */
export function blobPath(digest: string): string {
  const i = digest.indexOf(':');
  return `blobs/${digest.slice(0, i)}/${digest.slice(i + 1)}`;
}

export { isLayoutDir } from './layout.js';

/** Opens an OCI image layout folder. */
export function openLayoutDir(dir: string): ImageStore {
  const fds = new Map<string, number>();
  return {
    format: 'oci-layout',
    path: dir,
    member(path) {
      if (path.split('/').some((s) => s === '..' || s === '')) return undefined;
      let fd = fds.get(path);
      if (fd === undefined) {
        const abs = join(dir, path);
        const st = statSync(abs, { throwIfNoEntry: false });
        if (!st?.isFile()) return undefined;
        fd = openSync(abs, 'r');
        fds.set(path, fd);
      }
      return { fd, offset: 0, size: fstatSync(fd).size, name: path };
    },
    close() {
      for (const fd of fds.values()) closeSync(fd);
      fds.clear();
    },
  };
}

/** Member names that only image tarballs have at their top level. */
const IMAGE_MEMBERS = /^(oci-layout|index\.json|manifest\.json|repositories|blobs(\/.*)?|[a-f0-9]{64}(\.json|\.tar|\/.*)?)$/;

/**
 * Lists a tar file and tells whether it holds an image: an OCI layout (`oci-layout` + `index.json`) or a
 * `docker save` tarball (`manifest.json` with layer folders or blobs). Returns undefined for any other tar
 * (an archive to open as such), as soon as a member says so. Throws {@link InputError} for a tar that ends
 * half-way once it has shown it is an image.
 */
export async function openImageTar(path: string): Promise<ImageStore | undefined> {
  const fd = openSync(path, 'r');
  let keep = false;
  try {
    const head = Buffer.alloc(512);
    if (readSync(fd, head, 0, 512, 0) < 512 || !isTarHeader(head)) return undefined;
    const size = fstatSync(fd).size;
    const members = new Map<string, { offset: number; size: number }>();
    const src = new FileRangeSource(fd, 0, size);
    try {
      for await (const e of tarEntries(src)) {
        const name = e.name.replace(/^(\.\/)+/, '').replace(/^\/+/, '');
        if (name === '' || name === '.') continue;
        // The first member that an image tarball would not have settles it: not an image.
        if (!IMAGE_MEMBERS.test(name.replace(/\/$/, ''))) return undefined;
        if (e.type === 'file') members.set(name, { offset: e.dataOffset, size: e.size });
        if (members.size > 1_000_000) throw new InputError('image tarball lists over a million members', path);
      }
    } catch (e) {
      if (e instanceof ArchiveError) {
        if (members.has('manifest.json') || members.has('oci-layout')) throw new InputError(`corrupt image tarball: ${e.message}`, path);
        return undefined;
      }
      throw e;
    }
    const oci = members.has('oci-layout') && members.has('index.json');
    if (!oci && !members.has('manifest.json')) return undefined;
    keep = true;
    return {
      format: oci && !members.has('manifest.json') ? 'oci-archive' : members.has('manifest.json') ? 'docker-archive' : 'oci-archive',
      path,
      member(p) {
        const m = members.get(p);
        return m ? { fd, offset: m.offset, size: m.size, name: p } : undefined;
      },
      close() {
        closeSync(fd);
      },
    };
  } finally {
    if (!keep) closeSync(fd);
  }
}

/** Up to `length` bytes of a file from `position` (fewer only where the file ends). */
export function readFully(fd: number, length: number, position: number): Buffer {
  const buf = Buffer.allocUnsafe(length);
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, got, length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return got === length ? buf : buf.subarray(0, got);
}

/** True when the first tar member of a decompressed stream's head could start an image tarball. */
export function looksLikeImageTar(head: Uint8Array): boolean {
  if (head.length < 512 || !isTarHeader(head.subarray(0, 512))) return false;
  let end = 0;
  while (end < 100 && head[end] !== 0) end++;
  const name = Buffer.from(head.subarray(0, end)).toString('utf8').replace(/^(\.\/)+/, '').replace(/\/$/, '');
  return name === '' || name === '.' || IMAGE_MEMBERS.test(name);
}

/** Reads a whole member into memory (manifests, configs, indexes), refusing ones over `max` bytes. */
export function readRange(r: BlobRange, max: number, what: string, file: string): Buffer {
  if (r.size > max) throw new InputError(`${what} ${r.name} is ${r.size} bytes, over the ${max}-byte limit`, file);
  const buf = readFully(r.fd, r.size, r.offset);
  if (buf.length < r.size) throw new InputError(`${what} ${r.name} is cut short (${buf.length} of ${r.size} bytes)`, file);
  return buf;
}
