/**
 * Running git for the git targets: one-shot commands, a byte reader over a child's stdout, and a long-lived
 * `git cat-file --batch-command` process that reads blobs by id. Nothing here prints.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { lazyBuiltin } from '../core/lazy.js';
import { stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { InputError } from '../core/errors.js';
import { ChunkQueue } from './chunks.js';

const childProcess = lazyBuiltin<typeof import('node:child_process')>('node:child_process');

/** Options every git invocation gets: no pager, no colours, raw paths, no external diff or textconv drivers. */
const GIT_GLOBAL = ['-c', 'core.quotepath=off', '-c', 'color.ui=false', '-c', 'core.pager=cat', '--no-pager'];

/**
 * The environment git runs with: the caller's (so `GIT_INDEX_FILE`, `GIT_DIR` set by a hook pass through),
 * with a relative `GIT_INDEX_FILE` made absolute against the caller's cwd (git resolves it against its own cwd,
 * which is the repository here), no terminal prompts and English messages.
 */
export function gitEnv(base: NodeJS.ProcessEnv, cwd: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', LANGUAGE: 'C' };
  const idx = env.GIT_INDEX_FILE;
  if (idx && !isAbsolute(idx)) env.GIT_INDEX_FILE = resolve(cwd, idx);
  return env;
}

/** Where and how git runs. */
export interface GitCtx {
  /** Directory git runs in. */
  dir: string;
  env: NodeJS.ProcessEnv;
}

