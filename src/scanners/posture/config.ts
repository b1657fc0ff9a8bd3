import * as z from 'zod';
import { scannerSection } from '../../core/config-section.js';

/** The `scanners.posture` section of pipeguard.yml. */
export const postureConfigSchema = scannerSection({
  disable: z.array(z.string()).default([]).describe('Rule ids (posture-*) not to run.'),
  securityScanners: z
    .array(z.string())
    .default([])
    .describe('Extra command or action names that count as a security scan in CI (besides pipeguard, codeql, semgrep, trivy...).'),
  testCommands: z.array(z.string()).default([]).describe('Extra commands that count as running tests in CI.'),
});

/** Validated `scanners.posture` section. */
export type PostureConfig = z.infer<typeof postureConfigSchema>;
