/**
 * The review evidence of a GitHub repository: the last N merged pull requests and who approved each before it was
 * merged. One GraphQL query when there is a token (GraphQL needs one), else the REST listing and one reviews call
 * per pull request.
 */
import type { MergedChange } from '../facts.js';
import { isBotName, type CollectContext } from './common.js';

const QUERY = `query($owner: String!, $name: String!, $first: Int!) {
  repository(owner: $owner, name: $name) {
    pullRequests(states: MERGED, first: $first, orderBy: {field: UPDATED_AT, direction: DESC}) {
      nodes {
        number
        url
        mergedAt
        author { login __typename }
        reviews(first: 50, states: APPROVED) { nodes { author { login } submittedAt } }
        commits(last: 1) { nodes { commit { checkSuites(first: 30) { nodes { app { slug } status conclusion } } status { contexts { context state } } } } }
      }
    }
  }
}`;

interface GqlPr {
  number: number;
  url: string;
  mergedAt: string | null;
  author: { login: string; __typename: string } | null;
  reviews: { nodes: { author: { login: string } | null; submittedAt: string | null }[] };
  commits?: { nodes: { commit: { checkSuites?: { nodes: { app: { slug: string } | null; status: string; conclusion: string | null }[] } | null; status?: { contexts: { context: string; state: string }[] } | null } }[] };
}

/** The last `n` merged pull requests of `slug`, newest merge first. */
export async function githubMergedChanges(ctx: CollectContext, slug: string, n: number): Promise<MergedChange[]> {
  const [owner, name] = slug.split('/') as [string, string];
  if (ctx.authenticated) {
    const data = await ctx.http.graphql<{ repository: { pullRequests: { nodes: GqlPr[] } } | null }>(QUERY, { owner, name, first: n }, ctx.graphqlPath);
    const nodes = data.repository?.pullRequests.nodes ?? [];
    return sortByMerge(
      nodes
        .filter((p) => p.mergedAt)
        .map((p) => {
          const author = p.author?.login ?? 'ghost';
          const c = change(p.number, p.url, author, p.author?.__typename === 'Bot' || isBotName(author), p.mergedAt!, p.reviews.nodes.map((r) => ({ login: r.author?.login ?? '', at: r.submittedAt ?? '' })));
          const last = p.commits?.nodes[0]?.commit;
          if (last) {
            c.ci = {
              checks: (last.checkSuites?.nodes ?? []).map((s) => ({ app: s.app?.slug ?? '', status: String(s.status ?? '').toLowerCase(), conclusion: s.conclusion ? s.conclusion.toLowerCase() : null })),
              statuses: (last.status?.contexts ?? []).map((x) => ({ context: x.context, state: String(x.state).toLowerCase() })),
            };
          }
          return c;
        }),
    );
  }
  const pulls = await ctx.http.get<{ number: number; html_url: string; merged_at: string | null; user: { login: string; type?: string } | null }[]>(
    `/repos/${slug}/pulls?state=closed&sort=updated&direction=desc&per_page=${Math.min(100, n * 2)}`,
  );
  const merged = pulls.body.filter((p) => p.merged_at).slice(0, n);
  const out: MergedChange[] = [];
  for (const p of merged) {
    const reviews = await ctx.http.getAll<{ user: { login: string } | null; state: string; submitted_at?: string }>(`/repos/${slug}/pulls/${p.number}/reviews?per_page=100`, { maxPages: 2 });
    const author = p.user?.login ?? 'ghost';
    out.push(
      change(p.number, p.html_url, author, p.user?.type === 'Bot' || isBotName(author), p.merged_at!, reviews.items.filter((r) => r.state === 'APPROVED').map((r) => ({ login: r.user?.login ?? '', at: r.submitted_at ?? '' }))),
    );
  }
  return sortByMerge(out);
}

function change(number: number, url: string, author: string, authorIsBot: boolean, mergedAt: string, approvals: { login: string; at: string }[]): MergedChange {
  // An approval counts when someone other than the author gave it before the merge.
  const approvers = [...new Set(approvals.filter((a) => a.login && a.login !== author && (!a.at || a.at <= mergedAt)).map((a) => a.login))].sort();
  return { number, url, author, authorIsBot, mergedAt, approvers };
}

function sortByMerge(xs: MergedChange[]): MergedChange[] {
  return xs.sort((a, b) => (a.mergedAt < b.mergedAt ? 1 : a.mergedAt > b.mergedAt ? -1 : b.number - a.number));
}
