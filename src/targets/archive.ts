/**
 * Archives as targets, and the reader the directory target calls on archives it meets: zip (and jar, war, ear,
 * apk, aar, nupkg, whl, ...), tar, tar.gz / tgz (npm pack output), and single-file .gz. Nested archives are opened
 * up to `limits.maxArchiveDepth`. Members are named `outer.zip!inner/dir/file.txt`, nested
 * `a.zip!b.jar!c.properties`, and carry `origin.archive` (the chain of archive names, outermost first).
 *
 * Bounds, per top-level archive (one {@link ArchiveBudget} shared by every nesting level):
 * - at most `maxArchiveMembers` file members (nested archives count as members too);
 * - at most `maxArchiveExpandedBytes` bytes produced by decompression (inflate, gunzip); stored members and plain
 *   tar data are already in memory and cost nothing. Decompression stops at the cap, whatever sizes the headers
 *   declare, so a zip bomb, 42.zip-style nesting or a lying header ends with a note, not a hang or an out-of-memory;
 * - a member over `maxFileBytes` is skipped with a note (a member's bytes are held in memory to be scanned).
 * Nothing is ever written to disk: `../../etc/passwd` is only a name.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { lazyBuiltin } from '../core/lazy.js';
import { InputError } from '../core/errors.js';
import type { FileFilter, Limits, FileTarget, TargetFile } from '../core/types.js';
import { isBinary } from './binary.js';
import { memoryFile } from './file.js';
import { ArchiveError, isTarHeader, MemorySource, StreamSource, tarEntries, type ByteSource } from './tar.js';
import { zipData, zipEntries } from './zip.js';

const zlib = lazyBuiltin<typeof import('node:zlib')>('node:zlib');

/** What one top-level archive has used so far; share one across its nested archives. */
export interface ArchiveBudget {
  /** File members seen (nested archives included). */
  members: number;
  /** Bytes produced by decompression. */
  expandedBytes: number;
  /** Set once a limit ended the archive: every nesting level stops, the note is given once. */
  stopped?: string;
}

/** A fresh budget for one top-level archive. */
export function newArchiveBudget(): ArchiveBudget {
  return { members: 0, expandedBytes: 0 };
}

/** Called for each member or archive that is not (fully) read, with a message for the scan status. */
export type ArchiveNote = (path: string, message: string) => void;

const ZIP_EXT = ['.zip', '.jar', '.war', '.ear', '.apk', '.aar', '.nupkg', '.whl', '.egg', '.xpi', '.vsix', '.ipa'];
const TGZ_EXT = ['.tar.gz', '.tgz', '.crate'];
const TAR_EXT = ['.tar', '.gem'];

type Format = 'zip' | 'tar' | 'gzip';

/** True when the name says the file is an archive pipeguard opens (zip family, tar, tar.gz/tgz, gz). */
export function isArchivePath(path: string): boolean {
  const p = path.toLowerCase();
  return ARCHIVE_EXT.some((e) => p.endsWith(e));
}
const ARCHIVE_EXT = [...ZIP_EXT, ...TGZ_EXT, ...TAR_EXT, '.gz'];

/** The format, from the magic bytes first and the name second; null when it is none we read. */
function sniff(name: string, bytes: Uint8Array): Format | null {
  const n = name.toLowerCase();
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5 || bytes[2] === 7)) return 'zip';
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) return 'gzip';
  if (bytes.length >= 512 && isTarHeader(bytes.subarray(0, 512))) return 'tar';
  if (ZIP_EXT.some((e) => n.endsWith(e))) return 'zip';
  if (TAR_EXT.some((e) => n.endsWith(e)) && (bytes.length === 0 || bytes.every((b) => b === 0))) return 'tar';
  return null;
}

/** Raised (internally) when a limit ends the archive. */
class LimitReached extends Error {}

interface Run {
  limits: Limits;
  budget: ArchiveBudget;
  onError: ArchiveNote;
  filter: FileFilter;
  signal: AbortSignal | undefined;
}

function stop(run: Run, message: string): never {
  run.budget.stopped = message;
  throw new LimitReached(message);
}

function charge(run: Run, n: number): void {
  run.budget.expandedBytes += n;
  if (run.budget.expandedBytes > run.limits.maxArchiveExpandedBytes) {
    stop(run, `expanded size limit of ${run.limits.maxArchiveExpandedBytes} bytes reached; the rest of the archive was not read`);
  }
}

function countMember(run: Run): void {
  if (run.budget.members >= run.limits.maxArchiveMembers) {
    stop(run, `member limit of ${run.limits.maxArchiveMembers} reached; the rest of the archive was not read`);
  }
  run.budget.members++;
}

function memberFile(path: string, chain: string[], bytes: Uint8Array): TargetFile {
  return memoryFile(path, bytes, { origin: { archive: chain } });
}

