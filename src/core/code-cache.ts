import { closeSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';

/*
 * A V8 code cache for large CommonJS dependencies (the TypeScript compiler, 9 MB of JavaScript), so that each
 * thread that loads one does not compile it again from source: Node 20 has no `module.enableCompileCache`. The
 * cache holds the compiled code of the module's top level and of the functions that ran before it was written, so
 * it is written once the thread has done some work with the module (see {@link CachedModule.save}).
 */

/**
 * The folder of compiled-code caches when none is configured: `$XDG_CACHE_HOME/pipeguard/code-cache`, else
 * `~/.cache/pipeguard/code-cache`.
 */
export function defaultCodeCacheDir(env: Record<string, string | undefined>): string {
  return join(env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache'), 'pipeguard', 'code-cache');
}

/**
 * A change made to a module's source before it is compiled (see {@link requireCached}); `tag` names it in the cache
 * file's name, so a cache of the plain source is never used for the changed one.
 */
export interface SourceTransform {
  tag: string;
  apply(source: string): string;
}

/** A module loaded through {@link requireCached}. */
export interface CachedModule<T> {
  exports: T;
  /** Whether V8 took the compiled code from the cache (false: compiled from source). */
  cached: boolean;
  /**
   * Writes the cache when it was missing or V8 refused it (another Node or module version); a no-op after the
   * first call, or when the cache was used. Best effort: a folder that cannot be written leaves things as they were.
   */
  save(): void;
}

/**
 * Buffers of a megabyte or more that this module made, never freed. glibc's malloc serves such a block with its own
 * mapping, and freeing one raises the size under which every thread's malloc heap keeps freed memory instead of
 * returning it to the system (its dynamic mmap threshold; the trim threshold becomes twice that): reading the
 * compiler (9 MB) with `readFileSync(path, 'utf8')`, whose native string grows by doubling up to 16 MB, made each
 * thread's heap keep up to 32 MB it had freed (with the threshold held at 1 MB from the environment, the SAST scan's
 * two-thread peak on the benchmark tree was 413 MB against 502). A compiled-code cache (~2.6 MB) kept costs less than
 * what freeing it would keep.
 */
const kept: Buffer[] = [];

/** Bytes read at a time by {@link readInPieces}: below glibc's default mmap threshold (128 KB). */
const PIECE = 64 * 1024;

/**
 * A UTF-8 file's text, read 64 KB at a time into one small buffer (see {@link kept}: no allocation of the file's
 * size outside V8's heap, which holds the string).
 */
export function readInPieces(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafeSlow(PIECE);
    const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
    let out = '';
    for (let n = readSync(fd, buf, 0, PIECE, null); n > 0; n = readSync(fd, buf, 0, PIECE, null)) out += decoder.decode(buf.subarray(0, n), { stream: true });
    return out + decoder.decode();
  } finally {
    closeSync(fd);
  }
}

/**
 * Requires `specifier` (resolved from `from`) with V8's compiled code from `dir` when a cache made by this Node
 * version for this exact source is there. The cache file is named by the module's name and version and by Node's
 * version, platform and architecture, and V8 checks it against the source and its own flags (a mismatch is
 * refused, and the module compiled from source as usual). `transform` changes the source first (compiled the same
 * way without `dir`, with no cache). Without `dir` and `transform`, or when the module cannot be read, this is a
 * plain `require`.
 */
export function requireCached<T>(from: string, specifier: string, dir: string | undefined, transform?: SourceTransform): CachedModule<T> {
  const req = createRequire(from);
  const plain = (): CachedModule<T> => ({ exports: req(specifier) as T, cached: false, save() {} });
  if (!dir && !transform) return plain();
  let path: string;
  let source: string;
  let version: string;
  try {
    path = req.resolve(specifier);
    source = readInPieces(path);
    version = (req(`${specifier}/package.json`) as { version?: string }).version ?? '0';
  } catch {
    return plain();
  }
  if (transform) source = transform.apply(source);
  const file = dir && join(dir, `${specifier.replace(/[^\w.-]+/g, '_')}-${version}${transform ? `-${transform.tag}` : ''}-node${process.version}-${process.platform}-${process.arch}.v8cache`);
  let cachedData: Buffer | undefined;
  try {
    cachedData = file ? readFileSync(file) : undefined;
  } catch {
    cachedData = undefined;
  }
  if (cachedData) kept.push(cachedData);
  // Node's own CommonJS wrapper, so the module sees the same five names as under `require`.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) { ${source}\n})`, {
    filename: path,
    ...(cachedData ? { cachedData } : {}),
  });
  const mod = { exports: {} as T };
  (script.runInThisContext() as (e: T, r: NodeJS.Require, m: { exports: T }, f: string, d: string) => void).call(mod.exports, mod.exports, createRequire(path), mod, path, dirname(path));
  const cached = cachedData !== undefined && script.cachedDataRejected !== true;
  let pending = !cached && file !== undefined;
  return {
    exports: mod.exports,
    cached,
    save() {
      if (!pending || !file || !dir) return;
      pending = false;
      // Written beside and renamed: threads or processes writing at once never leave a half-written file.
      const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}`;
      try {
        mkdirSync(dir, { recursive: true });
        const data = script.createCachedData();
        kept.push(data);
        writeFileSync(tmp, data);
        renameSync(tmp, file);
      } catch {
        // a read-only or full disk: the next run compiles from source again
        try {
          rmSync(tmp, { force: true });
        } catch {
          // the folder is not there
        }
      }
    },
  };
}
