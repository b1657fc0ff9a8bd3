/** Webhooks: deliveries without a secret (unverifiable), or over plain HTTP / without TLS verification. */
import type { RepoFacts } from '../facts.js';
import { fromFact, settingsUrl, type Hit, type RepoCheck, type RuleResult } from './types.js';

/** Webhook secret and transport. URLs are shown as scheme and host only. */
export const webhooksCheck: RepoCheck = {
  rules: ['forge-webhook-no-secret', 'forge-webhook-insecure'],
  run(f: RepoFacts): RuleResult[] {
    const rules = f.forge === 'github' ? ['forge-webhook-no-secret', 'forge-webhook-insecure'] : ['forge-webhook-insecure'];
    return fromFact(f.webhooks, rules, (hooks) => {
      const hits: Hit[] = [];
      for (const h of hooks.filter((x) => x.active)) {
        const base = { identity: `hook:${h.id}`, url: settingsUrl(f, 'hooks'), data: { hook: h.id, target: h.target } };
        if (f.forge === 'github' && h.secret === false) hits.push({ ...base, ruleId: 'forge-webhook-no-secret', message: `Webhook ${h.id} to ${h.target} has no secret: its receiver cannot tell a forged delivery from a real one.`, setting: `hooks/${h.id}/config/secret` });
        if (!h.https) hits.push({ ...base, ruleId: 'forge-webhook-insecure', message: `Webhook ${h.id} delivers to ${h.target} over plain HTTP.`, setting: `hooks/${h.id}/config/url` });
        else if (!h.tlsVerified) hits.push({ ...base, ruleId: 'forge-webhook-insecure', message: `Webhook ${h.id} to ${h.target} does not verify the TLS certificate.`, setting: `hooks/${h.id}/config/insecure_ssl` });
      }
      return hits;
    });
  },
};
