/**
 * Gets a repository's files for a scan: a shallow clone of a URL into a temporary folder (removed after), or
 * a local path as it is. git runs without prompts, under a time limit.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A repository that cannot be scanned whatever is retried (a missing path): goes to the dead-letter list. */
export class PermanentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentError';
  }
}

/** A folder to scan, and how to clean it up. */
export interface Checkout {
  dir: string;
  dispose(): void;
}

/** Clones or opens `repo`. */
export async function checkout(repo: string, local: boolean, timeoutMs: number, signal?: AbortSignal): Promise<Checkout> {
  if (local) {
    const path = repo.startsWith('file://') ? new URL(repo).pathname : repo;
    if (!existsSync(path) || !statSync(path).isDirectory()) throw new PermanentError(`no such directory: ${path}`);
    return { dir: path, dispose: () => undefined };
  }
  const dir = mkdtempSync(join(tmpdir(), 'pipeguard-fleet-'));
  const dispose = (): void => rmSync(dir, { recursive: true, force: true });
  try {
    await new Promise<void>((resolve, reject) => {
      execFile(
        'git',
        ['-c', 'protocol.file.allow=never', 'clone', '--quiet', '--depth', '1', '--no-tags', '--single-branch', '--', repo, join(dir, 'repo')],
        { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 1024 * 1024, env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: 'true', SSH_ASKPASS: 'true' }, ...(signal ? { signal } : {}) },
        (err, _stdout, stderr) => {
          if (!err) return resolve();
          const why = String(stderr).trim().split('\n').pop() || (err.killed ? `timed out after ${timeoutMs / 1000} s` : err.message.split('\n')[0]!);
          reject(new Error(`git clone failed: ${why.replace(/\/\/[^@/\s]*@/g, '//')}`));
        },
      );
    });
  } catch (e) {
    dispose();
    throw e;
  }
  return { dir: join(dir, 'repo'), dispose };
}
