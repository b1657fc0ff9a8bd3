/**
 * Git targets: every blob of a repository's history (`--history`) and the staged content of the index
 * (`--staged`, what a pre-commit hook must scan). Both spawn `git`; no JS git library is used.
 *
 * History, in three git processes per `files()` call:
 * 1. `git log --all --date-order --reverse --raw -z --no-renames --diff-merges=first-parent` lists, oldest
 *    first (parents always before children), the blobs each commit adds or modifies. Merges are diffed against
 *    their first parent, so a conflict resolution or an evil merge is seen; what a merge brings in from the
 *    other side was already seen at the side commit that introduced it.
 * 2. `git cat-file --batch-command --buffer` answers `info` (sizes, so blobs over the limit are never read)
 *    and `contents`, in batches.
 * Each distinct (blob, path) pair is yielded once, attributed to the oldest commit that introduced it there;
 * a blob at two paths is yielded at each (every location is reported), with the same `contentId` (the blob id)
 * so scanners can cache their result per content. Deleted files stay scanned (the commit that added them is
 * still in history). Symlinks (120000) and submodules (160000) are skipped.
 */
import type { Readable } from 'node:stream';
import { decodeName } from '../core/byte-names.js';
import { InputError } from '../core/errors.js';
import type { FileFilter, Origin, FileTarget, TargetFile } from '../core/types.js';
import { readBlobs, type BlobRef, type SkipNote } from './git-blobs.js';
import { CatFile, gitMessage, openRepo, resolveCommit, runGit, spawnGit } from './git-run.js';

/** Options of {@link openGitHistory}. */
export interface GitHistoryOptions {
  /**
   * Only commits not reachable from this revision, on every ref: `git rev-list --all ^REV`.
   * (So `--since v1.2` scans what every branch, tag and remote added after v1.2.)
   */
  since?: string;
  /** Only the commits of this range, `A..B` (reachable from B, not from A; an empty B means HEAD). */
  commits?: string;
  /** Blobs larger than this are not read (unless a filter asks for large files) and reported to `skipped`. */
  maxFileBytes: number;
  /** Stops the listing; `files()` then throws the signal's reason. */
  signal?: AbortSignal;
  /** Told about each blob not yielded for a reason worth a status note (over the size limit, missing). */
  skipped?: SkipNote;
  /** Environment for git (default `process.env`). */
  env?: NodeJS.ProcessEnv;
}

/** Options of {@link openStaged}. */
export interface StagedOptions {
  /** Staged blobs larger than this are not read (unless a filter asks for large files) and reported to `skipped`. */
  maxFileBytes: number;
  /** Told about each file not yielded for a reason worth a status note. */
  skipped?: SkipNote;
  /** Environment for git (default `process.env`); `GIT_INDEX_FILE` in it selects the index that is read. */
  env?: NodeJS.ProcessEnv;
}

const BATCH = 256;
const ZERO_OID = /^0+$/;

/** True for the modes of regular files (not symlinks 120000, gitlinks 160000, trees). */
function isRegular(mode: string): boolean {
  return mode.startsWith('100');
}

interface LogEntry {
  mode: string;
  oid: string;
  status: string;
  path: string;
}

interface LogCommit {
  origin: Origin;
  entries: LogEntry[];
}

const LOG_FORMAT = '--format=%x01%H%x00%an%x00%ae%x00%aI%x00%s';

/**
 * Parses `git log --raw -z` output in the {@link LOG_FORMAT}: NUL-separated tokens, a commit header of five
 * tokens (the first starting with \x01), then `:<modes> <oids> <status>` and path tokens.
 */
