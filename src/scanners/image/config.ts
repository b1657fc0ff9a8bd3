import * as z from 'zod';
import { dateSchema, scannerSection } from '../../core/config-section.js';

/** The `scanners.image` section of pipeguard.yml: checks of a container image's configuration. */
export const imageConfigSchema = scannerSection({
  disable: z.array(z.string()).default([]).describe('Rule ids (image-*) not to run.'),
  eolWarnDays: z.number().int().min(0).default(90).describe('Report a base distribution this many days before its end of life.'),
  asOf: dateSchema.optional().describe('The date end-of-life is judged at (default: today); for reproducible runs.'),
});

/** The validated `scanners.image` section. */
export type ImageScannerConfig = z.infer<typeof imageConfigSchema>;
