/**
 * Turning lists of git blobs into {@link TargetFile}s: sizes first (so over-large blobs are never read),
 * then contents through one `cat-file` process, in batches, binaries dropped unless asked for.
 */
import type { FileFilter, Origin, TargetFile } from '../core/types.js';
import { isBinary } from './binary.js';
import { memoryFile } from './file.js';
import type { CatFile } from './git-run.js';

/** A blob to yield at a path. */
export interface BlobRef {
  oid: string;
  path: string;
  origin?: Origin;
  changedLines?: Set<number>;
}

/** Called for a file that is not yielded for a reason the user should hear about (too large, missing). */
export type SkipNote = (path: string, reason: string) => void;

/** A TargetFile over a blob already read. `contentId` is the blob id. */
export function blobFile(ref: BlobRef, bytes: Uint8Array): TargetFile {
  return memoryFile(ref.path, bytes, {
    contentId: ref.oid,
    ...(ref.origin ? { origin: ref.origin } : {}),
    ...(ref.changedLines ? { changedLines: ref.changedLines } : {}),
  });
}

function megabytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MiB` : `${n} bytes`;
}

/**
 * Reads `refs` (in order) and yields them as files. `sizes` caches blob sizes across batches (-1: missing).
 * A blob wanted at several paths in the batch is read once.
 */
export async function* readBlobs(
  cat: CatFile,
  refs: BlobRef[],
  filter: FileFilter,
  maxFileBytes: number,
  sizes: Map<string, number>,
  skipped?: SkipNote,
): AsyncGenerator<TargetFile> {
  const unknown = [...new Set(refs.map((r) => r.oid))].filter((o) => !sizes.has(o));
  const infos = await cat.info(unknown);
  unknown.forEach((oid, i) => {
    const info = infos[i];
    sizes.set(oid, info && info.type === 'blob' ? info.size : -1);
  });
  const want: BlobRef[] = [];
  for (const r of refs) {
    const size = sizes.get(r.oid) ?? -1;
    const where = r.origin?.commit ? ` (blob ${r.oid.slice(0, 12)}, commit ${r.origin.commit.slice(0, 12)})` : '';
    if (size < 0) {
      skipped?.(r.path, `skipped: blob ${r.oid.slice(0, 12)} is missing from the repository`);
    } else if (size > maxFileBytes && !filter.includeLarge) {
      skipped?.(r.path, `skipped: ${megabytes(size)} is over the ${megabytes(maxFileBytes)} file size limit${where}`);
    } else {
      want.push(r);
    }
  }
  const order = [...new Set(want.map((r) => r.oid))];
  const uses = new Map<string, number>();
  for (const r of want) uses.set(r.oid, (uses.get(r.oid) ?? 0) + 1);
  cat.request(order);
  const held = new Map<string, Buffer | null>();
  let next = 0;
  for (const r of want) {
    while (!held.has(r.oid)) {
      const oid = order[next++]!;
      held.set(oid, await cat.next(oid));
    }
    const bytes = held.get(r.oid) ?? null;
    const left = (uses.get(r.oid) ?? 1) - 1;
    uses.set(r.oid, left);
    if (left === 0) held.delete(r.oid);
    if (bytes === null) continue;
    if (!filter.includeBinary && isBinary(bytes)) continue;
    yield blobFile(r, bytes);
  }
}
