/**
 * Migration from zizmor: its audit names mapped to pipeguard's pipeline rules, its inline comments
 * (`# zizmor: ignore[audit, audit]`) and its config file's ignores (`rules.<audit>.ignore: [file, file:line,
 * file:line:col]`, `rules.<audit>.disable: true` in `zizmor.yml` or `.github/zizmor.yml`), so findings a team
 * accepted under zizmor stay accepted (shown as suppressed, with the comment or entry as the reason).
 */
import { parseDocument } from 'yaml';

/** zizmor audit → the pipeguard rules that report the same problem. */
export const ZIZMOR_AUDITS: ReadonlyMap<string, readonly string[]> = new Map<string, readonly string[]>([
  ['adhoc-packages', ['gha-adhoc-package-install', 'gha-adhoc-install-from-url']],
  ['agentic-actions', ['gha-agentic-untrusted-trigger', 'gha-agentic-prompt-injection', 'gha-agentic-unrestricted', 'gha-agentic-no-tool-restriction']],
  ['anonymous-definition', ['gha-anonymous-definition']],
  ['archived-uses', ['gha-archived-action']],
  ['artipacked', ['gha-checkout-persist-credentials', 'gha-artifact-credential-leak']],
  ['bot-conditions', ['gha-bot-actor-condition']],
  ['cache-poisoning', ['gha-cache-poisoning']],
  ['concurrency-limits', ['gha-concurrency-limits']],
  ['dangerous-triggers', ['gha-dangerous-trigger', 'gha-pull-request-target-unrestricted']],
  ['dependabot-cooldown', ['gha-dependabot-cooldown']],
  ['dependabot-execution', ['gha-dependabot-insecure-execution']],
  ['forbidden-uses', ['gha-forbidden-uses']],
  ['excessive-permissions', ['gha-missing-permissions', 'gha-write-all-permissions', 'gha-workflow-level-write', 'gha-id-token-write-workflow', 'gha-read-all-permissions']],
  ['github-app', ['gha-github-app-token-scope']],
  ['github-env', ['gha-github-env-write']],
  ['hardcoded-container-credentials', ['gha-hardcoded-container-credentials']],
  ['impostor-commit', ['gha-impostor-commit']],
  ['ref-confusion', ['gha-ref-confusion']],
  ['stale-action-refs', ['gha-stale-action-ref']],
  ['ref-version-mismatch', ['gha-ref-version-mismatch']],
  ['insecure-url-scheme', ['precommit-insecure-url', 'gha-insecure-download-url']],
  // Older names of audits zizmor renamed (an ignore written for them still applies).
  ['insecure-origin', ['precommit-insecure-url']],
  ['unpinned-packages', ['gha-adhoc-package-install']],
  ['hardcoded-credentials', ['gha-hardcoded-container-credentials']],
  ['concurrency-cancel', ['gha-concurrency-limits']],
  ['insecure-commands', ['gha-unsecure-commands']],
  ['known-vulnerable-actions', ['gha-known-vulnerable-action']],
  ['missing-timeout', ['gha-missing-timeout']],
  ['misfeature', ['gha-cmd-shell', 'gha-setup-python-pip-install', 'gha-uncommon-shell']],
  ['obfuscation', ['gha-obfuscated-expression']],
  ['overprovisioned-secrets', ['gha-secrets-tojson']],
  ['secrets-inherit', ['gha-secrets-inherit']],
  ['secrets-outside-env', ['gha-secrets-outside-environment']],
  ['self-repository', ['gha-self-repository']],
  ['self-hosted-runner', ['gha-self-hosted-public-trigger']],
  ['stale-runner', ['gha-stale-runner']],
  ['superfluous-actions', ['gha-superfluous-action']],
  ['template-injection', ['gha-template-injection', 'gha-input-injection', 'gha-step-output-injection', 'gha-env-injection', 'gha-dynamic-value-injection']],
  ['typosquat-uses', ['gha-typosquat-action']],
  ['undocumented-permissions', ['gha-undocumented-permissions']],
  ['unpinned-images', ['gha-unpinned-image', 'gha-mutable-latest-image', 'gha-unpinned-docker-uses']],
  ['unpinned-tools', ['gha-unpinned-tool']],
  ['unpinned-uses', ['gha-unpinned-action', 'gha-unpinned-first-party-action', 'gha-branch-ref-action', 'gha-unpinned-reusable-workflow', 'gha-unpinned-docker-uses']],
  ['unredacted-secrets', ['gha-unredacted-secret']],
  ['unsound-condition', ['gha-always-true-if']],
  ['unsound-contains', ['gha-unsound-contains']],
  ['unsound-ternary', ['gha-unsound-ternary']],
  ['use-trusted-publishing', ['gha-long-lived-publish-token']],
]);

