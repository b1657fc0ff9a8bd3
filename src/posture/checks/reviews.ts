/**
 * Review evidence: of the last N merged pull / merge requests, how many had an approval from someone other than the
 * author before the merge (Scorecard's Code-Review, reported as a rate). Below `forge.minReviewRate`, each unreviewed
 * human change is a finding (one per change, so a baseline accepts the old ones and a new one fails).
 */
import type { MergedChange, RepoFacts } from '../facts.js';
import { fromFact, type CheckContext, type RepoCheck, type RuleResult } from './types.js';

/** What the sample shows. */
export interface ReviewEvidence {
  sampled: number;
  /** Changes by people (not bots). */
  human: number;
  /** Human changes with an independent approval. */
  reviewed: number;
  unreviewedHuman: MergedChange[];
  unreviewedBot: MergedChange[];
  /** reviewed / human, or null when no human change was sampled. */
  rate: number | null;
}

/** Counts the sample. */
export function reviewEvidence(changes: MergedChange[]): ReviewEvidence {
  const human = changes.filter((c) => !c.authorIsBot);
  const reviewed = human.filter((c) => c.approvers.length > 0).length;
  return {
    sampled: changes.length,
    human: human.length,
    reviewed,
    unreviewedHuman: human.filter((c) => c.approvers.length === 0),
    unreviewedBot: changes.filter((c) => c.authorIsBot && c.approvers.length === 0),
    rate: human.length ? reviewed / human.length : null,
  };
}

/** The pull-request review rate. */
export const reviewsCheck: RepoCheck = {
  rules: ['forge-unreviewed-changes'],
  run(f: RepoFacts, ctx: CheckContext): RuleResult[] {
    return fromFact(f.mergedChanges, ['forge-unreviewed-changes'], (changes) => {
      const ev = reviewEvidence(changes);
      if (ev.rate === null || ev.rate >= ctx.config.minReviewRate) return [];
      const pct = Math.round(ev.rate * 100);
      const kind = f.forge === 'gitlab' ? 'Merge request !' : 'Pull request #';
      return ev.unreviewedHuman.map((c) => ({
        ruleId: 'forge-unreviewed-changes',
        identity: `change:${c.number}`,
        message: `${kind}${c.number} by ${c.author} was merged on ${c.mergedAt.slice(0, 10)} without an approval from someone else (${ev.reviewed} of ${ev.human} recent human changes reviewed, ${pct}%).`,
        setting: `pulls/${c.number}/reviews`,
        url: c.url,
        data: { change: c.number, author: c.author, mergedAt: c.mergedAt },
      }));
    });
  },
};
