import { createRequire } from 'node:module';

let ts: typeof import('typescript') | undefined;

/**
 * The TypeScript compiler API, required on first call (once per thread). Loaded through `require`: importing the
 * 9 MB CommonJS bundle from ESM makes Node lex it for named exports first, which costs about a second. Modules
 * that only sometimes need the compiler call this; the interpreter's modules import `tslib.ts`, which loads it
 * with them.
 */
export function loadTypeScript(): typeof import('typescript') {
  return (ts ??= createRequire(import.meta.url)('typescript') as typeof import('typescript'));
}
