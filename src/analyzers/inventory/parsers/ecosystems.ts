import { LockfileError, type Dependency, type ParsedLockfile } from '../types.js';
import { LineIndex, objectOr, parseJson, parseTomlDoc, parseYamlDoc, str } from './text.js';

/** A package row; `key` is `name@version` unless given. */
function dep(ecosystem: string, name: string, version: string, line: number | undefined, extra: Partial<Dependency> = {}): Dependency {
  return { key: `${name}@${version}`, ecosystem, name, version, ...(line ? { line } : {}), ...extra };
}

function done(path: string, format: string, ecosystem: string, packages: Dependency[], roots?: string[], devRoots?: string[]): ParsedLockfile {
  return { path, format, ecosystem, packages, ...(roots ? { roots } : {}), ...(devRoots?.length ? { devRoots } : {}) };
}

/**
 * Dart/Flutter `pubspec.lock`: every package under `packages` (hosted, git, path and sdk sources, as pub writes them),
 * `dependency: direct main | direct dev | direct overridden | transitive`.
 */
export function parsePubspecLock(text: string, path: string): ParsedLockfile {
  const doc = parseYamlDoc(text);
  if (doc.packages !== undefined && (typeof doc.packages !== 'object' || doc.packages === null)) throw new LockfileError('"packages" is not a map', 1);
  const lines = new LineIndex(text);
  const out: Dependency[] = [];
  const roots: string[] = [];
  for (const [name, raw] of Object.entries(objectOr(doc.packages))) {
    const p = objectOr(raw);
    const line = lines.find(`\n  ${name}:`);
    const version = str(p.version) ?? (typeof p.version === 'number' ? String(p.version) : undefined);
    if (!version) throw new LockfileError(`package "${name}" has no version`, line === undefined ? undefined : line + 1);
    const desc = objectOr(p.description);
    const hash = str(desc.sha256);
    const d = dep('Pub', name, version, line === undefined ? undefined : line + 1, {
      ...(hash ? { hashes: [`sha256:${hash}`] } : {}),
      ...(str(desc.url) && p.source === 'git' ? { resolved: `git+${str(desc.url)}${str(desc['resolved-ref']) ? `#${str(desc['resolved-ref'])}` : ''}` } : {}),
    });
    const kind = str(p.dependency) ?? '';
    if (kind.startsWith('direct')) roots.push(d.key);
    // pubspec.lock records no edges: what only dev dependencies pull in cannot be told apart
    if (kind === 'direct dev') d.dev = true;
    out.push(d);
  }
  return done(path, 'pubspec.lock', 'Pub', out, roots);
}

/**
 * Elixir `mix.lock`: `"app": {:hex, :package, "version", ...}` (the Hex package name is the atom after `:hex`) and
 * `{:git, "url", "commit", ...}` entries, whose version is the locked commit.
 */
export function parseMixLock(text: string, path: string): ParsedLockfile {
  if (!/^\s*%\{/.test(text)) throw new LockfileError('not a mix.lock: expected "%{"', 1);
  const out: Dependency[] = [];
  const rows = text.split('\n');
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as string;
    const m = /^\s*"([^"]+)":\s*\{:(\w+),\s*(.*)$/.exec(row);
    if (!m) {
      if (/^\s*"[^"]+":/.test(row)) throw new LockfileError(`cannot read ${JSON.stringify(row.trim().slice(0, 60))}`, i + 1);
      continue;
    }
    const [, app, kind, rest] = m as unknown as [string, string, string, string];
    if (kind === 'hex') {
      const h = /^:"?([\w.-]+)"?,\s*"([^"]+)",\s*"([0-9a-f]+)"/.exec(rest);
      if (!h) throw new LockfileError(`cannot read the hex entry of "${app}"`, i + 1);
      out.push(dep('Hex', h[1] as string, h[2] as string, i + 1, { hashes: [`sha256:${h[3]}`] }));
    } else if (kind === 'git') {
      const g = /^"([^"]+)",\s*"([0-9a-f]{7,40})"/.exec(rest);
      if (!g) throw new LockfileError(`cannot read the git entry of "${app}"`, i + 1);
      out.push(dep('Hex', app, g[2] as string, i + 1, { resolved: `git+${g[1]}#${g[2]}` }));
    }
  }
  return done(path, 'mix.lock', 'Hex', out);
}

