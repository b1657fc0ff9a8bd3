import { requireCached, type CachedModule } from '../../../core/code-cache.js';
import { SLIM_FACTORY, slimNodes } from './slim.js';

let loaded: CachedModule<typeof import('typescript')> | undefined;
let cacheDir: string | undefined;

/**
 * Where this thread keeps V8's compiled code of the compiler between runs (none by default). Must be set before
 * the first {@link loadTypeScript}, that is before `tslib.ts` or a module importing it is loaded.
 */
export function useCodeCache(dir: string | undefined): void {
  cacheDir = dir;
}

/**
 * The TypeScript compiler API, required on first call (once per thread). Loaded through `require`: importing the
 * 9 MB CommonJS bundle from ESM makes Node lex it for named exports first, which costs about a second. With a
 * code cache folder ({@link useCodeCache}) the compiled code comes from there (compiling the compiler costs each
 * thread ~0.1 s of processor time). Modules that only sometimes need the compiler call this; the interpreter's
 * modules import `tslib.ts`, which loads it with them.
 */
export function loadTypeScript(): typeof import('typescript') {
  if (!loaded) {
    loaded = requireCached<typeof import('typescript')>(import.meta.url, 'typescript', cacheDir, SLIM_FACTORY);
    slimNodes(loaded.exports);
  }
  return loaded.exports;
}

/**
 * Writes the compiler's code cache if this thread had none (see {@link useCodeCache}): called once the thread has
 * analysed some code, so the cache also holds the functions the analysis compiled.
 */
export function saveCodeCache(): void {
  loaded?.save();
}
