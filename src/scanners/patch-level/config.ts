import * as z from 'zod';
import { dateSchema, scannerSection } from '../../core/config-section.js';

/** The `scanners.patch-level` section of pipeguard.yml. */
export const patchLevelConfigSchema = scannerSection({
  enabled: z.boolean().default(false).describe('Run in `pipeguard scan` (off by default: it asks the package registry; `pipeguard outdated` runs it on demand).'),
  disable: z.array(z.string()).default([]).describe('Rule ids not to report.'),
  registry: z.string().url().default('https://registry.npmjs.org').describe('npm registry to read package versions from.'),
  cacheDir: z.string().optional().describe('Folder of cached registry answers (default: $XDG_CACHE_HOME/pipeguard/registry, else ~/.cache/pipeguard/registry).'),
  cacheTtlHours: z.number().min(0).default(24).describe('Registry answers younger than this are used without asking again.'),
  offline: z.boolean().default(false).describe('Use cached registry answers only, whatever their age.'),
  includeDev: z.boolean().default(false).describe('Check direct development dependencies too.'),
  eolWarnDays: z.number().int().min(0).default(90).describe('Report a runtime or base image this many days before its end of life.'),
  asOf: dateSchema.optional().describe('The date end of life is judged at (default: today); for reproducible runs.'),
});

/** The validated `scanners.patch-level` section. */
export type PatchLevelConfig = z.infer<typeof patchLevelConfigSchema>;

export { resolvePatchLevelPaths } from './paths.js';
