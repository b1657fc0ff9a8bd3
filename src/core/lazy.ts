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

/**
 * A CommonJS package loaded on first use, from node_modules (the CLI bundle leaves it out and resolves it at run
 * time, as it does TypeScript): re2js, say, which costs ~8 ms to load and which most scans never need (no user
 * regex, no glob that a path gets past the required-text screen of).
 */
export function lazyPackage<T>(name: string): () => T {
  return lazyBuiltin<T>(name);
}
