import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);

/**
 * A Node built-in module loaded on first use: a command's start-up then pays only for the built-ins it needs
 * (`child_process`, `zlib` and `worker_threads` cost a few milliseconds each to load).
 */
export function lazyBuiltin<T>(name: string): () => T {
  let mod: T | undefined;
  return () => (mod ??= load(name) as T);
}
