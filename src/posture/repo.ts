/**
 * The posture of one repository: its facts, the live-settings checks over them, the offline `posture` file checks
 * on its tree (through the API, or on a local checkout), and its Scorecard scores. Overlaps are settled here, once:
 * the file checks own everything a file can answer; the live checks defer to them (a write-capable default token is
 * not reported when every workflow declares `permissions:`), and an organisation-wide security policy from the
 * owner's `.github` repository answers the file check that finds none in the tree.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/schema.js';
import type { Finding, Location, RawFinding, RuleMeta, ScannerStatus, Severity, Target } from '../core/types.js';
import { locationPath } from '../core/location.js';
import { runScan } from '../engine/run.js';
import { ForgeUnavailable } from '../forge/errors.js';
import { githubBlobs, gitlabBlobs, remoteTreeTarget } from '../forge/tree-target.js';
import type { ForgeHttp } from '../forge/http.js';
import { openDirectory } from '../targets/directory.js';
import { REPO_CHECKS } from './checks/index.js';
import { reviewEvidence, type ReviewEvidence } from './checks/reviews.js';
import type { CheckContext, RuleResult } from './checks/types.js';
import type { RepoFacts } from './facts.js';
import { forgeRule } from './rules.js';
import { scorecardChecks, type ScorecardCheck } from './scorecard.js';
import { collectFileEvidence, type FileEvidence } from './scorecard-files.js';

/** Everything found about one repository. */
export interface RepoPosture {
  facts: RepoFacts;
  /** Per rule: ran (with hits) or not, and why. Only rules for this forge and not disabled. */
  results: RuleResult[];
  /** Findings of the offline file checks, paths relative to the repository root. */
  fileFindings: Finding[];
  /** Status of the file checks, when they ran. */
  fileStatus?: ScannerStatus;
  /** The rules the file checks ran. */
  fileRules: RuleMeta[];
  scorecard: ScorecardCheck[];
  reviews: ReviewEvidence | null;
  notes: string[];
}

const SECURITY_POLICY = /^(?:\.github\/|docs\/)?security\.(?:md|markdown|txt|rst|adoc)$|^(?:\.github\/|docs\/)?security$/i;
const WORKFLOW = /^\.github\/workflows\/[^/]+\.ya?ml$/;

/** How to run the file checks. */
export type FileChecks = { mode: 'remote' } | { mode: 'local'; dir: string } | { mode: 'none' };

