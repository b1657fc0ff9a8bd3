/**
 * Where CI secrets live and who can reach them: GitHub repository secrets (every workflow on every branch) against
 * environment secrets behind protection rules; GitLab CI/CD variables holding secrets that are not protected or not
 * masked. Only names and flags are read; values never are.
 */
import type { RepoFacts } from '../facts.js';
import { firstFew, fromFact, plural, settingsUrl, type CheckContext, type Hit, type RepoCheck, type RuleResult } from './types.js';

/** Repository vs environment secrets (GitHub); variable protection and masking (GitLab). */
export const secretsCheck: RepoCheck = {
  rules: ['forge-repo-level-secrets', 'forge-environment-unprotected', 'forge-gitlab-variable-unprotected', 'forge-gitlab-variable-unmasked'],
  run(f: RepoFacts, ctx: CheckContext): RuleResult[] {
    if (f.forge === 'gitlab') {
      const secretName = new RegExp(ctx.config.secretNames, 'i');
      return fromFact(f.ciVariables ?? { ok: false, reason: 'not read' }, ['forge-gitlab-variable-unprotected', 'forge-gitlab-variable-unmasked'], (vars) => {
        const hits: Hit[] = [];
        for (const v of vars.filter((x) => secretName.test(x.key))) {
          const where = v.environment === '*' ? '' : ` (environment ${v.environment})`;
          if (!v.protected) hits.push({ ruleId: 'forge-gitlab-variable-unprotected', identity: `variable:${v.key}:${v.environment}`, message: `CI/CD variable ${v.key}${where} is not protected: pipelines of every branch, including unreviewed ones, receive it.`, setting: `variables/${v.key}/protected`, url: settingsUrl(f, 'ci'), data: { variable: v.key } });
          if (!v.masked) hits.push({ ruleId: 'forge-gitlab-variable-unmasked', identity: `variable:${v.key}:${v.environment}`, message: `CI/CD variable ${v.key}${where} is not masked: a job that prints it shows it in the log.`, setting: `variables/${v.key}/masked`, url: settingsUrl(f, 'ci'), data: { variable: v.key } });
        }
        return hits;
      });
    }
    const out: RuleResult[] = [];
    // One finding per repository secret (so a baseline accepts the secrets it knew and a new one shows up).
    out.push(
      ...fromFact(f.repoSecrets, ['forge-repo-level-secrets'], (names) =>
        [...names].sort().map((name) => ({
          ruleId: 'forge-repo-level-secrets',
          identity: `repo-secret:${name}`,
          message: `Repository secret ${name} reaches every workflow on every branch; a deployment credential belongs in an environment with required reviewers.`,
          setting: `actions/secrets/${name}`,
          url: settingsUrl(f, 'secrets'),
          data: { secretName: name },
        })),
      ),
    );
    out.push(
      ...fromFact(f.environments, ['forge-environment-unprotected'], (envs) =>
        envs
          .filter((e) => e.protections.length === 0 && e.secrets.ok && e.secrets.value.length > 0)
          .map((e) => ({
            ruleId: 'forge-environment-unprotected',
            identity: `environment:${e.name}`,
            message: `Environment ${e.name} holds ${plural(e.secrets.ok ? e.secrets.value.length : 0, 'secret')} but has no protection rule (no required reviewers, wait timer or branch policy): any workflow run can deploy with them.`,
            setting: `environments/${e.name}/protection_rules`,
            url: settingsUrl(f, 'environments'),
            data: { environment: e.name },
          })),
      ),
    );
    if (f.environments.ok) {
      const blind = f.environments.value.filter((e) => e.protections.length === 0 && !e.secrets.ok);
      const r = out.find((x) => x.ruleId === 'forge-environment-unprotected')!;
      if (blind.length && !blind[0]!.secrets.ok) r.reason = `secrets of unprotected environment(s) ${firstFew(blind.map((e) => e.name))} not visible: ${blind[0]!.secrets.reason}`;
    }
    return out;
  },
};
