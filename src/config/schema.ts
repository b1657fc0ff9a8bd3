import * as z from 'zod';
import { dateSchema, severitySchema } from '../core/config-section.js';
import { SCANNER_CONFIGS } from '../scanners/configs.js';
import { threatModelConfigSchema } from '../threatmodel/config.js';
import { DELIVER_CONFIG } from '../deliver/config.js';
import { monitorSchema } from '../deliver/monitor/config.js';
import { forgeConfigSchema } from '../posture/config.js';
import { complianceConfigSchema } from '../compliance/config.js';
import { buildConfigSchema } from '../attest/config.js';

/** Paths taken for tests, specs, fixtures and examples when pipeguard.yml does not list its own. */
export const DEFAULT_TEST_PATHS = [
  '**/test/**',
  '**/tests/**',
  '**/__tests__/**',
  '**/spec/**',
  '**/specs/**',
  '**/fixtures/**',
  '**/__fixtures__/**',
  '**/testdata/**',
  '**/test-data/**',
  '**/__mocks__/**',
  '**/examples/**',
  '**/example/**',
  '**/*.test.*',
  '**/*.spec.*',
  '**/*_test.*',
  '**/*_spec.*',
  '**/test_*.py',
  '**/conftest.py',
] as const;

/** One suppression in pipeguard.yml: what it matches, why, and until when. */
export const suppressionSchema = z
  .object({
    rule: z.string().optional().describe('Rule id the suppression applies to.'),
    path: z.string().optional().describe('Glob of paths it applies to.'),
    fingerprint: z.string().optional().describe('Fingerprint of one finding (from the JSON or SARIF report).'),
    reason: z.string().min(3, 'say why the finding is suppressed').describe('Why: shown in reports and audits.'),
    expires: dateSchema.optional().describe('After this date (YYYY-MM-DD) the suppression stops suppressing.'),
  })
  .strict()
  .refine((s) => s.rule !== undefined || s.path !== undefined || s.fingerprint !== undefined, {
    message: 'a suppression needs at least one of rule, path or fingerprint',
  });

const scannersShape = Object.fromEntries(
  Object.entries(SCANNER_CONFIGS).map(([id, schema]) => [id, (schema as z.ZodType).prefault({})]),
) as unknown as { [K in keyof typeof SCANNER_CONFIGS]: z.ZodPrefault<(typeof SCANNER_CONFIGS)[K]> };

/** The whole of pipeguard.yml. Every key is optional; an empty file is a valid config. */
export const configSchema = z
  .object({
    version: z.literal(1).default(1).describe('Config format version.'),
    failOn: z
      .union([severitySchema, z.literal('none')])
      .default('high')
      .describe('Lowest severity that fails the gate; `none` never fails.'),
    thresholds: z
      .record(z.string(), z.union([severitySchema, z.literal('none')]))
      .default({})
      .describe('Per-scanner failOn, e.g. `{ secrets: low }`.'),
    minConfidence: z
      .enum(['low', 'medium', 'high'])
      .default('low')
      .describe(
        'Least confidence of a finding that fails the gate: `medium` lets look-alikes through (a token that fails its checksum is reported at low confidence), `high` also generic keyword matches.',
      ),
    exclude: z.array(z.string()).default([]).describe('Globs of paths no scanner reads.'),
    gitignore: z.boolean().default(true).describe('Skip files ignored by .gitignore.'),
    maxFileSize: z
      .number()
      .int()
      .positive()
      .default(10 * 1024 * 1024)
      .describe('Files larger than this many bytes are skipped (and listed in the report status).'),
    ignoreFile: z.string().default('.pipeguardignore').describe('File of fingerprints to ignore, one per line.'),
    suppressions: z.array(suppressionSchema).default([]),
    testContext: z
      .object({
        paths: z
          .array(z.string())
          .default([...DEFAULT_TEST_PATHS])
          .describe('Globs of test, spec, fixture and example paths: findings there carry the tag `context:test`.'),
        scanners: z
          .array(z.string())
          .default(['secrets', 'sast'])
          .describe('Scanners whose findings in those paths are lowered to `severity` (synthetic passwords, deliberately unsafe test code).'),
        severity: severitySchema
          .default('info')
          .describe('The most severe those findings are reported as; they stay in every report.'),
      })
      .strict()
      .prefault({})
      .describe('Findings in tests, fixtures and examples: tagged, and lowered for secrets and SAST.'),
    hooks: z
      .object({
        required: z
          .boolean()
          .default(true)
          .describe('The pre-commit hook `init` writes blocks a commit when pipeguard is not installed; false lets it through with a warning.'),
      })
      .strict()
      .prefault({})
      .describe('The git hook written by `pipeguard init`.'),
    scanners: z.object(scannersShape).strict().prefault({}),
    threatModel: threatModelConfigSchema.prefault({}).describe('Threat model as code: `pipeguard threat-model`.'),
    ...DELIVER_CONFIG,
    monitor: monitorSchema.prefault({}).describe('Security monitoring rules and alerts: `pipeguard monitor`.'),
    forge: forgeConfigSchema.prefault({}).describe('What `pipeguard posture` expects of the live repository settings.'),
    compliance: complianceConfigSchema.prefault({}).describe('What `pipeguard compliance` requires.'),
    build: buildConfigSchema.prefault({}).describe('What the gate requires of build artifacts and images: signatures and provenance.'),
  })
  .strict();

/** Validated pipeguard.yml. */
export type Config = z.infer<typeof configSchema>;

declare module '../core/types.js' {
  /** The config every scanner's context carries (`ScanContext.root`) is this file's {@link Config}. */
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merges Config into core's RootConfig
  interface RootConfig extends Config {}
}

/** One validated suppression. */
export type Suppression = z.infer<typeof suppressionSchema>;
