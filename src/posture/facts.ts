/**
 * What the posture checks read: a repository's live settings, gathered from GitHub or GitLab into one shape, so each
 * check is written once for both forges. A fact the token could not read is `{ ok: false, reason }`, and the checks
 * that need it become a note ("not checked: the token lacks Administration: read"), never a guess and never a failed
 * run.
 */

/** A fact, or why it could not be read. */
export type Fact<T> = { ok: true; value: T } | { ok: false; reason: string };

/** A fact that was read. */
export function known<T>(value: T): Fact<T> {
  return { ok: true, value };
}

/** A fact that could not be read, and why. */
export function unknown<T>(reason: string): Fact<T> {
  return { ok: false, reason };
}

/** Which forge a repository lives on. */
export type ForgeKind = 'github' | 'gitlab';

/**
 * The rules that apply to one branch, merged from every source (GitHub branch protection and rulesets, GitLab
 * protected branches, approval rules and push rules). `undefined` means the token could not see that setting.
 */
export interface BranchRules {
  branch: string;
  /** Why this branch is checked: the default branch, a release branch. */
  role: 'default' | 'release';
  /** Some protection (classic rule, ruleset, GitLab protected branch) applies. */
  protected: boolean;
  /** Where the rules come from, for messages (`branch protection`, `ruleset "main"`, `protected branch main`). */
  sources: string[];
  /** Approvals required before merge (0 when pull requests are not required). */
  requiredApprovals?: number;
  /** Changes must go through a pull / merge request. */
  pullRequestRequired?: boolean;
  codeOwnerReview?: boolean;
  dismissStaleApprovals?: boolean;
  lastPushApproval?: boolean;
  /** Administrators (or bypass actors) are held to the rules. */
  enforceAdmins?: boolean;
  /** Who may bypass the rules (ruleset bypass actors, GitLab roles allowed to push directly). */
  bypass?: string[];
  /** Required status checks by name; [] when none. */
  statusChecks?: string[];
  /** The branch must be up to date before merge (strict status checks). */
  upToDate?: boolean;
  signedCommits?: boolean;
  linearHistory?: boolean;
  forcePushBlocked?: boolean;
  deletionBlocked?: boolean;
  conversationResolution?: boolean;
}

/** A person or team with access to the repository. */
export interface Collaborator {
  login: string;
  /** The highest role: admin, maintain, write, triage, read (GitLab: owner, maintainer, developer, reporter, guest). */
  role: string;
}

/** A deploy key. */
export interface DeployKey {
  id: string;
  title: string;
  readOnly: boolean;
  createdAt?: string;
  lastUsed?: string;
  expiresAt?: string;
}

/** A deployment environment and what guards it. */
export interface Environment {
  name: string;
  /** Required reviewers, wait timers, branch policies. Empty when nothing guards it. */
  protections: string[];
  secrets: Fact<string[]>;
}

/** A webhook, with its URL cut to scheme and host (a hook URL often holds a token in its path). */
export interface Webhook {
  id: string;
  /** `https://hooks.example.com` — never the path or query. */
  target: string;
  https: boolean;
  /** A secret signs the deliveries; undefined when the forge does not say (GitLab). */
  secret?: boolean;
  /** TLS certificates are verified. */
  tlsVerified: boolean;
  active: boolean;
}

/** One merged pull / merge request and its review. */
export interface MergedChange {
  number: number;
  url: string;
  author: string;
  authorIsBot: boolean;
  mergedAt: string;
  /** Approvals by someone other than the author, before the merge. */
  approvers: string[];
  /** What ran on the pull request's last commit (GitHub check suites and commit statuses), when the forge said. */
  ci?: { checks: { app: string; status: string; conclusion: string | null }[]; statuses: { context: string; state: string }[] };
}

/** A CI/CD variable (GitLab), without its value. */
export interface CiVariable {
  key: string;
  protected: boolean;
  masked: boolean;
  environment: string;
}

/** A CI runner available to the project (GitLab). */
export interface Runner {
  id: string;
  description: string;
  /** instance (shared), group or project. */
  scope: 'instance' | 'group' | 'project';
  /** Runs jobs of unprotected branches too. */
  unprotected?: boolean;
  runUntagged?: boolean;
  online?: boolean;
}

/** A file of the default branch's tree. */
export interface TreeFile {
  path: string;
  /** Blob id, used to fetch the content once and cache it for good. */
  sha: string;
  size: number;
}

