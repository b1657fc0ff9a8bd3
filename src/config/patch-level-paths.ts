import { isAbsolute, resolve } from 'node:path';

/**
 * The `scanners.patch-level` section with `cacheDir` made absolute against the config file's folder. Apart from
 * the scanner's config.ts (its schema), so that a run without a config file resolves it without loading zod, and
 * apart from the scanner's index, so that the CLI's scan resolves it without loading the scanner (its inventory
 * parsers and saxes).
 */
export function resolvePatchLevelPaths<C extends { cacheDir?: string | undefined }>(c: C, dir: string): C {
  return c.cacheDir === undefined || isAbsolute(c.cacheDir) ? c : { ...c, cacheDir: resolve(dir, c.cacheDir) };
}
