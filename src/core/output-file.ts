import { randomBytes } from 'node:crypto';
import { closeSync, constants, fsyncSync, lstatSync, openSync, renameSync, rmSync, statSync, writeSync, type Stats } from 'node:fs';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { Socket } from 'node:net';
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { InputError, Interrupted } from './errors.js';
import { describeNode } from './named-file.js';

/**
 * Files the CLI writes to paths the user names (`--output` reports, `sbom -o`, `audit export -o`, attestations,
 * bundles). The rules, documented in the README's "Safety and limits":
 *
 * - a regular file, or a name that does not exist yet, is written to a temporary file in the same folder
 *   (`.<name>.<hex>.tmp`, created exclusively, so never through a link) and renamed over the target: a reader sees
 *   the old file or the new one, never a part; an existing file keeps its permission bits;
 * - a FIFO or a character device (`/dev/null`, a pipe from `>(...)`), and anything under `/dev/` or `/proc/`
 *   (`/dev/stdout`, `/dev/fd/3`, which are links to whatever the shell opened), is opened and written in place:
 *   renaming over it would replace the node (as root, `/dev/full` once became a regular file);
 * - a folder, a block device or a socket is refused;
 * - a symbolic link elsewhere is refused: renaming over it would replace the link, and writing through it could
 *   reach any file it points to (a repository can plant one); name the file it points to;
 * - a symbolic link among the folders between the working folder and the file (`-o reports/x.sarif` where a
 *   checked-out repository made `reports` a link) is refused; folders above the working folder are the user's own.
 *
 * Several files are all or nothing: every path is checked before anything is written, every regular file is written
 * complete to its temporary file, then the in-place ones are written, then the temporary files are renamed. When one
 * fails, the temporary files are removed and no regular file was changed. SIGINT or SIGTERM during the writes
 * (through `onSignal`) removes the temporary files at once and ends the writes with {@link Interrupted}.
 */

/** One file to write: `shown` names it in messages (as the user typed it), `path` is absolute. */
export interface OutputItem {
  shown: string;
  path: string;
  data: string | Uint8Array | AsyncIterable<string | Uint8Array>;
}

export interface WriteOptions {
  /** The working folder: symbolic links below it on the way to a file are refused. */
  cwd: string;
  /** Registers a SIGINT/SIGTERM handler until the returned function is called (CliIO.onSignal). */
  onSignal?: (handler: (signal: 'SIGINT' | 'SIGTERM') => void) => () => void;
  /** Permission bits of a new file (default 0o666 less the umask). */
  mode?: number;
}

/** How a path is written. */
export type OutputKind = 'replace' | 'in-place';

/** Writes are done in pieces this big, so a signal is handled between two of them. */
const CHUNK = 1 << 20;

function refuseKind(st: Stats, shown: string): InputError {
  if (st.isDirectory()) return new InputError('is a folder: name a file to write', shown);
  return new InputError(`is ${describeNode(st)}: reports are written to regular files, FIFOs and character devices`, shown);
}

/** True for `/dev/...` and `/proc/...`: nodes the system made, written in place whatever they point to. */
function isSystemNode(abs: string): boolean {
  return abs.startsWith('/dev/') || abs.startsWith('/proc/');
}

/** How `abs` is written, or an InputError naming `shown` when it is refused (see the module comment). */
export function outputKind(abs: string, shown: string, cwd: string): OutputKind {
  if (isSystemNode(abs)) {
    const st = statSync(abs, { throwIfNoEntry: false });
    if (!st) throw new InputError('no such device', shown);
    if (st.isDirectory() || st.isBlockDevice() || st.isSocket()) throw refuseKind(st, shown);
    return 'in-place';
  }
  const rel = relative(cwd, abs);
  if (rel && !rel.startsWith('..') && !isAbsolute(rel)) {
    let p = cwd;
    for (const part of rel.split(sep).slice(0, -1)) {
      p = join(p, part);
      const st = lstatSync(p, { throwIfNoEntry: false });
      if (!st) break;
      if (st.isSymbolicLink()) {
        throw new InputError(`${relative(cwd, p)} is a symbolic link: reports are not written through links inside the working folder`, shown);
      }
    }
  }
  const st = lstatSync(abs, { throwIfNoEntry: false });
  if (!st || st.isFile()) return 'replace';
  if (st.isSymbolicLink()) {
    throw new InputError('is a symbolic link: it is neither replaced nor written through (name the file it points to)', shown);
  }
  if (st.isFIFO() || st.isCharacterDevice()) return 'in-place';
  throw refuseKind(st, shown);
}

