/**
 * A repository's default-branch tree read through the forge API, as a {@link Target}: the offline scanners (the
 * `posture` file checks) run on it exactly as on a checkout. Paths come from one tree listing; a file's content is
 * fetched only when a scanner reads it, by blob id, and cached for good (a blob never changes). Reads are bounded:
 * at most {@link MAX_BLOBS} blobs of at most the target's size limit each.
 */
import type { FileFilter, Target, TargetFile } from '../core/types.js';
import { ApiError, ForgeUnavailable } from './errors.js';
import type { ForgeHttp } from './http.js';

/** Most blobs read from one repository. */
export const MAX_BLOBS = 400;

/** One file of the tree. */
export interface RemoteFile {
  path: string;
  sha: string;
  /** Bytes, or 0 when the forge does not say (GitLab trees). */
  size: number;
}

/** How to read a blob's bytes on this forge. */
export type BlobReader = (http: ForgeHttp, sha: string) => Promise<Uint8Array>;

/** GitHub: `GET /repos/{slug}/git/blobs/{sha}` (base64 JSON). */
export function githubBlobs(slug: string): BlobReader {
  return async (http, sha) => {
    const a = await http.get<{ content?: string; encoding?: string }>(`/repos/${slug}/git/blobs/${sha}`, { immutable: true });
    return Buffer.from(String(a.body.content ?? '').replace(/\s+/g, ''), a.body.encoding === 'base64' ? 'base64' : 'utf8');
  };
}

/** GitLab: `GET /projects/:id/repository/blobs/:sha/raw`. */
export function gitlabBlobs(projectPath: string): BlobReader {
  return async (http, sha) => {
    const a = await http.get<string>(`/projects/${encodeURIComponent(projectPath)}/repository/blobs/${sha}/raw`, { immutable: true, raw: true });
    return Buffer.from(a.body, 'utf8');
  };
}

/**
 * The tree as a target of kind `directory` (what the file scanners read). `onSkip` hears of files not read (over the
 * size limit). A scanner records an unreadable file as a file error and goes on; `failure()` then tells whether the
 * API itself became unusable (unreachable, rate limit), which must end the run rather than pass as file errors.
 */
export function remoteTreeTarget(o: {
  id: string;
  files: RemoteFile[];
  http: ForgeHttp;
  read: BlobReader;
  maxFileBytes: number;
  onSkip?: (path: string, reason: string) => void;
}): { target: Target; failure(): ForgeUnavailable | undefined } {
  let blobs = 0;
  let failure: ForgeUnavailable | undefined;
  const target: Target = {
    kind: 'directory',
    id: o.id,
    async *files(filter?: FileFilter): AsyncIterable<TargetFile> {
      for (const f of o.files) {
        if (filter?.path && !filter.path(f.path)) continue;
        if (f.size > o.maxFileBytes && !filter?.includeLarge) {
          o.onSkip?.(f.path, `over the ${o.maxFileBytes}-byte limit (${f.size} bytes)`);
          continue;
        }
        let cached: Uint8Array | undefined;
        const bytes = async (): Promise<Uint8Array> => {
          if (cached) return cached;
          if (++blobs > MAX_BLOBS) throw new Error(`not read: more than ${MAX_BLOBS} files of this repository were asked for`);
          try {
            cached = await o.read(o.http, f.sha);
          } catch (e) {
            if (e instanceof ApiError) throw new Error(`cannot read through the API (${e.status}: ${e.message})`);
            if (e instanceof ForgeUnavailable) failure ??= e;
            throw e;
          }
          if (cached.byteLength > o.maxFileBytes) throw new Error(`over the ${o.maxFileBytes}-byte limit`);
          return cached;
        };
        yield {
          path: f.path,
          size: f.size,
          contentId: f.sha,
          bytes,
          text: async () => Buffer.from(await bytes()).toString('utf8'),
        };
      }
    },
    async dispose() {},
  };
  return { target, failure: () => failure };
}
