/**
 * Audits that ask the GitHub API about the actions a workflow uses (`--online` or `scanners.pipeline.online`, with
 * a token in GITHUB_TOKEN or GH_TOKEN): impostor commits (a SHA pin that no branch or tag of the action's
 * repository reaches: a commit of a fork, served under the parent's name), ref confusion (a ref that is both a
 * branch and a tag), stale action refs (a SHA pin that no tag points at) and SHA pins whose version comment names
 * a tag that points elsewhere. Responses are cached per run and requests are bounded; the API base URL is
 * configurable (GitHub Enterprise, or a local double in tests).
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { FileLocation, RawFinding } from '../../core/types.js';
import { RULES_BY_ID } from './rules.js';

/** One `uses: owner/repo[/path]@ref # comment` reference of a scanned file. */
export interface UsesRef {
  path: string;
  line: number;
  column: number;
  endColumn: number;
  owner: string;
  repo: string;
  ref: string;
  /** The version named in the comment beside a SHA pin (`# v4.1.1`, `# tag=v4`), if any. */
  comment?: string;
  snippet: string;
}

/** The `uses:` references of a workflow or action text (remote actions and reusable workflows only). */
export function usesRefs(path: string, text: string): UsesRef[] {
  const out: UsesRef[] = [];
  const re = /^(\s*-?\s*uses:\s*)(["']?)([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)((?:\/[^@\s"']*)?)@([^\s"'#]+)\2[ \t]*(?:#[ \t]*(?:tag[=:][ \t]*)?([^\n]*))?$/gm;
  const lineStarts: number[] = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const start = m.index + m[1]!.length + m[2]!.length;
    let line = 0;
    while (line + 1 < lineStarts.length && lineStarts[line + 1]! <= start) line++;
    const col = start - lineStarts[line]! + 1;
    const len = m[3]!.length + 1 + m[4]!.length + m[5]!.length + 1 + m[6]!.length;
    const comment = m[7]?.trim().split(/\s+/)[0];
    out.push({ path, line: line + 1, column: col, endColumn: col + len, owner: m[3]!, repo: m[4]!, ref: m[6]!, ...(comment && /^v?\d/.test(comment) ? { comment } : {}), snippet: text.slice(lineStarts[line]!, text.indexOf('\n', start) === -1 ? undefined : text.indexOf('\n', start)).trim().slice(0, 200) });
  }
  return out;
}

/** What the online audits need: the API base, a token, a request budget. */
export interface OnlineOptions {
  api: string;
  token: string;
  /** Most requests one scan makes (each distinct URL once: responses are cached). */
  maxRequests: number;
  timeoutMs?: number;
}

interface RepoRefs {
  tags: Map<string, string>;
  branches: Map<string, string>;
}

/** A small GitHub REST client: GET with the token, JSON, an in-memory cache and a request budget. */
export class GithubClient {
  private cache = new Map<string, Promise<{ status: number; body: unknown }>>();
  private used = 0;
  exhausted = false;
  constructor(private readonly o: OnlineOptions) {}

  get(path: string): Promise<{ status: number; body: unknown }> {
    const hit = this.cache.get(path);
    if (hit) return hit;
    if (this.used >= this.o.maxRequests) {
      this.exhausted = true;
      return Promise.resolve({ status: 0, body: undefined });
    }
    this.used++;
    const url = new URL(this.o.api.replace(/\/+$/, '') + path);
    const p = new Promise<{ status: number; body: unknown }>((resolve) => {
      const req = (url.protocol === 'http:' ? httpRequest : httpsRequest)(url, { method: 'GET', headers: { accept: 'application/vnd.github+json', authorization: `Bearer ${this.o.token}`, 'user-agent': 'pipeguard', 'x-github-api-version': '2022-11-28' }, timeout: this.o.timeoutMs ?? 15000 }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size <= 8 * 1024 * 1024) chunks.push(c);
        });
        res.on('end', () => {
          let body: unknown;
          try {
            body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            body = undefined;
          }
          resolve({ status: res.statusCode ?? 0, body });
        });
        res.on('error', () => resolve({ status: 0, body: undefined }));
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => resolve({ status: 0, body: undefined }));
      req.end();
    });
    this.cache.set(path, p);
    return p;
  }

  /** Tags and branches of a repository (first 3 pages of 100 each), name → commit SHA; undefined when unreadable. */
  async refs(owner: string, repo: string): Promise<RepoRefs | undefined> {
    const list = async (kind: 'tags' | 'branches'): Promise<Map<string, string> | undefined> => {
      const out = new Map<string, string>();
      for (let page = 1; page <= 3; page++) {
        const r = await this.get(`/repos/${owner}/${repo}/${kind}?per_page=100&page=${page}`);
        if (r.status !== 200 || !Array.isArray(r.body)) return page === 1 ? undefined : out;
        for (const e of r.body as { name?: string; commit?: { sha?: string } }[]) if (e.name && e.commit?.sha) out.set(e.name, e.commit.sha.toLowerCase());
        if ((r.body as unknown[]).length < 100) break;
      }
      return out;
    };
    const [tags, branches] = await Promise.all([list('tags'), list('branches')]);
    return tags && branches ? { tags, branches } : undefined;
  }

  /** True when `sha` is an ancestor of (or equal to) `base` in the repository; undefined when unknown. */
  async reaches(owner: string, repo: string, base: string, sha: string): Promise<boolean | undefined> {
    const r = await this.get(`/repos/${owner}/${repo}/compare/${encodeURIComponent(base)}...${sha}`);
    if (r.status === 404) return false;
    if (r.status !== 200) return undefined;
    const st = (r.body as { status?: string } | undefined)?.status;
    return st === 'behind' || st === 'identical';
  }
}

