/**
 * Who can change the repository: administrators, outside collaborators with write access, deploy keys with write
 * access or past their age, GitLab authors approving their own merge requests, and CODEOWNERS errors (owners who
 * cannot be asked for a review).
 */
import type { RepoFacts } from '../facts.js';
import { firstFew, fromFact, plural, settingsUrl, type CheckContext, type Hit, type RepoCheck, type RuleResult } from './types.js';

const DAY = 86_400_000;

/** Administrators, outside collaborators, deploy keys, self-approval, CODEOWNERS errors. */
export const accessCheck: RepoCheck = {
  rules: ['forge-too-many-admins', 'forge-outside-collaborator-privileged', 'forge-deploy-key-write', 'forge-deploy-key-stale', 'forge-author-can-approve', 'forge-codeowners-errors'],
  run(f: RepoFacts, ctx: CheckContext): RuleResult[] {
    const out: RuleResult[] = [];
    out.push(
      ...fromFact(f.admins, ['forge-too-many-admins'], (admins) =>
        admins.length > ctx.config.maxAdmins
          ? [
              {
                ruleId: 'forge-too-many-admins',
                identity: 'admins',
                message: `${plural(admins.length, f.forge === 'gitlab' ? 'owner or maintainer' : 'administrator', f.forge === 'gitlab' ? 'owners and maintainers' : 'administrators')} (${firstFew(admins.map((a) => a.login))}), more than the ${ctx.config.maxAdmins} allowed by forge.maxAdmins.`,
                setting: 'collaborators?permission=admin',
                url: settingsUrl(f, 'access'),
                data: { count: admins.length, max: ctx.config.maxAdmins },
              },
            ]
          : [],
      ),
    );
    out.push(
      ...fromFact(f.outsideCollaborators, ['forge-outside-collaborator-privileged'], (people) =>
        people
          .filter((p) => ['admin', 'maintain', 'write', 'owner', 'maintainer', 'developer'].includes(p.role))
          .map(
            (p): Hit => ({
              ruleId: 'forge-outside-collaborator-privileged',
              identity: `collaborator:${p.login}`,
              message: `${f.forge === 'gitlab' ? 'Direct member from outside the group' : 'Outside collaborator'} ${p.login} has ${p.role} access.`,
              setting: `collaborators/${p.login}`,
              url: settingsUrl(f, 'access'),
              severity: ['admin', 'maintain', 'owner', 'maintainer'].includes(p.role) ? 'high' : 'medium',
              data: { login: p.login, role: p.role },
            }),
          ),
      ),
    );
    out.push(
      ...fromFact(f.deployKeys, ['forge-deploy-key-write', 'forge-deploy-key-stale'], (keys) => {
        const hits: Hit[] = [];
        for (const k of keys) {
          if (!k.readOnly) hits.push({ ruleId: 'forge-deploy-key-write', identity: `deploy-key:${k.id}`, message: `Deploy key "${k.title}" can push to the repository.`, setting: `keys/${k.id}/read_only`, url: settingsUrl(f, 'keys'), data: { key: k.id, title: k.title } });
          const created = k.createdAt ? Date.parse(k.createdAt) : NaN;
          const days = Math.floor((ctx.now.getTime() - created) / DAY);
          const expired = k.expiresAt ? Date.parse(k.expiresAt) <= ctx.now.getTime() : false;
          if (Number.isFinite(created) && days > ctx.config.deployKeyMaxAgeDays && !expired) {
            hits.push({ ruleId: 'forge-deploy-key-stale', identity: `deploy-key:${k.id}`, message: `Deploy key "${k.title}" is ${days} days old (more than ${ctx.config.deployKeyMaxAgeDays})${k.lastUsed ? `, last used ${k.lastUsed.slice(0, 10)}` : ''}.`, setting: `keys/${k.id}`, url: settingsUrl(f, 'keys'), data: { key: k.id, title: k.title, ageDays: days } });
          }
        }
        return hits;
      }),
    );
    if (f.forge === 'gitlab' && f.authorCanApprove) {
      out.push(
        ...fromFact(f.authorCanApprove, ['forge-author-can-approve'], (yes) =>
          yes ? [{ ruleId: 'forge-author-can-approve', identity: 'merge-requests', message: 'Authors may approve their own merge requests, so one person can satisfy the approval rule alone.', setting: 'approvals/merge_requests_author_approval', url: settingsUrl(f, 'merge-requests') }] : [],
        ),
      );
    }
    if (f.forge === 'github') {
      out.push(
        ...fromFact(f.codeownersErrors, ['forge-codeowners-errors'], (errs) =>
          errs.length
            ? [
                {
                  ruleId: 'forge-codeowners-errors',
                  identity: 'codeowners',
                  message: `GitHub reports ${plural(errs.length, 'error')} in ${errs[0]!.path}, first on line ${errs[0]!.line}: ${errs[0]!.message}`,
                  setting: `codeowners/${errs[0]!.path}`,
                  url: `${f.url}/blob/${f.defaultBranch}/${errs[0]!.path}`,
                  data: { errors: errs.slice(0, 20) },
                },
              ]
            : [],
        ),
      );
    }
    return out;
  },
};
