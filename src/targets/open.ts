import { lstatSync } from 'node:fs';
import { basename, relative, resolve } from 'node:path';
import { InputError } from '../core/errors.js';
import { namedPathKind, readNamedFile } from '../core/named-file.js';
import type { Limits, FileTarget } from '../core/types.js';
import { archiveExpander, isArchivePath, openArchive } from './archive.js';
import { openDirectory } from './directory.js';
import { memoryFile } from './file.js';
import { openGitHistory, openStaged } from './git.js';
import { isLayoutDir } from './image/layout.js';

/** How to open what the user named. */
export interface OpenOptions {
  cwd: string;
  /** Read the full git history instead of the work tree. */
  history?: boolean;
  since?: string;
  commits?: string;
  /** Read the staged blobs (the index) instead of the work tree. */
  staged?: boolean;
  gitignore: boolean;
  exclude: string[];
  limits: Limits;
  /** Look inside archives met in a directory. */
  archives: boolean;
  /** Standard input, for `-`. */
  stdin?: NodeJS.ReadableStream;
  /** The path findings in standard input are reported at (default `stdin`). */
  stdinName?: string;
  /** Files skipped for a reason worth telling (too large, unreadable, archive limits). */
  onSkip: (path: string, reason: string) => void;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** For a multi-platform image: `os/arch[/variant]` to read (default `linux/amd64`). */
  platform?: string;
}

/**
 * Opens what the user named: `-` (standard input), a directory, a container image (an OCI layout folder, an OCI
 * archive or a `docker save` tarball, told by their content), an archive, a single file, the git history of a
 * repository (`history`) or its staged changes (`staged`).
 */
export async function openTarget(path: string, o: OpenOptions): Promise<FileTarget> {
  if (path === '-') return openStdin(o);
  const abs = resolve(o.cwd, path);
  // Only a regular file, a folder or an archive: a FIFO, a device or a symlink named as PATH is refused.
  const kind = namedPathKind(abs, path);
  if (o.history || o.staged) {
    if (kind !== 'directory') throw new InputError(`${o.history ? '--history' : '--staged'} needs a git repository folder, not a file`, path);
    return o.history
      ? openGitHistory(abs, {
          maxFileBytes: o.limits.maxFileBytes,
          skipped: o.onSkip,
          ...(o.since ? { since: o.since } : {}),
          ...(o.commits ? { commits: o.commits } : {}),
          ...(o.env ? { env: o.env } : {}),
          ...(o.signal ? { signal: o.signal } : {}),
        })
      : openStaged(abs, { maxFileBytes: o.limits.maxFileBytes, skipped: o.onSkip, ...(o.env ? { env: o.env } : {}) });
  }
  const st = lstatSync(abs);
  const name = relative(o.cwd, abs).split('\\').join('/') || basename(abs);
  // A folder is an image only as an OCI layout, told without loading the image code (a file is told by its content).
  const image = st.isDirectory() && !isLayoutDir(abs) ? undefined : await (await import('./image/index.js')).openImage(abs, st.isDirectory(), {
    limits: o.limits,
    name,
    onSkip: o.onSkip,
    ...(o.platform ? { platform: o.platform } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
  });
  if (image) return { ...image, path: abs };
  if (st.isDirectory()) {
    return openDirectory(abs, {
      gitignore: o.gitignore,
      exclude: o.exclude,
      maxFileBytes: o.limits.maxFileBytes,
      onSkip: o.onSkip,
      ...(o.archives ? { expandArchive: archiveExpander(o.limits, o.onSkip) } : {}),
    });
  }
  if (isArchivePath(abs)) return { ...(await openArchive(abs, o.limits, name, { onError: o.onSkip, ...(o.signal ? { signal: o.signal } : {}) })), path: abs };
  const bytes = readNamedFile(abs, path, o.limits.maxFileBytes);
  return { ...singleFile('file', abs, name, bytes), path: abs };
}

async function openStdin(o: OpenOptions): Promise<FileTarget> {
  if (!o.stdin) throw new InputError('no standard input to read', '-');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of o.stdin) {
    const b = typeof c === 'string' ? Buffer.from(c) : (c as Buffer);
    size += b.length;
    if (size > o.limits.maxFileBytes) throw new InputError(`standard input is over the ${o.limits.maxFileBytes}-byte limit`, '-');
    chunks.push(b);
  }
  return singleFile('stdin', 'stdin', o.stdinName ?? 'stdin', Buffer.concat(chunks));
}

function singleFile(kind: 'stdin' | 'file', id: string, name: string, bytes: Uint8Array): FileTarget {
  return {
    kind,
    id,
    async *files(filter = {}) {
      if (filter.path && !filter.path(name)) return;
      yield memoryFile(name, bytes);
    },
    async dispose() {},
  };
}
