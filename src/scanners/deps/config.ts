import * as z from 'zod';
import { dateSchema, scannerSection, severitySchema } from '../../core/config-section.js';

/** One ignore rule: an advisory (id or alias), a package (`name`, `name@version` or purl), or both. */
export const depsIgnoreSchema = z
  .object({
    id: z.string().min(1).optional().describe('Advisory id or alias (GHSA-..., CVE-..., PYSEC-...).'),
    package: z.string().min(1).optional().describe('Package name, name@version, or purl.'),
    reason: z.string().min(1).describe('Why this is accepted; shown in reports.'),
    expires: dateSchema.optional().describe('YYYY-MM-DD; after this date the rule no longer applies.'),
  })
  .strict()
  .refine((r) => r.id !== undefined || r.package !== undefined, { message: 'an ignore rule needs "id" or "package"' });

/** The `scanners.deps` section of pipeguard.yml. */
export const depsConfigSchema = scannerSection({
  db: z.string().min(1).optional().describe('Advisory database file (default: $PIPEGUARD_DB, else the user cache dir).'),
  maxAgeDays: z
    .number()
    .int()
    .positive()
    .default(7)
    .describe('Advisory data older than this many days is refreshed before the scan (or a warning says it is stale).'),
  autoUpdate: z
    .boolean()
    .default(true)
    .describe('Let `pipeguard scan` download or refresh the advisory data of the ecosystems it finds when missing or stale (`--offline` and `--skip-db-update` forbid it).'),
  dbUrl: z.string().url().optional().describe('Base URL of the OSV exports (`<url>/<ecosystem>/all.zip`; default $PIPEGUARD_OSV_URL, else osv.dev).'),
  requireDatabase: z
    .boolean()
    .optional()
    .describe('Fail the gate when lockfiles are found but no advisory database can be used (default: true when CI=true, else false).'),
  unknownSeverity: severitySchema.default('high').describe('Severity of an advisory that carries no CVSS vector or label.'),
  includeDev: z.boolean().default(true).describe('Report vulnerabilities in development-only dependencies.'),
  ignore: z.array(depsIgnoreSchema).default([]).describe('Accepted advisories, with a reason and optional expiry.'),
  vex: z.array(z.string().min(1)).default([]).describe('OpenVEX or CycloneDX VEX files; "not_affected"/"fixed" statements drop findings.'),
  reachability: z
    .boolean()
    .default(true)
    .describe('Judge whether the application code reaches each vulnerable npm, Go or PyPI package (reachable, imported-only, unreferenced).'),
  failOn: z
    .enum(['any', 'reachable'])
    .default('any')
    .describe('"reachable": vulnerabilities in packages the code does not reach (imported-only, unreferenced) are listed as suppressed instead of failing the gate.'),
});

/** The validated `scanners.deps` section. */
export type DepsConfig = z.infer<typeof depsConfigSchema>;
