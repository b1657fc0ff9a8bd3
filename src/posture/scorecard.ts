/**
 * OpenSSF Scorecard-compatible scores for the Scorecard checks pipeguard has the data for, with Scorecard's check
 * names, its 0-10 scale (-1 for inconclusive) and its scoring rules (read from Scorecard's docs/checks.md and its
 * evaluation code), so `--format scorecard` can sit beside a Scorecard run. Differences are stated in
 * docs/posture.md: Code-Review samples merged pull requests (not raw commits), Binary-Artifacts goes by file
 * extension, Webhooks scores mixed hooks by the share that has a secret.
 */
import type { BranchRules, MergedChange, RepoFacts } from './facts.js';
import type { FileEvidence, Permissions } from './scorecard-files.js';

/** A Scorecard check result. */
export interface ScorecardCheck {
  name: string;
  /** 0-10, or -1 when inconclusive. */
  score: number;
  reason: string;
  details: string[];
  documentation: { url: string; short: string };
}

/** What scoring needs besides the facts (from the file checks on the same tree). */
export interface ScorecardInputs {
  /** Text of the repository's (or inherited) security policy, null when there is none, undefined when unknown. */
  securityPolicy?: { path: string; text: string } | null;
  /** Binary files the offline posture scanner found, or undefined when the file checks did not run. */
  binaryArtifacts?: string[];
  /** Workflows, Dockerfiles and scripts as read from the tree, or undefined when the file checks did not run. */
  files?: FileEvidence;
  /** For each packaging workflow: whether it has a successful run (GitHub's Actions API), or why that is unknown. */
  publishedRuns?: Map<string, boolean | string>;
}

/** Scorecard's risk of each check we score, which weighs it in the aggregate. */
export const SCORECARD_RISK: Record<string, 'Critical' | 'High' | 'Medium' | 'Low'> = {
  'Binary-Artifacts': 'High',
  'Branch-Protection': 'High',
  'CI-Tests': 'Low',
  'CII-Best-Practices': 'Low',
  Contributors: 'Low',
  'Code-Review': 'High',
  'Dangerous-Workflow': 'Critical',
  'Dependency-Update-Tool': 'High',
  Fuzzing: 'Medium',
  Packaging: 'Medium',
  License: 'Low',
  SAST: 'Medium',
  Maintained: 'High',
  'Pinned-Dependencies': 'Medium',
  'Token-Permissions': 'High',
  Vulnerabilities: 'High',
  'Security-Policy': 'Medium',
  'Signed-Releases': 'High',
  Webhooks: 'Critical',
};

const WEIGHT = { Critical: 10, High: 7.5, Medium: 5, Low: 2.5 } as const;

const SHORT: Record<string, string> = {
  'Binary-Artifacts': 'Determines if the project has generated executable (binary) artifacts in the source repository.',
  'Branch-Protection': "Determines if the default and release branches are protected with GitHub's branch protection settings.",
  'CI-Tests': 'Determines if the project runs tests before pull requests are merged.',
  SAST: 'Determines if the project uses static code analysis.',
  'CII-Best-Practices': 'Determines if the project has an OpenSSF (formerly CII) Best Practices Badge.',
  Contributors: 'Determines if the project has a set of contributors from multiple organizations (e.g., companies).',
  Fuzzing: 'Determines if the project uses fuzzing.',
  Packaging: 'Determines if the project is published as a package that others can easily download, install, easily update, and uninstall.',
  'Code-Review': 'Determines if the project requires human code review before pull requests (aka merge requests) are merged.',
  'Dangerous-Workflow': "Determines if the project's GitHub Action workflows avoid dangerous patterns.",
  Maintained: 'Determines if the project is "actively maintained".',
  'Pinned-Dependencies': 'Determines if the project has declared and pinned the dependencies of its build process.',
  'Token-Permissions': "Determines if the project's workflows follow the principle of least privilege.",
  Vulnerabilities: 'Determines if the project has open, known unfixed vulnerabilities.',
  'Dependency-Update-Tool': 'Determines if the project uses a dependency update tool.',
  License: 'Determines if the project has defined a license.',
  'Security-Policy': 'Determines if the project has published a security policy.',
  'Signed-Releases': 'Determines if the project cryptographically signs release artifacts.',
  Webhooks: 'Determines if the webhook defined in the repository has a token configured to authenticate the origins of requests.',
};

