/**
 * Package versions from an npm registry (the abbreviated metadata document, `application/vnd.npm.install-v1+json`),
 * cached on disk per registry and package with a time to live. Offline, only the cache answers, whatever its age.
 * A registry that cannot be reached falls back to a stale cached answer, said so in a note.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** What the checks need of a package: its published versions, the deprecated ones, its `latest` tag. */
export interface PackageVersions {
  name: string;
  versions: string[];
  deprecated: string[];
  latest?: string;
  /** When the registry gave this answer (ISO). */
  fetchedAt: string;
  /** The registry said it has no such package (cached too, so a private package is not asked for every run). */
  missing?: boolean;
}

/** The registry client's settings. */
export interface RegistryOptions {
  url: string;
  cacheDir: string;
  ttlHours: number;
  offline: boolean;
  now: () => Date;
  signal?: AbortSignal;
}

/** The default cache folder: `$XDG_CACHE_HOME/pipeguard/registry`, else `~/.cache/pipeguard/registry`. */
export function defaultRegistryCache(env: Record<string, string | undefined>): string {
  return join(env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache'), 'pipeguard', 'registry');
}

/** The answer for one package, or why there is none. */
export type RegistryAnswer = { ok: true; pkg: PackageVersions; note?: string } | { ok: false; reason: string };

function cacheFile(o: RegistryOptions, name: string): string {
  const key = createHash('sha256').update(`${o.url.replace(/\/+$/, '')}\n${name}`).digest('hex').slice(0, 40);
  return join(o.cacheDir, 'npm', `${key}.json`);
}

function readCache(file: string, name: string): PackageVersions | undefined {
  try {
    const j = JSON.parse(readFileSync(file, 'utf8')) as PackageVersions;
    return j.name === name && Array.isArray(j.versions) ? j : undefined;
  } catch {
    return undefined;
  }
}

/** The registry URL of a package document (`@scope/name` as `@scope%2fname`). */
export function packageUrl(registry: string, name: string): string {
  return `${registry.replace(/\/+$/, '')}/${name.startsWith('@') ? `@${encodeURIComponent(name.slice(1))}` : encodeURIComponent(name)}`;
}

/** Versions of `name`: from a fresh cache entry, else the registry, else a stale cache entry. */
export async function packageVersions(name: string, o: RegistryOptions): Promise<RegistryAnswer> {
  const file = cacheFile(o, name);
  const cached = readCache(file, name);
  const answer = (c: PackageVersions): RegistryAnswer => (c.missing ? { ok: false, reason: NOT_FOUND } : { ok: true, pkg: c });
  if (o.offline) return cached ? answer(cached) : { ok: false, reason: 'not in the registry cache, and the run is offline' };
  if (cached && o.now().getTime() - Date.parse(cached.fetchedAt) < o.ttlHours * 3600_000) return answer(cached);
  let res: Response;
  try {
    res = await fetch(packageUrl(o.url, name), { headers: { accept: 'application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8' }, signal: AbortSignal.any([AbortSignal.timeout(20_000), ...(o.signal ? [o.signal] : [])]) });
  } catch (e) {
    const why = `the registry did not answer (${(e as Error).cause instanceof Error ? ((e as Error).cause as Error).message : (e as Error).message})`;
    return cached ? { ok: true, pkg: cached, note: `${why}: used the cached answer of ${cached.fetchedAt.slice(0, 10)}` } : { ok: false, reason: why };
  }
  if (res.status === 404) {
    writeCache(file, { name, versions: [], deprecated: [], fetchedAt: o.now().toISOString(), missing: true });
    return { ok: false, reason: NOT_FOUND };
  }
  if (!res.ok) {
    const why = `the registry answered HTTP ${res.status}`;
    return cached ? { ok: true, pkg: cached, note: `${why}: used the cached answer of ${cached.fetchedAt.slice(0, 10)}` } : { ok: false, reason: why };
  }
  let doc: { versions?: Record<string, { deprecated?: unknown }>; 'dist-tags'?: Record<string, string> };
  try {
    doc = (await res.json()) as typeof doc;
  } catch {
    return { ok: false, reason: 'the registry answered with something that is not JSON' };
  }
  if (!doc || typeof doc.versions !== 'object' || doc.versions === null) return { ok: false, reason: 'the registry document lists no versions' };
  const versions = Object.keys(doc.versions);
  const pkg: PackageVersions = {
    name,
    versions,
    deprecated: versions.filter((v) => typeof doc.versions![v]?.deprecated === 'string' && doc.versions![v]!.deprecated !== ''),
    ...(typeof doc['dist-tags']?.latest === 'string' ? { latest: doc['dist-tags'].latest } : {}),
    fetchedAt: o.now().toISOString(),
  };
  writeCache(file, pkg);
  return { ok: true, pkg };
}

const NOT_FOUND = 'not in the registry (a private or unpublished package)';

function writeCache(file: string, pkg: PackageVersions): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(pkg));
    renameSync(tmp, file);
  } catch {
    // a cache that cannot be written only costs a request next time
  }
}
