import * as z from 'zod';
import { scannerSection, severitySchema } from '../../core/config-section.js';

/** A user-written secret rule in pipeguard.yml (same shape as the built-in rule data, without examples). */
export const customSecretRuleSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'rule ids are kebab-case'),
    title: z.string().min(1),
    help: z.string().optional(),
    severity: severitySchema.default('high'),
    keywords: z.array(z.string().min(2)).min(1, 'give at least one keyword for the prefilter'),
    regex: z.string().min(1),
    flags: z.string().regex(/^[ims]*$/, 'flags may be i, m, s').optional(),
    secretGroup: z.number().int().min(0).optional(),
    minEntropy: z.number().min(0).max(8).optional(),
    allowlist: z
      .object({
        regexes: z.array(z.string()).optional(),
        stopwords: z.array(z.string()).optional(),
        paths: z.array(z.string()).optional(),
      })
      .strict()
      .optional(),
    paths: z.array(z.string()).optional(),
  })
  .strict();

/** The `scanners.secrets` section of pipeguard.yml. */
export const secretsConfigSchema = scannerSection({
  rules: z.array(customSecretRuleSchema).default([]).describe('Custom secret rules, added to the built-in ones.'),
  disable: z.array(z.string()).default([]).describe('Built-in rule ids to turn off.'),
  allowlist: z
    .object({
      paths: z.array(z.string()).default([]).describe('Globs of files never checked for secrets.'),
      regexes: z.array(z.string()).default([]).describe('A secret matching one of these regexes is ignored.'),
      stopwords: z.array(z.string()).default([]).describe('A secret containing one of these words is ignored.'),
    })
    .strict()
    .default({ paths: [], regexes: [], stopwords: [] }),
  archives: z.boolean().default(true).describe('Look inside zip/jar/tar/tgz files found in the tree.'),
});

/** Validated `scanners.secrets` config. */
export type SecretsConfig = z.infer<typeof secretsConfigSchema>;
