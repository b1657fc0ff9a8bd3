import { depsConfigSchema } from './deps/config.js';
import { exposureConfigSchema } from './exposure/config.js';
import { iacConfigSchema } from './iac/config.js';
import { postureConfigSchema } from './posture/config.js';
import { pipelineConfigSchema } from './pipeline/config.js';
import { sastConfigSchema } from './sast/config.js';
import { secretsConfigSchema } from '../analyzers/secrets/config.js';
import { licensesConfigSchema } from './licenses/config.js';
import { imageConfigSchema } from './image/config.js';
import { dastConfigSchema } from './dast/config.js';
import { integrityConfigSchema } from './integrity/config.js';
import { patchLevelConfigSchema } from './patch-level/config.js';

/**
 * The config section of every scanner, by scanner id: `scanners.<id>` in pipeguard.yml.
 * Adding a scanner's config is one line here.
 */
export const SCANNER_CONFIGS = {
  secrets: secretsConfigSchema,
  sast: sastConfigSchema,
  deps: depsConfigSchema,
  licenses: licensesConfigSchema,
  pipeline: pipelineConfigSchema,
  iac: iacConfigSchema,
  exposure: exposureConfigSchema,
  posture: postureConfigSchema,
  image: imageConfigSchema,
  dast: dastConfigSchema,
  integrity: integrityConfigSchema,
  'patch-level': patchLevelConfigSchema,
} as const;
