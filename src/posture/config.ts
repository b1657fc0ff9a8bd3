import * as z from 'zod';
import { severitySchema } from '../core/config-section.js';

/** The `forge` section of pipeguard.yml: what `pipeguard posture` expects of a repository's live settings. */
export const forgeConfigSchema = z
  .object({
    disable: z.array(z.string()).default([]).describe('Posture check ids (forge-*) not to run.'),
    severity: z.record(z.string(), severitySchema).default({}).describe('Severity overrides by check id, e.g. `{ forge-repo-level-secrets: medium }`.'),
    releaseBranches: z
      .array(z.string())
      .default(['release/*', 'release-*', 'releases/*'])
      .describe('Globs of release branches checked besides the default branch (branches named by recent releases are checked too).'),
    requiredCheck: z
      .string()
      .default('pipeguard')
      .describe('A required status check whose name contains this text counts as the pipeguard gate (case-insensitive).'),
    maxAdmins: z.number().int().min(1).default(3).describe('More repository administrators than this is a finding.'),
    deployKeyMaxAgeDays: z.number().int().positive().default(365).describe('A deploy key older than this many days is a finding.'),
    reviewSample: z.number().int().min(1).max(100).default(30).describe('How many of the last merged pull / merge requests to check for an independent approval.'),
    minReviewRate: z.number().min(0).max(1).default(1).describe('Share of sampled human changes that must have an independent approval (0-1).'),
    bestPracticesUrl: z
      .string()
      .url()
      .default('https://www.bestpractices.dev')
      .describe("The OpenSSF Best Practices service asked for Scorecard's CII-Best-Practices (a repository's badge level); not asked with --offline."),
    secretNames: z
      .string()
      .default('TOKEN|SECRET|PASSW|PASSPHRASE|PRIVATE|CREDENTIAL|API_?KEY|ACCESS_?KEY|AUTH|CERT|_KEY$|^KEY')
      .describe('Regex (case-insensitive) of CI variable names that hold secrets (GitLab masking and protection checks).'),
  })
  .strict();

/** Validated `forge` section. */
export type ForgeConfig = z.infer<typeof forgeConfigSchema>;