/** The one-line reason of a failed write. */
function cannotWrite(e: unknown, shown: string): InputError {
  if (e instanceof InputError || e instanceof Interrupted) return e as InputError;
  const code = (e as NodeJS.ErrnoException).code;
  const why: Record<string, string> = {
    ENOENT: 'its folder does not exist',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    ENOSPC: 'no space left on the device',
    EISDIR: 'is a folder',
    EROFS: 'read-only file system',
    EDQUOT: 'disk quota exceeded',
    EPIPE: 'the reader closed the pipe',
  };
  return new InputError(`cannot write (${code ? (why[code] ? `${why[code]}, ${code}` : code) : (e as Error).message})`, shown);
}

/** Writes all of `data` to `fh`, checking `stopped` between pieces. */
async function writeAll(fh: FileHandle, data: OutputItem['data'], stopped: () => boolean): Promise<void> {
  const put = async (chunk: string | Uint8Array): Promise<void> => {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    for (let off = 0; off < buf.length; ) {
      if (stopped()) throw new Interrupted();
      const { bytesWritten } = await fh.write(buf, off, Math.min(CHUNK, buf.length - off));
      off += bytesWritten;
    }
  };
  if (typeof data === 'string' || data instanceof Uint8Array) await put(data);
  else for await (const chunk of data) await put(chunk);
}

/** A device, or what `/dev/stdout` leads to: opened without creating or truncating it, and written. */
async function writeDevice(path: string, data: OutputItem['data'], stopped: () => boolean): Promise<void> {
  const fh = await open(path, 'a');
  try {
    await writeAll(fh, data, stopped);
  } finally {
    await fh.close().catch(() => undefined);
  }
}

/**
 * A FIFO: waits for a reader as a shell redirection does, but without blocking a thread (a blocked open or write
 * in libuv's pool would keep the process from exiting on a signal): opened non-blocking, retried until a reader
 * comes, and written through the event loop as Node writes a piped stdout.
 */
async function writeFifo(path: string, data: OutputItem['data'], stopped: () => boolean): Promise<void> {
  let fd: number | undefined;
  while (fd === undefined) {
    if (stopped()) throw new Interrupted();
    try {
      fd = openSync(path, constants.O_WRONLY | constants.O_APPEND | constants.O_NONBLOCK);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENXIO') throw e;
      await sleep(50);
    }
  }
  const sock = new Socket({ fd, readable: false, writable: true });
  let failed: Error | undefined;
  sock.on('error', (e) => (failed = e));
  try {
    const put = async (chunk: string | Uint8Array): Promise<void> => {
      if (stopped()) throw new Interrupted();
      if (failed) throw failed;
      if (!sock.write(chunk)) {
        await new Promise<void>((res) => {
          const done = () => {
            sock.off('drain', done);
            sock.off('error', done);
            sock.off('close', done);
            res();
          };
          sock.on('drain', done);
          sock.on('error', done);
          sock.on('close', done);
        });
      }
      if (failed) throw failed;
    };
    if (typeof data === 'string' || data instanceof Uint8Array) await put(data);
    else for await (const chunk of data) await put(chunk);
    await new Promise<void>((res, rej) => {
      sock.end(() => (failed ? rej(failed) : res()));
      sock.once('error', rej);
    });
  } finally {
    sock.destroy();
  }
}

/**
 * Writes every item, all or nothing for regular files (see the module comment). Throws an InputError naming the
 * first file that could not be written, or {@link Interrupted} after SIGINT/SIGTERM.
 */
