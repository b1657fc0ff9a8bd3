/**
 * The least a token needs for each fact the posture checks read, as data: the README and docs/posture.md list it,
 * and a note names it when a token lacks it. A fine-grained GitHub token with read-only repository permissions is
 * enough for every repository check; nothing here writes.
 */

/** What one fact needs on each forge. */
export interface ScopeNeed {
  /** The fact (a key of RepoFacts / OrgFacts). */
  fact: string;
  /** What it is, for the docs. */
  what: string;
  /** Fine-grained GitHub token permission (read-only). */
  githubFineGrained?: string;
  /** Classic GitHub token: scope, and the role the user needs. */
  githubClassic?: string;
  /** GitLab token scope and the role the user needs in the project or group. */
  gitlab?: string;
}

/** Every fact, in the order the docs list them. */
export const SCOPE_NEEDS: readonly ScopeNeed[] = [
  { fact: 'repository', what: 'repository metadata, branches, tree and file contents', githubFineGrained: 'Metadata: read, Contents: read', githubClassic: '`public_repo` (public) or `repo` (private)', gitlab: '`read_api`, Reporter' },
  { fact: 'branches', what: 'branch protection and rulesets', githubFineGrained: 'Administration: read (rulesets need only Metadata: read)', githubClassic: '`repo`, admin on the repository', gitlab: '`read_api`, Maintainer (approval rules: Premium)' },
  { fact: 'codeownersErrors', what: 'CODEOWNERS errors', githubFineGrained: 'Contents: read', githubClassic: '`repo`' },
  { fact: 'admins', what: 'administrators', githubFineGrained: 'Metadata: read (the user needs push access)', githubClassic: '`repo`, push access', gitlab: '`read_api`, Reporter' },
  { fact: 'outsideCollaborators', what: 'outside collaborators / external members', githubFineGrained: 'Metadata: read (the user needs push access)', githubClassic: '`repo`, push access', gitlab: '`read_api`, Reporter' },
  { fact: 'deployKeys', what: 'deploy keys', githubFineGrained: 'Administration: read', githubClassic: '`repo`, admin on the repository', gitlab: '`read_api`, Maintainer' },
  { fact: 'repoSecrets', what: 'repository secrets (names only)', githubFineGrained: 'Secrets: read', githubClassic: '`repo`, admin on the repository' },
  { fact: 'environments', what: 'environments, their protection rules and secrets (names only)', githubFineGrained: 'Actions: read, Environments: read, Secrets: read', githubClassic: '`repo`' },
  { fact: 'actions', what: 'Actions settings: default token permissions, PR approval by workflows, allowed actions, fork PR policy', githubFineGrained: 'Administration: read', githubClassic: '`repo`, admin on the repository' },
  { fact: 'secretScanning', what: 'secret scanning and push protection', githubFineGrained: 'Administration: read (the `security_and_analysis` block is shown to admins)', githubClassic: '`repo`, admin on the repository', gitlab: '`read_api`, Maintainer (Ultimate)' },
  { fact: 'dependencyAlerts', what: 'Dependabot alerts enabled', githubFineGrained: 'Administration: read', githubClassic: '`repo`, admin on the repository' },
  { fact: 'webhooks', what: 'webhooks (URL host, secret set, TLS verification)', githubFineGrained: 'Webhooks: read', githubClassic: '`read:repo_hook`, admin on the repository', gitlab: '`read_api`, Maintainer' },
  { fact: 'mergedChanges', what: 'merged pull / merge requests and their approvals', githubFineGrained: 'Pull requests: read (GraphQL needs a token; without one REST is used)', githubClassic: '`repo` (private)', gitlab: '`read_api`, Reporter' },
  { fact: 'releases', what: 'releases and their assets (Signed-Releases)', githubFineGrained: 'Contents: read', githubClassic: '`repo` (private)', gitlab: '`read_api`, Reporter' },
  { fact: 'activity', what: 'commits and issues of the last 90 days (Maintained)', githubFineGrained: 'Contents: read, Issues: read', githubClassic: '`repo` (private)', gitlab: '`read_api`, Reporter' },
  { fact: 'ciVariables', what: 'CI/CD variables (keys and flags; values are dropped before anything is stored)', gitlab: '`read_api`, Maintainer' },
  { fact: 'runners', what: 'runners available to the project', gitlab: '`read_api`, Maintainer' },
  { fact: 'organisation', what: 'organisation / group: 2FA requirement, base permission, owners', githubFineGrained: 'Organization Administration: read, Members: read', githubClassic: '`read:org`, organisation owner', gitlab: '`read_api`, Owner of the group' },
];
