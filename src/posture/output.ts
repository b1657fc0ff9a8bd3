/**
 * What `pipeguard posture` adds to the normal reports: the per-repository posture block of the JSON report (each
 * check's outcome, the review rate, the Scorecard scores, the API cost), the Scorecard-compatible JSON of
 * `--format scorecard`, and a short summary under the table and Markdown reports. Pure functions of a run.
 */
import { VERSION } from '../core/version.js';
import type { RuleResult } from './checks/types.js';
import { esc } from '../report/markdown.js';
import type { RepoPosture } from './repo.js';
import type { PostureRun } from './run.js';
import { aggregateScore } from './scorecard.js';

/** A check's outcome on one repository, as compliance reads it. */
export interface CheckOutcome {
  id: string;
  /** pass: ran, found nothing; fail: found something; partial: ran on part (some settings unseen); not-run: could not run. */
  status: 'pass' | 'fail' | 'partial' | 'not-run';
  findings: number;
  reason?: string;
}

/** The outcome of each check on one repository (file checks included: they ran when the file scan did). */
export function checkOutcomes(results: RuleResult[]): CheckOutcome[] {
  return results
    .map((r): CheckOutcome => ({
      id: r.ruleId,
      status: r.hits.length ? 'fail' : !r.ran ? 'not-run' : r.reason ? 'partial' : 'pass',
      findings: r.hits.length,
      ...(r.reason ? { reason: r.reason } : {}),
    }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The `posture` block of the JSON report (what `pipeguard compliance` reads back). */
export interface PostureJson {
  repositories: { repository: string; checks: CheckOutcome[]; fileChecks: { status: string; rules: string[]; findings: string[] } | null; [k: string]: unknown }[];
  organisation?: { organisation: string; url: string; checks: CheckOutcome[] };
  api: Record<string, number>;
}

/** The `posture` block of the JSON report. */
export function postureJson(run: PostureRun): PostureJson {
  return {
    repositories: run.repos.map((r) => ({
      repository: r.facts.repository,
      url: r.facts.url,
      forge: r.facts.forge,
      defaultBranch: r.facts.defaultBranch,
      visibility: r.facts.visibility,
      archived: r.facts.archived,
      ...(r.facts.headSha ? { commit: r.facts.headSha } : {}),
      branches: r.facts.branches.ok ? r.facts.branches.value : { unknown: r.facts.branches.reason },
      reviews: r.reviews && {
        sampled: r.reviews.sampled,
        human: r.reviews.human,
        reviewed: r.reviews.reviewed,
        rate: r.reviews.rate,
        unreviewed: r.reviews.unreviewedHuman.map((c) => ({ number: c.number, url: c.url, author: c.author, mergedAt: c.mergedAt })),
        unreviewedBots: r.reviews.unreviewedBot.length,
      },
      scorecard: { score: aggregateScore(r.scorecard), checks: r.scorecard.map((c) => ({ name: c.name, score: c.score, reason: c.reason })) },
      checks: checkOutcomes(r.results),
      fileChecks: r.fileStatus ? { status: r.fileStatus.status, rules: r.fileRules.map((x) => x.id).sort(), findings: r.fileFindings.map((f) => f.ruleId) } : null,
    })),
    ...(run.org ? { organisation: { organisation: run.org.facts.organisation, url: run.org.facts.url, checks: checkOutcomes(run.org.results) } } : {}),
    api: { requests: run.stats.requests, notModified: run.stats.notModified, fromCache: run.stats.fromCache, rateLimitWaits: run.stats.rateLimitWaits, waitedSeconds: Math.round(run.stats.waitedMs / 1000) },
  };
}

/**
 * Scorecard's JSON (format v2: date, repo, scorecard, score, checks, metadata) for one repository; an array of them
 * for an organisation (Scorecard itself has no organisation output).
 */
export function renderScorecard(run: PostureRun, date: Date): string {
  const one = (r: RepoPosture) => ({
    date: date.toISOString(),
    repo: { name: r.facts.repository, commit: r.facts.headSha ?? '' },
    scorecard: { version: `pipeguard-${VERSION}`, commit: 'unknown' },
    score: aggregateScore(r.scorecard),
    checks: r.scorecard.map((c) => ({ details: c.details, score: c.score, reason: c.reason, name: c.name, documentation: c.documentation })),
    metadata: [] as string[],
  });
  const doc = run.org ? run.repos.map(one) : one(run.repos[0]!);
  return JSON.stringify(doc, null, 2) + '\n';
}

/** Lines under the terminal table. */
export function summaryText(run: PostureRun): string {
  const out = ['', 'posture:'];
  for (const r of run.repos) {
    const sc = aggregateScore(r.scorecard);
    const rate = r.reviews?.rate;
    const review = rate === null || rate === undefined ? 'no human change sampled' : `${r.reviews!.reviewed}/${r.reviews!.human} human changes reviewed (${Math.round(rate * 100)}%)`;
    const outcomes = checkOutcomes(r.results);
    const notRun = outcomes.filter((o) => o.status === 'not-run').length;
    out.push(`  ${r.facts.repository}: review ${review}; Scorecard ${sc < 0 ? '?' : sc.toFixed(1)}/10; ${outcomes.length - notRun} checks ran${notRun ? `, ${notRun} not (see notes)` : ''}`);
    if (run.repos.length === 1) out.push(`    ${r.scorecard.map((c) => `${c.name} ${c.score < 0 ? '?' : c.score}`).join(', ')}`);
  }
  out.push(`  API: ${run.stats.requests} requests (${run.stats.notModified} answered 304 Not Modified), ${run.stats.fromCache} answers from the cache${run.stats.rateLimitWaits ? `, ${run.stats.rateLimitWaits} rate-limit waits` : ''}`);
  return out.join('\n') + '\n';
}

/** A section appended to the Markdown report. */
export function summaryMarkdown(run: PostureRun): string {
  const rows = run.repos.map((r) => {
    const sc = aggregateScore(r.scorecard);
    const rate = r.reviews?.rate;
    const review = rate === null || rate === undefined ? 'n/a' : `${r.reviews!.reviewed}/${r.reviews!.human} (${Math.round(rate * 100)}%)`;
    return `| ${esc(r.facts.repository)} | ${review} | ${sc < 0 ? '?' : sc.toFixed(1)} | ${r.scorecard.map((c) => `${c.name} ${c.score < 0 ? '?' : c.score}`).join(', ')} |`;
  });
  return ['', '### Posture', '', '| Repository | Reviewed changes | Scorecard | Checks |', '|---|---|---|---|', ...rows, ''].join('\n');
}