/** What to do with a member's bytes: open it as an archive, or yield it as a file. */
async function* member(run: Run, chain: string[], name: string, bytes: Uint8Array, depth: number): AsyncGenerator<TargetFile> {
  const path = `${chain.join('!')}!${name}`;
  if (isArchivePath(name)) {
    if (depth + 1 <= run.limits.maxArchiveDepth) {
      try {
        yield* readAny(run, [...chain, name], bytes, depth + 1);
        return;
      } catch (e) {
        if (e instanceof ArchiveError) {
          run.onError(path, `corrupt archive: ${e.message}`);
          return;
        }
        throw e;
      }
    }
    run.onError(path, `nested archive not opened: depth limit of ${run.limits.maxArchiveDepth} reached`);
  }
  if (run.filter.path && !run.filter.path(path)) return;
  if (!run.filter.includeBinary && isBinary(bytes)) return;
  yield memberFile(path, chain, bytes);
}

function tooLarge(run: Run, path: string, size: number | string): void {
  run.onError(path, `skipped: ${size} bytes is over the ${run.limits.maxFileBytes}-byte file size limit`);
}

async function* readZip(run: Run, chain: string[], bytes: Uint8Array, depth: number): AsyncGenerator<TargetFile> {
  const entries = zipEntries(bytes);
  const prefix = chain.join('!');
  for (const e of entries) {
    if (run.budget.stopped) return;
    run.signal?.throwIfAborted();
    if (e.isDir || e.isSymlink) continue;
    countMember(run);
    const path = `${prefix}!${e.name}`;
    if (run.filter.path && !run.filter.path(path) && !isArchivePath(e.name)) continue;
    if (e.encrypted) {
      run.onError(path, 'skipped: encrypted member');
      continue;
    }
    if (e.declaredSize > run.limits.maxFileBytes) {
      tooLarge(run, path, e.declaredSize);
      continue;
    }
    const room = run.limits.maxArchiveExpandedBytes - run.budget.expandedBytes;
    const cap = Math.min(run.limits.maxFileBytes, Math.max(0, room));
    let data;
    try {
      data = zipData(bytes, e, e.method === 0 ? run.limits.maxFileBytes : cap);
    } catch (err) {
      if (err instanceof ArchiveError) {
        run.onError(path, `corrupt member: ${err.message}`);
        continue;
      }
      throw err;
    }
    if (!data.ok) {
      // Deflate stopped at `cap`: either the budget (cap was what is left of it) or the member is too large,
      // whatever its header declared.
      if (e.method !== 0 && cap < run.limits.maxFileBytes) charge(run, room + 1);
      charge(run, data.expanded);
      tooLarge(run, path, `more than ${run.limits.maxFileBytes} (declared ${e.declaredSize})`);
      continue;
    }
    charge(run, data.expanded);
    yield* member(run, chain, e.name, data.bytes, depth);
  }
}

async function* readTar(run: Run, chain: string[], src: ByteSource, depth: number): AsyncGenerator<TargetFile> {
  const prefix = chain.join('!');
  for await (const t of tarEntries(src)) {
    if (run.budget.stopped) return;
    run.signal?.throwIfAborted();
    if (t.type !== 'file') continue;
    countMember(run);
    const path = `${prefix}!${t.name}`;
    if (t.size > run.limits.maxFileBytes) {
      tooLarge(run, path, t.size);
      await t.skip();
      continue;
    }
    if (run.filter.path && !run.filter.path(path) && !isArchivePath(t.name)) {
      await t.skip();
      continue;
    }
    yield* member(run, chain, t.name, await t.read(), depth);
  }
}

function gunzipSource(run: Run, bytes: Uint8Array): { src: StreamSource; close: () => void } {
  const gz = zlib().createGunzip({ chunkSize: 64 * 1024 });
  gz.on('error', () => undefined); // surfaced by the iterator
  gz.end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const src = new StreamSource(gz, (n) => charge(run, n), (e) => `corrupt gzip data (${e instanceof Error ? e.message : String(e)})`);
  return { src, close: () => gz.destroy() };
}

async function* readGzip(run: Run, chain: string[], bytes: Uint8Array, depth: number): AsyncGenerator<TargetFile> {
  const { src, close } = gunzipSource(run, bytes);
  try {
    const head = await src.peek(512);
    const outer = chain[chain.length - 1] ?? '';
    if (head.length === 512 && isTarHeader(head)) {
      yield* readTar(run, chain, src, depth);
      return;
    }
    // A single compressed file: `notes.txt.gz!notes.txt`.
    const inner = basename(outer.replace(/\.gz$/i, '')) || 'data';
    countMember(run);
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const piece = await src.peek(64 * 1024);
      if (piece.length === 0) break;
      await src.skip(piece.length);
      size += piece.length;
      if (size > run.limits.maxFileBytes) {
        tooLarge(run, `${chain.join('!')}!${inner}`, `more than ${run.limits.maxFileBytes}`);
        return;
      }
      chunks.push(piece);
    }
    const all = new Uint8Array(size);
    let o = 0;
    for (const c of chunks) {
      all.set(c, o);
      o += c.length;
    }
    yield* member(run, chain, inner, all, depth);
  } finally {
    close();
  }
}

