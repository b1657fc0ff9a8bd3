import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Dependency, ParsedLockfile } from '../../analyzers/inventory/types.js';

/** The license an npm `package.json` declares: `license` (string or legacy object) or legacy `licenses[]`. */
export function licenseOfPackageJson(pj: Record<string, unknown>): string | undefined {
  const l = pj.license;
  if (typeof l === 'string') return l;
  if (l && typeof l === 'object' && typeof (l as { type?: unknown }).type === 'string') return (l as { type: string }).type;
  if (Array.isArray(pj.licenses)) {
    const types = pj.licenses
      .map((x) => (typeof x === 'string' ? x : typeof (x as { type?: unknown })?.type === 'string' ? (x as { type: string }).type : undefined))
      .filter((t): t is string => !!t);
    if (types.length) return types.length > 1 ? `(${types.join(' OR ')})` : types[0];
  }
  return undefined;
}

/**
 * The license of an npm package from its installed `node_modules/.../package.json` next to the lockfile,
 * when the project is installed. `root` is the target's directory on disk.
 */
export function installedNpmLicense(root: string, lock: ParsedLockfile, dep: Dependency): { license?: string; version?: string } | undefined {
  const dir = lock.path.includes('/') ? lock.path.slice(0, lock.path.lastIndexOf('/')) : '';
  const rel = dep.key.includes('node_modules/') ? dep.key : `node_modules/${dep.name}`;
  try {
    const pj = JSON.parse(readFileSync(join(root, dir, rel, 'package.json'), 'utf8')) as Record<string, unknown>;
    const license = licenseOfPackageJson(pj);
    return { ...(license ? { license } : {}), ...(typeof pj.version === 'string' ? { version: pj.version } : {}) };
  } catch {
    return undefined;
  }
}
