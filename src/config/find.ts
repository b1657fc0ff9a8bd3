import { existsSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** File names looked for, in order, in the scanned folder and then up to the repository root. */
export const CONFIG_NAMES = ['pipeguard.yml', 'pipeguard.yaml', '.pipeguard.yml', '.pipeguard.yaml'];

/**
 * Finds pipeguard.yml for a scan of `start`: in `start` (or its folder, for a file) and each parent up to the
 * first folder holding `.git`. Folders inside a `.github/` folder of the repository are passed over: a workflow
 * may be called `pipeguard.yml`, and it is not a config.
 */
export function findConfig(start: string): string | undefined {
  let dir = resolve(start);
  if (existsSync(dir) && !statSync(dir).isDirectory()) dir = dirname(dir);
  const chain: string[] = [];
  for (;;) {
    chain.push(dir);
    const up = dirname(dir);
    if (existsSync(join(dir, '.git')) || up === dir) break;
    dir = up;
  }
  const root = chain[chain.length - 1]!;
  for (const d of chain) {
    if (relative(root, d).split(sep).includes('.github')) continue;
    for (const name of CONFIG_NAMES) {
      const p = join(d, name);
      if (existsSync(p)) return p;
    }
  }
  return undefined;
}

/** How a config file is named in messages: relative to `cwd` when it lies below it, else its absolute path. */
export function shownConfigPath(path: string, cwd?: string): string {
  const shown = cwd ? relative(cwd, path) || path : path;
  return shown.startsWith('..') ? path : shown;
}
