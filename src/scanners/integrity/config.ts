import * as z from 'zod';
import { scannerSection } from '../../core/config-section.js';

/** The `scanners.integrity` section (what is required is the top-level `build` section). */
export const integrityConfigSchema = scannerSection({
  disable: z.array(z.string()).default([]).describe('Rule ids (artifact-*, provenance-*) not to report.'),
});

/** The validated `scanners.integrity` section. */
export type IntegrityConfig = z.infer<typeof integrityConfigSchema>;