/** Runs every check on `facts`. */
export async function assessRepo(o: { facts: RepoFacts; notes: string[]; http: ForgeHttp; config: Config; files: FileChecks; now: Date; signal?: AbortSignal }): Promise<RepoPosture> {
  const { facts, config } = o;
  const notes = [...o.notes];
  const disabled = new Set(config.forge.disable);
  let fileFindings: Finding[] = [];
  let fileStatus: ScannerStatus | undefined;
  let fileRules: RuleMeta[] = [];
  let securityPolicy: { path: string; text: string } | null | undefined;
  let evidence: FileEvidence | undefined;

  const wantFiles = o.files.mode !== 'none' && config.scanners.posture.enabled;
  if (o.files.mode === 'local') {
    const dir = o.files.dir;
    if (wantFiles) ({ fileFindings, fileStatus, fileRules, evidence } = await fileScan(await openDirectory(dir, { gitignore: config.gitignore, exclude: config.exclude, maxFileBytes: config.maxFileSize }), config, o.now));
    securityPolicy = localPolicy(dir);
  } else if (facts.tree.ok) {
    if (facts.tree.value.truncated) notes.push(`the tree of ${facts.slug} is too large for one listing; file checks saw part of it`);
    // Blobs are read once: the file checks and the Scorecard evidence both read workflows.
    const blobs = new Map<string, Promise<Uint8Array>>();
    const readBlob = facts.forge === 'github' ? githubBlobs(facts.slug) : gitlabBlobs(facts.slug);
    const read = (http: ForgeHttp, sha: string): Promise<Uint8Array> => {
      let p = blobs.get(sha);
      if (!p) blobs.set(sha, (p = readBlob(http, sha)));
      return p;
    };
    const policyFile = facts.tree.value.files.filter((f) => SECURITY_POLICY.test(f.path)).sort((a, b) => policyRank(a.path) - policyRank(b.path))[0];
    try {
      securityPolicy = policyFile ? { path: policyFile.path, text: Buffer.from(await read(o.http, policyFile.sha)).toString('utf8') } : null;
    } catch (e) {
      notes.push(`cannot read ${policyFile!.path}: ${(e as Error).message}`);
      securityPolicy = undefined;
    }
    if (wantFiles) {
      const skipped: string[] = [];
      const remote = remoteTreeTarget({ id: facts.url, files: facts.tree.value.files, http: o.http, read, maxFileBytes: config.maxFileSize, onSkip: (p, why) => skipped.push(`${p}: ${why}`) });
      ({ fileFindings, fileStatus, fileRules, evidence } = await fileScan(remote.target, config, o.now));
      const failure = remote.failure();
      if (failure) throw failure;
      for (const s of skipped) fileStatus!.fileErrors.push({ path: s.slice(0, s.indexOf(':')), message: s.slice(s.indexOf(':') + 2) });
    }
  } else if (wantFiles) {
    notes.push(`file checks did not run on ${facts.slug}: the tree is not readable (${facts.tree.reason})`);
  }
  if (securityPolicy === null && facts.inheritedSecurityPolicy.ok && facts.inheritedSecurityPolicy.value) {
    securityPolicy = facts.inheritedSecurityPolicy.value;
    const before = fileFindings.length;
    fileFindings = fileFindings.filter((f) => f.ruleId !== 'posture-no-security-policy');
    if (fileFindings.length < before) notes.push(`${facts.slug} has no SECURITY.md of its own; ${securityPolicy.path} applies to it (GitHub shows the owner's default), so posture-no-security-policy is not reported`);
  }

  const ran = fileStatus !== undefined;
  const ctx: CheckContext = {
    config: config.forge,
    now: o.now,
    ...(ran ? { workflowsWithoutPermissions: fileFindings.filter((f) => f.ruleId === 'posture-workflow-no-permissions').length } : {}),
    ...(facts.tree.ok ? { workflowCount: facts.tree.value.files.filter((f) => WORKFLOW.test(f.path)).length } : {}),
  };
  const results = REPO_CHECKS.flatMap((c) => c.run(facts, ctx)).filter((r) => !disabled.has(r.ruleId) && forgeRule(r.ruleId).forges.includes(facts.forge));
  const publishedRuns = evidence && facts.forge === 'github' ? await publishingRuns(o.http, facts.slug, evidence) : undefined;
  const scorecard = scorecardChecks(facts, {
    ...(publishedRuns ? { publishedRuns } : {}),
    ...(securityPolicy !== undefined ? { securityPolicy } : {}),
    ...(ran ? { binaryArtifacts: fileFindings.filter((f) => f.ruleId === 'posture-binary-artifact').map((f) => locationPath(f.location) ?? '') } : {}),
    ...(evidence ? { files: evidence } : {}),
  });
  return { facts, results, fileFindings, ...(fileStatus ? { fileStatus } : {}), fileRules, scorecard, reviews: facts.mergedChanges.ok ? reviewEvidence(facts.mergedChanges.value) : null, notes };
}

async function fileScan(target: Target, config: Config, now: Date): Promise<{ fileFindings: Finding[]; fileStatus: ScannerStatus; fileRules: RuleMeta[]; evidence: FileEvidence }> {
  try {
    // The deps scanner runs beside the file checks for Scorecard's Vulnerabilities (with the local advisory database
    // only: nothing is downloaded here); its findings score that check and are not posture findings.
    const deps = (config.scanners as Record<string, { enabled?: boolean } | undefined>)['deps']?.enabled !== false;
    const r = await runScan({ target, config, scanners: deps ? ['posture', 'deps'] : ['posture'], now: () => now, options: { dbUpdate: false } });
    const fileStatus = r.statuses.find((s) => s.scanner === 'posture') ?? { scanner: 'posture', status: 'succeeded', fileErrors: [] };
    if (fileStatus.status === 'failed') throw new Error(fileStatus.reason ?? 'the file checks failed');
    const evidence = await collectFileEvidence(target);
    const depsStatus = r.statuses.find((s) => s.scanner === 'deps');
    if (deps) evidence.vulnerabilities = vulnerabilityEvidence(r.findings.filter((f) => f.scanner === 'deps'), depsStatus);
    return { fileFindings: r.findings.filter((f) => f.scanner === 'posture'), fileStatus, fileRules: r.rules.filter((x) => x.scanner === 'posture'), evidence };
  } finally {
    await target.dispose();
  }
}

