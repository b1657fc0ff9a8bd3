import { isAbsolute, resolve } from 'node:path';

/**
 * The `build` section with its file paths made absolute against the config file's folder. Apart from config.ts
 * (its schema) so that a run without a config file resolves them without loading zod.
 */
export function resolveBuildPaths<B extends { key?: string | undefined; trustedRoot?: string | undefined }>(b: B, dir: string): B {
  const abs = (p: string | undefined) => (p === undefined || isAbsolute(p) ? p : resolve(dir, p));
  const key = abs(b.key);
  const trustedRoot = abs(b.trustedRoot);
  return { ...b, ...(key ? { key } : {}), ...(trustedRoot ? { trustedRoot } : {}) };
}
