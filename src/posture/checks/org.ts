/** Organisation / group settings for `--org`: two-factor authentication, members' base permission. */
import type { OrgFacts } from '../facts.js';
import { fromFact, type OrgCheck, type RuleResult } from './types.js';

/** Organisation-wide checks. */
export const orgCheck: OrgCheck = {
  rules: ['forge-org-2fa-not-required', 'forge-org-base-permission-write'],
  run(o: OrgFacts): RuleResult[] {
    const settings = o.forge === 'gitlab' ? `${o.url.replace(/\/$/, '')}/-/edit` : `${o.url.replace(/\/$/, '')}/settings`.replace('://github.com/', '://github.com/organizations/');
    const out = fromFact(o.twoFactorRequired, ['forge-org-2fa-not-required'], (yes) =>
      yes ? [] : [{ ruleId: 'forge-org-2fa-not-required', identity: 'org/2fa', message: `${o.organisation} does not require two-factor authentication of its members.`, setting: 'two_factor_requirement_enabled', url: settings }],
    );
    if (o.forge === 'github' && o.basePermission) {
      out.push(
        ...fromFact(o.basePermission, ['forge-org-base-permission-write'], (p) =>
          p === 'write' || p === 'admin' ? [{ ruleId: 'forge-org-base-permission-write', identity: 'org/base-permission', message: `Every member of ${o.organisation} has ${p} access to every repository (base permission).`, setting: 'default_repository_permission', url: settings }] : [],
        ),
      );
    }
    return out;
  },
};