/** The advisories the deps scanner matched (one per advisory, aliases merged), or why it could not tell. */
function vulnerabilityEvidence(findings: Finding[], status: ScannerStatus | undefined): NonNullable<FileEvidence['vulnerabilities']> {
  if (!status || status.status === 'skipped' || status.status === 'failed') return { ok: false, reason: status?.reason ?? 'the dependency scan did not run' };
  const seen = new Map<string, { id: string; packages: Set<string> }>();
  const alias = new Map<string, string>();
  for (const f of findings) {
    const d = (f.data ?? {}) as { advisoryId?: string; aliases?: string[]; package?: string; version?: string };
    if (!d.advisoryId) continue;
    const key = [d.advisoryId, ...(d.aliases ?? [])].map((x) => alias.get(x)).find((x) => x !== undefined) ?? d.advisoryId;
    for (const x of [d.advisoryId, ...(d.aliases ?? [])]) alias.set(x, key);
    const e = seen.get(key) ?? { id: d.advisoryId, packages: new Set<string>() };
    if (d.package) e.packages.add(`${d.package}@${d.version ?? '?'}`);
    seen.set(key, e);
  }
  return {
    ok: true,
    advisories: [...seen.values()].map((e) => ({ id: e.id, packages: [...e.packages].sort() })).sort((a, b) => (a.id < b.id ? -1 : 1)),
    unread: status.fileErrors.map((e) => `${e.path}: ${e.message}`),
  };
}

/** Whether each publishing workflow has a successful run (one request per workflow, at most five). */
async function publishingRuns(http: ForgeHttp, slug: string, ev: FileEvidence): Promise<Map<string, boolean | string>> {
  const out = new Map<string, boolean | string>();
  for (const p of ev.packaging.slice(0, 5)) {
    const file = p.path.slice(p.path.lastIndexOf('/') + 1);
    try {
      const r = await http.get<{ total_count?: number }>(`/repos/${slug}/actions/workflows/${encodeURIComponent(file)}/runs?status=success&per_page=1`);
      out.set(p.path, (r.body.total_count ?? 0) > 0);
    } catch (e) {
      if (e instanceof ForgeUnavailable) throw e;
      out.set(p.path, (e as Error).message);
    }
  }
  return out;
}

/** GitHub reads `.github/` first, then the root, then `docs/`. */
function policyRank(p: string): number {
  return p.startsWith('.github/') ? 0 : p.startsWith('docs/') ? 2 : 1;
}

function localPolicy(dir: string): { path: string; text: string } | null {
  for (const p of ['.github/SECURITY.md', 'SECURITY.md', 'docs/SECURITY.md', '.github/security.md', 'security.md']) {
    try {
      return { path: p, text: readFileSync(join(dir, p), 'utf8') };
    } catch {
      // not there: try the next place
    }
  }
  return null;
}

/** The raw findings of one repository's live checks. */
export function hitsToFindings(repo: RepoPosture | { repository: string; results: RuleResult[] }, severity: Record<string, Severity>, location: (setting: string, url?: string) => Location): RawFinding[] {
  const repository = 'facts' in repo ? repo.facts.repository : repo.repository;
  return repo.results.flatMap((r) =>
    r.hits.map((h) => {
      const rule = forgeRule(h.ruleId);
      return {
        scanner: 'forge',
        ruleId: h.ruleId,
        severity: severity[h.ruleId] ?? h.severity ?? rule.severity,
        confidence: rule.confidence ?? 'high',
        message: h.message,
        location: location(h.setting, h.url),
        identity: h.identity,
        ...(rule.cwe ? { cwe: rule.cwe } : {}),
        data: { repository, ...h.data },
      } satisfies RawFinding;
    }),
  );
}
