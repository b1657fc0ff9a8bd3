import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { after } from 'node:test';

/** File contents by relative path. A `Uint8Array` is written as bytes. */
export type Tree = Record<string, string | Uint8Array>;

/** Writes `tree` under `dir`, creating folders. */
export function writeTree(dir: string, tree: Tree): void {
  for (const [rel, content] of Object.entries(tree)) {
    const p = join(dir, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
  }
}

/** A throwaway directory holding `tree`, removed after the test file ends. */
export function makeDir(tree: Tree = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'pipeguard-test-'));
  writeTree(dir, tree);
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** One commit for {@link makeRepo}: files to write (null deletes), and who/when. */
export interface CommitSpec {
  files: Record<string, string | Uint8Array | null>;
  message?: string;
  author?: string;
  email?: string;
  /** ISO date; defaults to a fixed date plus the commit index, so hashes are reproducible. */
  date?: string;
  /** Create and switch to this branch before committing. */
  branch?: string;
}

/** Runs git in `dir` with a fixed identity and no user config; returns stdout. */
export function git(dir: string, args: string[], env: Record<string, string> = {}): string {
  return execFileSync('git', args, {
    cwd: dir,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_AUTHOR_NAME: 'Test Author',
      GIT_AUTHOR_EMAIL: 'author@example.test',
      GIT_COMMITTER_NAME: 'Test Committer',
      GIT_COMMITTER_EMAIL: 'committer@example.test',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** A throwaway git repository built from `commits` in order (branch `main`); removed after the test file. */
export function makeRepo(commits: CommitSpec[] = [], tree: Tree = {}): string {
  const dir = makeDir(tree);
  git(dir, ['init', '-q', '-b', 'main']);
  commits.forEach((c, i) => {
    if (c.branch) git(dir, ['checkout', '-q', '-B', c.branch]);
    for (const [rel, content] of Object.entries(c.files)) {
      if (content === null) git(dir, ['rm', '-q', '--', rel]);
      else writeTree(dir, { [rel]: content });
    }
    git(dir, ['add', '-A']);
    const date = c.date ?? new Date(Date.UTC(2024, 0, 1, 0, i)).toISOString();
    git(dir, ['commit', '-q', '--allow-empty', '-m', c.message ?? `commit ${i}`], {
      GIT_AUTHOR_DATE: date,
      GIT_COMMITTER_DATE: date,
      ...(c.author ? { GIT_AUTHOR_NAME: c.author } : {}),
      ...(c.email ? { GIT_AUTHOR_EMAIL: c.email } : {}),
    });
  });
  return dir;
}
