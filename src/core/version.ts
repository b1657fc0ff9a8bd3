import { createRequire } from 'node:module';

/** Set to package.json's version by the bundler (scripts/bundle.mjs); absent when running dist/ or the sources. */
declare const PIPEGUARD_VERSION: string | undefined;

/** pipeguard's version, from package.json (two folders up from src/core and dist/core). */
export const VERSION: string =
  typeof PIPEGUARD_VERSION === 'string' ? PIPEGUARD_VERSION : (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
