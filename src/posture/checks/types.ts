/** The shape of a posture check: facts in, per-rule results out (hits, or why the rule could not run). */
import type { Severity } from '../../core/types.js';
import type { ForgeConfig } from '../config.js';
import type { Fact, OrgFacts, RepoFacts } from '../facts.js';

/** One problem found. */
export interface Hit {
  ruleId: string;
  /** What makes it the same finding across runs: branch, key id, hook id, login. Never a count or a date. */
  identity: string;
  message: string;
  /** The setting, e.g. `branches/main/required_pull_request_reviews`. */
  setting: string;
  /** The settings page to fix it on. */
  url?: string;
  severity?: Severity;
  data?: Record<string, unknown>;
}

/** What a rule did on one repository: ran (with its hits) or could not run, and why. */
export interface RuleResult {
  ruleId: string;
  ran: boolean;
  /** Why it did not run, or ran only in part (a setting the token could not see on one branch). */
  reason?: string;
  hits: Hit[];
}

/** What checks know besides the facts. */
export interface CheckContext {
  config: ForgeConfig;
  now: Date;
  /**
   * From the offline `posture` scanner run on the same tree: how many workflows declare no `permissions:`.
   * Undefined when the file checks did not run.
   */
  workflowsWithoutPermissions?: number;
  /** Workflow files in the tree (`.github/workflows/*.yml`); undefined when the tree is unknown. */
  workflowCount?: number;
}

/** A family of rules over one repository. */
export interface RepoCheck {
  rules: readonly string[];
  run(f: RepoFacts, ctx: CheckContext): RuleResult[];
}

/** A family of rules over an organisation. */
export interface OrgCheck {
  rules: readonly string[];
  run(f: OrgFacts, ctx: CheckContext): RuleResult[];
}

/** Results for `rules` from one fact: the rules could not run when it is unknown, else `fn` gives the hits. */
export function fromFact<T>(fact: Fact<T>, rules: readonly string[], fn: (v: T) => Hit[]): RuleResult[] {
  if (!fact.ok) return rules.map((ruleId) => ({ ruleId, ran: false, reason: fact.reason, hits: [] }));
  const hits = fn(fact.value);
  return rules.map((ruleId) => ({ ruleId, ran: true, hits: hits.filter((h) => h.ruleId === ruleId) }));
}

/** `n thing` / `n things`. */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/** The first few names, and how many more. */
export function firstFew(names: string[], n = 3): string {
  return names.length <= n ? names.join(', ') : `${names.slice(0, n).join(', ')} and ${names.length - n} more`;
}

/** The settings page of a repository on its forge. */
export function settingsUrl(f: RepoFacts, page: 'branches' | 'access' | 'keys' | 'secrets' | 'environments' | 'actions' | 'security' | 'hooks' | 'ci' | 'merge-requests' | 'members'): string {
  if (f.forge === 'gitlab') {
    const gl: Record<string, string> = { branches: '/-/settings/repository', access: '/-/project_members', members: '/-/project_members', keys: '/-/settings/repository', secrets: '/-/settings/ci_cd', environments: '/-/settings/ci_cd', actions: '/-/settings/ci_cd', ci: '/-/settings/ci_cd', security: '/-/security/configuration', hooks: '/-/hooks', 'merge-requests': '/-/settings/merge_requests' };
    return f.url + gl[page];
  }
  const gh: Record<string, string> = { branches: '/settings/branches', access: '/settings/access', members: '/settings/access', keys: '/settings/keys', secrets: '/settings/secrets/actions', environments: '/settings/environments', actions: '/settings/actions', ci: '/settings/actions', security: '/settings/security_analysis', hooks: '/settings/hooks', 'merge-requests': '/settings' };
  return f.url + gh[page];
}
