import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

/** The package manager a repository uses, from its lockfile. */
export type PackageManager = 'npm' | 'yarn' | 'pnpm' | 'bun' | 'none';

/** The hook tool a repository already uses for its git hooks. */
export type HookTool = 'pre-commit' | 'husky' | 'lefthook' | 'git';

/** What `init` adapts its files to. */
export interface RepoFacts {
  /** Whether the folder is a git work tree. */
  git: boolean;
  /** The branch pushes are checked on: origin's HEAD, else main/master if it exists, else the current branch. */
  defaultBranch: string;
  packageManager: PackageManager;
  /** Yarn 2+ (a `.yarnrc.yml`), which wants `--immutable` rather than `--frozen-lockfile`. */
  yarnBerry: boolean;
  /** pipeguard is a dependency of the repository's package.json, so installing the project installs it. */
  dependency: boolean;
  hookTool: HookTool;
  /** Where git looks for hooks (honours `core.hooksPath`), when a git work tree. */
  hooksDir: string | undefined;
}

function gitOut(root: string, args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The lockfile that tells the package manager, in the order a repository holding several is most likely to use. */
const LOCKFILES: [string, PackageManager][] = [
  ['pnpm-lock.yaml', 'pnpm'],
  ['bun.lock', 'bun'],
  ['bun.lockb', 'bun'],
  ['yarn.lock', 'yarn'],
  ['package-lock.json', 'npm'],
  ['npm-shrinkwrap.json', 'npm'],
];

/** Reads what `init` adapts to from the repository at `root`. */
export function repoFacts(root: string): RepoFacts {
  const git = gitOut(root, ['rev-parse', '--is-inside-work-tree']) === 'true';
  let defaultBranch = 'main';
  let hooksDir: string | undefined;
  if (git) {
    const originHead = gitOut(root, ['symbolic-ref', '--quiet', '--short', 'refs/remotes/origin/HEAD']);
    const local = (gitOut(root, ['for-each-ref', '--format=%(refname:short)', 'refs/heads']) ?? '').split('\n').filter(Boolean);
    const current = gitOut(root, ['symbolic-ref', '--quiet', '--short', 'HEAD']);
    defaultBranch = originHead?.replace(/^origin\//, '') ?? local.find((b) => b === 'main' || b === 'master') ?? current ?? 'main';
    const dir = gitOut(root, ['rev-parse', '--git-path', 'hooks']);
    if (dir) hooksDir = isAbsolute(dir) ? dir : join(root, dir);
  }
  const packageManager = LOCKFILES.find(([f]) => existsSync(join(root, f)))?.[1] ?? 'none';
  let dependency = false;
  try {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
    dependency = ['dependencies', 'devDependencies', 'optionalDependencies'].some((k) => typeof pkg[k]?.['pipeguard'] === 'string');
  } catch {
    // no package.json, or not JSON: pipeguard is installed on its own in CI
  }
  const hookTool: HookTool = existsSync(join(root, '.pre-commit-config.yaml'))
    ? 'pre-commit'
    : existsSync(join(root, '.husky'))
      ? 'husky'
      : ['lefthook.yml', 'lefthook.yaml', '.lefthook.yml'].some((f) => existsSync(join(root, f)))
        ? 'lefthook'
        : 'git';
  return { git, defaultBranch, packageManager, yarnBerry: existsSync(join(root, '.yarnrc.yml')), dependency, hookTool, hooksDir };
}

/** How a CI job installs and runs pipeguard in a repository with these facts. */
export interface Runner {
  /** Shell commands that install the project (and so pipeguard), or pipeguard alone. */
  install: string[];
  /** The command prefix that runs the installed pipeguard. */
  exec: string;
  /** setup-node's `cache:` value, when the package manager's cache is supported there. */
  nodeCache: string | undefined;
}

/** How CI installs and runs pipeguard for `facts`. */
export function runnerFor(facts: RepoFacts): Runner {
  if (!facts.dependency) {
    return { install: [`npm install --global --no-audit --no-fund "\${PIPEGUARD_PACKAGE}"`], exec: 'pipeguard', nodeCache: undefined };
  }
  switch (facts.packageManager) {
    case 'pnpm':
      return { install: ['corepack enable', 'pnpm install --frozen-lockfile'], exec: 'pnpm exec pipeguard', nodeCache: undefined };
    case 'yarn':
      return facts.yarnBerry
        ? { install: ['corepack enable', 'yarn install --immutable'], exec: 'yarn pipeguard', nodeCache: undefined }
        : { install: ['yarn install --frozen-lockfile'], exec: 'yarn --silent pipeguard', nodeCache: 'yarn' };
    case 'bun':
      return { install: ['npm install --global --no-audit --no-fund bun@1', 'bun install --frozen-lockfile'], exec: './node_modules/.bin/pipeguard', nodeCache: undefined };
    case 'npm':
      return { install: ['npm ci'], exec: 'npx --no-install pipeguard', nodeCache: 'npm' };
    case 'none':
      return { install: ['npm install --no-audit --no-fund'], exec: 'npx --no-install pipeguard', nodeCache: undefined };
  }
}
