/** The `threatModel` section of pipeguard.yml. */
import * as z from 'zod';
import { severitySchema } from '../core/config-section.js';

const failOn = z.union([severitySchema, z.literal('none')]);

/** Which kinds of drift are compared. */
export const DRIFT_KINDS = ['services', 'ports', 'routes', 'datastores', 'externals'] as const;
/** A kind of drift. */
export type DriftKind = (typeof DRIFT_KINDS)[number];

/** Drift detection between the model and the code. */
export const driftConfigSchema = z
  .object({
    enabled: z.boolean().default(true).describe('Compare the model with what the code declares.'),
    kinds: z.array(z.enum(DRIFT_KINDS)).default([...DRIFT_KINDS]).describe('What to compare.'),
    severity: severitySchema.default('high').describe('Severity of parts in the code that the model lacks.'),
    staleSeverity: severitySchema.default('medium').describe('Severity of parts the model names that the code no longer has.'),
    ignore: z.array(z.string()).default([]).describe('Globs of drift subjects to ignore: `service:worker`, `route:GET /healthz`, `datastore:sqlite`, `external:sentry`, `port:web/9090`.'),
  })
  .strict();

/** The `threatModel` section. */
export const threatModelConfigSchema = z
  .object({
    path: z.string().default('threatmodel.yml').describe('The threat model file, relative to the scanned folder.'),
    failOn: failOn.optional().describe("Lowest severity of an open threat that fails `threat-model check` (default: the config's failOn)."),
    rules: z.array(z.string()).default([]).describe('Your own threat rule files (rules and extra mitigations), relative to the scanned folder.'),
    disable: z.array(z.string()).default([]).describe('Threat rule ids not to run.'),
    privacy: z.boolean().default(false).describe('Also run the LINDDUN privacy rules (tm-privacy-*) on the personal data the model declares.'),
    drift: driftConfigSchema.prefault({}),
  })
  .strict();

/** Validated `threatModel` section. */
export type ThreatModelConfig = z.infer<typeof threatModelConfigSchema>;
