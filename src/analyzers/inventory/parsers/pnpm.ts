import { LockfileError, type Dependency, type ParsedLockfile } from '../types.js';
import { LineIndex, objectOr, parseYamlDoc, str } from './text.js';

/** Drops pnpm's peer suffixes: `1.2.3(react@18.0.0)` (v6+) and `1.2.3_react@18.0.0` (v5). */
function stripPeers(v: string): string {
  const p = v.indexOf('(');
  const base = p >= 0 ? v.slice(0, p) : v;
  return base.replace(/_.*$/, '');
}

/** Splits a package key of any pnpm version into name and version. */
function splitKey(key: string, major: number): [string, string] | undefined {
  let k = key;
  if (k.startsWith('/')) k = k.slice(1);
  k = stripPeersKey(k);
  if (major < 6) {
    // v5: name/version, scoped @s/name/version; a non-default registry prefixes its host (registry.example.com/name/1.0.0)
    if (!key.startsWith('/') && /^[^/@]+\.[^/]+\//.test(k)) k = k.slice(k.indexOf('/') + 1);
    const i = k.lastIndexOf('/');
    if (i <= 0) return undefined;
    return [k.slice(0, i), stripPeers(k.slice(i + 1))];
  }
  // the first `@` after a scope: a git or tarball key (`pkg@https://user@host/...`) holds more after it
  const at = k.indexOf('@', k.startsWith('@') ? 1 : 0);
  if (at <= 0) return undefined;
  return [k.slice(0, at), k.slice(at + 1)];
}

function stripPeersKey(k: string): string {
  const p = k.indexOf('(');
  return p >= 0 ? k.slice(0, p) : k;
}

/** Parses `pnpm-lock.yaml` lockfile versions 5.x, 6.x and 9.x, with workspaces (`importers`). */
export function parsePnpmLock(text: string, path: string): ParsedLockfile {
  const doc = parseYamlDoc(text);
  const lv = String(doc.lockfileVersion ?? '');
  const major = Number.parseInt(lv, 10);
  if (!Number.isFinite(major)) throw new LockfileError('no lockfileVersion', 1);
  const lines = new LineIndex(text);
  const packages = objectOr(doc.packages);
  const snapshots = objectOr(doc.snapshots);
  const byKey = new Map<string, Dependency>();
  const norm = (name: string, version: string): string => `${name}@${stripPeers(version)}`;
  // v9 splits each package in two (resolution in `packages`, dependencies in `snapshots`): both are read, merged by id
  const source = major >= 9 ? [...Object.entries(packages), ...Object.entries(snapshots)] : Object.entries(packages);
  const notes: { line?: number; message: string }[] = [];
  for (const [key, raw] of source) {
    const entry = objectOr(raw);
    // a git or tarball package of 6.x is keyed by its source (github.com/owner/repo/commit); it records its name
    const nv = splitKey(key, major) ?? (str(entry.name) ? ([str(entry.name), key] as [string, string]) : undefined);
    if (!nv) {
      // one entry that cannot be read does not reject the lockfile: the rest still counts
      notes.push({ line: lines.find(key), message: `cannot read package key ${JSON.stringify(key)}; left out` });
      continue;
    }
    const [name, version] = nv;
    const id = norm(name, version);
    let dep = byKey.get(id);
    if (!dep) {
      dep = { key: id, ecosystem: 'npm', name, version, line: lines.find(`${key}:`) ?? lines.find(key), dependsOn: [] };
      byKey.set(id, dep);
    }
    // git, tarball and other non-registry packages record the name and version of their package.json: the key holds
    // the source (a URL, a commit), never a version
    const ownName = str(entry.name);
    const ownVersion = str(entry.version);
    if (ownName) dep.name = ownName;
    if (ownVersion) dep.version = ownVersion;
    else if (!/^\d/.test(dep.version)) dep.version = '';
    const integrity = str(objectOr(entry.resolution).integrity);
    const tarball = str(objectOr(entry.resolution).tarball);
    if (integrity) dep.hashes = [integrity];
    if (tarball) dep.resolved = tarball;
    if (entry.dev === true) dep.dev = true;
    if (entry.optional === true) dep.optional = true;
    const kids = { ...objectOr(entry.dependencies), ...objectOr(entry.optionalDependencies) };
    for (const [n, v] of Object.entries(kids)) {
      const ref = refKey(n, String(v), major);
      if (ref) dep.dependsOn?.push(ref);
    }
  }
  // importers (workspaces) or, before v5.3 without workspaces, top-level dependencies
  const importers = Object.keys(objectOr(doc.importers)).length ? objectOr(doc.importers) : { '.': doc };
  const roots: string[] = [];
  const devOnly = new Set<string>();
  const prodRoots = new Set<string>();
  for (const imp of Object.values(importers)) {
    const i = objectOr(imp);
    for (const field of ['dependencies', 'optionalDependencies', 'devDependencies']) {
      for (const [n, v] of Object.entries(objectOr(i[field]))) {
        const ver = typeof v === 'object' && v !== null ? str(objectOr(v).version) : String(v);
        if (!ver) continue;
        const ref = refKey(n, ver, major);
        if (!ref || !byKey.has(ref)) continue;
        roots.push(ref);
        if (field === 'devDependencies') devOnly.add(ref);
        else prodRoots.add(ref);
      }
    }
  }
  // v9 dropped the `dev` flag: a package reachable only from dev roots is dev
  if (major >= 9) {
    const reach = (starts: Iterable<string>): Set<string> => {
      const seen = new Set<string>();
      const stack = [...starts];
      while (stack.length) {
        const k = stack.pop() as string;
        if (seen.has(k)) continue;
        seen.add(k);
        for (const c of byKey.get(k)?.dependsOn ?? []) stack.push(c);
      }
      return seen;
    };
    const prod = reach(prodRoots);
    const dev = reach(devOnly);
    for (const d of byKey.values()) d.dev = !prod.has(d.key) && dev.has(d.key);
  }
  return { path, format: `pnpm@${lv}`, ecosystem: 'npm', packages: [...byKey.values()], roots: [...new Set(roots)], ...(notes.length ? { notes } : {}) };

  function refKey(name: string, version: string, m: number): string | undefined {
    if (version.startsWith('link:') || version.startsWith('file:') || version.startsWith('workspace:')) return undefined;
    // an alias or a non-registry package is written as a full key
    if (version.startsWith('/') || (m >= 6 && /^@?[^@]+@/.test(version)) || (m < 6 && /^[^/@]+\.[^/]+\//.test(version))) {
      const nv = splitKey(version, m);
      return nv ? norm(nv[0], nv[1]) : undefined;
    }
    return norm(name, version);
  }
}
