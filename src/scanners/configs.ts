import { depsConfigSchema } from './deps/config.js';
import { pipelineConfigSchema } from './pipeline/config.js';
import { sastConfigSchema } from './sast/config.js';
import { secretsConfigSchema } from './secrets/config.js';

/**
 * The config section of every scanner, by scanner id: `scanners.<id>` in pipeguard.yml.
 * Adding a scanner's config is one line here.
 */
export const SCANNER_CONFIGS = {
  secrets: secretsConfigSchema,
  sast: sastConfigSchema,
  deps: depsConfigSchema,
  pipeline: pipelineConfigSchema,
} as const;
