/**
 * A threat rule as data: which elements or flows it applies to (a CEL condition), its STRIDE (security) or LINDDUN
 * (privacy) category, CWE and CAPEC ids, likelihood and impact, and the pipeguard checks that mitigate it. The
 * built-in rules and the rule files users add have this one shape.
 */
import * as z from 'zod';
import { LEVELS } from '../levels.js';

/** The six STRIDE categories. */
export const STRIDE = ['spoofing', 'tampering', 'repudiation', 'information-disclosure', 'denial-of-service', 'elevation-of-privilege'] as const;
/** A STRIDE category. */
export type Stride = (typeof STRIDE)[number];

/** One letter per STRIDE category, for tables. */
export const STRIDE_LETTER: Record<Stride, string> = {
  spoofing: 'S',
  tampering: 'T',
  repudiation: 'R',
  'information-disclosure': 'I',
  'denial-of-service': 'D',
  'elevation-of-privilege': 'E',
};

/** The seven LINDDUN privacy threat categories. */
export const LINDDUN = ['linking', 'identifying', 'non-repudiation', 'detecting', 'data-disclosure', 'unawareness', 'non-compliance'] as const;
/** A LINDDUN category. */
export type Linddun = (typeof LINDDUN)[number];

/** A short label per LINDDUN category, for tables (the letters alone would repeat). */
export const LINDDUN_LABEL: Record<Linddun, string> = {
  linking: 'L',
  identifying: 'Id',
  'non-repudiation': 'Nr',
  detecting: 'De',
  'data-disclosure': 'DD',
  unawareness: 'U',
  'non-compliance': 'Nc',
};

/** A rule's category for reports: its STRIDE or LINDDUN name (LINDDUN ones prefixed `linddun:`) and short label. */
export function ruleCategory(r: { stride?: Stride | undefined; linddun?: Linddun | undefined }): { name: string; label: string } {
  if (r.linddun) return { name: `linddun:${r.linddun}`, label: LINDDUN_LABEL[r.linddun] };
  return { name: r.stride ?? '', label: r.stride ? STRIDE_LETTER[r.stride] : '?' };
}

/** What a rule is evaluated on. */
export const TARGET_KINDS = ['process', 'datastore', 'external', 'flow'] as const;
/** A rule target kind. */
export type TargetKind = (typeof TARGET_KINDS)[number];

/** Longest condition accepted (characters): conditions are short predicates, not programs. */
export const MAX_CONDITION = 2000;

const cel = z.string().min(1).max(MAX_CONDITION, `a condition is at most ${MAX_CONDITION} characters`);

/** A pipeguard check that mitigates a threat. */
export const mitigationSchema = z
  .object({
    scanner: z.string().min(1).describe('Scanner id.'),
    rules: z.array(z.string().min(1)).optional().describe('Rule ids of that scanner; any one live is enough (default: the scanner as a whole).'),
    gateAt: z.enum(['critical', 'high', 'medium', 'low', 'info']).optional().describe("Severity its findings must fail the gate at (default: the threat's severity)."),
    when: cel.optional().describe('CEL condition on the effective pipeguard.yml (`config`) for the check to count, e.g. that a policy is declared.'),
    note: z.string().optional().describe('What the check covers, shown in reports.'),
  })
  .strict();

/** A threat rule. */
export const threatRuleSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,79}$/, 'expected a kebab-case id'),
    title: z.string().min(3),
    stride: z.enum(STRIDE).optional().describe('STRIDE category of a security threat (give this or linddun).'),
    linddun: z.enum(LINDDUN).optional().describe('LINDDUN category of a privacy threat (give this or stride).'),
    appliesTo: z.array(z.enum(TARGET_KINDS)).min(1),
    condition: cel.default('true').describe('CEL over `element` (or `flow`, with `flow.from` and `flow.to`).'),
    description: z.string().min(3).describe('What can go wrong.'),
    advice: z.string().min(3).describe('What to do about it.'),
    likelihood: z.enum(LEVELS),
    impact: z.union([z.enum(LEVELS), z.literal('data')]).describe('`data`: from the most sensitive asset involved.'),
    cwe: z.array(z.string().regex(/^CWE-\d+$/)).default([]),
    capec: z.array(z.string().regex(/^CAPEC-\d+$/)).default([]),
    mitigations: z.array(mitigationSchema).default([]),
  })
  .strict()
  .refine((r) => (r.stride === undefined) !== (r.linddun === undefined), { message: 'give a rule either stride (security) or linddun (privacy), not both', path: ['stride'] });

/** More checks for a rule (built-in or not), from a user's rule file. */
export const extraMitigationSchema = z
  .object({
    threat: z.string().min(1).describe('Threat rule id.'),
    checks: z.array(mitigationSchema).min(1),
  })
  .strict();

/** A user rule file. */
export const ruleFileSchema = z
  .object({
    rules: z.array(threatRuleSchema).default([]),
    mitigations: z.array(extraMitigationSchema).default([]),
  })
  .strict();

/** A validated threat rule. */
export type ThreatRuleSpec = z.infer<typeof threatRuleSchema>;
/** A validated mitigation. */
export type MitigationSpec = z.infer<typeof mitigationSchema>;
/** The input shape of a rule (defaults not yet applied), as written in the built-in rule table. */
export type ThreatRuleInput = z.input<typeof threatRuleSchema>;
