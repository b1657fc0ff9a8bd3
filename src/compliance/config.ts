import * as z from 'zod';
import { controlRef, FRAMEWORKS } from './frameworks/index.js';

/** A control reference: `ssdf:PS.1.1`, `cis-supply-chain:1.1.3`, `slsa:build-l2`, `samm:I-SB-A`. */
export const controlRefSchema = z.string().refine((s) => controlRef(s) !== undefined, {
  message: `expected FRAMEWORK:CONTROL with FRAMEWORK one of ${FRAMEWORKS.map((f) => f.id).join(', ')} and a control of it (see pipeguard compliance --list)`,
});

/** The `compliance` section of pipeguard.yml. */
export const complianceConfigSchema = z
  .object({
    require: z.array(controlRefSchema).default([]).describe('Controls that must be met for `pipeguard compliance` to pass, e.g. `[ssdf:PS.1.1, slsa:build-l2]`.'),
  })
  .strict();

/** Validated `compliance` section. */
export type ComplianceConfig = z.infer<typeof complianceConfigSchema>;
