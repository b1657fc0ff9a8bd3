import { closeSync, fstatSync, lstatSync, openSync, readdirSync, readFileSync, readSync, type Dirent } from 'node:fs';
import { lstat, readFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { decodeName, isUtf8Name } from '../core/byte-names.js';
import { globMatcher } from '../core/glob.js';
import { InputError } from '../core/errors.js';
import type { FileFilter, FileTarget, TargetFile } from '../core/types.js';
import { isBinary, looksBinaryByName } from './binary.js';
import { isArchivePath } from './archive.js';
import { decodeText, memoryFile } from './file.js';


/** How a directory is walked. */
export interface DirectoryOptions {
  /** Skip files ignored by `.gitignore` files (and `.git/info/exclude`). Default true. */
  gitignore: boolean;
  /** Globs (core/glob.ts, relative to the root) of files and folders never yielded. */
  exclude: string[];
  /** Files larger than this are skipped and reported through `onSkip`. */
  maxFileBytes: number;
  /** Called for each file that is skipped for a reason worth telling the user (too large, unreadable). */
  onSkip?: (path: string, reason: string) => void;
  /**
   * Expands members of archives found in the tree (set by the caller, which knows the archive reader and limits).
   * Returns null when the path is not an archive. Asked only about the files whose names are an archive's
   * (`isArchivePath`); the others are read without it.
   */
  expandArchive?: (file: TargetFile) => AsyncIterable<TargetFile> | null;
}

interface Entry {
  /** The path in reports: a name that is not UTF-8 in its escaped form (core/byte-names.ts). */
  rel: string;
  /** The path on disk: bytes when a name on the way is not UTF-8 (a string would name another file). */
  abs: string | Buffer;
  /** Found on first need (consumers that read files themselves never ask): -1 when the file is gone. */
  size?: number;
}

/** The size of a listed file, looked up once. */
function sizeOf(e: Entry): number {
  return (e.size ??= lstatSync(e.abs, { throwIfNoEntry: false })?.size ?? -1);
}

/** Folders never descended into, whatever the ignore files say. */
const ALWAYS_SKIPPED = new Set(['.git', '.hg', '.svn']);

/**
 * A directory tree as a target. Symlinks are never followed (a link inside the root points at a file that is
 * scanned at its own path anyway; a link out of the root must not be read), `.git` is skipped, `.gitignore`
 * files at every level are honoured by default, and binary and over-large files are skipped.
 */
export async function openDirectory(root: string, opts: Partial<DirectoryOptions> = {}): Promise<FileTarget> {
  const abs = resolve(root);
  const st = await lstat(abs).catch(() => null);
  if (!st) throw new InputError('no such file or directory', root);
  if (!st.isDirectory()) throw new InputError('not a directory', root);
  const o: DirectoryOptions = { gitignore: true, exclude: [], maxFileBytes: 10 * 1024 * 1024, ...opts };
  let listing: Listing | undefined;
  /**
   * The files, in batches: files a consumer reads itself (deferred) are gathered up to {@link BATCH_FILES} a
   * batch, as listing them takes no I/O beyond the walk; files carrying their bytes (read here, or archive
   * members) come one a batch, so a batch never holds many files' contents.
   */
  async function* batches(filter: FileFilter = {}): AsyncGenerator<TargetFile[]> {
    // The walk advances as files are asked for, so scanning starts with the first folder, not after the last;
    // every consumer shares the one listing.
    const list = (listing ??= new Listing(abs, o));
    let batch: TargetFile[] = [];
    for (let i = 0; ; i++) {
      while (i >= list.entries.length && list.step());
      if (i >= list.entries.length) break;
      const e = list.entries[i]!;
      if (filter.path && !filter.path(e.rel)) continue;
      // A consumer reading files itself applies the size limit as it reads: no stat here.
      // (a file reached through a name that is not UTF-8 is read here: consumers take string paths)
      const deferred = filter.deferRead === true && typeof e.abs === 'string' && !(o.expandArchive && isArchivePath(e.rel));
      if (!deferred && !(o.expandArchive && isArchivePath(e.rel))) {
        // Read here: opened once, its size from the open file (no lstat by name before the read).
        const read = readOpened(e.abs, filter.includeLarge ? Infinity : o.maxFileBytes);
        if (read !== undefined) {
          if (typeof read === 'number') {
            o.onSkip?.(e.rel, tooLarge(read, o.maxFileBytes));
            continue;
          }
          if (!filter.includeBinary && (looksBinaryByName(e.rel) || isBinary(read))) continue;
          if (batch.length) yield batch;
          batch = [];
          yield [memoryFile(e.rel, read)];
          continue;
        }
        // an error: the way below tells what it was
      }
      if (!deferred) {
        const size = sizeOf(e);
        if (size < 0) continue;
        if (size > o.maxFileBytes && !filter.includeLarge) {
          o.onSkip?.(e.rel, tooLarge(size, o.maxFileBytes));
          continue;
        }
      }
      const file = new DiskFile(e, o, deferred, filter.includeLarge ? Infinity : o.maxFileBytes);
      const members = o.expandArchive?.(file);
      if (members) {
        if (batch.length) yield batch;
        batch = [];
        for await (const m of members) {
          if (filter.path && !filter.path(m.path)) continue;
          yield [m];
        }
        if (!filter.includeBinary) continue;
      }
      if (!filter.includeBinary && looksBinaryByName(e.rel)) continue;
      if (deferred) {
        batch.push(file);
        if (batch.length >= BATCH_FILES) {
          yield batch;
          batch = [];
        }
        continue;
      }
      if (batch.length) yield batch;
      batch = [];
      let bytes: Uint8Array;
      try {
        // Synchronous on purpose: for many small files a thread-pool round trip per call costs more than the read.
        bytes = readFileSync(e.abs);
      } catch (err) {
        o.onSkip?.(e.rel, `unreadable: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
        continue;
      }
      if (!filter.includeBinary && isBinary(bytes)) continue;
      yield [memoryFile(e.rel, bytes)];
    }
    if (batch.length) yield batch;
  }
  return {
    kind: 'directory',
    id: abs,
    root: abs,
    async *files(filter: FileFilter = {}) {
      for await (const b of batches(filter)) yield* b;
    },
    batches,
    async dispose() {},
  };
}

/**
 * A file's bytes, read through one open: its size from the open file, and over `max` the size alone (not read).
 * Undefined on any error (gone, unreadable), for the caller to find out which in its usual way.
 */
function readOpened(abs: string | Buffer, max: number): Uint8Array | number | undefined {
  let fd: number;
  try {
    fd = openSync(abs, 'r');
  } catch {
    return undefined;
  }
  try {
    const size = fstatSync(fd).size;
    if (size > max) return size;
    const buf = Buffer.allocUnsafe(size);
    let off = 0;
    while (off < size) {
      const n = readSync(fd, buf, off, size - off, off);
      if (n === 0) break;
      off += n;
    }
    // A file that grows while it is read is read to its size at the open, as far as it is then.
    return off === size ? buf : buf.subarray(0, off);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** Most deferred files in one batch of {@link Target.batches}. */
const BATCH_FILES = 256;

/** A name inside a folder: `path.join` normalises, which costs more than the walk's other work per file. */
function under(dir: string, name: string): string {
  return dir.endsWith(sep) ? dir + name : dir + sep + name;
}

/** {@link under} for a folder or a name given by its bytes. */
function underBytes(dir: string | Buffer, name: string | Buffer): Buffer {
  const d = typeof dir === 'string' ? Buffer.from(dir) : dir;
  const n = typeof name === 'string' ? Buffer.from(name) : name;
  return d[d.length - 1] === SEP_BYTE ? Buffer.concat([d, n]) : Buffer.concat([d, Buffer.from(sep), n]);
}

const SEP_BYTE = sep.charCodeAt(0);

/** One name in a folder, as the walk needs it. */
interface Child {
  /** The text form (core/byte-names.ts). */
  name: string;
  /** Where it is on disk. */
  abs: string | Buffer;
  dir: boolean;
  file: boolean;
  link: boolean;
}

/**
 * The names in a folder. Read as text (the fast, common case); when a name came back with U+FFFD (bytes that are
 * not UTF-8, or a folder reached by bytes), read again as bytes, so such a file is read by its real name.
 */
function listFolder(dir: string | Buffer): Child[] {
  if (typeof dir === 'string') {
    const names = readdirSync(dir, { withFileTypes: true });
    if (!names.some((d) => d.name.includes('\uFFFD'))) {
      return names.map((d) => ({ name: d.name, abs: under(dir, d.name), dir: d.isDirectory(), file: d.isFile(), link: d.isSymbolicLink() }));
    }
  }
  const raw = readdirSync(dir, { withFileTypes: true, encoding: 'buffer' }) as unknown as Dirent<Buffer>[];
  return raw.map((d) => {
    const bytes = d.name as unknown as Buffer;
    const text = isUtf8Name(bytes) && typeof dir === 'string';
    return { name: decodeName(bytes), abs: text ? under(dir, bytes.toString('utf8')) : underBytes(dir, bytes), dir: d.isDirectory(), file: d.isFile(), link: d.isSymbolicLink() };
  });
}

/** The skip note of a file over the size limit. */
export function tooLarge(size: number, limit: number): string {
  return `skipped: ${size} bytes is over the ${limit}-byte file size limit`;
}

/**
 * A file of the tree read on demand (archives, deferred reads). A class, not an object of closures: tens of
 * thousands are made per scan.
 */
class DiskFile implements TargetFile {
  readonly path: string;
  /** Set when the consumer reads the file itself (`FileFilter.deferRead`). */
  readonly diskPath: string | undefined;
  readonly sizeLimit: number | undefined;

  constructor(
    private readonly e: Entry,
    private readonly o: DirectoryOptions,
    deferred: boolean,
    limit: number,
  ) {
    this.path = e.rel;
    this.diskPath = deferred && typeof e.abs === 'string' ? e.abs : undefined;
    this.sizeLimit = deferred ? limit : undefined;
  }

  get size(): number {
    return Math.max(0, sizeOf(this.e));
  }

  skip(reason: string): void {
    this.o.onSkip?.(this.e.rel, reason);
  }

  bytes(): Promise<Uint8Array> {
    return readFile(this.e.abs).catch((err: NodeJS.ErrnoException) => {
      this.o.onSkip?.(this.e.rel, `unreadable: ${err.code ?? String(err)}`);
      return new Uint8Array(0);
    });
  }

  async text(): Promise<string> {
    return decodeText(await readFile(this.e.abs));
  }
}

/** An ignore file and the folder (relative to the root) it applies under. */
interface IgnoreScope {
  base: string;
  ig: Ignore;
}

/** A folder still to list, or a file found in one, on the walk's stack. */
type Pending = { dir: string | Buffer; rel: string; ignores: IgnoreScope[] } | Entry;

/**
 * The files of a tree, listed as they are asked for, in the order of their sorted relative paths (depth first,
 * with a folder `a` sorting as `a/`): the same order as sorting the whole list, without waiting for it.
 */
class Listing {
  readonly entries: Entry[] = [];
  private readonly stack: Pending[];
  private readonly isExcluded: (rel: string) => boolean;

  constructor(
    root: string,
    private readonly o: DirectoryOptions,
  ) {
    let excluded: ((path: string) => boolean) | null = null;
    try {
      excluded = o.exclude.length ? globMatcher(o.exclude) : null;
    } catch (e) {
      throw new InputError(`exclude: ${(e as Error).message}`);
    }
    this.isExcluded = (rel: string) => excluded !== null && (excluded(rel) || excluded(rel + '/'));
    const rootIgnores: IgnoreScope[] = [];
    if (o.gitignore) {
      let info = '';
      try {
        info = readFileSync(join(root, '.git', 'info', 'exclude'), 'utf8');
      } catch {
        // no exclude file
      }
      if (info) rootIgnores.push({ base: '', ig: ignore().add(info) });
    }
    this.stack = [{ dir: root, rel: '', ignores: rootIgnores }];
  }

  /** Lists the next file, or opens the next folder; false when the walk is over. */
  step(): boolean {
    const next = this.stack.pop();
    if (!next) return false;
    if ('abs' in next) {
      this.entries.push(next);
      return true;
    }
    const { dir, rel, ignores: inherited } = next;
    const o = this.o;
    let names: Child[];
    try {
      names = listFolder(dir);
    } catch (err) {
      o.onSkip?.(rel || '.', `unreadable directory: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
      return true;
    }
    let ignores = inherited;
    if (o.gitignore && names.some((d) => d.name === '.gitignore' && d.file)) {
      let text = '';
      try {
        text = readFileSync(typeof dir === 'string' ? join(dir, '.gitignore') : underBytes(dir, '.gitignore'), 'utf8');
      } catch {
        // an unreadable .gitignore ignores nothing
      }
      ignores = [...inherited, { base: rel, ig: ignore().add(text) }];
    }
    // As git does: deeper ignore files override shallower ones (`!keep.log` re-includes what a parent ignored).
    const ignored = (childRel: string, isDir: boolean) => {
      let state = false;
      for (const { base, ig } of ignores) {
        const r = base ? childRel.slice(base.length + 1) : childRel;
        const t = ig.test(isDir ? r + '/' : r);
        if (t.ignored) state = true;
        else if (t.unignored) state = false;
      }
      return state;
    };
    // A folder sorts as `name/`, so depth-first order is the order of the sorted relative paths.
    // (each key made once, not in every comparison: a folder of thousands made tens of thousands of strings)
    if (names.length > 1) {
      const keyed = names.map((d) => ({ d, key: d.dir ? d.name + '/' : d.name }));
      keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      for (let k = 0; k < keyed.length; k++) names[k] = keyed[k]!.d;
    }
    const children: Pending[] = [];
    for (const d of names) {
      const childRel = rel ? `${rel}/${d.name}` : d.name;
      if (d.link) continue;
      if (d.dir) {
        if (ALWAYS_SKIPPED.has(d.name) || this.isExcluded(childRel) || ignored(childRel, true)) continue;
        children.push({ dir: d.abs, rel: childRel, ignores });
      } else if (d.file) {
        if (this.isExcluded(childRel) || ignored(childRel, false)) continue;
        children.push({ rel: childRel, abs: d.abs });
      }
    }
    for (let i = children.length - 1; i >= 0; i--) this.stack.push(children[i]!);
    return true;
  }
}

/** The path of `abs` relative to `root`, `/`-separated. */
export function relPath(root: string, abs: string): string {
  return relative(root, abs).split(sep).join('/');
}
