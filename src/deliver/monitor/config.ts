import * as z from 'zod';
import { compileCondition, compileExpression } from '../../core/cel.js';
import { severitySchema } from '../../core/config-section.js';
import { durationSchema, siemSchema } from '../config.js';


/**
 * `monitor:` of pipeguard.yml: detection rules over pipeline, audit and outside events (CEL conditions, with an
 * optional windowed threshold), the deploy window, which files count as CI definitions, de-duplication and rate
 * limits, and where alerts go. CEL is parsed here, so a bad condition is a config error naming file and line.
 */

const RULE_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** CEL text, parsed by the rule's check below (so the message can name the rule). */
const cel = () => z.string().min(1);

/** Adds an issue naming the rule for each CEL text of it that does not parse. */
function checkCel(r: { id: string; when: string; message?: string | undefined; dedupKey?: string | undefined; threshold?: { groupBy?: string | undefined } | undefined }, ctx: z.RefinementCtx): void {
  const texts: [string | undefined, 'condition' | 'value', (string | number)[]][] = [
    [r.when, 'condition', ['when']],
    [r.message, 'value', ['message']],
    [r.dedupKey, 'value', ['dedupKey']],
    [r.threshold?.groupBy, 'value', ['threshold', 'groupBy']],
  ];
  for (const [text, kind, path] of texts) {
    if (text === undefined) continue;
    try {
      if (kind === 'condition') compileCondition(text);
      else compileExpression(text);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: `rule ${r.id}: ${(e as Error).message}`, path });
    }
  }
}

/** `threshold:` of a rule: fire when `count` matching events of one group fall within `window`. */
export const thresholdSchema = z
  .object({
    count: z.number().int().min(2).describe('How many matching events within the window raise the alert.'),
    window: durationSchema.describe('The sliding window, in event time.'),
    groupBy: cel().optional().describe('CEL expression giving the group key (e.g. `event.data.ip`); default one group.'),
  })
  .strict();

/** One detection rule. */
export const monitorRuleSchema = z
  .object({
    id: z.string().regex(RULE_ID, 'use lower-case letters, digits and dashes (up to 64)'),
    title: z.string().min(1).optional().describe('A few words; default the id.'),
    severity: severitySchema.default('high'),
    when: cel().describe('CEL condition over `event`, `step`, `commit`, `artifact`, `clock`, `window` (see docs/deliver.md).'),
    message: cel().optional().describe('CEL expression giving the alert text (default the title).'),
    threshold: thresholdSchema.optional(),
    dedupKey: cel().optional().describe('CEL expression: alerts with the same key within dedupWindow are one alert with a count (default: the group key).'),
    help: z.string().optional().describe('What to do about it.'),
  })
  .strict()
  .superRefine(checkCel);

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** `monitor.deployWindow`: when deploys are allowed. */
export const deployWindowSchema = z
  .object({
    days: z.array(z.enum(DAYS)).min(1).default(['mon', 'tue', 'wed', 'thu', 'fri']),
    hours: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$/, 'expected HH:MM-HH:MM, e.g. 09:00-17:00')
      .default('09:00-17:00')
      .describe('Allowed time of day, start inclusive, end exclusive.'),
    timezone: z
      .string()
      .default('UTC')
      .superRefine((tz, ctx) => {
        try {
          new Intl.DateTimeFormat('en-US', { timeZone: tz });
        } catch {
          ctx.addIssue({ code: 'custom', message: `unknown time zone ${tz} (use an IANA name such as Europe/Berlin)` });
        }
      }),
  })
  .strict();

/** `monitor:` of pipeguard.yml. */
export const monitorSchema = z
  .object({
    alerts: z.string().default('.pipeguard/alerts.jsonl').describe('Hash-chained log of the alerts raised (exported like the audit log).'),
    state: z.string().default('.pipeguard/monitor-state.json').describe('What the monitor learned: secrets and hosts per step, verified artifacts, where it stopped reading.'),
    builtins: z.boolean().default(true).describe('Use the built-in rules (a rule of yours with the same id replaces one).'),
    disable: z.array(z.string()).default([]).describe('Ids of rules to turn off.'),
    rules: z.array(monitorRuleSchema).default([]),
    deployWindow: deployWindowSchema.optional().describe('When deploys are allowed; without it `deploy-outside-window` never fires.'),
    ciFiles: z
      .array(z.string())
      .default(['.github/workflows/**', '.github/actions/**', '.gitlab-ci.yml', '.gitlab/ci/**', 'Jenkinsfile', '.circleci/**', 'azure-pipelines.yml', 'bitbucket-pipelines.yml', 'pipeguard.yml', 'pipeguard.yaml', '.pipeguard.yml', 'action.yml', '.pipeguardignore'])
      .describe('Globs of files that define the pipeline (what `ci-change-unreviewed` watches).'),
    reviewTrailers: z
      .array(z.string())
      .default(['Reviewed-by', 'Approved-by', 'Reviewed-on'])
      .describe('Commit-message trailers that count as review evidence.'),
    git: z.string().default('.').describe('The repository whose commits run.started events name (relative to the config file).'),
    dedupWindow: durationSchema.default('10m').describe('Repeats of an alert within this time are counted, not raised again.'),
    rateLimit: z
      .object({ count: z.number().int().positive().default(50), window: durationSchema.default('1m') })
      .strict()
      .prefault({})
      .describe('At most `count` alerts per window; the rest become one `monitor-rate-limited` alert with a count.'),
    siem: z.array(siemSchema).optional().describe('Where alerts are delivered (default: audit.siem).'),
  })
  .strict()
  .superRefine((m, ctx) => {
    const seen = new Set<string>();
    m.rules.forEach((r, i) => {
      if (seen.has(r.id)) ctx.addIssue({ code: 'custom', message: `two rules are named ${r.id}`, path: ['rules', i, 'id'] });
      if (r.id === 'monitor-rate-limited') ctx.addIssue({ code: 'custom', message: 'monitor-rate-limited is the rate limit\'s own alert: choose another id', path: ['rules', i, 'id'] });
      seen.add(r.id);
    });
  });

/** Validated `monitor:`. */
export type MonitorConfig = z.infer<typeof monitorSchema>;
/** Validated rule. */
export type MonitorRuleConfig = z.infer<typeof monitorRuleSchema>;
/** Validated `monitor.deployWindow`. */
export type DeployWindow = z.infer<typeof deployWindowSchema>;
