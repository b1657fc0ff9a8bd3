import { configSchema, type Config } from './schema.js';

/**
 * The config of a run without pipeguard.yml: every default of the schema, a new object each call. The bundled CLI
 * (scripts/bundle.mjs) replaces this module with the value computed when it was built, so that a scan without a
 * config file loads neither zod nor any config schema (issue 24: ~45 ms of every start); test/config/defaults.test.ts
 * holds the bundle's value to this one.
 */
export function defaultConfig(): Config {
  return configSchema.parse({}, { jitless: true });
}