const SHA = /^[0-9a-f]{40}$/i;

function finding(u: UsesRef, ruleId: string, message: string, identity: string): RawFinding<FileLocation> {
  const rule = RULES_BY_ID.get(ruleId)!;
  return {
    scanner: 'pipeline',
    ruleId,
    severity: rule.severity,
    confidence: rule.confidence,
    message,
    location: { path: u.path, startLine: u.line, startColumn: u.column, endLine: u.line, endColumn: u.endColumn, snippet: u.snippet },
    identity: `${ruleId}|${identity}`,
    ...(rule.cwe ? { cwe: rule.cwe } : {}),
    tags: ['github-actions'],
    data: { online: true },
  };
}

/** Runs the online audits over the `uses:` references; at most one API walk per repository. */
export async function auditOnline(refs: UsesRef[], client: GithubClient, disabled: ReadonlySet<string>): Promise<RawFinding<FileLocation>[]> {
  const out: RawFinding<FileLocation>[] = [];
  const byRepo = new Map<string, UsesRef[]>();
  for (const u of refs) {
    const k = `${u.owner}/${u.repo}`.toLowerCase();
    byRepo.set(k, [...(byRepo.get(k) ?? []), u]);
  }
  for (const [name, uses] of byRepo) {
    const { owner, repo } = uses[0]!;
    const rr = await client.refs(owner, repo);
    if (!rr) continue;
    const tagShas = new Set(rr.tags.values());
    for (const u of uses) {
      const id = `${name}@${u.ref}`;
      if (SHA.test(u.ref)) {
        const sha = u.ref.toLowerCase();
        const onTag = tagShas.has(sha);
        const onBranchTip = [...rr.branches.values()].includes(sha);
        if (u.comment && rr.tags.has(u.comment) && rr.tags.get(u.comment) !== sha && !disabled.has('gha-ref-version-mismatch')) {
          out.push(finding(u, 'gha-ref-version-mismatch', `The comment says ${u.comment}, but tag ${u.comment} of ${name} points at ${rr.tags.get(u.comment)!.slice(0, 12)}, not the pinned ${sha.slice(0, 12)}: the pin and its comment disagree. Re-pin to the tag's commit or fix the comment.`, `${id}|${u.comment}`));
        }
        if (!onTag && !disabled.has('gha-stale-action-ref')) {
          out.push(finding(u, 'gha-stale-action-ref', `${sha.slice(0, 12)} is not the commit of any tag of ${name}: the pin is to an unreleased commit. Pin the commit of a release tag.`, id));
        }
        if (!onTag && !onBranchTip && !disabled.has('gha-impostor-commit')) {
          // Reachable from a branch or tag of the repository itself? Check the branches first (bounded), then tags.
          let reached: boolean | undefined = false;
          const bases = [...rr.branches.keys()].slice(0, 10).concat([...rr.tags.keys()].slice(0, 10));
          for (const b of bases) {
            const r = await client.reaches(owner, repo, b, sha);
            if (r === true) {
              reached = true;
              break;
            }
            if (r === undefined) reached = undefined;
          }
          if (reached === false) out.push(finding(u, 'gha-impostor-commit', `${sha.slice(0, 12)} is on no branch or tag of ${name}: it can be a commit of a fork, which GitHub serves under the parent's name (an impostor commit). Pin a commit of the repository's own history.`, id));
        }
      } else if (rr.tags.has(u.ref) && rr.branches.has(u.ref) && !disabled.has('gha-ref-confusion')) {
        out.push(finding(u, 'gha-ref-confusion', `${u.ref} is both a branch and a tag of ${name}, so whoever can push the branch decides which code runs; pin a commit SHA.`, id));
      }
    }
  }
  return out;
}
