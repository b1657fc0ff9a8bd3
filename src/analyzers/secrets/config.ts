import * as z from 'zod';
import { scannerSection, severitySchema } from '../../core/config-section.js';
import { endpointAllowed } from './endpoint.js';

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
  verify: z
    .boolean()
    .default(false)
    .describe('Ask providers whether found credentials are live (read-only calls; same as --verify). Off by default.'),
  verifyHosts: z
    .array(z.string().min(1))
    .default(['api.github.com', 'gitlab.com', 'slack.com', 'api.stripe.com', 'registry.npmjs.org', 'api.openai.com', 'api.sendgrid.com', 'api.twilio.com', 'sts.amazonaws.com', '*.blob.core.windows.net', 'api-ch-gva-2.exoscale.com'])
    .describe('Hosts (`host`, `host:port`, or `*.suffix` for any name under it) verification requests may go to; any other is not asked.'),
  verifyEndpoints: z
    .partialRecord(
      z.enum(['github', 'gitlab', 'slack', 'stripe', 'npm', 'openai', 'sendgrid', 'twilio', 'aws', 'azure-storage', 'exoscale']),
      z
        .string()
        .refine((u) => endpointAllowed(u), 'an endpoint must be an https:// URL, or http:// to a loopback address'),
    )
    .default({})
    .describe('Base URL per provider (a GitLab instance, a test double on 127.0.0.1): `{ gitlab: https://gitlab.example.com }`.'),
  verifyTimeoutMs: z.number().int().min(1).max(60000).default(5000).describe('Time allowed for one verification request.'),
  verifyMaxRequests: z.number().int().min(0).max(10000).default(100).describe('Verification requests per scan, at most.'),
  verifyMaxPerHost: z.number().int().min(0).max(10000).default(30).describe('Verification requests per host per scan, at most.'),
});

export { endpointAllowed } from './endpoint.js';

/** Validated `scanners.secrets` config. */
export type SecretsConfig = z.infer<typeof secretsConfigSchema>;