/** The pipeguard rule ids a list of zizmor audit names covers (unknown names cover nothing). */
export function rulesOfAudits(audits: string[]): string[] {
  return audits.flatMap((a) => [...(ZIZMOR_AUDITS.get(a.trim().toLowerCase()) ?? [])]);
}

/** A `# zizmor: ignore[a, b]` comment: the audits it names, or undefined when the comment is none. */
export function zizmorIgnoreComment(comment: string): string[] | undefined {
  const m = /zizmor:\s*ignore\[([^\]]*)\]/i.exec(comment);
  return m ? m[1]!.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
}

/** One ignore entry of zizmor.yml: a file name, optionally a line and column. */
export interface ZizmorIgnore {
  audit: string;
  file: string;
  line?: number;
  column?: number;
  entry: string;
}

/** What a zizmor.yml says: per-audit ignores and disabled audits. */
export interface ZizmorConfig {
  path: string;
  ignores: ZizmorIgnore[];
  disabled: string[];
}

/** True for the paths zizmor reads its config from. */
export function isZizmorConfigPath(path: string): boolean {
  return /^(?:\.github\/)?zizmor\.ya?ml$/.test(path);
}

/** Parses a zizmor.yml; throws an Error naming the problem when it is malformed. */
export function parseZizmorConfig(path: string, text: string): ZizmorConfig {
  const doc = parseDocument(text, { prettyErrors: false });
  if (doc.errors.length) throw new Error(doc.errors[0]!.message.split('\n')[0]!);
  const root = doc.toJS() as unknown;
  const out: ZizmorConfig = { path, ignores: [], disabled: [] };
  if (root === null || root === undefined) return out;
  if (typeof root !== 'object' || Array.isArray(root)) throw new Error('expected a mapping at the top level');
  const rules = (root as Record<string, unknown>).rules;
  if (rules === undefined || rules === null) return out;
  if (typeof rules !== 'object' || Array.isArray(rules)) throw new Error('rules: expected a mapping of audit names');
  for (const [audit, cfg] of Object.entries(rules as Record<string, unknown>)) {
    if (cfg === null || typeof cfg !== 'object' || Array.isArray(cfg)) continue;
    const c = cfg as Record<string, unknown>;
    if (c.disable === true) out.disabled.push(audit);
    if (c.ignore === undefined) continue;
    if (!Array.isArray(c.ignore)) throw new Error(`rules.${audit}.ignore: expected a list of file[:line[:column]] entries`);
    for (const e of c.ignore) {
      const s = String(e);
      const m = /^([^:]+?)(?::(\d+))?(?::(\d+))?$/.exec(s.trim());
      if (!m) throw new Error(`rules.${audit}.ignore: '${s}' is not file[:line[:column]]`);
      out.ignores.push({ audit, file: m[1]!, ...(m[2] ? { line: Number(m[2]) } : {}), ...(m[3] ? { column: Number(m[3]) } : {}), entry: s });
    }
  }
  return out;
}

/** Why zizmor.yml suppresses a finding of `ruleId` at `path:line:column`, or undefined. */
export function zizmorConfigSuppression(cfg: ZizmorConfig | undefined, ruleId: string, path: string, line: number, column: number): string | undefined {
  if (!cfg) return undefined;
  const base = path.slice(path.lastIndexOf('/') + 1);
  for (const audit of cfg.disabled) if (rulesOfAudits([audit]).includes(ruleId)) return `${cfg.path}: rules.${audit}.disable`;
  for (const ig of cfg.ignores) {
    if (!rulesOfAudits([ig.audit]).includes(ruleId)) continue;
    if (ig.file !== base && ig.file !== path) continue;
    if (ig.line !== undefined && ig.line !== line) continue;
    if (ig.column !== undefined && ig.column !== column) continue;
    return `${cfg.path}: rules.${ig.audit}.ignore ${ig.entry}`;
  }
  return undefined;
}
