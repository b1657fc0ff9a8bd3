/** Security features the forge offers: secret scanning, push protection, dependency vulnerability alerts. */
import type { RepoFacts } from '../facts.js';
import { forgeRule } from '../rules.js';
import { fromFact, settingsUrl, type RepoCheck, type RuleResult } from './types.js';

/** Secret scanning, push protection, Dependabot alerts. */
export const featuresCheck: RepoCheck = {
  rules: ['forge-secret-scanning-off', 'forge-push-protection-off', 'forge-dependency-alerts-off'],
  run(f: RepoFacts): RuleResult[] {
    const url = settingsUrl(f, 'security');
    const one = (ruleId: string, on: typeof f.secretScanning, message: string, setting: string): RuleResult[] =>
      forgeRule(ruleId).forges.includes(f.forge) ? fromFact(on, [ruleId], (yes) => (yes ? [] : [{ ruleId, identity: setting, message, setting, url }])) : [];
    return [
      ...one('forge-secret-scanning-off', f.secretScanning, 'Secret scanning is off: leaked credentials in the repository raise no alert.', 'security_and_analysis/secret_scanning'),
      ...one('forge-push-protection-off', f.pushProtection, 'Secret push protection is off: a push holding a known credential format is not blocked.', 'security_and_analysis/secret_scanning_push_protection'),
      ...one('forge-dependency-alerts-off', f.dependencyAlerts, 'Dependabot alerts are off: known vulnerabilities in dependencies raise no alert.', 'vulnerability-alerts'),
    ];
  },
};