/** Reads one archive of any supported format; throws {@link ArchiveError} when it is malformed. */
async function* readAny(run: Run, chain: string[], bytes: Uint8Array, depth: number): AsyncGenerator<TargetFile> {
  const name = chain[chain.length - 1] ?? '';
  const format = sniff(name, bytes);
  if (format === 'zip') yield* readZip(run, chain, bytes, depth);
  else if (format === 'gzip') yield* readGzip(run, chain, bytes, depth);
  else if (format === 'tar') yield* readTar(run, chain, new MemorySource(bytes), depth);
  else throw new ArchiveError('not a zip, tar or gzip archive');
}

/**
 * The members of the archive `name` (its path in the enclosing target) held in `bytes`, as files named
 * `name!member`. Never throws for bad data: a corrupt archive or member, a skipped member and a limit that ends
 * the archive are all told to `onError` (the limit note once). `budget` is shared by every nesting level of one
 * top-level archive (see {@link newArchiveBudget}). `filter.path` is applied to leaf members (nested archives are
 * opened whatever it says); binary members are dropped unless `filter.includeBinary`. Members over
 * `limits.maxFileBytes` are never expanded, whatever `filter.includeLarge` says.
 */
export async function* readArchive(
  name: string,
  bytes: Uint8Array,
  limits: Limits,
  budget: ArchiveBudget,
  onError: ArchiveNote,
  depth = 0,
  filter: FileFilter = {},
  signal?: AbortSignal,
): AsyncGenerator<TargetFile> {
  const run: Run = { limits, budget, onError, filter, signal };
  if (budget.stopped) return;
  try {
    yield* readAny(run, [name], bytes, depth);
  } catch (e) {
    if (e instanceof LimitReached) onError(name, e.message);
    else if (e instanceof ArchiveError) onError(name, `corrupt archive: ${e.message}`);
    else throw e;
  }
}

/**
 * For the directory target's `expandArchive` option: opens each file whose name is an archive's, with a fresh
 * budget per top-level archive; returns null for other files.
 */
export function archiveExpander(limits: Limits, onError: ArchiveNote): (file: TargetFile) => AsyncIterable<TargetFile> | null {
  return (file) => {
    if (!isArchivePath(file.path)) return null;
    return (async function* () {
      const bytes = await file.bytes();
      yield* readArchive(file.path, bytes, limits, newArchiveBudget(), onError);
    })();
  };
}

/** Options of {@link openArchive}. */
export interface ArchiveOptions {
  /** Told about skipped members, nested archives that could not be opened and the limit that ended the archive. */
  onError?: ArchiveNote;
  signal?: AbortSignal;
}

/**
 * An archive file given directly (`pipeguard scan dist/app.tgz`) as a target of kind `archive`. Members are named
 * `<rootName>!member` (`rootName` defaults to the file's base name). Throws {@link InputError} naming the file when
 * it is missing, is not an archive, or is malformed (the container itself; a corrupt nested archive or member is
 * a note to `onError`).
 */
export async function openArchive(filePath: string, limits: Limits, rootName?: string, opts: ArchiveOptions = {}): Promise<FileTarget> {
  const st = await stat(filePath).catch(() => null);
  if (!st) throw new InputError('no such file', filePath);
  if (!st.isFile()) throw new InputError('not a file (an archive was expected)', filePath);
  const bytes = await readFile(filePath);
  const root = rootName ?? basename(filePath);
  const format = sniff(root, bytes) ?? sniff(filePath, bytes);
  if (!format) throw new InputError('not a zip, tar or gzip archive', filePath);
  try {
    if (format === 'zip') zipEntries(bytes, 1);
    if (format === 'gzip' && bytes.length < 18) throw new ArchiveError('truncated gzip data');
  } catch (e) {
    if (e instanceof ArchiveError) throw new InputError(`corrupt archive: ${e.message}`, filePath);
    throw e;
  }
  const onError: ArchiveNote = opts.onError ?? (() => undefined);
  return {
    kind: 'archive',
    id: filePath,
    async *files(filter: FileFilter = {}): AsyncGenerator<TargetFile> {
      const run: Run = { limits, budget: newArchiveBudget(), onError, filter, signal: opts.signal };
      try {
        yield* readAny(run, [root], bytes, 0);
      } catch (e) {
        if (e instanceof LimitReached) onError(root, e.message);
        else if (e instanceof ArchiveError) throw new InputError(`corrupt archive: ${e.message}`, filePath);
        else throw e;
      }
    },
    async dispose() {},
  };
}
