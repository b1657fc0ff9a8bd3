import * as z from 'zod';
import { scannerSection } from '../../core/config-section.js';

/** The `scanners.licenses` section of pipeguard.yml. */
export const licensesConfigSchema = scannerSection({
  allow: z
    .array(z.string().min(1))
    .default([])
    .describe('SPDX ids or categories (permissive, public-domain, weak-copyleft, strong-copyleft, network-copyleft, non-commercial, proprietary) allowed; empty = anything not denied.'),
  deny: z
    .array(z.string().min(1))
    .default(['strong-copyleft', 'network-copyleft', 'non-commercial'])
    .describe('SPDX ids or categories that are violations.'),
  reportUnknown: z.boolean().default(false).describe('Report packages whose license is missing or not a known SPDX id.'),
  includeDev: z.boolean().default(false).describe('Check development-only dependencies too (they are not shipped).'),
  exceptions: z
    .array(z.object({ package: z.string().min(1), reason: z.string().min(1) }).strict())
    .default([])
    .describe('Packages (name or name@version) accepted whatever their license, with a reason.'),
});

/** The validated `scanners.licenses` section. */
export type LicensesConfig = z.infer<typeof licensesConfigSchema>;