export async function writeOutputs(items: OutputItem[], opts: WriteOptions): Promise<void> {
  const seen = new Map<string, string>();
  for (const it of items) {
    const other = seen.get(it.path);
    if (other !== undefined) throw new InputError(`named twice as an output (also as ${other})`, it.shown);
    seen.set(it.path, it.shown);
  }
  const plans = items.map((it) => ({ ...it, kind: outputKind(it.path, it.shown, opts.cwd), tmp: undefined as string | undefined }));
  const temps = new Set<string>();
  let signal: 'SIGINT' | 'SIGTERM' | undefined;
  let onStop: (e: Interrupted) => void = () => undefined;
  const stop = new Promise<never>((_resolve, reject) => (onStop = reject));
  stop.catch(() => undefined);
  const off = opts.onSignal?.((s) => {
    if (signal) return;
    signal = s;
    // at once, synchronously: the writes may be waiting (a FIFO without a reader) and never come back
    for (const t of temps) rmSync(t, { force: true });
    temps.clear();
    onStop(new Interrupted(s));
  });
  const stopped = () => signal !== undefined;

  const work = async (): Promise<void> => {
    try {
      for (const p of plans.filter((x) => x.kind === 'replace')) {
        const tmp = join(dirname(p.path), `.${basename(p.path)}.${randomBytes(6).toString('hex')}.tmp`);
        const old = lstatSync(p.path, { throwIfNoEntry: false });
        const mode = old ? old.mode & 0o7777 : (opts.mode ?? 0o666);
        let fh: FileHandle;
        try {
          fh = await open(tmp, 'wx', mode);
        } catch (e) {
          throw cannotWrite(e, p.shown);
        }
        temps.add(tmp);
        p.tmp = tmp;
        try {
          if (stopped()) throw new Interrupted();
          await writeAll(fh, p.data, stopped);
          if (old) await fh.chmod(mode);
          await fh.sync();
        } catch (e) {
          throw cannotWrite(e, p.shown);
        } finally {
          await fh.close().catch(() => undefined);
        }
      }
      for (const p of plans.filter((x) => x.kind === 'in-place')) {
        if (stopped()) throw new Interrupted();
        try {
          if (statSync(p.path).isFIFO()) await writeFifo(p.path, p.data, stopped);
          else await writeDevice(p.path, p.data, stopped);
        } catch (e) {
          throw cannotWrite(e, p.shown);
        }
      }
      for (const p of plans) {
        if (!p.tmp) continue;
        if (stopped()) throw new Interrupted();
        try {
          await rename(p.tmp, p.path);
        } catch (e) {
          throw cannotWrite(e, p.shown);
        }
        temps.delete(p.tmp);
      }
    } catch (e) {
      for (const t of temps) await rm(t, { force: true });
      temps.clear();
      throw e;
    }
  };
  const running = work();
  running.catch(() => undefined);
  try {
    await Promise.race([running, stop]);
  } finally {
    off?.();
  }
}

/**
 * One file written synchronously, by the same rules as {@link writeOutputs} (checked, then a temporary file and a
 * rename, or in place for a device), for callers that cannot wait. No signal handling: prefer writeOutputs.
 */
export function writeOutputSync(item: { shown: string; path: string; data: string | Uint8Array }, cwd: string): void {
  const kind = outputKind(item.path, item.shown, cwd);
  const bytes = typeof item.data === 'string' ? Buffer.from(item.data) : item.data;
  const put = (fd: number): void => {
    for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off, bytes.length - off);
  };
  if (kind === 'in-place') {
    let fd: number;
    try {
      fd = openSync(item.path, constants.O_WRONLY | constants.O_APPEND);
    } catch (e) {
      throw cannotWrite(e, item.shown);
    }
    try {
      put(fd);
    } catch (e) {
      throw cannotWrite(e, item.shown);
    } finally {
      closeSync(fd);
    }
    return;
  }
  const old = lstatSync(item.path, { throwIfNoEntry: false });
  const tmp = join(dirname(item.path), `.${basename(item.path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const fd = openSync(tmp, 'wx', old ? old.mode & 0o7777 : 0o666);
    try {
      put(fd);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, item.path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw cannotWrite(e, item.shown);
  }
}
