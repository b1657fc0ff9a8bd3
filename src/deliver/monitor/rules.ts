import { compileCondition, compileExpression, type Condition, type Expression } from '../../core/cel.js';
import type { RuleMeta, Severity } from '../../core/types.js';
import { durationMs } from '../config.js';
import { monitorRuleSchema, type MonitorConfig, type MonitorRuleConfig } from './config.js';

/** The scanner id monitor findings carry. */
export const MONITOR_SCANNER = 'monitor';

/** The rule id of the alert that stands for alerts held back by the rate limit. */
export const RATE_LIMITED = 'monitor-rate-limited';

/**
 * The built-in rules, as data in the same shape users write under `monitor.rules` (a rule of theirs with the same
 * id replaces one of these). Conditions read the bindings the monitor computes for each event: `event`, `step`,
 * `commit`, `artifact`, `clock` and `window` (docs/deliver.md lists their fields).
 */
export const BUILTIN_RULES: readonly MonitorRuleConfig[] = [
  {
    id: 'ci-change-unreviewed',
    title: 'CI definition changed without review',
    severity: 'high',
    when: "event.type == 'run.started' && commit.known && size(commit.ciFiles) > 0 && !commit.reviewed",
    message: "'commit ' + commit.sha.substring(0, 12) + ' changes ' + commit.ciFiles.join(', ') + ' with no review evidence (not a merge, no Reviewed-by/Approved-by trailer)'",
    dedupKey: 'commit.sha',
    help: 'A change to the pipeline definition (workflows, pipeguard.yml) reached a run without a merged, reviewed change: check who made it and why; require pull requests for these paths.',
  },
  {
    id: 'gate-overridden',
    title: 'Security gate overridden',
    severity: 'high',
    when: "event.type == 'override'",
    message: "'gate ' + string(event.data.gate) + ' overridden by ' + string(event.data.by) + ': ' + string(event.data.reason)",
    dedupKey: "string(event.data.gate) + '|' + string(event.data.reason)",
    help: 'Someone let a failing gate through. Check the reason and that the finding is tracked.',
  },
  {
    id: 'suppression-added',
    title: 'Suppression added',
    severity: 'medium',
    when: "event.type == 'run.started' && commit.known && size(commit.suppressionsAdded) > 0",
    message: "'commit ' + commit.sha.substring(0, 12) + ' adds suppressions: ' + commit.suppressionsAdded.join('; ')",
    dedupKey: 'commit.sha',
    help: 'A finding was silenced (config suppression, ignore-file line, inline ignore comment). Check it was reviewed.',
  },
  {
    id: 'secret-first-read',
    title: 'Secret read by a step for the first time',
    severity: 'high',
    when: "event.type == 'secret.access' && step.known && step.newSecret",
    message: "'step ' + step.key + ' read secret ' + string(event.data.name) + ' for the first time'",
    dedupKey: "step.key + '|' + string(event.data.name)",
    help: 'A step that had run before without this secret now reads it: check the pipeline change that gave it.',
  },
  {
    id: 'deploy-outside-window',
    title: 'Deploy outside the allowed window',
    severity: 'high',
    when: "event.type == 'deploy.started' && window.configured && !(clock.day in window.days && clock.minutes >= window.start && clock.minutes < window.end)",
    message: "'deploy ' + string(event.data.deployId) + ' of ' + string(event.data.service) + ' started ' + clock.text + ', outside ' + window.text",
    dedupKey: 'string(event.data.deployId)',
    help: 'Deploys are allowed only in monitor.deployWindow: check who deployed and why.',
  },
  {
    id: 'auth-failures',
    title: 'Repeated authentication failures',
    severity: 'high',
    when: "event.type == 'auth.failure' || (event.type == 'http.request' && has(event.data.status) && event.data.status in [401, 403])",
    threshold: { count: 10, window: '5m', groupBy: "has(event.data.ip) ? string(event.data.ip) : (has(event.data.user) ? string(event.data.user) : 'unknown')" },
    message: "'repeated authentication failures from ' + group",
    help: 'Many failed logins from one address or for one user in a short time: a password-guessing or token-stuffing attempt. Block the address or lock the account.',
  },
  {
    id: 'new-outbound-host',
    title: 'Build step contacted a new host',
    severity: 'medium',
    when: 'has(event.data.hosts) && step.known && size(step.newHosts) > 0',
    message: "'step ' + step.key + ' contacted ' + step.newHosts.join(', ') + ' for the first time'",
    dedupKey: "step.key + '|' + step.newHosts.join(',')",
    help: 'A build step reached a host it never reached before: a new dependency source, or exfiltration. Check the change.',
  },
  {
    id: 'unsigned-artifact-deployed',
    title: 'Unsigned artifact reached deploy',
    severity: 'critical',
    when: "(event.type == 'deploy.promoted' || (event.type == 'deploy.shift' && has(event.data.weight) && event.data.weight > 0)) && !artifact.verified",
    message: "'deploy ' + artifact.deployId + ' sent traffic to ' + (artifact.named ? artifact.ref + (artifact.digest != '' ? ' (' + artifact.digest + ')' : '') + ', whose signature was not verified' : 'a candidate that names no artifact, so no verified signature')",
    dedupKey: 'artifact.deployId',
    help: 'Only artifacts whose signature was verified may receive traffic: the deploy\'s artifact gate (deploy.artifact with a verified signature) or an artifact.verified event for the same digest. Set deploy.artifact with require: [signed].',
  },
].map((r) => monitorRuleSchema.parse(r));

/** A rule ready to run. */
export interface CompiledRule {
  id: string;
  title: string;
  severity: Severity;
  help: string;
  when: Condition;
  message?: Expression;
  dedupKey?: Expression;
  threshold?: { count: number; windowMs: number; groupBy?: Expression };
  builtin: boolean;
}

/** The rules of the config: the built-ins (unless off), replaced or added to by the user's, less `disable`. */
export function loadRules(m: MonitorConfig): CompiledRule[] {
  const byId = new Map<string, { r: MonitorRuleConfig; builtin: boolean }>();
  if (m.builtins) for (const r of BUILTIN_RULES) byId.set(r.id, { r, builtin: true });
  for (const r of m.rules) byId.set(r.id, { r, builtin: false });
  for (const id of m.disable) byId.delete(id);
  return [...byId.values()].map(({ r, builtin }) => ({
    id: r.id,
    title: r.title ?? r.id,
    severity: r.severity,
    help: r.help ?? r.title ?? r.id,
    when: compileCondition(r.when),
    ...(r.message ? { message: compileExpression(r.message) } : {}),
    ...(r.dedupKey ? { dedupKey: compileExpression(r.dedupKey) } : {}),
    ...(r.threshold
      ? { threshold: { count: r.threshold.count, windowMs: durationMs(r.threshold.window), ...(r.threshold.groupBy ? { groupBy: compileExpression(r.threshold.groupBy) } : {}) } }
      : {}),
    builtin,
  }));
}

/** Rule metadata for reports (SARIF rules[], `pipeguard rules`). */
export function monitorRuleMeta(rules: readonly CompiledRule[]): RuleMeta[] {
  const meta: RuleMeta[] = rules.map((r) => ({ id: r.id, scanner: MONITOR_SCANNER, title: r.title, help: r.help, severity: r.severity, tags: ['monitor'] }));
  meta.push({ id: RATE_LIMITED, scanner: MONITOR_SCANNER, title: 'Alerts held back by the rate limit', help: 'More alerts than monitor.rateLimit allows: they are counted in this one. Look at the alerts log and the events.', severity: 'high', tags: ['monitor'] });
  return meta.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
