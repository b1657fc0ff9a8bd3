import * as z from 'zod';
import { scannerSection } from '../../core/config-section.js';

/** The `scanners.sast` section of pipeguard.yml. */
export const sastConfigSchema = scannerSection({
  libraryMode: z
    .boolean()
    .default(false)
    .describe('Treat the parameters of exported functions as untrusted input (for scanning packages rather than apps).'),
  envIsInput: z.boolean().default(false).describe('Treat process.env values as untrusted input (off: CI environments are usually trusted).'),
  rules: z.array(z.string()).default([]).describe('Extra rule files (Semgrep-compatible YAML subset), relative to the config file or absolute.'),
  disable: z.array(z.string()).default([]).describe('Rule ids to switch off.'),
  maxFileBytes: z.number().int().positive().default(1_000_000).describe('Skip source files larger than this (likely generated).'),
  maxLineLength: z
    .number()
    .int()
    .positive()
    .default(1000)
    .describe('Skip files whose average line length is over this, or with a line over 20x it: minified or generated code.'),
  skipGenerated: z.boolean().default(true).describe('Skip minified/generated files (see maxLineLength, `.min.js`, `@generated` headers).'),
});

/** The validated `scanners.sast` section. */
export type SastConfig = z.infer<typeof sastConfigSchema>;
