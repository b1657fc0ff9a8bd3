import { LockfileError, type Dependency, type ParsedLockfile } from '../types.js';
import { LineIndex, asObject, objectOr, parseJson, str } from './text.js';

/** The name of a package from its `node_modules/...` path: the part after the last `node_modules/`. */
function nameFromPath(p: string): string {
  const i = p.lastIndexOf('node_modules/');
  return i >= 0 ? p.slice(i + 'node_modules/'.length) : p;
}

function depNames(entry: Record<string, unknown>, fields: string[]): string[] {
  return fields.flatMap((f) => Object.keys(objectOr(entry[f])));
}

const ALL_DEPS = ['dependencies', 'optionalDependencies', 'peerDependencies'];

/**
 * Parses npm `package-lock.json` / `npm-shrinkwrap.json`: lockfile v2/v3 (`packages`, keyed by install
 * path) and v1 (nested `dependencies`). Links and workspace folders are not packages; their
 * dependencies are roots.
 */
export function parsePackageLock(text: string, path: string): ParsedLockfile {
  const doc = asObject(parseJson(text), 'package-lock.json', 1);
  const version = typeof doc.lockfileVersion === 'number' ? doc.lockfileVersion : 1;
  const lines = new LineIndex(text);
  if (doc.packages !== undefined && version >= 2) return parseV2(doc, path, version, lines);
  return parseV1(doc, path, lines);
}

function parseV2(doc: Record<string, unknown>, path: string, version: number, lines: LineIndex): ParsedLockfile {
  const packages = asObject(doc.packages, '"packages"');
  const byPath = new Map<string, Dependency>();
  const rootKeys: string[] = [];
  const workspaceEntries: [string, Record<string, unknown>][] = [];
  const notes: { line?: number; message: string }[] = [];
  for (const [p, raw] of Object.entries(packages)) {
    const entry = objectOr(raw);
    if (p === '' || !p.includes('node_modules/')) {
      workspaceEntries.push([p, entry]);
      continue;
    }
    if (entry.link === true) continue; // a symlink to a workspace folder, listed under its own path
    // an alias (`"x": "npm:real@1"`) is installed under node_modules/x with `name: real`: the real package is reported
    const installedAs = nameFromPath(p);
    const name = str(entry.name) ?? installedAs;
    const ver = str(entry.version);
    if (!ver) {
      // one unusual entry (an extraneous or half-installed package) does not reject the lockfile
      notes.push({ line: lines.find(JSON.stringify(p)), message: `package "${p}" has no version; left out` });
      continue;
    }
    const integrity = str(entry.integrity);
    const dep: Dependency = {
      key: p,
      ecosystem: 'npm',
      name,
      version: ver,
      ...(name !== installedAs ? { alias: installedAs } : {}),
      dev: entry.dev === true || entry.devOptional === true,
      optional: entry.optional === true || entry.devOptional === true,
      line: lines.find(`${JSON.stringify(p)}:`),
      ...(str(entry.license) ? { license: str(entry.license) } : {}),
      ...(integrity ? { hashes: [integrity] } : {}),
      ...(str(entry.resolved) ? { resolved: str(entry.resolved) } : {}),
    };
    byPath.set(p, dep);
  }
  // resolve each dependency name the way Node does: nearest node_modules up the tree
  const resolve = (from: string, name: string): string | undefined => {
    let base = from;
    for (let guard = 0; guard < 1000; guard++) {
      const candidate = base === '' ? `node_modules/${name}` : `${base}/node_modules/${name}`;
      if (byPath.has(candidate)) return candidate;
      if (base === '') return undefined;
      const i = base.lastIndexOf('/node_modules/');
      base = i >= 0 ? base.slice(0, i) : '';
    }
    return undefined;
  };
  for (const [p, raw] of Object.entries(packages)) {
    const dep = byPath.get(p);
    if (!dep) continue;
    dep.dependsOn = depNames(objectOr(raw), ALL_DEPS)
      .map((n) => resolve(p, n))
      .filter((k): k is string => k !== undefined);
  }
  for (const [p, entry] of workspaceEntries) {
    for (const n of depNames(entry, [...ALL_DEPS, 'devDependencies'])) {
      const k = resolve(p, n);
      if (k) rootKeys.push(k);
    }
  }
  return { path, format: `package-lock@${version}`, ecosystem: 'npm', packages: [...byPath.values()], roots: [...new Set(rootKeys)], ...(notes.length ? { notes } : {}) };
}

function parseV1(doc: Record<string, unknown>, path: string, lines: LineIndex): ParsedLockfile {
  const out: Dependency[] = [];
  const walk = (deps: Record<string, unknown>, prefix: string, scope: Map<string, string>[]): void => {
    const here = new Map<string, string>();
    for (const name of Object.keys(deps)) here.set(name, `${prefix}node_modules/${name}`);
    const chain = [here, ...scope];
    for (const [name, raw] of Object.entries(deps)) {
      const entry = objectOr(raw);
      const key = `${prefix}node_modules/${name}`;
      const ver = str(entry.version);
      if (!ver) throw new LockfileError(`dependency "${name}" has no version`, lines.find(`${JSON.stringify(name)}: {`));
      // a git, tarball or local dependency: v1 records its source, not a registry version (its own dependencies still count)
      const sourceOnly = /^(git\+|git:|github:|gitlab:|bitbucket:|file:|link:|https?:)/.test(ver);
      const nested = objectOr(entry.dependencies);
      const nestedScope = new Map<string, string>();
      for (const n of Object.keys(nested)) nestedScope.set(n, `${key}/node_modules/${n}`);
      const requires = Object.keys(objectOr(entry.requires));
      const integrity = str(entry.integrity);
      // an alias records `npm:real-name@version`: the real package, installed under the alias
      const alias = /^npm:((?:@[^@/]+\/)?[^@]+)@(.+)$/.exec(ver);
      if (!sourceOnly)
      out.push({
        key,
        ecosystem: 'npm',
        name: alias ? (alias[1] as string) : name,
        version: alias ? (alias[2] as string) : ver,
        ...(alias ? { alias: name } : {}),
        dev: entry.dev === true,
        optional: entry.optional === true,
        line: lines.find(`${JSON.stringify(name)}: {`),
        ...(integrity ? { hashes: [integrity] } : {}),
        ...(str(entry.resolved) ? { resolved: str(entry.resolved) } : {}),
        dependsOn: requires
          .map((r) => nestedScope.get(r) ?? chain.find((m) => m.has(r))?.get(r))
          .filter((k): k is string => k !== undefined),
      });
      walk(nested, `${key}/`, chain);
    }
  };
  walk(objectOr(doc.dependencies), '', []);
  // v1 does not list the project's own dependencies: top-level packages nothing else requires are direct
  const required = new Set(out.flatMap((d) => d.dependsOn ?? []));
  const roots = out.filter((d) => !d.key.includes('/node_modules/') && !required.has(d.key)).map((d) => d.key);
  return { path, format: 'package-lock@1', ecosystem: 'npm', packages: out, roots };
}
