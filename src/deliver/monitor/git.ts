import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { globMatcher } from '../../core/glob.js';
import { parseMarkers } from '../../analyzers/inline-markers.js';

const run = promisify(execFile);

/**
 * What a commit shows about review and about the pipeline's own definition: the evidence `ci-change-unreviewed`
 * and `suppression-added` read. Review evidence is a merge commit (how forges record a merged pull request) or a
 * review trailer in the message (`Reviewed-by:`, `Approved-by:`, Gerrit's `Reviewed-on:`). Changes are the
 * commit's diff against its first parent (for a merge: what the merge brought into the mainline).
 */
export interface CommitEvidence {
  known: boolean;
  sha: string;
  merge: boolean;
  reviewed: boolean;
  /** Review trailers found, `Key: value`. */
  trailers: string[];
  /** Changed files that define the pipeline (matching `monitor.ciFiles`). */
  ciFiles: string[];
  /** Suppressions the commit adds: config entries, ignore-file lines, inline ignore comments (`path: what`). */
  suppressionsAdded: string[];
  /** Why there is no evidence, when `known` is false and it is worth saying (a shallow clone). */
  note?: string;
}

/** Evidence for a commit nobody could look at (no repository, unknown commit). */
export function unknownCommit(sha = '', note?: string): CommitEvidence {
  return { known: false, sha, merge: false, reviewed: false, trailers: [], ciFiles: [], suppressionsAdded: [], ...(note ? { note } : {}) };
}

async function git(repo: string, args: string[]): Promise<string> {
  const { stdout } = await run('git', ['-C', repo, ...args], {
    encoding: 'utf8',
    maxBuffer: 32 * 1024 * 1024,
    env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
  });
  return stdout;
}

const CONFIG_FILE = /(^|\/)\.?pipeguard\.ya?ml$/;
const IGNORE_FILE = /(^|\/)\.pipeguardignore$/;

/** Looks a commit up in `repo`; an unknown commit or a folder that is not a repository gives `known: false`. */
export async function commitEvidence(repo: string, sha: string, o: { ciFiles: readonly string[]; reviewTrailers: readonly string[] }): Promise<CommitEvidence> {
  if (!/^[0-9a-f]{7,64}$/i.test(sha)) return unknownCommit(sha);
  let parents: string[];
  let trailerText: string;
  try {
    const head = await git(repo, ['show', '-s', '--format=%P%x00%(trailers:only,unfold)', `${sha}^{commit}`, '--']);
    const [p = '', t = ''] = head.split('\0');
    parents = p.trim().split(/\s+/).filter(Boolean);
    trailerText = t;
  } catch {
    return unknownCommit(sha, `commit ${sha.slice(0, 12)} is not in the repository at ${repo}: no review evidence`);
  }
  // a shallow clone cuts history at its boundary commits: their parents (and so their diff) are unknown
  try {
    const full = (await git(repo, ['rev-parse', `${sha}^{commit}`])).trim();
    const shallowFile = resolve(repo, (await git(repo, ['rev-parse', '--git-path', 'shallow'])).trim());
    const boundary = await readFile(shallowFile, 'utf8').catch(() => '');
    if (boundary.split('\n').includes(full)) return unknownCommit(sha, `commit ${sha.slice(0, 12)} is at the edge of a shallow clone (its parent was not fetched): no review evidence; fetch at least 2 commits (actions/checkout fetch-depth: 2)`);
  } catch {
    // rev-parse worked above; a missing shallow file means a full clone
  }
  const wanted = new Set(o.reviewTrailers.map((t) => t.toLowerCase()));
  const trailers = trailerText
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => wanted.has(l.split(':')[0]!.trim().toLowerCase()) && l.includes(':'));
  const merge = parents.length >= 2;
  const base = parents[0];
  // the commit's diff against its first parent (a root commit: against the empty tree)
  const range = base ? [base, sha] : ['4b825dc642cb6eb9a060e54bf8d69288fbee4904', sha];
  let names: string[];
  let diff: string;
  try {
    names = (await git(repo, ['diff', '--no-renames', '--name-only', ...range, '--'])).split('\n').filter(Boolean);
    diff = await git(repo, ['diff', '--no-renames', '--no-color', '-U0', ...range, '--']);
  } catch (e) {
    return unknownCommit(sha, `cannot diff commit ${sha.slice(0, 12)}: ${((e as Error).message.split('\n')[1] ?? (e as Error).message).slice(0, 200)}`);
  }
  const isCi = globMatcher(o.ciFiles);
  const ciFiles = names.filter((n) => isCi(n));
  const suppressionsAdded: string[] = [];
  // added lines per file (-U0: only the changed lines)
  const added = new Map<string, string[]>();
  let file: string | undefined;
  for (const line of diff.split('\n')) {
    if (line.startsWith('+++ ')) {
      file = line === '+++ /dev/null' ? undefined : line.slice(6);
      if (file !== undefined) added.set(file, []);
    } else if (file !== undefined && line.startsWith('+')) added.get(file)!.push(line.slice(1));
  }
  for (const [path, lines] of added) {
    if (IGNORE_FILE.test(path)) {
      for (const l of lines) if (l.trim() && !l.trim().startsWith('#')) suppressionsAdded.push(`${path}: ${l.trim().slice(0, 80)}`);
      continue;
    }
    if (CONFIG_FILE.test(path)) {
      for (const s of await addedConfigSuppressions(repo, base, sha, path)) suppressionsAdded.push(`${path}: suppression ${s}`);
    }
    const n = lines.filter((l) => parseMarkers(l).size > 0).length;
    if (n > 0) {
      suppressionsAdded.push(`${path}: ${n} inline ignore comment${n === 1 ? '' : 's'}`);
    }
  }
  return { known: true, sha, merge, reviewed: merge || trailers.length > 0, trailers, ciFiles, suppressionsAdded };
}

/** `suppressions:` entries of pipeguard.yml at `sha` that were not there at `base`. */
async function addedConfigSuppressions(repo: string, base: string | undefined, sha: string, path: string): Promise<string[]> {
  const entries = async (rev: string | undefined): Promise<string[]> => {
    if (!rev) return [];
    try {
      const doc = parseYaml(await git(repo, ['show', `${rev}:${path}`])) as { suppressions?: unknown } | null;
      const list = doc && Array.isArray(doc.suppressions) ? doc.suppressions : [];
      return list.map((s) => JSON.stringify(s));
    } catch {
      return [];
    }
  };
  const before = new Set(await entries(base));
  return (await entries(sha)).filter((s) => !before.has(s)).map((s) => describeSuppression(JSON.parse(s) as unknown));
}

function describeSuppression(s: unknown): string {
  if (typeof s !== 'object' || s === null) return String(s);
  const o = s as Record<string, unknown>;
  const what = ['rule', 'ruleId', 'path', 'fingerprint'].filter((k) => typeof o[k] === 'string').map((k) => `${k} ${String(o[k])}`);
  return what.length ? what.join(', ') : JSON.stringify(s).slice(0, 80);
}
