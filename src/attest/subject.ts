/**
 * What a signature or an attestation is about: a file (an artifact, an SBOM, an attestation) named by the SHA-256
 * of its bytes, or a container image named by its manifest digest, as registries and cosign name images. An
 * image's manifest, configuration and every layer blob are checked against their digests first, so an image with
 * one byte changed anywhere it is content-addressed is {@link TamperedError}, never a valid subject.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { InputError } from '../core/errors.js';
import { resolveImage } from '../targets/image/manifest.js';
import { blobPath, isLayoutDir, openImageTar, openLayoutDir, readRange, type BlobRange, type ImageStore } from '../targets/image/source.js';

/** The thing signed: its name, digest, and the bytes a message signature covers. */
export interface Subject {
  kind: 'file' | 'image';
  /** The file's base name, or the image reference (its tag when it has one). */
  name: string;
  /** `sha256` hex: of the file, or of the image manifest. */
  sha256: string;
  /** The bytes a message signature is made over: the file, or the image manifest. */
  bytes: Buffer;
  /** For an image: its platform. */
  platform?: string;
}

/** The content of an image (a layer, the manifest, the config) does not match its digest. */
export class TamperedError extends Error {
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(message);
    this.name = 'TamperedError';
  }
}

/** Files larger than this are not signed in one piece (the message signature covers the whole file in memory). */
export const MAX_SUBJECT_BYTES = 2 * 1024 * 1024 * 1024 - 1;

/**
 * The subject of `path`: an image (an OCI layout folder, an OCI archive, a `docker save` tarball) or any other
 * file. A folder that is not an image layout is an InputError.
 */
export async function subjectOf(path: string, shown: string, platform?: string): Promise<Subject> {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) throw new InputError('no such file or directory', shown);
  let store: ImageStore | undefined;
  if (st.isDirectory()) {
    if (!isLayoutDir(path)) throw new InputError('a folder is signed only when it is an OCI image layout (oci-layout, index.json, blobs/)', shown);
    store = openLayoutDir(path);
  } else {
    try {
      store = await openImageTar(path);
    } catch (e) {
      if (e instanceof InputError) throw new TamperedError(e.message, shown);
      throw e;
    }
  }
  if (!store) {
    if (st.size > MAX_SUBJECT_BYTES) throw new InputError(`${st.size} bytes is over the ${MAX_SUBJECT_BYTES}-byte limit of a signed file`, shown);
    const bytes = readFileSync(path);
    return { kind: 'file', name: basename(path), sha256: createHash('sha256').update(bytes).digest('hex'), bytes };
  }
  try {
    return imageSubject(store, shown, platform);
  } finally {
    store.close();
  }
}

function imageSubject(store: ImageStore, shown: string, platform: string | undefined): Subject {
  let resolved;
  try {
    resolved = resolveImage(store, platform);
  } catch (e) {
    if (e instanceof InputError && /does not match|is missing|bytes, (the manifest|its descriptor) says|cut short/.test(e.message)) throw new TamperedError(e.message, shown);
    if (e instanceof InputError) throw new InputError(e.message, shown, e.line);
    throw e;
  }
  for (const l of resolved.layers) {
    const want = resolved.legacy ? (l.diffId ?? l.digest) : l.digest;
    if (!want) continue;
    const alg = want.slice(0, want.indexOf(':'));
    const got = `${alg}:${hashRange(l.blob, alg)}`;
    if (got !== want) throw new TamperedError(`layer ${l.index + 1} (${l.blob.name}) does not match its digest ${want} (content hashes to ${got})`, shown);
  }
  const manifest = store.member(blobPath(resolved.manifestDigest)) ?? legacyConfig(store);
  if (!manifest) throw new InputError(`manifest ${resolved.manifestDigest} is missing`, shown);
  const bytes = readRange(manifest, 32 * 1024 * 1024, 'manifest', shown);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (`sha256:${sha256}` !== resolved.manifestDigest) throw new TamperedError(`manifest ${resolved.manifestDigest} does not match its digest`, shown);
  const tag = resolved.tags[0];
  return { kind: 'image', name: tag ?? basename(shown), sha256, bytes, ...(resolved.platform ? { platform: resolved.platform } : {}) };
}

/** A legacy `docker save` tarball has no manifest: its image id (the config digest) names it. */
function legacyConfig(store: ImageStore): BlobRange | undefined {
  const m = store.member('manifest.json');
  if (!m) return undefined;
  try {
    const list = JSON.parse(readRange(m, 32 * 1024 * 1024, 'manifest.json', store.path).toString('utf8')) as { Config?: string }[];
    return list[0]?.Config ? store.member(list[0].Config) : undefined;
  } catch {
    return undefined;
  }
}

function hashRange(r: BlobRange, alg: string): string {
  const h = createHash(alg);
  const buf = Buffer.alloc(1 << 20);
  let done = 0;
  while (done < r.size) {
    const n = readSync(r.fd, buf, 0, Math.min(buf.length, r.size - done), r.offset + done);
    if (n <= 0) break;
    h.update(buf.subarray(0, n));
    done += n;
  }
  return h.digest('hex');
}

/** The subject of what is about to be signed: a broken image is an InputError (it is not signed), not a verdict. */
export async function subjectToSign(path: string, shown: string, platform?: string): Promise<Subject> {
  try {
    return await subjectOf(path, shown, platform);
  } catch (e) {
    if (e instanceof TamperedError) throw new InputError(e.message, shown);
    throw e;
  }
}
