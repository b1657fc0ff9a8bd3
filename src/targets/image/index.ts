/**
 * A container image as a target, read without a container engine: an OCI image layout folder, an OCI archive or a
 * `docker save` tarball. It offers `files` (the merged file system, then every version of a file that a later
 * layer deleted or replaced, marked `origin.hidden`; archives in it opened as in a folder) and `image` (manifest
 * digest, platform, configuration, layers). Every file's origin names its layer and the history entry that made it.
 */
import { closeSync, createReadStream, createWriteStream, mkdtempSync, openSync, rmSync } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { InputError } from '../../core/errors.js';
import { lazyBuiltin } from '../../core/lazy.js';
import type { FileFilter, ImageSource, Limits, Target, TargetFile } from '../../core/types.js';
import { newArchiveBudget, isArchivePath, readArchive, type ArchiveNote } from '../archive.js';
import { isBinary, looksBinaryByName } from '../binary.js';
import { decodeText } from '../file.js';
import { readLayers } from './layers.js';
import { resolveImage } from './manifest.js';
import { isLayoutDir, looksLikeImageTar, openImageTar, openLayoutDir, readFully, type ImageStore } from './source.js';
import { ArchiveError } from '../tar.js';
import type { TreeEntry } from './tree.js';

export { isLayoutDir } from './source.js';

/** Options of {@link openImage}. */
export interface ImageOptions {
  limits: Limits;
  /** `os/arch[/variant]` to pick from a multi-platform index (default `linux/amd64` when there is a choice). */
  platform?: string;
  /** How the image is named in findings (default: the path given). */
  name?: string;
  /** Layers or archive members not (fully) read. */
  onSkip?: ArchiveNote;
  signal?: AbortSignal;
  /** Folder for the scratch file of decompressed layers (default: the system's temporary folder). */
  tmpDir?: string;
}

/** A target of kind `image`: files and image. */
export interface ImageTarget extends Target {
  kind: 'image';
  image: ImageSource;
  files(filter?: FileFilter): AsyncIterable<TargetFile>;
}

/**
 * Opens an image folder or tarball, or returns undefined when `path` is neither (a plain tar, say). Reads every
 * layer at once, so a broken image (missing blob, wrong digest, corrupt layer) is an `InputError` here, before any
 * scanner runs.
 */
export async function openImage(path: string, isDir: boolean, o: ImageOptions): Promise<ImageTarget | undefined> {
  let store: ImageStore | undefined;
  let dir: string | undefined;
  const newDir = () => (dir ??= mkdtempSync(join(o.tmpDir ?? tmpdir(), 'pipeguard-image-')));
  if (isDir) store = isLayoutDir(path) ? openLayoutDir(path) : undefined;
  else if (gzipped(path)) {
    // `docker save | gzip`: told by the first member, then decompressed once into the scratch folder.
    if (!(await gzipHeadIsImage(path))) return undefined;
    const tar = join(newDir(), 'image.tar');
    try {
      await gunzipTo(path, tar, 4 * o.limits.maxArchiveExpandedBytes);
      store = await openImageTar(tar);
    } catch (e) {
      rmSync(dir!, { recursive: true, force: true });
      if (e instanceof ArchiveError) throw new InputError(`corrupt image tarball: ${e.message}`, o.name ?? path);
      throw e;
    }
    if (!store) {
      rmSync(dir!, { recursive: true, force: true });
      return undefined;
    }
  } else store = await openImageTar(path);
  if (!store) return undefined;
  const opened = store;
  const name = o.name ?? path;
  const scratchDir = newDir();
  let scratchFd: number | undefined;
  const cleanup = () => {
    if (scratchFd !== undefined) closeSync(scratchFd);
    scratchFd = undefined;
    opened.close();
    rmSync(scratchDir, { recursive: true, force: true });
  };
  try {
    const resolved = resolveImage(store, o.platform);
    scratchFd = openSync(join(scratchDir, 'layers'), 'w+', 0o600);
    const scratch = { fd: scratchFd, size: 0, max: 4 * o.limits.maxArchiveExpandedBytes };
    const onNote = o.onSkip ?? (() => undefined);
    const tree = await readLayers(resolved.layers, resolved.legacy, { limits: o.limits, scratch, file: opened.path, onNote, ...(o.signal ? { signal: o.signal } : {}) });
    const layers = resolved.layers.map(({ blob: _blob, ...l }) => l);
    // An OCI layout names images by tag alone (`latest`): the reference is then the file's name with that tag.
    const tag = resolved.tags[0];
    const image: ImageSource = {
      reference: tag ? (/[:/@]/.test(tag) ? tag : `${basename(path).replace(/\.(oci\.)?tar$/, '')}:${tag}`) : name,
      manifestDigest: resolved.manifestDigest,
      ...(resolved.platform ? { platform: resolved.platform } : {}),
      configDigest: resolved.configDigest,
      tags: resolved.tags,
      config: resolved.config,
      layers,
    };
    const visible = tree.entries().filter((e) => e.kind === 'file');
    const hidden = tree.hidden;
    const fileOf = (e: TreeEntry, isHidden: boolean): TargetFile => imageFile(e, layers[e.layer]!, isHidden);
    return {
      kind: 'image',
      id: name,
      image,
      async *files(filter: FileFilter = {}) {
        for (const [list, isHidden] of [
          [visible, false],
          [hidden, true],
        ] as const) {
          for (const e of list) {
            o.signal?.throwIfAborted();
            const f = fileOf(e, isHidden);
            if (expandable(e.path)) {
              const bytes = e.data!.size <= o.limits.maxFileBytes ? await f.bytes() : undefined;
              if (bytes) {
                for await (const m of readArchive(e.path, bytes, o.limits, newArchiveBudget(), onNote, 0, filter, o.signal)) {
                  yield { ...m, origin: { ...m.origin, ...f.origin } };
                }
              } else {
                onNote(e.path, `archive not opened: ${e.data!.size} bytes is over the ${o.limits.maxFileBytes}-byte file size limit`);
              }
              if (!filter.includeBinary) continue;
            }
            if (filter.path && !filter.path(e.path)) continue;
            if (f.size > o.limits.maxFileBytes && !filter.includeLarge) {
              onNote(e.path, `skipped: ${f.size} bytes is over the ${o.limits.maxFileBytes}-byte file size limit`);
              continue;
            }
            if (!filter.includeBinary) {
              if (looksBinaryByName(e.path)) continue;
              // A program's first 8 KiB tell it is binary without reading all of it.
              if (e.data!.size > 8192 && isBinary(readFully(e.data!.fd, 8192, e.data!.offset))) continue;
              // Read once here for the check; the file handed on keeps these bytes.
              const bytes = await f.bytes();
              if (isBinary(bytes)) continue;
              let text: string | undefined;
              yield { ...f, bytes: async () => bytes, text: async () => (text ??= decodeText(bytes)) };
              continue;
            }
            yield f;
          }
        }
      },
      async dispose() {
        cleanup();
      },
    };
  } catch (e) {
    cleanup();
    // Errors name the image as the user named it.
    if (e instanceof InputError && (e.file === path || e.file === opened.path)) throw new InputError(e.message, o.name ?? path, e.line);
    throw e;
  }
}

