import { posix } from 'node:path';

const EXTS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];

/**
 * Resolves a relative import specifier from `fromPath` to a scanned file, the way TypeScript and Node do for
 * relative paths: the exact file, the `.js` → `.ts` rewrite, added extensions, then `index.*`. Paths are
 * target-relative with `/` separators. Bare specifiers (packages) and tsconfig `paths` are not resolved.
 */
export function resolveModule(fromPath: string, spec: string, exists: (p: string) => boolean): string | undefined {
  const base = posix.normalize(posix.join(posix.dirname(fromPath), spec));
  const cands: string[] = [base];
  const m = /\.(c|m)?js$/.exec(base);
  const stem = m ? base.slice(0, -m[0].length) : base;
  for (const e of EXTS) cands.push(stem + e);
  for (const e of EXTS) cands.push(`${base}/index${e}`);
  for (const c of cands) if (exists(c)) return c;
  return undefined;
}