/** Erlang `rebar.lock` (`{<<"name">>,{pkg,<<"name">>,<<"version">>},Level}`; level 0 is a direct dependency). */
export function parseRebarLock(text: string, path: string): ParsedLockfile {
  const lines = new LineIndex(text);
  const out: Dependency[] = [];
  const roots: string[] = [];
  const re = /\{<<"([^"]+)">>,\s*\{(pkg|git),\s*(?:<<"([^"]+)">>,\s*<<"([^"]+)">>|"([^"]+)",\s*\{ref,\s*"([^"]+)"\})\s*\},\s*(\d+)\}/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const line = lines.lineAt(m.index);
    const d = m[2] === 'pkg' ? dep('Hex', m[3] as string, m[4] as string, line) : dep('Hex', m[1] as string, m[6] as string, line, { resolved: `git+${m[5]}#${m[6]}` });
    out.push(d);
    if (m[7] === '0') roots.push(d.key);
  }
  if (!out.length && /\{<<"/.test(text)) throw new LockfileError('cannot read the locked packages', lines.find('{<<"'));
  return done(path, 'rebar.lock', 'Hex', out, roots);
}

/** Gleam `manifest.toml` (`packages = [{ name, version, source }]`; `[requirements]` are direct). Other `manifest.toml` files give nothing. */
export function parseGleamManifest(text: string, path: string): ParsedLockfile {
  const doc = parseTomlDoc(text);
  const lines = new LineIndex(text);
  const pkgs = Array.isArray(doc.packages) ? doc.packages : [];
  const direct = new Set(Object.keys(objectOr(doc.requirements)));
  const out: Dependency[] = [];
  for (const raw of pkgs) {
    const p = objectOr(raw);
    const name = str(p.name);
    const version = str(p.version);
    if (!name || !version) throw new LockfileError('a package without name or version', lines.find('packages'));
    if (p.source === 'local') continue;
    const hash = str(p.outer_checksum);
    out.push(dep('Hex', name, version, lines.find(`name = "${name}"`), { direct: direct.has(name), ...(hash ? { hashes: [`sha256:${hash.toLowerCase()}`] } : {}) }));
  }
  return done(path, 'gleam manifest.toml', 'Hex', out, out.filter((d) => d.direct).map((d) => d.key));
}

/** `https://github.com/Owner/Repo.git` → `github.com/Owner/Repo`, the name OSV's SwiftURL ecosystem keys by. */
export function swiftUrlName(url: string): string {
  return url.replace(/^[a-z+]+:\/\//i, '').replace(/^[^@/]+@([^:/]+):/, '$1/').replace(/\.git$/, '').replace(/\/$/, '');
}

/** SwiftPM `Package.resolved` v1 (`object.pins[].repositoryURL`) and v2/v3 (`pins[].location`); branch-only pins have no version. */
export function parsePackageResolved(text: string, path: string): ParsedLockfile {
  const doc = objectOr(parseJson(text));
  const lines = new LineIndex(text);
  const version = doc.version;
  const pins = (version === 1 ? objectOr(doc.object).pins : doc.pins) as unknown;
  if (!Array.isArray(pins)) throw new LockfileError(`no "pins" list for Package.resolved version ${String(version)}`, 1);
  const out: Dependency[] = [];
  for (const raw of pins) {
    const p = objectOr(raw);
    const url = str(p.repositoryURL) ?? str(p.location);
    const state = objectOr(p.state);
    const line = lines.find(url ? JSON.stringify(url).slice(1, -1) : '"pins"');
    if (!url) throw new LockfileError('a pin without a location', line);
    const v = str(state.version);
    if (!v) continue; // pinned to a branch or a revision: no released version to match
    out.push(dep('SwiftURL', swiftUrlName(url), v, line, { resolved: `git+${url}${str(state.revision) ? `#${str(state.revision)}` : ''}` }));
  }
  return done(path, `Package.resolved@${String(version)}`, 'SwiftURL', out, out.map((d) => d.key));
}

/** CocoaPods `Podfile.lock`: `PODS` (with their dependencies) and `DEPENDENCIES` (direct). */
export function parsePodfileLock(text: string, path: string): ParsedLockfile {
  const doc = parseYamlDoc(text);
  const lines = new LineIndex(text);
  if (!Array.isArray(doc.PODS)) throw new LockfileError('no PODS list', 1);
  const out: Dependency[] = [];
  const byName = new Map<string, Dependency>();
  const spec = (s: string): { name: string; version?: string } => {
    const m = /^(\S+)(?:\s+\(([^)]+)\))?$/.exec(s.trim());
    return { name: m?.[1] ?? s, ...(m?.[2] ? { version: m[2] } : {}) };
  };
  const childrenOf = new Map<Dependency, string[]>();
  for (const raw of doc.PODS as unknown[]) {
    const head = typeof raw === 'string' ? raw : Object.keys(objectOr(raw))[0];
    if (!head) continue;
    const { name, version } = spec(head);
    const line = lines.find(`  - ${head}`);
    if (!version) throw new LockfileError(`pod "${name}" has no version`, line);
    const d = dep('CocoaPods', name, version, line, { dependsOn: [] });
    out.push(d);
    byName.set(name, d);
    const kids = typeof raw === 'string' ? [] : ((Object.values(objectOr(raw))[0] as unknown[]) ?? []);
    childrenOf.set(d, kids.filter((k): k is string => typeof k === 'string').map((k) => spec(k).name));
  }
  for (const [d, kids] of childrenOf) d.dependsOn = kids.map((k) => byName.get(k)?.key).filter((k): k is string => !!k);
  const roots = ((doc.DEPENDENCIES as unknown[]) ?? [])
    .filter((x): x is string => typeof x === 'string')
    .map((x) => byName.get(spec(x.replace(/\s*\(.*\)$/, '')).name)?.key)
    .filter((k): k is string => !!k);
  return done(path, 'Podfile.lock', 'CocoaPods', out, roots);
}

/** R `renv.lock`: CRAN (and Bioconductor) packages; GitHub or local sources have no registry version to match. */
export function parseRenvLock(text: string, path: string): ParsedLockfile {
  const doc = objectOr(parseJson(text));
  const lines = new LineIndex(text);
  const out: Dependency[] = [];
  for (const [key, raw] of Object.entries(objectOr(doc.Packages))) {
    const p = objectOr(raw);
    const name = str(p.Package) ?? key;
    const version = str(p.Version);
    const line = lines.find(`"${key}": {`);
    if (!version) throw new LockfileError(`package "${name}" has no Version`, line);
    const source = str(p.Source) ?? 'Repository';
    const repo = str(p.Repository) ?? 'CRAN';
    if (source === 'Bioconductor' || /bioc/i.test(repo)) out.push(dep('Bioconductor', name, version, line));
    else if (source === 'Repository' && !/^(local|github)/i.test(repo)) out.push(dep('CRAN', name, version, line));
  }
  return done(path, 'renv.lock', 'CRAN', out);
}

/** Conan `conan.lock`: v2 (`requires`, `build_requires`, `python_requires` references) and v1 (`graph_lock.nodes[].ref`). */
export function parseConanLock(text: string, path: string): ParsedLockfile {
  const doc = objectOr(parseJson(text));
  const lines = new LineIndex(text);
  const out = new Map<string, Dependency>();
  const add = (ref: string, dev: boolean): void => {
    // name/version[@user/channel][#recipe-revision[%timestamp]][:package-id]
    const m = /^([^/@#\s]+)\/([^@#:\s]+)/.exec(ref);
    if (!m) return;
    const d = dep('ConanCenter', m[1] as string, m[2] as string, lines.find(JSON.stringify(ref)), dev ? { dev: true } : {});
    const prev = out.get(d.key);
    if (!prev) out.set(d.key, d);
    else if (!dev) prev.dev = false;
  };
  if (Array.isArray(doc.requires) || Array.isArray(doc.build_requires)) {
    for (const r of (doc.requires as unknown[]) ?? []) if (typeof r === 'string') add(r, false);
    for (const r of (doc.build_requires as unknown[]) ?? []) if (typeof r === 'string') add(r, true);
    for (const r of (doc.python_requires as unknown[]) ?? []) if (typeof r === 'string') add(r, true);
    return done(path, 'conan.lock@2', 'ConanCenter', [...out.values()]);
  }
  const nodes = objectOr(objectOr(doc.graph_lock).nodes);
  if (!Object.keys(nodes).length) throw new LockfileError('neither "requires" (Conan 2) nor "graph_lock.nodes" (Conan 1)', 1);
  for (const [id, raw] of Object.entries(nodes)) {
    const n = objectOr(raw);
    const ref = str(n.ref) ?? str(n.pref);
    if (id === '0' || !ref) continue; // node 0 is the consumer (the conanfile itself)
    add(ref, n.context === 'build');
  }
  return done(path, 'conan.lock@1', 'ConanCenter', [...out.values()]);
}

/** Julia `Manifest.toml` (format 2.0 `[[deps.Name]]` and 1.0 top-level `[[Name]]`); standard libraries carry no version and are skipped. */
export function parseJuliaManifest(text: string, path: string): ParsedLockfile {
  const doc = parseTomlDoc(text);
  const lines = new LineIndex(text);
  const v2 = typeof doc.manifest_format === 'string';
  const deps = v2 ? objectOr(doc.deps) : Object.fromEntries(Object.entries(doc).filter(([, v]) => Array.isArray(v)));
  const out: Dependency[] = [];
  for (const [name, entries] of Object.entries(deps)) {
    for (const raw of Array.isArray(entries) ? entries : []) {
      const e = objectOr(raw);
      const version = str(e.version);
      if (!version) continue;
      out.push(dep('Julia', name, version, lines.find(v2 ? `[[deps.${name}]]` : `[[${name}]]`), str(e.uuid) ? { purl: `pkg:julia/${name}@${version}?uuid=${str(e.uuid)}` } : {}));
    }
  }
  return done(path, `Manifest.toml@${v2 ? '2' : '1'}`, 'Julia', out);
}

/** cabal `cabal.project.freeze`: `constraints: any.name ==version, ...` (flag lines skipped). */
export function parseCabalFreeze(text: string, path: string): ParsedLockfile {
  const out: Dependency[] = [];
  const rows = text.split('\n');
  let inConstraints = false;
  for (let i = 0; i < rows.length; i++) {
    const row = (rows[i] as string).replace(/--.*$/, '');
    if (/^\S/.test(row)) inConstraints = /^constraints\s*:/.test(row);
    if (!inConstraints) continue;
    for (const part of row.replace(/^constraints\s*:/, '').split(',')) {
      const c = part.trim();
      if (!c) continue;
      // a scope qualifier before the name (`any.`, `setup.`, `pkg:setup.`, `pkg:exe.`): package names hold no dot
      const m = /^(?:[\w-]+:)?(?:[\w-]+\.)*([A-Za-z0-9][\w-]*)\s*(.*)$/.exec(c);
      if (!m) throw new LockfileError(`cannot read constraint ${JSON.stringify(c.slice(0, 60))}`, i + 1);
      const pin = /^==\s*(\d+(?:\.\d+)*)$/.exec((m[2] as string).trim());
      const name = m[1] as string;
      if (pin && !out.some((d) => d.name === name && d.version === pin[1])) out.push(dep('Hackage', name, pin[1] as string, i + 1));
      // flags (`+flag -other`), `installed`, `source` and ranges are not one installed version: nothing to record
    }
  }
  return done(path, 'cabal.project.freeze', 'Hackage', out);
}

/** Stack `stack.yaml.lock`: `packages[].completed.hackage: name-version@sha256:...` (snapshots are not packages). */
export function parseStackLock(text: string, path: string): ParsedLockfile {
  const doc = parseYamlDoc(text);
  const lines = new LineIndex(text);
  const out: Dependency[] = [];
  for (const raw of (doc.packages as unknown[]) ?? []) {
    const hackage = str(objectOr(objectOr(raw).completed).hackage) ?? str(objectOr(objectOr(raw).original).hackage);
    if (!hackage) continue; // a git or URL package
    const m = /^([A-Za-z0-9][\w-]*?)-(\d+(?:\.\d+)*)(?:@|$)/.exec(hackage);
    if (!m) throw new LockfileError(`cannot read hackage reference ${JSON.stringify(hackage.slice(0, 60))}`, lines.find(hackage));
    out.push(dep('Hackage', m[1] as string, m[2] as string, lines.find(hackage), { direct: true }));
  }
  return done(path, 'stack.yaml.lock', 'Hackage', out, out.map((d) => d.key));
}
