/**
 * SLSA Provenance v1 in an in-toto Statement v1: what was built (subject digests), by what (builder id, from
 * the CI system's variables or given), from what (the source repository and commit read from git, and every
 * package the lockfiles resolve, with its digest when the lockfile records one) and how (the build command).
 */
import { InputError } from '../core/errors.js';
import type { Target } from '../core/types.js';
import { collectInventory } from '../analyzers/inventory/inventory.js';
import { sbomComponents } from '../sbom/inventory.js';
import { gitEnv, runGit, type GitCtx } from '../targets/git-run.js';

/** The in-toto statement type. */
export const STATEMENT_V1 = 'https://in-toto.io/Statement/v1';
/** The SLSA provenance predicate type. */
export const SLSA_PROVENANCE_V1 = 'https://slsa.dev/provenance/v1';
/** The build type pipeguard records: a command run in a source checkout. */
export const BUILD_TYPE = 'https://github.com/pipeguard/pipeguard/blob/main/docs/attest.md#build-type-v1';
/** The builder id when neither the CI system nor the user names one. */
export const LOCAL_BUILDER = 'https://github.com/pipeguard/pipeguard/blob/main/docs/attest.md#local-builder';

/** A resource the build used, as SLSA's ResourceDescriptor. */
export interface ResourceDescriptor {
  uri?: string;
  name?: string;
  digest: Record<string, string>;
}

/** An in-toto Statement v1. */
export interface Statement {
  _type: typeof STATEMENT_V1;
  subject: { name: string; digest: Record<string, string> }[];
  predicateType: string;
  predicate: Record<string, unknown>;
}

/** The source checkout the build ran in, as git tells it. */
export interface SourceInfo {
  /** The remote's URL without credentials, as `git+https://host/path` (or the folder when no remote). */
  uri: string;
  commit: string;
  /** `refs/heads/main`, when on a branch. */
  ref?: string;
  /** True when the work tree has changes not committed. */
  dirty: boolean;
}

/** A git remote URL without user and password; scp-like `git@host:path` as `ssh://git@host/path`. */
export function cleanRemote(url: string): string {
  const scp = /^([A-Za-z0-9._-]+)@([^:/]+):(.+)$/.exec(url);
  if (scp) return `ssh://${scp[2]}/${scp[3]}`;
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return url;
  }
}

/** Reads the source repository and commit of `dir`; undefined when it is not in a git work tree. */
export async function sourceInfo(dir: string, env: NodeJS.ProcessEnv): Promise<SourceInfo | undefined> {
  const ctx: GitCtx = { dir, env: gitEnv(env, dir) };
  const head = await runGit(ctx, ['rev-parse', '--verify', '--quiet', 'HEAD']);
  if (head.code !== 0) return undefined;
  const commit = head.stdout.toString('utf8').trim();
  const remote = await runGit(ctx, ['config', '--get', 'remote.origin.url']);
  const ref = await runGit(ctx, ['symbolic-ref', '--quiet', 'HEAD']);
  const status = await runGit(ctx, ['status', '--porcelain', '--untracked-files=no']);
  const url = remote.code === 0 ? remote.stdout.toString('utf8').trim() : '';
  const top = (await runGit(ctx, ['rev-parse', '--show-toplevel'])).stdout.toString('utf8').trim();
  return {
    uri: url ? `git+${cleanRemote(url)}` : `git+file://${top}`,
    commit,
    ...(ref.code === 0 ? { ref: ref.stdout.toString('utf8').trim() } : {}),
    dirty: status.code === 0 && status.stdout.length > 0,
  };
}

/** The builder and run of the CI system the build runs in, from its variables (GitHub Actions, GitLab CI). */
export function ciBuilder(env: Record<string, string | undefined>): { id: string; invocationId?: string } | undefined {
  if (env.GITHUB_ACTIONS === 'true' && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID) {
    const server = env.GITHUB_SERVER_URL ?? 'https://github.com';
    const workflow = env.GITHUB_WORKFLOW_REF ? `${server}/${env.GITHUB_WORKFLOW_REF}` : `${server}/${env.GITHUB_REPOSITORY}/actions`;
    return { id: workflow, invocationId: `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}/attempts/${env.GITHUB_RUN_ATTEMPT ?? '1'}` };
  }
  if (env.GITLAB_CI === 'true' && env.CI_PROJECT_URL) {
    return { id: `${env.CI_PROJECT_URL}/-/runners/${env.CI_RUNNER_ID ?? 'unknown'}`, ...(env.CI_JOB_URL ? { invocationId: env.CI_JOB_URL } : {}) };
  }
  return undefined;
}

const DIGEST_NAMES: Record<string, string> = { 'SHA-512': 'sha512', 'SHA-256': 'sha256', 'SHA-1': 'sha1' };

/** The packages the lockfiles of `source` resolve, as resource descriptors (development-only ones left out). */
export async function resolvedDependencies(source: Target): Promise<ResourceDescriptor[]> {
  const { lockfiles, errors } = await collectInventory(source);
  const first = errors[0];
  if (first) throw new InputError(first.message, first.path, first.line);
  const { components } = sbomComponents(lockfiles.map((l) => ({ ...l, packages: l.packages.filter((p) => !p.dev) })));
  return components.map((c) => ({ uri: c.purl, digest: Object.fromEntries(c.hashes.map((h) => [DIGEST_NAMES[h.alg] ?? h.alg.toLowerCase(), h.hex])) }));
}

/** What a provenance statement records. */
export interface ProvenanceInput {
  subjects: { name: string; sha256: string }[];
  builderId: string;
  builderVersion: Record<string, string>;
  source?: SourceInfo;
  buildCommand?: string;
  dependencies: ResourceDescriptor[];
  invocationId?: string;
  startedOn?: Date;
  finishedOn: Date;
}

/** The statement: subjects, then the SLSA v1 predicate (buildDefinition, runDetails). */
export function provenanceStatement(p: ProvenanceInput): Statement {
  const source = p.source ? [{ uri: p.source.ref ? `${p.source.uri}@${p.source.ref}` : p.source.uri, digest: { gitCommit: p.source.commit } }] : [];
  return {
    _type: STATEMENT_V1,
    subject: p.subjects.map((s) => ({ name: s.name, digest: { sha256: s.sha256 } })),
    predicateType: SLSA_PROVENANCE_V1,
    predicate: {
      buildDefinition: {
        buildType: BUILD_TYPE,
        externalParameters: {
          ...(p.buildCommand !== undefined ? { buildCommand: p.buildCommand } : {}),
          ...(p.source ? { source: { uri: p.source.uri, ...(p.source.ref ? { ref: p.source.ref } : {}), digest: { gitCommit: p.source.commit } } } : {}),
        },
        internalParameters: p.source ? { sourceTreeDirty: p.source.dirty } : {},
        resolvedDependencies: [...source, ...p.dependencies],
      },
      runDetails: {
        builder: { id: p.builderId, version: p.builderVersion },
        metadata: {
          ...(p.invocationId ? { invocationId: p.invocationId } : {}),
          ...(p.startedOn ? { startedOn: p.startedOn.toISOString() } : {}),
          finishedOn: p.finishedOn.toISOString(),
        },
      },
    },
  };
}