async function* parseLog(stream: Readable): AsyncGenerator<LogCommit> {
  let rest: Buffer = Buffer.alloc(0);
  let header: string[] | null = null;
  let meta: string[] | null = null;
  let cur: LogCommit | null = null;
  const done: LogCommit[] = [];
  const token = (tok: string): void => {
    if (header) {
      header.push(tok);
      if (header.length === 5) {
        const [h, author, email, date, message] = header as [string, string, string, string, string];
        cur = { origin: { commit: h, author, email, date, message }, entries: [] };
        header = null;
      }
      return;
    }
    if (meta) {
      const [, mode, , oid, status] = meta;
      cur?.entries.push({ mode: mode ?? '', oid: oid ?? '', status: (status ?? '').charAt(0), path: tok });
      meta = null;
      return;
    }
    const t = tok.startsWith('\n') ? tok.slice(1) : tok;
    if (t.startsWith('\x01')) {
      if (cur) done.push(cur);
      cur = null;
      header = [t.slice(1)];
    } else if (t.startsWith(':')) {
      meta = t.slice(1).split(' ');
    }
  };
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const buf = rest.length ? Buffer.concat([rest, chunk]) : chunk;
    let start = 0;
    for (;;) {
      const z = buf.indexOf(0, start);
      if (z < 0) break;
      token(decodeName(buf.subarray(start, z)));
      start = z + 1;
    }
    rest = buf.subarray(start);
    while (done.length) yield done.shift()!;
  }
  if (rest.length) token(decodeName(rest));
  if (cur) yield cur;
}

/**
 * All blobs of a repository's history (every ref, or a range) as a target of kind `git-history`.
 * Throws {@link InputError} for a missing or non-git directory, a repository without commits, or a bad revision.
 */
export async function openGitHistory(repoDir: string, opts: GitHistoryOptions): Promise<FileTarget> {
  const { ctx, info } = await openRepo(repoDir, opts.env ?? process.env, '--history');
  let revs: string[];
  let desc: string;
  if (opts.since !== undefined && opts.commits !== undefined) {
    throw new InputError('--since and --commits cannot be combined', repoDir);
  }
  if (opts.commits !== undefined) {
    const m = /^(.*?)\.\.(.*)$/s.exec(opts.commits);
    if (!m || m[2]!.startsWith('.')) throw new InputError(`bad commit range '${opts.commits}' (expected A..B)`, repoDir);
    const a = await resolveCommit(ctx, m[1] || 'HEAD', repoDir);
    const b = await resolveCommit(ctx, m[2] || 'HEAD', repoDir);
    revs = [`${a}..${b}`];
    desc = opts.commits;
  } else {
    const any = await runGit(ctx, ['rev-list', '-n', '1', '--all']);
    if (any.code !== 0) throw new InputError(gitMessage(any.stderr), repoDir);
    if (any.stdout.length === 0) throw new InputError('repository has no commits', repoDir);
    if (opts.since !== undefined) {
      const s = await resolveCommit(ctx, opts.since, repoDir);
      revs = ['--all', `^${s}`];
      desc = `${opts.since}..--all`;
    } else {
      revs = ['--all'];
      desc = '--all';
    }
  }
  const args = [
    'log',
    '--date-order',
    '--reverse',
    '--root',
    '--raw',
    '-z',
    '--no-abbrev',
    '--no-renames',
    '--diff-merges=first-parent',
    '--no-ext-diff',
    '--no-textconv',
    '--no-show-signature',
    '--no-color',
    '--no-mailmap',
    LOG_FORMAT,
    ...revs,
  ];
  const live = new Set<{ dispose(): void }>();
  return {
    kind: 'git-history',
    id: `${repoDir}#${desc}`,
    ...(info.top ? { root: info.top } : {}),
    async *files(filter: FileFilter = {}): AsyncGenerator<TargetFile> {
      opts.signal?.throwIfAborted();
      const log = spawnGit(ctx, args);
      log.stdin.end();
      let logErr = '';
      log.stderr.on('data', (c: Buffer) => {
        if (logErr.length < 4096) logErr += c.toString('utf8');
      });
      const exit = new Promise<number>((r) => {
        log.on('close', (code) => r(code ?? 1));
        log.on('error', () => r(1));
      });
      const cat = new CatFile(ctx);
      const handle = {
        dispose() {
          log.kill();
          cat.dispose();
        },
      };
      live.add(handle);
      try {
        const seen = new Set<string>();
        const sizes = new Map<string, number>();
        let batch: BlobRef[] = [];
        for await (const c of parseLog(log.stdout)) {
          opts.signal?.throwIfAborted();
          for (const e of c.entries) {
            if (e.status === 'D' || !isRegular(e.mode) || ZERO_OID.test(e.oid)) continue;
            const key = `${e.oid}\0${e.path}`;
            if (seen.has(key)) continue;
            seen.add(key);
            if (filter.path && !filter.path(e.path)) continue;
            batch.push({ oid: e.oid, path: e.path, origin: c.origin });
          }
          if (batch.length >= BATCH) {
            yield* readBlobs(cat, batch, filter, opts.maxFileBytes, sizes, opts.skipped);
            batch = [];
          }
        }
        if (batch.length) yield* readBlobs(cat, batch, filter, opts.maxFileBytes, sizes, opts.skipped);
        const code = await exit;
        if (code !== 0) throw new InputError(gitMessage(logErr), repoDir);
      } finally {
        handle.dispose();
        live.delete(handle);
      }
    },
    async dispose() {
      for (const h of live) h.dispose();
      live.clear();
    },
  };
}

