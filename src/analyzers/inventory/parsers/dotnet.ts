import { LockfileError, type Constraint, type Dependency, type ParsedLockfile, type ReadSibling } from '../types.js';
import { dirOf, inDir, LineIndex, objectOr, parseJson, str } from './text.js';
import { children, descend, parseXml, type XmlElement } from './xml.js';

/** A NuGet version as a package has it: `1.2.3` or the pin `[1.2.3]`; undefined for ranges, floats and `$(Property)` left unresolved. */
export function nugetPin(v: string | undefined): string | undefined {
  if (!v) return undefined;
  const t = v.trim();
  const hard = /^\[\s*([^,\s\]]+)\s*\]$/.exec(t);
  if (hard) return hard[1];
  if (/[[\](),*$]/.test(t)) return undefined;
  return t;
}

function nugetDep(name: string, version: string, line: number, extra: Partial<Dependency> = {}): Dependency {
  return { key: `${name.toLowerCase()}@${version}`, ecosystem: 'NuGet', name, version, line, ...extra };
}

/** `packages.config` (NuGet's older format): `<package id version developmentDependency>`. */
export function parsePackagesConfig(text: string, path: string): ParsedLockfile {
  const root = parseXml(text);
  if (root.name !== 'packages') throw new LockfileError(`root element is <${root.name}>, expected <packages>`, root.line);
  const out: Dependency[] = [];
  for (const p of children(root, 'package')) {
    const id = p.attrs.id;
    const version = p.attrs.version;
    if (!id || !version) throw new LockfileError('<package> without id or version', p.line);
    out.push(nugetDep(id, version, p.line, { direct: true, dev: p.attrs.developmentDependency === 'true' }));
  }
  return { path, format: 'packages.config', ecosystem: 'NuGet', packages: out, roots: out.map((d) => d.key) };
}

/** MSBuild `$(Name)` properties of a project file's `<PropertyGroup>`s. */
function msbuildProperties(root: XmlElement, into = new Map<string, string>()): Map<string, string> {
  for (const pg of children(root, 'PropertyGroup')) for (const el of pg.children) into.set(el.name, el.text);
  return into;
}

function expand(v: string | undefined, props: Map<string, string>): string | undefined {
  return v?.replace(/\$\(([\w.-]+)\)/g, (all, k: string) => props.get(k) ?? all);
}

/** Central package versions (`Directory.Packages.props`) that apply to a project: the nearest one up the folder tree. */
async function centralVersions(path: string, read: ReadSibling): Promise<{ versions: Map<string, string>; props: Map<string, string> }> {
  let dir = dirOf(path);
  for (;;) {
    const text = await read(inDir(dir, 'Directory.Packages.props'));
    if (text !== undefined) {
      try {
        const root = parseXml(text);
        const props = msbuildProperties(root);
        const versions = new Map<string, string>();
        for (const pv of descend(root, 'ItemGroup/PackageVersion')) {
          const v = expand(pv.attrs.Version ?? pv.children.find((c) => c.name === 'Version')?.text, props);
          if (pv.attrs.Include && v) versions.set(pv.attrs.Include.toLowerCase(), v);
        }
        return { versions, props };
      } catch {
        return { versions: new Map(), props: new Map() }; // reported when that file is read itself
      }
    }
    if (!dir) return { versions: new Map(), props: new Map() };
    dir = dirOf(dir);
  }
}

/**
 * SDK-style project files (`*.csproj`, `*.fsproj`, `*.vbproj`): `<PackageReference Include Version>` (attribute or
 * child element, `$(Property)` expanded, `VersionOverride` honoured), versions from central package management
 * (`Directory.Packages.props` up the tree) when the reference has none. `PrivateAssets="all"` references are
 * development-only (analyzers, build tools).
 */
