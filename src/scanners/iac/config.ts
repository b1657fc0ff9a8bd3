import * as z from 'zod';
import { scannerSection } from '../../core/config-section.js';

/** The `scanners.iac` section of pipeguard.yml. */
export const iacConfigSchema = scannerSection({
  disable: z.array(z.string()).default([]).describe('Rule ids (docker-*, k8s-*, compose-*, tf-*) not to run.'),
  severity: z
    .record(z.string(), z.enum(['critical', 'high', 'medium', 'low', 'info']))
    .default({})
    .describe('Severity overrides by rule id.'),
  adminPorts: z
    .array(z.number().int().min(0).max(65535))
    .default([22, 3389, 3306, 5432, 1433, 1521, 27017, 6379, 9200, 5984, 11211, 2375, 2376, 5900])
    .describe('Ports treated as administrative or database ports by the firewall rules.'),
});

/** Validated `scanners.iac` section. */
export type IacConfig = z.infer<typeof iacConfigSchema>;
