import * as z from 'zod';
import { scannerSection, severitySchema } from '../../core/config-section.js';
import { RULES_BY_ID } from './rules.js';

const ruleId = z.string().refine((id) => RULES_BY_ID.has(id), { message: 'unknown pipeline rule id' });

/** The `scanners.pipeline` section of pipeguard.yml. */
export const pipelineConfigSchema = scannerSection({
  disable: z.array(ruleId).default([]).describe('Pipeline rule ids to turn off.'),
  severity: z
    .record(z.string(), severitySchema)
    .default({})
    .refine((m) => Object.keys(m).every((k) => RULES_BY_ID.has(k)), { message: 'unknown pipeline rule id in severity' })
    .describe('Severity overrides by rule id, e.g. { gha-unpinned-action: high }.'),
  allowRefPin: z
    .array(z.string().regex(/^[A-Za-z0-9_.*-]+(\/[A-Za-z0-9_.*/-]+)?$/, 'expected owner/* or owner/repo'))
    .default([])
    .describe('Actions (globs like "actions/*" or "owner/repo") allowed to be pinned by tag instead of commit SHA.'),
  persona: z
    .enum(['regular', 'pedantic', 'auditor'])
    .default('regular')
    .describe('Like zizmor\'s --persona: "regular" reports what is exploitable or clearly wrong; "pedantic" adds code-quality findings (image tags without digest); "auditor" adds everything, low-signal ones included (secrets outside an environment).'),
  online: z.boolean().default(false).describe('Ask the GitHub API about the actions used (impostor commits, ref confusion, stale refs, version comments); needs GITHUB_TOKEN or GH_TOKEN. Same as --online; --offline wins.'),
  githubApi: z.string().url().default('https://api.github.com').describe('GitHub API base URL for the online audits (GitHub Enterprise: https://HOST/api/v3).'),
  onlineMaxRequests: z.number().int().positive().max(10000).default(300).describe('Most GitHub API requests one scan makes for the online audits (responses are cached per run).'),
  db: z.string().min(1).optional().describe('Advisory database file for known-vulnerable actions (default: $PIPEGUARD_DB, else the user cache dir); never downloaded by this scanner.'),
  forbiddenUses: z
    .union([z.object({ allow: z.array(z.string().min(1)) }).strict(), z.object({ deny: z.array(z.string().min(1)) }).strict()])
    .optional()
    .describe('Like zizmor\'s forbidden-uses: { allow: [patterns] } reports every action not matching one, { deny: [patterns] } every action matching one. Patterns: "owner/repo", "owner/repo/path", "owner/*", "owner/repo@ref", "*" (rule gha-forbidden-uses).'),
  trustedOwners: z
    .array(z.string())
    .default([])
    .describe('Action owners never reported as typosquats (e.g. your own organisation).'),
});

/** The validated `scanners.pipeline` section. */
export type PipelineConfig = z.infer<typeof pipelineConfigSchema>;