/** Spawns git with the safe global options; stdout/stderr are pipes. */
export function spawnGit(ctx: GitCtx, args: string[]): ChildProcessWithoutNullStreams {
  return childProcess().spawn('git', [...GIT_GLOBAL, ...args], { cwd: ctx.dir, env: ctx.env, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** The result of a finished git command. */
export interface GitResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

/** Runs git to the end and collects its output. A missing git binary is an {@link InputError}. */
export function runGit(ctx: GitCtx, args: string[]): Promise<GitResult> {
  return new Promise((resolvePromise, reject) => {
    const p = spawnGit(ctx, args);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    p.stdout.on('data', (c: Buffer) => out.push(c));
    p.stderr.on('data', (c: Buffer) => err.push(c));
    p.stdin.end();
    p.on('error', (e: NodeJS.ErrnoException) => {
      reject(e.code === 'ENOENT' ? new InputError('git is not installed or not on PATH') : e);
    });
    p.on('close', (code) => {
      resolvePromise({ code: code ?? 1, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

/** The first meaningful line of git's stderr, without the `fatal: ` / `error: ` prefix. */
export function gitMessage(stderr: string): string {
  const line = stderr.split('\n').find((l) => l.trim() !== '') ?? 'git failed';
  return line.replace(/^(fatal|error): /, '').trim();
}

/** Facts about the repository a target reads. */
export interface RepoInfo {
  /** Absolute top of the work tree, or undefined for a bare repository. */
  top: string | undefined;
}

/**
 * Checks that `dir` is inside a git repository; throws an {@link InputError} naming `dir` otherwise.
 * `what` names the option that needs the repository, for the message (`--history`).
 */
export async function openRepo(dir: string, env: NodeJS.ProcessEnv, what: string): Promise<{ ctx: GitCtx; info: RepoInfo }> {
  const st = await stat(dir).catch(() => null);
  if (!st) throw new InputError('no such directory', dir);
  if (!st.isDirectory()) throw new InputError(`not a directory (${what} needs a git repository)`, dir);
  const ctx: GitCtx = { dir: resolve(dir), env: gitEnv(env, process.cwd()) };
  const r = await runGit(ctx, ['rev-parse', '--is-bare-repository', '--show-toplevel']);
  if (r.code !== 0) {
    if (/not a git repository/i.test(r.stderr)) throw new InputError(`not a git repository (${what} needs one)`, dir);
    throw new InputError(gitMessage(r.stderr), dir);
  }
  const lines = r.stdout.toString('utf8').split('\n');
  const bare = lines[0] === 'true';
  return { ctx, info: { top: bare ? undefined : lines[1] || undefined } };
}

/** Resolves `rev` to a commit id, or throws `bad revision 'rev'`. */
export async function resolveCommit(ctx: GitCtx, rev: string, repoLabel: string): Promise<string> {
  if (rev === '' || rev.startsWith('-') || /[\0\n]/.test(rev)) throw new InputError(`bad revision '${rev}'`, repoLabel);
  const r = await runGit(ctx, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`]);
  if (r.code !== 0) throw new InputError(`bad revision '${rev}'`, repoLabel);
  return r.stdout.toString('utf8').trim();
}

/**
 * Reads exact byte counts and lines from a stream, pausing the stream while more than `highWater` bytes
 * wait unread, so a fast producer cannot fill memory.
 */
export class ByteReader {
  private readonly queue = new ChunkQueue((n) => Buffer.allocUnsafe(n));
  private ended = false;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly stream: Readable,
    private readonly highWater = 8 * 1024 * 1024,
  ) {
    stream.on('data', (c: Buffer) => {
      this.queue.push(c);
      if (this.queue.buffered > this.highWater) stream.pause();
      this.notify();
    });
    stream.on('end', () => {
      this.ended = true;
      this.notify();
    });
    stream.on('error', (e: Error) => {
      this.failure = e;
      this.notify();
    });
  }

  private notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  private async more(): Promise<boolean> {
    if (this.failure) throw this.failure;
    if (this.ended) return false;
    if (this.stream.isPaused()) this.stream.resume();
    await new Promise<void>((r) => (this.wake = r));
    if (this.failure) throw this.failure;
    return true;
  }

  private resumeBelowHighWater(): void {
    if (this.queue.buffered <= this.highWater && this.stream.isPaused()) this.stream.resume();
  }

  private take(n: number): Buffer {
    const out = this.queue.take(n);
    this.resumeBelowHighWater();
    return out;
  }

  /** Exactly `n` bytes; throws when the stream ends first. */
  async read(n: number): Promise<Buffer> {
    while (this.queue.buffered < n) {
      if (!(await this.more())) throw new Error('git output ended early');
    }
    return this.take(n);
  }

  /** Reads and drops `n` bytes. */
  async skip(n: number): Promise<void> {
    let left = n;
    while (left > 0) {
      while (this.queue.buffered === 0) {
        if (!(await this.more())) throw new Error('git output ended early');
      }
      const k = Math.min(left, this.queue.buffered);
      this.queue.drop(k);
      this.resumeBelowHighWater();
      left -= k;
    }
  }

  /** The next line without its `\n`, or null at the end of the stream. */
  async line(): Promise<string | null> {
    for (;;) {
      const k = this.queue.indexOf(10);
      if (k >= 0) {
        const buf = this.take(k + 1);
        return buf.toString('utf8', 0, buf.length - 1);
      }
      if (!(await this.more())) {
        if (this.queue.buffered === 0) return null;
        return this.take(this.queue.buffered).toString('utf8');
      }
    }
  }
}

/** Size and type of an object, or null when it is missing. */
export type ObjectInfo = { type: string; size: number } | null;

/**
 * One `git cat-file --batch-command --buffer` process. Requests are written in batches and answered in order;
 * one caller at a time (each `files()` iteration owns its own process).
 */
export class CatFile {
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly reader: ByteReader;
  private exited = false;
  private stderr = '';

  constructor(ctx: GitCtx) {
    this.proc = spawnGit(ctx, ['cat-file', '--batch-command', '--buffer']);
    this.reader = new ByteReader(this.proc.stdout);
    this.proc.stderr.on('data', (c: Buffer) => {
      if (this.stderr.length < 4096) this.stderr += c.toString('utf8');
    });
    this.proc.on('exit', () => (this.exited = true));
    this.proc.on('error', () => (this.exited = true));
    this.proc.stdin.on('error', () => undefined);
  }

  private send(cmd: string, oids: string[]): void {
    if (this.exited) throw new Error(`git cat-file exited: ${gitMessage(this.stderr)}`);
    this.proc.stdin.write(oids.map((o) => `${cmd} ${o}\n`).join('') + 'flush\n');
  }

  private async header(oid: string): Promise<ObjectInfo> {
    const line = await this.reader.line().catch((e: Error) => {
      throw new Error(`git cat-file: ${this.stderr ? gitMessage(this.stderr) : e.message}`);
    });
    if (line === null) throw new Error(`git cat-file ended early: ${gitMessage(this.stderr)}`);
    const parts = line.split(' ');
    if (parts[1] === 'missing' || parts[1] === 'ambiguous') return null;
    if (parts[0] !== oid || parts.length !== 3) throw new Error(`git cat-file: unexpected answer for ${oid}`);
    return { type: parts[1]!, size: Number(parts[2]) };
  }

  /** Type and size of each object, in order. */
  async info(oids: string[]): Promise<ObjectInfo[]> {
    if (oids.length === 0) return [];
    this.send('info', oids);
    const out: ObjectInfo[] = [];
    for (const oid of oids) out.push(await this.header(oid));
    return out;
  }

  /**
   * Asks for the contents of `oids`; read the answers in the same order with {@link next}.
   * Every requested answer must be read (or the process disposed) before the next request.
   */
  request(oids: string[]): void {
    if (oids.length) this.send('contents', oids);
  }

  /** The contents of the next requested object (null when missing). */
  async next(oid: string): Promise<Buffer | null> {
    const h = await this.header(oid);
    if (!h) return null;
    const buf = await this.reader.read(h.size + 1);
    return buf.subarray(0, h.size);
  }

  /** Ends the process. */
  dispose(): void {
    if (!this.exited) {
      this.proc.stdin.end();
      this.proc.kill();
    }
  }
}