export async function parseProjectFile(text: string, path: string, read: ReadSibling): Promise<ParsedLockfile> {
  const root = parseXml(text);
  if (root.name !== 'Project') throw new LockfileError(`root element is <${root.name}>, expected <Project>`, root.line);
  const central = await centralVersions(path, read);
  const props = msbuildProperties(root, new Map(central.props));
  const out = new Map<string, Dependency>();
  const constraints = new Map<string, Constraint>();
  for (const ref of descend(root, 'ItemGroup/PackageReference')) {
    const name = ref.attrs.Include ?? ref.attrs.Update;
    if (!name) throw new LockfileError('<PackageReference> without Include', ref.line);
    if (!ref.attrs.Include) continue; // Update changes an item declared elsewhere
    const childText = (n: string) => ref.children.find((c) => c.name === n)?.text;
    const declared = ref.attrs.VersionOverride ?? childText('VersionOverride') ?? ref.attrs.Version ?? childText('Version') ?? central.versions.get(name.toLowerCase());
    const version = nugetPin(expand(declared, props));
    const dev = /^all$/i.test(ref.attrs.PrivateAssets ?? childText('PrivateAssets') ?? '');
    if (!version) {
      // a range (`[7.2.3,8.0)`), a floating version (`6.*`) or an unset property: unresolved, a constraint
      constraints.set(name.toLowerCase(), { ecosystem: 'NuGet', name, spec: expand(declared, props) ?? '*', line: ref.line, ...(dev ? { dev: true } : {}) });
      continue;
    }
    out.set(name.toLowerCase(), nugetDep(name, version, ref.line, { direct: true, dev }));
  }
  const packages = [...out.values()];
  return { path, format: 'msbuild project', ecosystem: 'NuGet', packages, roots: packages.map((d) => d.key), ...(constraints.size ? { constraints: [...constraints.values()] } : {}) };
}

/** `Directory.Packages.props` read on its own: only `<GlobalPackageReference>` items are dependencies (every project gets them); `<PackageVersion>` only sets versions. */
export function parseDirectoryPackagesProps(text: string, path: string): ParsedLockfile {
  const root = parseXml(text);
  const props = msbuildProperties(root);
  const out: Dependency[] = [];
  for (const g of descend(root, 'ItemGroup/GlobalPackageReference')) {
    const version = nugetPin(expand(g.attrs.Version, props));
    if (g.attrs.Include && version) out.push(nugetDep(g.attrs.Include, version, g.line, { direct: true, dev: true }));
  }
  return { path, format: 'Directory.Packages.props', ecosystem: 'NuGet', packages: out, roots: out.map((d) => d.key) };
}

/** `name/version` keys of `libraries` and `targets` in `*.deps.json` and `project.assets.json`. */
function splitLib(key: string): [string, string] | undefined {
  const i = key.lastIndexOf('/');
  return i > 0 ? [key.slice(0, i), key.slice(i + 1)] : undefined;
}

/** .NET `*.deps.json` (what an application was built with): `libraries` of type package; the project's own dependencies are direct. */
export function parseDepsJson(text: string, path: string): ParsedLockfile {
  const doc = objectOr(parseJson(text));
  const lines = new LineIndex(text);
  const libs = objectOr(doc.libraries);
  if (!Object.keys(libs).length && !doc.targets) throw new LockfileError('no "libraries" or "targets"', 1);
  const byKey = new Map<string, Dependency>();
  for (const [key, raw] of Object.entries(libs)) {
    const l = objectOr(raw);
    const nv = splitLib(key);
    if (!nv || l.type !== 'package') continue;
    const sha = str(l.sha512);
    byKey.set(key, nugetDep(nv[0], nv[1], lines.find(`"${key}": {`, text.indexOf('"libraries"')) ?? 1, { dependsOn: [], ...(sha ? { hashes: [sha] } : {}) }));
  }
  const roots = new Set<string>();
  for (const target of Object.values(objectOr(doc.targets))) {
    for (const [key, raw] of Object.entries(objectOr(target))) {
      const deps = Object.entries(objectOr(objectOr(raw).dependencies)).map(([n, v]) => byKey.get(`${n}/${String(v)}`)?.key).filter((k): k is string => !!k);
      const own = byKey.get(key);
      if (own) own.dependsOn = [...new Set([...(own.dependsOn ?? []), ...deps])];
      else if (objectOr(libs[key]).type === 'project') for (const k of deps) roots.add(k);
    }
  }
  return { path, format: 'deps.json', ecosystem: 'NuGet', packages: [...byKey.values()], roots: [...roots] };
}