/** Every Scorecard check we can score for this repository, by name. */
export function scorecardChecks(f: RepoFacts, inputs: ScorecardInputs): ScorecardCheck[] {
  const out: ScorecardCheck[] = [
    branchProtection(f),
    codeReview(f),
    dependencyUpdateTool(f),
    license(f),
    securityPolicy(inputs.securityPolicy),
    signedReleases(f),
    binaryArtifacts(inputs.binaryArtifacts),
    maintained(f),
    pinnedDependencies(inputs.files),
    vulnerabilities(inputs.files),
    fuzzing(inputs.files),
    bestPractices(f),
  ];
  if (f.forge === 'github') out.push(webhooks(f), tokenPermissions(inputs.files), dangerousWorkflow(inputs.files), ciTests(f), sast(f, inputs.files), packaging(inputs.files, inputs.publishedRuns), contributors(f, inputs.files));
  return out.sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** Scorecard's aggregate: the risk-weighted mean of the conclusive checks, one decimal; -1 when none is. */
export function aggregateScore(checks: ScorecardCheck[]): number {
  let total = 0;
  let sum = 0;
  for (const c of checks) {
    if (c.score < 0) continue;
    const w = WEIGHT[SCORECARD_RISK[c.name] ?? 'Low'];
    total += w;
    sum += w * c.score;
  }
  return total === 0 ? -1 : Math.round((sum / total) * 10) / 10;
}

function result(name: string, score: number, reason: string, details: string[] = []): ScorecardCheck {
  return { name, score, reason, details, documentation: { url: `https://github.com/ossf/scorecard/blob/main/docs/checks.md#${name.toLowerCase()}`, short: SHORT[name] ?? name } };
}

interface Tiers {
  basic: [number, number];
  review: [number, number];
  adminReview: [number, number];
  context: [number, number];
  thorough: [number, number];
  adminThorough: [number, number];
}

/** Branch-Protection: Scorecard's five tiers (3, 3, 2, 1, 1 points), each only counted when the one below is full. */
export function branchProtection(f: RepoFacts): ScorecardCheck {
  const name = 'Branch-Protection';
  if (!f.branches.ok) return result(name, -1, `could not be checked: ${f.branches.reason}`);
  const branches = f.branches.value;
  if (!branches.length) return result(name, -1, 'unable to detect any development/release branches');
  const hasCodeowners = f.tree.ok ? f.tree.value.files.some((x) => /^(?:\.github\/|docs\/|\.gitlab\/)?CODEOWNERS$/.test(x.path)) : true;
  const t: Tiers = { basic: [0, 0], review: [0, 0], adminReview: [0, 0], context: [0, 0], thorough: [0, 0], adminThorough: [0, 0] };
  const details: string[] = [];
  const add = (tier: keyof Tiers, ok: boolean | undefined, points = 1, countWhenUnknown = true) => {
    if (ok === undefined && !countWhenUnknown) return;
    t[tier][1] += points;
    if (ok) t[tier][0] += points;
  };
  for (const b of branches) {
    if (!b.protected) details.push(`Warn: branch protection not enabled for branch '${b.branch}'`);
    add('basic', b.protected && b.deletionBlocked === true);
    add('basic', b.protected && b.forcePushBlocked === true);
    add('review', b.protected && (b.requiredApprovals ?? 0) > 0, 2);
    // Settings only an admin token sees count only when seen (as Scorecard does without an admin token).
    add('adminReview', b.protected ? b.upToDate : false, 1, !b.protected || b.upToDate !== undefined);
    add('adminReview', b.protected ? b.lastPushApproval : false, 1, !b.protected || b.lastPushApproval !== undefined);
    add('adminReview', b.protected && b.pullRequestRequired === true);
    add('context', b.protected && (b.statusChecks?.length ?? 0) > 0);
    add('thorough', b.protected && (b.requiredApprovals ?? 0) >= 2);
    add('thorough', b.protected && b.codeOwnerReview === true && hasCodeowners);
    add('adminThorough', b.protected ? b.dismissStaleApprovals : false, 1, !b.protected || b.dismissStaleApprovals !== undefined);
    add('adminThorough', b.protected ? b.enforceAdmins : false, 1, !b.protected || b.enforceAdmins !== undefined);
    if (b.protected) details.push(...branchDetails(b));
  }
  const score = tiered(t);
  const reason = score === 0 ? 'branch protection not enabled on development/release branches' : score === 10 ? 'branch protection is fully enabled on development and all release branches' : 'branch protection is not maximal on development and all release branches';
  return result(name, score, reason, details);
}

function tiered(t: Tiers): number {
  const norm = ([s, m]: [number, number], level: number) => (m === 0 ? level : (s * level) / m);
  let score = norm(t.basic, 3);
  if (t.basic[0] < t.basic[1]) return Math.floor(score);
  const review: [number, number] = [t.review[0] + t.adminReview[0], t.review[1] + t.adminReview[1]];
  score += norm(review, 3);
  if (review[0] < review[1]) return Math.floor(score);
  score += norm(t.context, 2);
  if (t.context[0] < t.context[1]) return Math.floor(score);
  score += norm(t.thorough, 1);
  if (t.thorough[0] < t.thorough[1]) return Math.floor(score);
  score += norm(t.adminThorough, 1);
  return Math.floor(score + 1e-9);
}

function branchDetails(b: BranchRules): string[] {
  const line = (ok: boolean | undefined, yes: string, no: string) => (ok === undefined ? `Debug: unable to tell whether ${yes.toLowerCase()} on branch '${b.branch}'` : ok ? `Info: ${yes} on branch '${b.branch}'` : `Warn: ${no} on branch '${b.branch}'`);
  return [
    line(b.forcePushBlocked, 'force pushes are disabled', "force pushes aren't disabled"),
    line(b.deletionBlocked, 'branch deletion is disabled', "branch deletion isn't disabled"),
    line(b.requiredApprovals === undefined ? undefined : b.requiredApprovals > 0, `number of required reviewers is ${b.requiredApprovals ?? 0}`, `number of required reviewers is only ${b.requiredApprovals ?? 0}`),
    line(b.statusChecks === undefined ? undefined : b.statusChecks.length > 0, 'status check found to merge onto', 'no status checks found to merge onto'),
    line(b.codeOwnerReview, 'codeowner review is required', "codeowners review is not required"),
    line(b.dismissStaleApprovals, 'stale review dismissal enabled', "stale review dismissal disabled"),
    line(b.enforceAdmins, 'settings apply to administrators', "settings do not apply to administrators"),
  ];
}

/** Code-Review: Scorecard's levelled scoring of unreviewed human and bot changes. */
export function codeReview(f: RepoFacts): ScorecardCheck {
  const name = 'Code-Review';
  if (!f.mergedChanges.ok) return result(name, -1, `could not be checked: ${f.mergedChanges.reason}`);
  const changes: MergedChange[] = f.mergedChanges.value;
  if (!changes.length) return result(name, -1, 'no commits found');
  const reviewedHuman = changes.some((c) => !c.authorIsBot && c.approvers.length);
  const reviewedBot = changes.some((c) => c.authorIsBot && c.approvers.length);
  const unHuman = changes.filter((c) => !c.authorIsBot && !c.approvers.length).length;
  const unBot = changes.filter((c) => c.authorIsBot && !c.approvers.length).length;
  const details = changes.filter((c) => !c.approvers.length).map((c) => `Debug: ${c.url} merged without an approval from someone other than ${c.author}`);
  if (reviewedBot && !reviewedHuman) return result(name, -1, `found no human review activity in the last ${changes.length} changesets`, details);
  if (unBot > 0 && unHuman > 0) return result(name, 0, `found unreviewed changesets (${unHuman} human ${unBot} bot)`, details);
  if (unBot > 0) return result(name, 7, `all human changesets reviewed, found ${unBot} unreviewed bot changesets`, details);
  if (unHuman > 0) return result(name, changes.length === 1 || unHuman > 1 ? 0 : 3, `found ${unHuman} unreviewed human changesets`, details);
  return result(name, 10, 'all changesets reviewed', details);
}

const DEP_TOOLS = /^(?:\.github\/dependabot\.ya?ml|\.github\/renovate\.json5?|\.gitlab\/renovate\.json5?|renovate\.json5?|\.renovaterc(?:\.json5?)?|\.pyup\.ya?ml|\.lift\.toml|\.lift\/config\.toml)$/;

/** Dependency-Update-Tool: a Dependabot, Renovate, PyUp or Sonatype Lift config in the tree. */
export function dependencyUpdateTool(f: RepoFacts): ScorecardCheck {
  const name = 'Dependency-Update-Tool';
  if (!f.tree.ok) return result(name, -1, `could not be checked: ${f.tree.reason}`);
  const found = f.tree.value.files.filter((x) => DEP_TOOLS.test(x.path)).map((x) => x.path);
  return found.length ? result(name, 10, 'update tool detected', found.map((p) => `Info: detected update tool: ${p}`)) : result(name, 0, 'no update tool detected', ['Warn: no dependency update tool configurations found']);
}

const LICENSE_FILE = /^(?:LICEN[CS]E|COPYING|COPYRIGHT)(?:[-.][\w.-]*)?$/i;

/** License: found by the forge (with an SPDX id: 10; unrecognised: 9), else a licence file at the top (9) or under LICENSES/ (6). */
export function license(f: RepoFacts): ScorecardCheck {
  const name = 'License';
  if (f.license.ok && f.license.value && f.license.value !== 'NOASSERTION' && f.license.value !== 'OTHER') return result(name, 10, 'license file detected', [`Info: FSF or OSI recognized license: ${f.license.value}`]);
  if (!f.tree.ok) return result(name, -1, `could not be checked: ${f.tree.reason}`);
  const top = f.tree.value.files.find((x) => !x.path.includes('/') && LICENSE_FILE.test(x.path));
  if (top) return result(name, 9, 'license file detected', [`Info: project has a license file: ${top.path}:0`, 'Warn: project license file does not contain an FSF or OSI license.']);
  const dir = f.tree.value.files.find((x) => /^LICENSES\/[^/]+$/.test(x.path));
  if (dir) return result(name, 6, 'license file detected', [`Info: project has a license file: ${dir.path}:0`, 'Warn: project license file is not at the top-level directory']);
  return result(name, 0, 'license file not detected', ['Warn: project does not have a license file']);
}

/** Security-Policy: links (6), free text beyond them (3), vulnerability / disclosure / timeline wording (1). */
export function securityPolicy(p: { path: string; text: string } | null | undefined): ScorecardCheck {
  const name = 'Security-Policy';
  if (p === undefined) return result(name, -1, 'could not be checked: the security policy could not be read');
  if (p === null) return result(name, 0, 'security policy file not detected', ['Warn: no security policy file detected']);
  const text = p.text;
  const urls = text.match(/https?:\/\/[^\s)>\]"']+/gi) ?? [];
  const emails = text.match(/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g) ?? [];
  let score = 0;
  const details = [`Info: security policy file detected: ${p.path}:1`];
  if (urls.length || emails.length) {
    score += 6;
    details.push(`Info: Found linked content: ${p.path}:1`);
  }
  const rest = [...urls, ...emails].reduce((s, l) => s.split(l).join(''), text).replace(/[\s#*_`>\-[\]()|:.!]/g, '');
  if (rest.length > 1) {
    score += 3;
    details.push(`Info: Found text in security policy: ${p.path}:1`);
  }
  const hits = (text.match(/vuln/gi)?.length ?? 0) + (text.match(/disclos/gi)?.length ?? 0) + (text.match(/\b\d+\s+(?:business\s+|working\s+)?(?:days?|hours?|weeks?|months?)\b/gi)?.length ?? 0);
  if (hits >= 2) {
    score += 1;
    details.push(`Info: Found disclosure, vulnerability, and/or timelines in security policy: ${p.path}:1`);
  }
  return result(name, score, 'security policy file detected', details);
}

const SIGNATURE = /\.(?:minisig|asc|sig|sign|sigstore|sigstore\.json)$/i;
const PROVENANCE = /\.intoto\.jsonl$/i;

/** Signed-Releases: the last five releases with assets; provenance everywhere 10, signatures everywhere 8, partial 9·n/N. */
export function signedReleases(f: RepoFacts): ScorecardCheck {
  const name = 'Signed-Releases';
  if (!f.releases.ok) return result(name, -1, `could not be checked: ${f.releases.reason}`);
  const rel = f.releases.value.filter((r) => r.assets.length).slice(0, 5);
  if (!rel.length) return result(name, -1, 'no releases found');
  const prov = rel.filter((r) => r.assets.some((a) => PROVENANCE.test(a)));
  const signed = rel.filter((r) => r.assets.some((a) => PROVENANCE.test(a) || SIGNATURE.test(a)));
  const details = rel.map((r) => (prov.includes(r) ? `Info: provenance for release artifact: ${r.tag}` : signed.includes(r) ? `Info: signed release artifact: ${r.tag}` : `Warn: release artifact ${r.tag} not signed`));
  if (prov.length === rel.length) return result(name, 10, 'all releases have provenance', details);
  if (signed.length === rel.length) return result(name, 8, 'all releases are signed', details);
  if (signed.length) return result(name, Math.floor((9 * signed.length) / rel.length), `${signed.length} out of ${rel.length} releases have signatures or provenance`, details);
  return result(name, 0, `0 out of ${rel.length} artifacts are signed or have provenance`, details);
}

/** Binary-Artifacts: one point off per binary file found. */
export function binaryArtifacts(files: string[] | undefined): ScorecardCheck {
  const name = 'Binary-Artifacts';
  if (files === undefined) return result(name, -1, 'could not be checked: the file checks did not run');
  if (!files.length) return result(name, 10, 'no binaries found in the repo');
  return result(name, Math.max(0, 10 - files.length), `binaries present in source code`, files.map((p) => `Warn: binary detected: ${p}:1`));
}

/** Webhooks: all with a secret 10, none 0, mixed by the share with a secret. */
export function webhooks(f: RepoFacts): ScorecardCheck {
  const name = 'Webhooks';
  if (!f.webhooks.ok) return result(name, -1, `could not be checked: ${f.webhooks.reason}`);
  const hooks = f.webhooks.value;
  if (!hooks.length) return result(name, 10, 'no webhooks defined');
  const without = hooks.filter((h) => h.secret === false);
  const details = without.map((h) => `Warn: Webhook with no secret configured: ${h.target}`);
  if (!without.length) return result(name, 10, `all ${hooks.length} hook(s) have a secret configured`);
  if (without.length === hooks.length) return result(name, 0, `${hooks.length} hook(s) do not have a secret configured`, details);
  return result(name, Math.floor((10 * (hooks.length - without.length)) / hooks.length), `${without.length}/${hooks.length} hook(s) with no secrets configured detected`, details);
}

/** Maintained: archived or created in the last 90 days 0; else commits and maintainers' issue activity in the last 90 days, 12 for 10. */
export function maintained(f: RepoFacts): ScorecardCheck {
  const name = 'Maintained';
  if (f.archived) return result(name, 0, 'project is archived', ['Warn: Repository is archived.']);
  if (!f.activity?.ok) return result(name, -1, `could not be checked: ${f.activity ? f.activity.reason : 'activity not read'}`);
  const a = f.activity.value;
  if (a.createdDaysAgo !== undefined && a.createdDaysAgo < 90) return result(name, 0, 'project was created in last 90 days. please review its contents carefully', [`Warn: Repository was created in the last 90 days.`]);
  const activity = a.commits + a.issues;
  const score = Math.min(10, Math.floor((10 * activity) / 12));
  return result(name, score, `${a.commits} commit(s) and ${a.issues} issue activity found in the last 90 days${score < 10 ? ` -- score normalized to ${score}` : ''}`);
}

const GH_ACTION_WEIGHT = { owned: 2, thirdParty: 8 } as const;
const NORMAL_WEIGHT = 10;

/** Pinned-Dependencies: the share pinned per kind, weighted (GitHub-owned actions 2, third-party 8 within the actions' 10; every other kind 10). */
export function pinnedDependencies(files: FileEvidence | undefined): ScorecardCheck {
  const name = 'Pinned-Dependencies';
  if (!files) return result(name, -1, 'could not be checked: the file checks did not run');
  const details = files.incomplete.map((e) => `Info: Possibly incomplete results: ${e}`);
  const count = new Map<string, { pinned: number; total: number }>();
  for (const d of files.dependencies) {
    const key = d.type === 'GitHubAction' ? (d.githubOwned ? 'GitHub-owned GitHubAction' : 'third-party GitHubAction') : d.type;
    const c = count.get(key) ?? { pinned: 0, total: 0 };
    c.total++;
    if (d.pinned) c.pinned++;
    else details.push(`Warn: ${key} not pinned by hash: ${d.path}:${d.line}: ${d.what}`);
    count.set(key, c);
  }
  if (!count.size) return result(name, -1, 'no dependencies found', details);
  const owned = count.get('GitHub-owned GitHubAction');
  const third = count.get('third-party GitHubAction');
  const groups: { pinned: number; total: number; weight: number }[] = [];
  if (owned && third) groups.push({ ...owned, weight: GH_ACTION_WEIGHT.owned }, { ...third, weight: GH_ACTION_WEIGHT.thirdParty });
  else if (owned ?? third) groups.push({ ...(owned ?? third)!, weight: NORMAL_WEIGHT });
  for (const [k, c] of count) if (!k.endsWith('GitHubAction')) groups.push({ ...c, weight: NORMAL_WEIGHT });
  for (const [k, c] of [...count].sort(([a], [b]) => (a < b ? -1 : 1))) details.push(`Info: ${String(c.pinned).padStart(3)} out of ${String(c.total).padStart(3)} ${k} dependencies pinned`);
  // Scorecard's integer arithmetic: each group adds floor(10 * weight * pinned / total), divided by the weights.
  let ws = 0;
  let wt = 0;
  for (const g of groups) {
    ws += Math.floor((g.pinned * 10 * g.weight) / g.total);
    wt += g.weight;
  }
  const score = Math.min(10, Math.floor(ws / wt));
  return result(name, score, score === 10 ? 'all dependencies are pinned' : `dependency not pinned by hash detected -- score normalized to ${score}`, details);
}

/** Dangerous-Workflow: 0 when a workflow checks out untrusted code in a privileged trigger or injects untrusted text into a script. */
export function dangerousWorkflow(files: FileEvidence | undefined): ScorecardCheck {
  const name = 'Dangerous-Workflow';
  if (!files) return result(name, -1, 'could not be checked: the file checks did not run');
  if (!files.workflows.length) return result(name, -1, 'no workflows found');
  const details = files.dangerous.map((d) => `Warn: ${d.kind === 'untrusted-checkout' ? 'untrusted code checkout' : 'script injection with untrusted input'} '${d.what}': ${d.path}:${d.line}`);
  return files.dangerous.length ? result(name, 0, 'dangerous workflow patterns detected', details) : result(name, 10, 'no dangerous workflow patterns detected');
}

/** Scorecard's deduction for a scope granted `write` at the top of a workflow. */
function scopeCost(scope: string): number {
  if (scope === 'checks' || scope === 'statuses') return 0.5;
  if (scope === 'contents' || scope === 'packages' || scope === 'actions') return 10;
  if (scope === 'deployments' || scope === 'security-events') return 1;
  return 0;
}

const writes = (p: Permissions) => p.kind === 'write-all' || (p.kind === 'scopes' && p.write.length > 0);

/**
 * Token-Permissions, following Scorecard's deductions: undeclared top-level permissions cost 0.5 (everything when a job
 * is undeclared too), `write-all` at the top 0.5 (everything with job writes or undeclared jobs), write scopes at the
 * top by scope (contents/packages/actions everything, deployments/security-events 1, checks/statuses 0.5), job
 * writes 0.5 under undeclared top-level permissions and everything under top-level writes.
 */
export function tokenPermissions(files: FileEvidence | undefined): ScorecardCheck {
  const name = 'Token-Permissions';
  if (!files) return result(name, -1, 'could not be checked: the file checks did not run');
  if (!files.workflows.length) return result(name, -1, 'No tokens found');
  let score = 10;
  const details: string[] = [];
  for (const w of files.workflows) {
    const jobUndeclared = w.jobs.some((j) => j.permissions.kind === 'undeclared');
    const jobWrite = w.jobs.filter((j) => writes(j.permissions));
    if (w.top.kind === 'undeclared') {
      details.push(`Warn: no topLevel permission defined: ${w.path}`);
      score = jobUndeclared ? 0 : score - 0.5;
    } else if (w.top.kind === 'write-all') {
      details.push(`Warn: topLevel 'write-all' permission set: ${w.path}`);
      score = jobUndeclared || jobWrite.length ? 0 : score - 0.5;
    } else if (w.top.kind === 'scopes' && w.top.write.length) {
      for (const s of w.top.write) {
        details.push(`Warn: topLevel '${s}' permission set to 'write': ${w.path}`);
        score -= scopeCost(s);
      }
      if (jobWrite.length) score = 0;
    } else details.push(`Info: topLevel permissions set to '${w.top.kind === 'none' ? 'none' : 'read'}': ${w.path}`);
    for (const j of jobWrite) {
      details.push(`Warn: jobLevel write permission in job '${j.name}': ${w.path}`);
      if (w.top.kind === 'undeclared') score -= 0.5;
    }
  }
  score = Math.max(0, Math.floor(score));
  return result(name, score, score === 10 ? 'GitHub workflow tokens follow principle of least privilege' : `detected GitHub workflow tokens with excessive permissions${score < 10 ? ` -- score normalized to ${score}` : ''}`, details);
}


/** Vulnerabilities: 10 minus one per known vulnerability (aliases merged) in the locked dependencies, at least 0. */
export function vulnerabilities(files: FileEvidence | undefined): ScorecardCheck {
  const name = 'Vulnerabilities';
  const v = files?.vulnerabilities;
  if (!v) return result(name, -1, 'could not be checked: the dependency scan did not run');
  if (!v.ok) return result(name, -1, `could not be checked: ${v.reason}`);
  const details = [...v.advisories.map((a) => `Warn: Project is vulnerable to: ${a.id} (${a.packages.join(', ')})`), ...v.unread.map((e) => `Info: Possibly incomplete results: ${e}`)];
  const score = Math.max(0, 10 - v.advisories.length);
  return result(name, score, `${v.advisories.length} existing vulnerabilities detected`, details);
}

/** Check apps and status contexts Scorecard takes for CI tests. */
const CI_NAMES = ['appveyor', 'buildkite', 'circleci', 'e2e', 'github-actions', 'jenkins', 'mergeable', 'packit-as-a-service', 'semaphoreci', 'test', 'travis-ci'];
const isCi = (name: string) => CI_NAMES.some((n) => name.toLowerCase().includes(n));
/** Check apps Scorecard takes for SAST, and the conclusions that count. */
const SAST_APPS = new Set(['github-advanced-security', 'github-code-scanning', 'lgtm-com', 'sonarcloud', 'sonarqubecloud']);
const PASSED = new Set(['success', 'neutral']);

/** The merged pull requests whose last commit's checks the forge showed, or why they cannot be scored. */
function changesWithCi(f: RepoFacts): { changes: (MergedChange & { ci: NonNullable<MergedChange['ci']> })[] } | { reason: string } {
  if (!f.mergedChanges.ok) return { reason: `could not be checked: ${f.mergedChanges.reason}` };
  const withCi = f.mergedChanges.value.filter((c): c is MergedChange & { ci: NonNullable<MergedChange['ci']> } => c.ci !== undefined);
  if (!f.mergedChanges.value.length) return { reason: 'no pull request found' };
  if (!withCi.length) return { reason: 'could not be checked: the checks of merged pull requests are read through GraphQL, which needs a token' };
  return { changes: withCi };
}

/** CI-Tests: the share of merged pull requests whose last commit passed a CI check or status, 10 for all. */
export function ciTests(f: RepoFacts): ScorecardCheck {
  const name = 'CI-Tests';
  const c = changesWithCi(f);
  if ('reason' in c) return result(name, -1, c.reason);
  const tested = c.changes.filter((x) => x.ci.checks.some((k) => k.status === 'completed' && k.conclusion === 'success' && isCi(k.app)) || x.ci.statuses.some((s) => s.state === 'success' && isCi(s.context)));
  const details = c.changes.filter((x) => !tested.includes(x)).map((x) => `Warn: merged PR ${x.number} without CI test: ${x.url}`);
  const score = Math.floor((10 * tested.length) / c.changes.length);
  return result(name, score, `${tested.length} out of ${c.changes.length} merged PRs checked by a CI test${score < 10 ? ` -- score normalized to ${score}` : ''}`, details);
}

/**
 * SAST, as Scorecard combines its three signals: a Sonar configuration 10; else the share of merged pull requests a
 * SAST app checked (10 for all), weighted 3 to 7 with a SAST workflow (CodeQL, Snyk, Pysa, Qodana, Hadolint) when one
 * exists; with no pull request to look at, a SAST workflow 10, none 0.
 */
export function sast(f: RepoFacts, files: FileEvidence | undefined): ScorecardCheck {
  const name = 'SAST';
  const sonar = files?.sastTools.find((t) => t.tool === 'Sonar');
  if (sonar) return result(name, 10, 'SAST tool detected', [`Info: Sonar configured: ${sonar.path}`]);
  const workflows = files?.sastTools.filter((t) => t.tool !== 'Sonar') ?? [];
  const details = workflows.map((t) => `Info: SAST tool detected: ${t.tool}: ${t.path}`);
  const c = changesWithCi(f);
  const prScore = 'reason' in c ? undefined : Math.floor((10 * c.changes.filter((x) => x.ci.checks.some((k) => k.status === 'completed' && PASSED.has(k.conclusion ?? '') && SAST_APPS.has(k.app))).length) / c.changes.length);
  if (prScore === undefined) {
    if (!files) return result(name, -1, 'could not be checked: the file checks did not run and no merged pull request showed its checks');
    return workflows.length ? result(name, 10, `SAST tool detected: ${workflows[0]!.tool}`, details) : result(name, 0, 'no SAST tool detected', ['Warn: no pull requests merged into dev branch', ...details]);
  }
  if (prScore === 10) return result(name, 10, 'SAST tool is run on all commits', details);
  if (!workflows.length) return result(name, prScore, `SAST tool is not run on all commits -- score normalized to ${prScore}`, details);
  const score = Math.floor((prScore * 3 + 10 * 7) / 10);
  return result(name, score, 'SAST tool detected but not run on all commits', details);
}

/** Fuzzing: 10 when the tree sets up a fuzzer, else 0. OSS-Fuzz and OneFuzz membership is not looked up (offline). */
export function fuzzing(files: FileEvidence | undefined): ScorecardCheck {
  const name = 'Fuzzing';
  if (!files) return result(name, -1, 'could not be checked: the file checks did not run');
  if (files.fuzzing.length) return result(name, 10, `project is fuzzed`, files.fuzzing.map((x) => `Info: ${x.tool} integration found: ${x.path}`));
  return result(name, 0, 'project is not fuzzed', ['Warn: no fuzzer integrations found', 'Debug: OSS-Fuzz and OneFuzz project lists were not consulted (pipeguard reads the repository only)']);
}

/** Packaging (GitHub): 10 when a workflow that publishes a package or image has a successful run; otherwise inconclusive. */
export function packaging(files: FileEvidence | undefined, runs: Map<string, boolean | string> | undefined): ScorecardCheck {
  const name = 'Packaging';
  if (!files) return result(name, -1, 'could not be checked: the file checks did not run');
  const details = files.packaging.map((p) => {
    const r = runs?.get(p.path);
    return r === true ? `Info: GitHub/GitLab publishing workflow used in run: ${p.path} (${p.what})` : typeof r === 'string' ? `Debug: runs of ${p.path} not read: ${r}` : `Warn: GitHub publishing workflow not used in runs: ${p.path} (${p.what})`;
  });
  if (files.packaging.some((p) => runs?.get(p.path) === true)) return result(name, 10, 'packaging workflow detected', details);
  return result(name, -1, 'packaging workflow not detected', details.length ? details : ['Warn: no GitHub/GitLab publishing workflow detected.']);
}

/** Scorecard's normalisation of a profile's company: lower case, without Inc./LLC, commas and a leading @. */
function normaliseCompany(c: string): string {
  return c.toLowerCase().replaceAll('inc.', '').replaceAll('llc', '').replaceAll(',', '').replace(/^@+/, '').trim();
}

/**
 * Contributors (GitHub): organisations or companies among contributors with 5 or more commits (each contributor
 * adds their first organisation not yet counted, else their first new company), and CODEOWNERS users who
 * contribute; 3 of each for 10, else 10 per 6 counted.
 */
export function contributors(f: RepoFacts, files: FileEvidence | undefined): ScorecardCheck {
  const name = 'Contributors';
  if (!f.contributors?.ok) return result(name, -1, `could not be checked: ${f.contributors ? f.contributors.reason : 'contributors not read'}`);
  const users = f.contributors.value;
  const entities = new Set<string>();
  for (const u of users) {
    if (u.contributions < 5) continue;
    const org = (u.orgs ?? []).find((o) => !entities.has(o));
    if (org) {
      entities.add(org);
      continue;
    }
    const company = u.company ? normaliseCompany(u.company) : '';
    if (company && !entities.has(company)) entities.add(company);
  }
  const logins = new Set(users.map((u) => u.login.toLowerCase()));
  const owners = (files?.codeOwners ?? []).filter((o) => logins.has(o.toLowerCase()));
  const companies = Math.min(3, entities.size);
  const ownerCount = Math.min(3, owners.length);
  const found = [...entities, ...owners].sort();
  const details = found.length ? [`Info: found contributions from: ${found.join(', ')}`] : [];
  const reason = `project has ${companies} contributing companies or organizations and ${ownerCount} contributing code owners`;
  if (companies >= 3 && ownerCount >= 3) return result(name, 10, reason, details);
  return result(name, Math.floor((10 * (companies + ownerCount)) / 6), reason, details);
}

/** CII-Best-Practices: the OpenSSF Best Practices badge: gold 10, silver 7, passing 5, in progress 2, none 0. */
export function bestPractices(f: RepoFacts): ScorecardCheck {
  const name = 'CII-Best-Practices';
  if (!f.bestPractices?.ok) return result(name, -1, `could not be checked: ${f.bestPractices ? f.bestPractices.reason : 'not asked'}`);
  const level = f.bestPractices.value;
  const score = level === 'gold' ? 10 : level === 'silver' ? 7 : level === 'passing' ? 5 : level === 'in_progress' ? 2 : 0;
  return result(name, score, level ? `badge detected: ${level.replace('_', ' ')}` : 'no effort to earn an OpenSSF best practices badge detected');
}