/** Undoes git's C-style quoting of a path (`"a\tb\303\251"`), decoding the bytes as a name (core/byte-names.ts). */
export function unquoteGitPath(s: string): string {
  if (!s.startsWith('"') || !s.endsWith('"') || s.length < 2) return s;
  const bytes: number[] = [];
  const body = Buffer.from(s.slice(1, -1), 'utf8');
  const esc: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, '\\': 92 };
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== 92) {
      bytes.push(c);
      continue;
    }
    const n = String.fromCharCode(body[i + 1] ?? 0);
    if (n >= '0' && n <= '7') {
      bytes.push(parseInt(body.subarray(i + 1, i + 4).toString('latin1'), 8) & 0xff);
      i += 3;
    } else {
      bytes.push(esc[n] ?? body[i + 1] ?? 92);
      i += 1;
    }
  }
  return decodeName(Buffer.from(bytes));
}

/** The path of a `+++ ` line of a unified diff (prefix `b/`), or null for `/dev/null`. */
function patchPath(s: string): string | null {
  let p = s.endsWith('\t') ? s.slice(0, -1) : s;
  if (p === '/dev/null') return null;
  p = unquoteGitPath(p);
  return p.startsWith('b/') ? p.slice(2) : p;
}

/**
 * Added line numbers per new path from a `-U0` unified diff. Hunk bodies are counted from the hunk header,
 * so an added line that itself starts with `++ ` is never mistaken for a file header.
 */
export function parseAddedLines(patch: string): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  let cur: Set<number> | undefined;
  let oldLeft = 0;
  let newLeft = 0;
  for (const line of patch.split('\n')) {
    if (oldLeft > 0 || newLeft > 0) {
      const c = line.charAt(0);
      if (c === '-') oldLeft--;
      else if (c === '+') newLeft--;
      else if (c === '\\') continue;
      else oldLeft = newLeft = 0;
      if (c === '-' || c === '+') continue;
    }
    if (line.startsWith('\\')) continue;
    if (line.startsWith('diff --git ') || line.startsWith('diff --cc ')) {
      cur = undefined;
    } else if (line.startsWith('+++ ')) {
      const p = patchPath(line.slice(4));
      cur = undefined;
      if (p !== null) {
        cur = out.get(p) ?? new Set<number>();
        out.set(p, cur);
      }
    } else if (line.startsWith('@@ ')) {
      const m = /^@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/.exec(line);
      if (!m) continue;
      oldLeft = m[1] === undefined ? 1 : Number(m[1]);
      const start = Number(m[2]);
      newLeft = m[3] === undefined ? 1 : Number(m[3]);
      if (cur) for (let i = 0; i < newLeft; i++) cur.add(start + i);
    }
  }
  return out;
}

interface StagedEntry {
  oid: string;
  path: string;
  status: string;
}