/** NuGet restore output `obj/project.assets.json`: every package library; the project's declared dependencies are direct. */
export function parseProjectAssets(text: string, path: string): ParsedLockfile {
  const doc = objectOr(parseJson(text));
  const lines = new LineIndex(text);
  if (typeof doc.version !== 'number') throw new LockfileError('no "version" (not a project.assets.json)', 1);
  const byKey = new Map<string, Dependency>();
  const libStart = text.indexOf('"libraries"');
  for (const [key, raw] of Object.entries(objectOr(doc.libraries))) {
    const l = objectOr(raw);
    const nv = splitLib(key);
    if (!nv || l.type !== 'package') continue;
    const sha = str(l.sha512);
    byKey.set(nv[0].toLowerCase(), nugetDep(nv[0], nv[1], lines.find(`"${key}": {`, Math.max(0, libStart)) ?? 1, { dependsOn: [], ...(sha ? { hashes: [`sha512-${sha}`] } : {}) }));
  }
  for (const target of Object.values(objectOr(doc.targets))) {
    for (const [key, raw] of Object.entries(objectOr(target))) {
      const own = byKey.get(splitLib(key)?.[0].toLowerCase() ?? '');
      if (!own) continue;
      for (const n of Object.keys(objectOr(objectOr(raw).dependencies))) {
        const k = byKey.get(n.toLowerCase())?.key;
        if (k && !own.dependsOn?.includes(k)) own.dependsOn?.push(k);
      }
    }
  }
  const roots = new Set<string>();
  for (const fw of Object.values(objectOr(objectOr(doc.project).frameworks))) {
    for (const n of Object.keys(objectOr(objectOr(fw).dependencies))) {
      const k = byKey.get(n.toLowerCase())?.key;
      if (k) roots.add(k);
    }
  }
  return { path, format: 'project.assets.json', ecosystem: 'NuGet', packages: [...byKey.values()], roots: [...roots] };
}

/** Paket `paket.lock`: packages under `NUGET` remotes (4-space indent), their dependencies (6 spaces); `GROUP` sections kept. */
export function parsePaketLock(text: string, path: string): ParsedLockfile {
  const out: Dependency[] = [];
  const rows = text.split('\n');
  let section = '';
  let group = 'Main';
  let current: Dependency | undefined;
  const pending = new Map<Dependency, string[]>();
  for (let i = 0; i < rows.length; i++) {
    const row = (rows[i] as string).replace(/\r$/, '');
    if (!row.trim()) continue;
    if (/^\S/.test(row)) {
      const g = /^GROUP\s+(\S+)/.exec(row);
      if (g) group = g[1] as string;
      else section = row.trim().split(/\s/)[0] as string;
      current = undefined;
      continue;
    }
    if (section !== 'NUGET') continue;
    const pkg = /^ {4}(\S+) \(([^)]+)\)/.exec(row);
    const sub = /^ {6}(\S+)/.exec(row);
    if (pkg) {
      current = nugetDep(pkg[1] as string, pkg[2] as string, i + 1, group === 'Main' ? {} : { key: `${group}:${(pkg[1] as string).toLowerCase()}@${pkg[2]}` });
      out.push(current);
      pending.set(current, []);
    } else if (sub && current) pending.get(current)?.push((sub[1] as string).toLowerCase());
    else if (!/^ {2}\S/.test(row)) throw new LockfileError(`cannot read ${JSON.stringify(row.trim().slice(0, 60))}`, i + 1);
  }
  const byName = new Map(out.map((d) => [d.name.toLowerCase(), d.key]));
  for (const [d, names] of pending) d.dependsOn = names.map((n) => byName.get(n)).filter((k): k is string => !!k);
  return { path, format: 'paket.lock', ecosystem: 'NuGet', packages: out };
}
