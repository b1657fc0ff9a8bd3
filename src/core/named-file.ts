import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, type Stats } from 'node:fs';
import { InputError } from './errors.js';

/**
 * Paths the user names (a PATH to scan, a config, a baseline, an ignore file, an export to import) are read only
 * when they are regular files or folders: a FIFO would block the run forever, a device (`/dev/zero`) would fill
 * memory, and a symbolic link is not followed (the same promise as inside a tree: name the target instead).
 */

/** What a path is, in words, for an error line (here and for the files the CLI writes, `output-file.ts`). */
export function describeNode(st: Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isSymbolicLink()) return 'a symbolic link';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** The refusal of a named path that is not a regular file or folder. */
function refuse(st: Stats, shown: string): InputError {
  const what = describeNode(st);
  const hint = st.isSymbolicLink() ? ': symbolic links are not followed, name the file it points to' : ': only regular files, folders and archives are read';
  return new InputError(`is ${what}${hint}`, shown);
}

/**
 * The kind of a named path, refusing anything but a regular file or a folder (an InputError naming `shown`).
 * Throws `no such file or directory` when it is missing.
 */
export function namedPathKind(abs: string, shown: string): 'file' | 'directory' {
  const st = lstatSync(abs, { throwIfNoEntry: false });
  if (!st) throw new InputError('no such file or directory', shown);
  if (st.isDirectory()) return 'directory';
  if (st.isFile()) return 'file';
  throw refuse(st, shown);
}

/**
 * Reads a named regular file: opened without following a final symlink and without blocking (a FIFO swapped in
 * after a check cannot hang the run), checked on the open descriptor, and refused over `maxBytes`.
 */
export function readNamedFile(abs: string, shown: string, maxBytes = Infinity, what = 'file'): Buffer {
  let fd: number;
  try {
    fd = openSync(abs, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError('no such file or directory', shown);
    if (code === 'ELOOP') throw new InputError('is a symbolic link: symbolic links are not followed, name the file it points to', shown);
    if (code === 'ENXIO') throw new InputError('is a socket or FIFO without a writer: only regular files are read', shown);
    throw new InputError(`cannot read: ${code ?? (e as Error).message}`, shown);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new InputError(`is a folder, not a ${what}`, shown);
    if (!st.isFile()) throw refuse(st, shown);
    if (st.size > maxBytes) throw new InputError(`${what} is ${st.size} bytes, over the ${maxBytes}-byte limit`, shown);
    const buf = Buffer.alloc(st.size);
    let got = 0;
    while (got < st.size) {
      const n = readSync(fd, buf, got, st.size - got, got);
      if (n === 0) break;
      got += n;
    }
    return got === st.size ? buf : buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}