const zlib = lazyBuiltin<typeof import('node:zlib')>('node:zlib');

function gzipped(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const b = readFully(fd, 2, 0);
    return b[0] === 0x1f && b[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

/** The first 64 KiB a gzip file decompresses to, read as a tar head. */
async function gzipHeadIsImage(path: string): Promise<boolean> {
  const chunks: Buffer[] = [];
  let size = 0;
  const gz = createReadStream(path, { end: 1 << 20 }).pipe(zlib().createGunzip());
  try {
    for await (const c of gz as AsyncIterable<Buffer>) {
      chunks.push(c);
      size += c.length;
      if (size >= 1024) break;
    }
  } catch {
    // a cut-short or corrupt gzip: not for this reader to say; the archive reader will
  } finally {
    gz.destroy();
  }
  return looksLikeImageTar(Buffer.concat(chunks));
}

/** Decompresses a gzip file into `to`, refusing to write more than `max` bytes. */
async function gunzipTo(from: string, to: string, max: number): Promise<void> {
  let size = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      if (size > max) done(new ArchiveError(`it expands to more than ${max} bytes`));
      else done(null, chunk);
    },
  });
  try {
    await pipeline(createReadStream(from), zlib().createGunzip(), limit, createWriteStream(to, { mode: 0o600 }));
  } catch (e) {
    if (e instanceof ArchiveError) throw e;
    throw new ArchiveError(`corrupt gzip data (${(e as Error).message})`);
  }
}

/** Archives opened inside an image: not single compressed files (`changelog.Debian.gz`, man pages). */
function expandable(path: string): boolean {
  return isArchivePath(path) && !(/\.gz$/i.test(path) && !/\.(tar\.gz|tgz)$/i.test(path));
}

/**
 * One version of a file in the image, read from its layer (or the scratch file) each time it is asked for (the
 * bytes are not kept: a consumer that holds many files, an inventory, must not hold every program's bytes too).
 */
function imageFile(e: TreeEntry, layer: { digest: string; createdBy?: string }, hidden: boolean): TargetFile {
  const d = e.data!;
  let text: string | undefined;
  const read = (): Uint8Array => {
    const b = readFully(d.fd, d.size, d.offset);
    if (b.length < d.size) throw new Error(`${e.path}: layer data ends early`);
    return b;
  };
  return {
    path: e.path,
    size: d.size,
    mode: e.mode,
    // Each version is its own content: a path met in two layers is two files.
    contentId: `${layer.digest}:${d.offset}`,
    origin: { layer: layer.digest, ...(layer.createdBy ? { createdBy: layer.createdBy } : {}), ...(hidden ? { hidden: true } : {}) },
    bytes: async () => read(),
    text: async () => (text ??= decodeText(read())),
  };
}