/** Actions settings (GitHub). */
export interface ActionsSettings {
  enabled: boolean;
  /** all, local_only, selected. */
  allowedActions?: string;
  /** The default GITHUB_TOKEN may write. */
  defaultTokenWrite: Fact<boolean>;
  /** Workflows may approve pull requests. */
  canApprovePullRequests: Fact<boolean>;
  /** What workflows triggered by pull requests from forks may do. */
  forkPolicy: Fact<ForkPolicy>;
}

/**
 * GitHub's fork pull-request settings. Public repositories: whose workflow runs need a maintainer's approval
 * (`first_time_contributors_new_to_github`, `first_time_contributors`, `all_external_contributors`). Private ones:
 * whether fork pull requests run workflows at all, and with write tokens, secrets or an approval.
 */
export type ForkPolicy =
  | { visibility: 'public'; approval: string }
  | { visibility: 'private'; runs: boolean; writeTokens: boolean; secrets: boolean; approvalRequired: boolean };

/** Everything the checks read about one repository. */
export interface RepoFacts {
  forge: ForgeKind;
  /** `github.com/acme/api`: host and full name, the repository's identity in findings. */
  repository: string;
  /** `acme/api`. */
  slug: string;
  /** The repository's web page. */
  url: string;
  owner: string;
  defaultBranch: string;
  visibility: 'public' | 'private' | 'internal';
  archived: boolean;
  /** Commit id of the default branch's head, when read. */
  headSha?: string;
  branches: Fact<BranchRules[]>;
  /** The tree of the default branch (paths, blob ids, sizes); `truncated` when the forge cut it. */
  tree: Fact<{ files: TreeFile[]; truncated: boolean }>;
  /** CODEOWNERS errors the forge reports (unknown owners, bad patterns). */
  codeownersErrors: Fact<{ line: number; path: string; message: string }[]>;
  admins: Fact<Collaborator[]>;
  outsideCollaborators: Fact<Collaborator[]>;
  deployKeys: Fact<DeployKey[]>;
  /** Repository-level CI secrets (names only). */
  repoSecrets: Fact<string[]>;
  environments: Fact<Environment[]>;
  actions: Fact<ActionsSettings>;
  secretScanning: Fact<boolean>;
  pushProtection: Fact<boolean>;
  /** Dependabot (GitHub) vulnerability alerts. */
  dependencyAlerts: Fact<boolean>;
  webhooks: Fact<Webhook[]>;
  /** The last merged pull / merge requests, newest first. */
  mergedChanges: Fact<MergedChange[]>;
  /** The last releases (at most 5) and their asset names. */
  releases: Fact<{ tag: string; assets: string[] }[]>;
  /** SPDX id of the detected licence, `NOASSERTION` for an unrecognised one, null for none. */
  license: Fact<string | null>;
  /** Where a security policy was found outside the repository (the owner's `.github` repository), if anywhere. */
  inheritedSecurityPolicy: Fact<{ path: string; text: string } | null>;
  /** Activity of the last 90 days (Scorecard's Maintained): commits on the default branch (counted up to 100) and issues a maintainer opened or updated (up to 100), and how long ago the repository was created. */
  activity?: Fact<{ commits: number; issues: number; createdDaysAgo?: number }>;
  /** GitHub: the top contributors (one page) with their commit counts, and for those with at least 5, their organisations and company (Scorecard's Contributors). */
  contributors?: Fact<{ login: string; contributions: number; orgs?: string[]; company?: string }[]>;
  /** The OpenSSF Best Practices badge of the repository (`in_progress`, `passing`, `silver`, `gold`), null when it has no entry. */
  bestPractices?: Fact<string | null>;
  /** GitLab: CI/CD variables without values. */
  ciVariables?: Fact<CiVariable[]>;
  /** GitLab: runners the project's jobs can use. */
  runners?: Fact<Runner[]>;
  /** GitLab: the author of a merge request may approve it. */
  authorCanApprove?: Fact<boolean>;
}

/** Organisation-wide settings, read once for `--org`. */
export interface OrgFacts {
  forge: ForgeKind;
  /** `github.com/acme` or `gitlab.com/group`. */
  organisation: string;
  url: string;
  twoFactorRequired: Fact<boolean>;
  /** GitHub: the base permission of members on every repository (none, read, write, admin). */
  basePermission?: Fact<string>;
  /** Owners / administrators of the organisation or group. */
  admins: Fact<string[]>;
}
