import * as z from 'zod';

/**
 * Builds a scanner's config section: `enabled` (default true) plus the scanner's own keys.
 * Unknown keys are errors, so a typo never silently does nothing.
 */
export function scannerSection<S extends z.ZodRawShape>(shape: S) {
  return z.object({ enabled: z.boolean().default(true).describe('Run this scanner.'), ...shape }).strict();
}

/** A severity name. */
export const severitySchema = z.enum(['critical', 'high', 'medium', 'low', 'info']);

/** A date `YYYY-MM-DD` (YAML may give it as a string; we keep strings: the core schema has no timestamps). */
export const dateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)), 'not a valid date');
