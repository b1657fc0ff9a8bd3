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

/** A listed file. A class: one shape for every file, the size field there from the start. */
class Entry {
  /** Found on first need (consumers that read files themselves never ask): -1 when the file is gone. */
  size = UNSIZED;

  constructor(
    /** The path in reports: a name that is not UTF-8 in its escaped form (core/byte-names.ts). */
    readonly rel: string,
    /** The path on disk: bytes when a name on the way is not UTF-8 (a string would name another file). */
    readonly abs: string | Buffer,
  ) {}
}

/** {@link Entry.size} before it is looked up. */
const UNSIZED = -2;

/** The size of a listed file, looked up once. */
function sizeOf(e: Entry): number {
  if (e.size === UNSIZED) e.size = lstatSync(e.abs, { throwIfNoEntry: false })?.size ?? -1;
  return e.size;
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
    const limit = filter.includeLarge ? Infinity : o.maxFileBytes;
    for (let i = 0; ; i++) {
      while (i >= list.entries.length && list.step());
      if (i >= list.entries.length) break;
      if (filter.deferRead === true) {
        // Files the consumer reads itself, gathered by a plain function: the generator resumes per batch, not per file.
        i = gatherDeferred(list.entries, i, batch, filter, o, limit);
        if (batch.length >= BATCH_FILES) {
          yield batch;
          batch = [];
        }
        if (i >= list.entries.length) {
          i--;
          continue;
        }
      }
      const e = list.entries[i]!;
      if (filter.path && !filter.path(e.rel)) continue;
      // A consumer reading files itself applies the size limit as it reads: no stat here.
      // (a file reached through a name that is not UTF-8 is read here: consumers take string paths)
      const archive = o.expandArchive !== undefined && isArchivePath(e.rel);
      const deferred = filter.deferRead === true && typeof e.abs === 'string' && !archive;
      if (!deferred && !archive) {
        // Read here: opened once, its size from the open file (no lstat by name before the read).
        const read = readOpened(e.abs, limit);
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
      const file = new DiskFile(e, o, deferred, limit);
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

/**
 * Adds the files from `entries[i]` on that the consumer reads itself (`deferRead`) to `batch`, until the batch is
 * full, the listed entries run out or an entry needs more than a name (a name that is not UTF-8, an archive):
 * returns the index of the first entry not taken. Archives are expanded by name only (`expandArchive` returns
 * null for other names), so no other file needs it.
 */
function gatherDeferred(entries: Entry[], i: number, batch: TargetFile[], filter: FileFilter, o: DirectoryOptions, limit: number): number {
  const { path, includeBinary } = filter;
  const archives = o.expandArchive !== undefined;
  for (; i < entries.length && batch.length < BATCH_FILES; i++) {
    const e = entries[i]!;
    if (typeof e.abs !== 'string' || (archives && isArchivePath(e.rel))) return i;
    if (path && !path(e.rel)) continue;
    if (!includeBinary && looksBinaryByName(e.rel)) continue;
    batch.push(new DiskFile(e, o, true, limit));
  }
  return i;
}

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
class Child {
  /** What it sorts by: a folder sorts as `name/`, so depth-first order is the order of the sorted relative paths. */
  readonly key: string;

  constructor(
    /** The text form (core/byte-names.ts). */
    readonly name: string,
    /** Where it is on disk. */
    readonly abs: string | Buffer,
    readonly dir: boolean,
    readonly file: boolean,
    readonly link: boolean,
  ) {
    this.key = dir ? name + '/' : name;
  }
}

/** Sorts children by {@link Child.key}. */
function byKey(a: Child, b: Child): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/**
 * The names in a folder. Read as text (the fast, common case); when a name came back with U+FFFD (bytes that are
 * not UTF-8, or a folder reached by bytes), read again as bytes, so such a file is read by its real name.
 */
function listFolder(dir: string | Buffer): Child[] {
  if (typeof dir === 'string') {
    const names = readdirSync(dir, { withFileTypes: true });
    const out: Child[] = [];
    for (const d of names) {
      if (d.name.includes('\uFFFD')) break;
      out.push(new Child(d.name, under(dir, d.name), d.isDirectory(), d.isFile(), d.isSymbolicLink()));
    }
    if (out.length === names.length) return out;
  }
  const raw = readdirSync(dir, { withFileTypes: true, encoding: 'buffer' }) as unknown as Dirent<Buffer>[];
  return raw.map((d) => {
    const bytes = d.name as unknown as Buffer;
    const text = isUtf8Name(bytes) && typeof dir === 'string';
    return new Child(decodeName(bytes), text ? under(dir, bytes.toString('utf8')) : underBytes(dir, bytes), d.isDirectory(), d.isFile(), d.isSymbolicLink());
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

/**
 * On the walk's stack: a folder still to list, or a run of files found in one (the files between two of its
 * folders, in order): one class, so the walk meets one shape, and a run is listed in one step, not one a file.
 */
class Pending {
  constructor(
    readonly dir: string | Buffer,
    readonly rel: string,
    readonly ignores: IgnoreScope[],
    readonly files: Entry[] | null,
  ) {}
}

const NO_IGNORES: IgnoreScope[] = [];

/**
 * The files of a tree, listed as they are asked for, in the order of their sorted relative paths (depth first,
 * with a folder `a` sorting as `a/`): the same order as sorting the whole list, without waiting for it.
 */
class Listing {
  readonly entries: Entry[] = [];
  private readonly stack: Pending[];
  private readonly excluded: ((path: string) => boolean) | null;

  constructor(
    root: string,
    private readonly o: DirectoryOptions,
  ) {
    try {
      this.excluded = o.exclude.length ? globMatcher(o.exclude) : null;
    } catch (e) {
      throw new InputError(`exclude: ${(e as Error).message}`);
    }
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
    this.stack = [new Pending(root, '', rootIgnores, null)];
  }

  private isExcluded(rel: string): boolean {
    const excluded = this.excluded;
    return excluded !== null && (excluded(rel) || excluded(rel + '/'));
  }

  /** Lists the next run of files, or opens the next folder; false when the walk is over. */
  step(): boolean {
    const next = this.stack.pop();
    if (next === undefined) return false;
    const files = next.files;
    if (files !== null) {
      for (let i = 0; i < files.length; i++) this.entries.push(files[i]!);
    } else this.open(next);
    return true;
  }

  /** Lists one folder: its runs of files and its folders go on the stack, in order. */
  private open(next: Pending): void {
    const { dir, rel, ignores: inherited } = next;
    const o = this.o;
    let names: Child[];
    try {
      names = listFolder(dir);
    } catch (err) {
      o.onSkip?.(rel || '.', `unreadable directory: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
      return;
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
    names.sort(byKey);
    const children: Pending[] = [];
    let run: Entry[] | null = null;
    for (const d of names) {
      if (d.link) continue;
      const childRel = rel ? `${rel}/${d.name}` : d.name;
      if (d.dir) {
        if (ALWAYS_SKIPPED.has(d.name) || this.isExcluded(childRel) || (ignores.length > 0 && ignored(ignores, childRel, true))) continue;
        if (run !== null) children.push(new Pending('', '', NO_IGNORES, run));
        run = null;
        children.push(new Pending(d.abs, childRel, ignores, null));
      } else if (d.file) {
        if (this.isExcluded(childRel) || (ignores.length > 0 && ignored(ignores, childRel, false))) continue;
        (run ??= []).push(new Entry(childRel, d.abs));
      }
    }
    if (run !== null) children.push(new Pending('', '', NO_IGNORES, run));
    for (let i = children.length - 1; i >= 0; i--) this.stack.push(children[i]!);
  }
}

/** As git does: deeper ignore files override shallower ones (`!keep.log` re-includes what a parent ignored). */
function ignored(ignores: IgnoreScope[], childRel: string, isDir: boolean): boolean {
  let state = false;
  for (const { base, ig } of ignores) {
    const r = base ? childRel.slice(base.length + 1) : childRel;
    const t = ig.test(isDir ? r + '/' : r);
    if (t.ignored) state = true;
    else if (t.unignored) state = false;
  }
  return state;
}

/** The path of `abs` relative to `root`, `/`-separated. */
export function relPath(root: string, abs: string): string {
  return relative(root, abs).split(sep).join('/');
}
