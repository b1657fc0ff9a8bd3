/**
 * The list of repositories a fleet scan covers: one per line, a git URL (https, ssh, git, file, or
 * `git@host:org/repo`) or a local path, optionally followed by the server project to upload to; `#` comments.
 */
import { createHash } from 'node:crypto';
import { isAbsolute, resolve } from 'node:path';
import { InputError } from '../../core/errors.js';

/** One repository to scan. */
export interface RepoSpec {
  /** A git URL, or an absolute local path. */
  repo: string;
  /** The server project its report goes to. */
  project: string;
  /** What the per-host concurrency limit counts: `host:port` of a URL, `local` for a path. */
  host: string;
  local: boolean;
}

const SCP = /^[\w.-]+@([\w.-]+):(.+)$/;

/** The host key of a repository URL or path. */
export function hostOf(repo: string): string {
  const scp = SCP.exec(repo);
  if (scp) return scp[1]!.toLowerCase();
  try {
    const u = new URL(repo);
    if (u.protocol === 'file:') return 'local';
    return u.host.toLowerCase();
  } catch {
    return 'local';
  }
}

/** True for something git clones from a URL (not a local path). */
export function isRemote(repo: string): boolean {
  return SCP.test(repo) || /^(https?|ssh|git):\/\//i.test(repo);
}

/** A project name from a repository: `org/repo` of a URL, the folder name of a path. */
export function projectOf(repo: string): string {
  const scp = SCP.exec(repo);
  let path = scp ? scp[2]! : repo;
  try {
    if (!scp && /^[a-z][a-z0-9+.-]*:\/\//i.test(repo)) path = new URL(repo).pathname;
  } catch {
    // keep as is
  }
  const parts = path.replace(/\.git\/?$/, '').split(/[\\/]+/).filter(Boolean);
  const name = (isRemote(repo) ? parts.slice(-2) : parts.slice(-1)).join('/').replace(/[^A-Za-z0-9._/-]/g, '-').replace(/^[^A-Za-z0-9]+/, '');
  return name || 'repository';
}

/** A stable short id of a repository, for job ids. */
export function repoId(repo: string): string {
  return createHash('sha256').update(repo).digest('hex').slice(0, 16);
}

/** Parses a repository list; `file` names it in errors, `cwd` resolves relative paths. */
export function parseRepoList(text: string, file: string, cwd: string): RepoSpec[] {
  const out: RepoSpec[] = [];
  const seen = new Set<string>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (!line) return;
    const [first, project, extra] = line.split(/\s+/);
    if (extra !== undefined) throw new InputError(`expected 'REPOSITORY [PROJECT]', found ${JSON.stringify(line.slice(0, 80))}`, file, i + 1);
    const remote = isRemote(first!) || /^file:\/\//i.test(first!);
    const repo = remote ? first! : isAbsolute(first!) ? first! : resolve(cwd, first!);
    if (/^-/.test(first!)) throw new InputError(`a repository cannot start with '-': ${first}`, file, i + 1);
    if (seen.has(repo)) return;
    seen.add(repo);
    const name = project ?? projectOf(repo);
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/.test(name) || name.length > 128) throw new InputError(`bad project name ${JSON.stringify(name)}`, file, i + 1);
    out.push({ repo, project: name, host: hostOf(repo), local: !remote });
  });
  if (out.length > 100_000) throw new InputError('more than 100000 repositories', file);
  return out;
}