/** Parses `git diff --raw -z` output (with rename detection: renames and copies carry two paths). */
function parseRaw(out: Buffer): (StagedEntry & { mode: string })[] {
  // split on the bytes, then decode: a path that is not UTF-8 gets its escaped form (core/byte-names.ts)
  const toks: string[] = [];
  for (let start = 0; start <= out.length; ) {
    const z = out.indexOf(0, start);
    const end = z < 0 ? out.length : z;
    toks.push(decodeName(out.subarray(start, end)));
    start = end + 1;
  }
  const entries: (StagedEntry & { mode: string })[] = [];
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    if (!t.startsWith(':')) continue;
    const [, mode, , oid, status] = t.slice(1).split(' ');
    const s = (status ?? '').charAt(0);
    const path = s === 'R' || s === 'C' ? toks[(i += 2)] : toks[(i += 1)];
    if (path !== undefined) entries.push({ mode: mode ?? '', oid: oid ?? '', status: s, path });
  }
  return entries;
}

/**
 * The staged content (the index, not the work tree) as a target of kind `staged`: the files added, copied,
 * modified, renamed or type-changed in the index against HEAD, or every index entry before the first commit.
 * Each file carries `changedLines` (see {@link TargetFile}). `GIT_INDEX_FILE` is honoured (it passes through
 * the environment to git). In a pre-commit hook, `git commit -a` and `git commit <paths>` have already staged
 * the files into the index git hands the hook, so the content scanned is the content committed.
 */
export async function openStaged(repoDir: string, opts: StagedOptions): Promise<FileTarget> {
  const { ctx, info } = await openRepo(repoDir, opts.env ?? process.env, '--staged');
  if (!info.top) throw new InputError('a bare repository has no index (--staged needs a work tree)', repoDir);
  const diffArgs = ['diff', '--cached', '-M', '--no-ext-diff', '--no-textconv', '--no-relative', '--no-color'];
  let listing: Promise<{ refs: BlobRef[] }> | undefined;
  const list = async (): Promise<{ refs: BlobRef[] }> => {
    const raw = await runGit(ctx, [...diffArgs, '--raw', '-z', '--no-abbrev', '--diff-filter=ACMRT']);
    if (raw.code !== 0) throw new InputError(gitMessage(raw.stderr), repoDir);
    const entries = parseRaw(raw.stdout).filter((e) => isRegular(e.mode) && !ZERO_OID.test(e.oid));
    let added = new Map<string, Set<number>>();
    if (entries.some((e) => e.status !== 'A')) {
      const patch = await runGit(ctx, [
        ...diffArgs,
        '-U0',
        '--text',
        '--diff-filter=MRCT',
        '--src-prefix=a/',
        '--dst-prefix=b/',
      ]);
      if (patch.code !== 0) throw new InputError(gitMessage(patch.stderr), repoDir);
      added = parseAddedLines(decodeName(patch.stdout));
    }
    const refs = entries.map((e): BlobRef => {
      const ref: BlobRef = { oid: e.oid, path: e.path };
      if (e.status !== 'A') ref.changedLines = added.get(e.path) ?? new Set<number>();
      return ref;
    });
    return { refs };
  };
  const live = new Set<CatFile>();
  return {
    kind: 'staged',
    id: `${repoDir}#staged`,
    root: info.top,
    async *files(filter: FileFilter = {}): AsyncGenerator<TargetFile> {
      const { refs } = await (listing ??= list());
      const wanted = filter.path ? refs.filter((r) => filter.path!(r.path)) : refs;
      const cat = new CatFile(ctx);
      live.add(cat);
      try {
        const sizes = new Map<string, number>();
        for (let i = 0; i < wanted.length; i += BATCH) {
          yield* readBlobs(cat, wanted.slice(i, i + BATCH), filter, opts.maxFileBytes, sizes, opts.skipped);
        }
      } finally {
        cat.dispose();
        live.delete(cat);
      }
    },
    async dispose() {
      for (const c of live) c.dispose();
      live.clear();
    },
  };
}
