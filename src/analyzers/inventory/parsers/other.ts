import { LockfileError, type Dependency, type ParsedLockfile } from '../types.js';
import { LineIndex, objectOr, parseJson, parseTomlDoc, str, tomlPackages } from './text.js';

/**
 * Parses `go.mod`: `require` lines and blocks (`// indirect` marks transitive modules) with `replace` directives
 * applied; the Go toolchain itself as the `stdlib` module (from `toolchain`, else `go`); and for modules declaring
 * go 1.16 or older, whose go.mod lists only direct requirements, the other modules of the sibling `go.sum`.
 */
export function parseGoMod(text: string, path: string, goSum?: string): ParsedLockfile {
  const rows = text.split('\n');
  const directives: Partial<Record<'go' | 'toolchain', { value: string; line: number }>> = {};
  const reqs: Dependency[] = [];
  const replaces: { from: string; fromVer?: string; to: string; toVer?: string }[] = [];
  let block: 'require' | 'replace' | 'other' | undefined;
  let blockLine = 0;
  for (let i = 0; i < rows.length; i++) {
    const row = (rows[i] as string).replace(/\r$/, '');
    const indirect = /\/\/\s*indirect\b/.test(row);
    const body = row.replace(/\/\/.*$/, '').trim();
    if (!body) continue;
    if (block) {
      if (body === ')') {
        block = undefined;
        continue;
      }
      if (block === 'require') reqs.push(goReq(body, i + 1, indirect));
      else if (block === 'replace') replaces.push(goReplace(body, i + 1));
      continue;
    }
    const m = /^(require|replace|exclude|retract|module|go|toolchain|godebug)\b\s*(.*)$/.exec(body);
    if (!m) throw new LockfileError(`unknown directive ${JSON.stringify(body.slice(0, 40))}`, i + 1);
    const [, verb, rest] = m as unknown as [string, string, string];
    if (rest === '(') {
      blockLine = i + 1;
      block = verb === 'require' ? 'require' : verb === 'replace' ? 'replace' : 'other';
      continue;
    }
    if (verb === 'require') reqs.push(goReq(rest, i + 1, indirect));
    else if (verb === 'replace') replaces.push(goReplace(rest, i + 1));
    else if (verb === 'go' || verb === 'toolchain') directives[verb] = { value: rest.trim(), line: i + 1 };
  }
  if (block) throw new LockfileError(`${block} block opened here is never closed with ")"`, blockLine);
  for (const r of replaces) {
    for (const d of reqs) {
      if (d.name !== r.from || (r.fromVer && r.fromVer !== d.version)) continue;
      if (!r.toVer) {
        d.version = ''; // replaced by a local directory: not a published version
      } else {
        d.name = r.to;
        d.version = r.toVer;
        d.key = `${r.to}@${r.toVer}`;
      }
    }
  }
  const packages = reqs.filter((d) => d.version !== '');
  // the toolchain is a package too, so standard-library advisories match: `toolchain go1.22.3`, else `go 1.21`
  const toolchain = directives.toolchain?.value.replace(/^go/, '') ?? directives.go?.value;
  if (toolchain && /^\d+\.\d+/.test(toolchain)) {
    const v = `v${toolchain.split(/[-+]/)[0]}${/^\d+\.\d+$/.test(toolchain) ? '.0' : ''}`;
    packages.push({ key: `stdlib@${v}`, ecosystem: 'Go', name: 'stdlib', version: v, line: (directives.toolchain ?? directives.go)?.line });
  }
  // before Go 1.17 go.mod lists only direct requirements: the rest is known only from go.sum
  const goVersion = directives.go?.value ?? '';
  if (goSum !== undefined && /^1\.(\d|1[0-6])(\.|$)/.test(goVersion)) {
    const have = new Set(packages.map((d) => d.name));
    const sumRows = goSum.split('\n');
    for (let i = 0; i < sumRows.length; i++) {
      const m = /^(\S+) (v\S+?)(\/go\.mod)? h1:/.exec(sumRows[i] as string);
      if (!m || m[3] || have.has(m[1] as string)) continue;
      have.add(m[1] as string);
      packages.push({ key: `${m[1]}@${m[2]}`, ecosystem: 'Go', name: m[1] as string, version: m[2] as string, direct: false });
    }
  }
  return { path, format: 'go.mod', ecosystem: 'Go', packages, roots: packages.filter((d) => d.direct).map((d) => d.key) };
}

function goReq(body: string, line: number, indirect: boolean): Dependency {
  const parts = body.split(/\s+/);
  if (parts.length < 2 || !/^v\d/.test(parts[1] as string)) throw new LockfileError(`cannot read requirement ${JSON.stringify(body.slice(0, 60))}`, line);
  const name = (parts[0] as string).replace(/^"|"$/g, '');
  return { key: `${name}@${parts[1]}`, ecosystem: 'Go', name, version: parts[1] as string, direct: !indirect, line };
}

function goReplace(body: string, line: number): { from: string; fromVer?: string; to: string; toVer?: string } {
  const m = /^(\S+)(?:\s+(\S+))?\s*=>\s*(\S+)(?:\s+(\S+))?$/.exec(body);
  if (!m) throw new LockfileError(`cannot read replace ${JSON.stringify(body.slice(0, 60))}`, line);
  return { from: m[1] as string, fromVer: m[2], to: m[3] as string, toVer: m[4] };
}

/** Parses `Cargo.lock` v1–v4. Packages without `source` are the workspace's own crates: their dependencies are roots. */
export function parseCargoLock(text: string, path: string): ParsedLockfile {
  const doc = parseTomlDoc(text);
  const all: { dep: Dependency; local: boolean; deps: string[] }[] = [];
  for (const { p, name, version = '', line } of tomlPackages(text, doc)) {
    const checksum = str(p.checksum);
    all.push({
      dep: { key: `${name} ${version}`, ecosystem: 'crates.io', name, version, line, ...(checksum ? { hashes: [`sha256:${checksum}`] } : {}) },
      local: p.source === undefined,
      deps: ((p.dependencies as unknown[]) ?? []).filter((d): d is string => typeof d === 'string'),
    });
  }
  const byName = new Map<string, Dependency[]>();
  for (const a of all) byName.set(a.dep.name, [...(byName.get(a.dep.name) ?? []), a.dep]);
  const ref = (s: string): string | undefined => {
    const [n, v] = s.split(' ');
    const c = byName.get(n as string) ?? [];
    return (v ? c.find((d) => d.version === v) : c[0])?.key;
  };
  const roots: string[] = [];
  for (const a of all) {
    const keys = a.deps.map(ref).filter((k): k is string => k !== undefined);
    if (a.local) roots.push(...keys);
    else a.dep.dependsOn = keys;
  }
  const locals = new Set(all.filter((a) => a.local).map((a) => a.dep.key));
  return {
    path,
    format: 'Cargo.lock',
    ecosystem: 'crates.io',
    packages: all.filter((a) => !a.local).map((a) => a.dep),
    roots: roots.filter((r) => !locals.has(r)),
  };
}

/**
 * Parses Bundler's `Gemfile.lock`: `GEM`, `GIT` (with the remote and revision as source) and `PATH` specs; `DEPENDENCIES`
 * are the roots, and a `PATH` gem at `.` is the project itself (its dependencies are the roots).
 */
export function parseGemfileLock(text: string, path: string): ParsedLockfile {
  const rows = text.split('\n');
  const out: Dependency[] = [];
  const rootNames: string[] = [];
  let section = '';
  let source: { remote?: string; revision?: string } = {};
  let current: Dependency | undefined;
  const own: Dependency[] = [];
  for (let i = 0; i < rows.length; i++) {
    const row = (rows[i] as string).replace(/\r$/, '');
    if (!row.trim()) continue;
    if (/^\S/.test(row)) {
      section = row.trim();
      source = {};
      current = undefined;
      continue;
    }
    if (section === 'GEM' || section === 'PATH' || section === 'GIT') {
      const spec = /^ {4}(\S+) \(([^)]+)\)$/.exec(row);
      const dep = /^ {6}(\S+)/.exec(row);
      const attr = /^ {2}(remote|revision|ref|branch|tag|glob|submodules|specs):\s*(.*)$/.exec(row);
      if (attr) {
        if (attr[1] === 'remote') source.remote = attr[2];
        if (attr[1] === 'revision') source.revision = attr[2];
      } else if (spec) {
        const version = (spec[2] as string).split('-')[0] as string; // platform suffix
        current = { key: spec[1] as string, ecosystem: 'RubyGems', name: spec[1] as string, version, line: i + 1, dependsOn: [] };
        if (section === 'GIT' && source.remote) current.resolved = `git+${source.remote.replace(/^git\+/, '')}${source.revision ? `#${source.revision}` : ''}`;
        // a PATH gem at the project's own folder is the project (a gem's Gemfile: `gemspec`): its dependencies are roots
        if (section === 'PATH' && (source.remote === '.' || source.remote === './')) own.push(current);
        else out.push(current);
      } else if (dep && current) current.dependsOn?.push(dep[1] as string);
      else if (!/^ {2}\S/.test(row) && !/^ {4}\S/.test(row)) throw new LockfileError(`cannot read ${JSON.stringify(row.trim().slice(0, 60))}`, i + 1);
    } else if (section === 'DEPENDENCIES') {
      const m = /^ {2}([^\s!(]+)/.exec(row);
      if (m) rootNames.push(m[1] as string);
    }
  }
  const ownNames = new Set(own.map((d) => d.name));
  const roots = [...rootNames.filter((n) => !ownNames.has(n)), ...own.flatMap((d) => d.dependsOn ?? [])];
  return { path, format: 'Gemfile.lock', ecosystem: 'RubyGems', packages: out, roots: [...new Set(roots)] };
}

/** Parses `composer.lock` (`packages` and `packages-dev`, licences included). */
export function parseComposerLock(text: string, path: string): ParsedLockfile {
  const doc = objectOr(parseJson(text));
  const lines = new LineIndex(text);
  const out: Dependency[] = [];
  for (const section of ['packages', 'packages-dev']) {
    for (const raw of (doc[section] as unknown[]) ?? []) {
      const p = objectOr(raw);
      const name = str(p.name);
      const version = str(p.version);
      if (!name || !version) throw new LockfileError(`an entry of "${section}" has no name or version`, lines.find(`"${section}"`));
      const lic = ((p.license as unknown[]) ?? []).filter((l): l is string => typeof l === 'string');
      out.push({
        key: name.toLowerCase(),
        ecosystem: 'Packagist',
        name,
        version: version.replace(/^v(?=\d)/, ''),
        dev: section === 'packages-dev',
        line: lines.find(`"name": ${JSON.stringify(name)}`),
        dependsOn: Object.keys(objectOr(p.require)).map((n) => n.toLowerCase()),
        ...(lic.length ? { license: lic.length > 1 ? `(${lic.join(' OR ')})` : lic[0] } : {}),
        ...(str(objectOr(p.dist).shasum) ? { hashes: [`sha1:${str(objectOr(p.dist).shasum)}`] } : {}),
        ...(str(objectOr(p.dist).url) ? { resolved: str(objectOr(p.dist).url) } : {}),
      });
    }
  }
  return { path, format: 'composer.lock', ecosystem: 'Packagist', packages: out };
}

/** Parses Gradle's `gradle.lockfile` (`group:artifact:version=configurations`). */
export function parseGradleLockfile(text: string, path: string): ParsedLockfile {
  const out: Dependency[] = [];
  text.split('\n').forEach((raw, i) => {
    const row = raw.trim();
    if (!row || row.startsWith('#') || row.startsWith('empty=')) return;
    const m = /^([^:=\s]+):([^:=\s]+):([^:=\s]+)=(.*)$/.exec(row);
    if (!m) throw new LockfileError(`cannot read ${JSON.stringify(row.slice(0, 60))}`, i + 1);
    const confs = (m[4] as string).split(',');
    out.push({
      key: `${m[1]}:${m[2]}@${m[3]}`,
      ecosystem: 'Maven',
      name: `${m[1]}:${m[2]}`,
      version: m[3] as string,
      line: i + 1,
      dev: confs.every((c) => /test/i.test(c)),
    });
  });
  return { path, format: 'gradle.lockfile', ecosystem: 'Maven', packages: out };
}

/** Parses NuGet `packages.lock.json` (Direct/Transitive per target framework). */
export function parseNugetLock(text: string, path: string): ParsedLockfile {
  const doc = objectOr(parseJson(text));
  const lines = new LineIndex(text);
  const byKey = new Map<string, Dependency>();
  const roots: string[] = [];
  for (const fw of Object.values(objectOr(doc.dependencies))) {
    for (const [name, raw] of Object.entries(objectOr(fw))) {
      const e = objectOr(raw);
      if (e.type === 'Project') continue;
      const version = str(e.resolved);
      if (!version) throw new LockfileError(`"${name}" has no "resolved" version`, lines.find(`"${name}"`));
      const key = `${name.toLowerCase()}@${version}`;
      if (!byKey.has(key)) {
        const hash = str(e.contentHash);
        byKey.set(key, {
          key,
          ecosystem: 'NuGet',
          name,
          version,
          line: lines.find(`"${name}": {`),
          dependsOn: [],
          ...(hash ? { hashes: [`sha512-${hash}`] } : {}),
        });
      }
      if (e.type === 'Direct') roots.push(key);
    }
  }
  const byName = new Map([...byKey.values()].map((d) => [d.name.toLowerCase(), d.key]));
  for (const fw of Object.values(objectOr(doc.dependencies))) {
    for (const [name, raw] of Object.entries(objectOr(fw))) {
      const e = objectOr(raw);
      const d = byKey.get(`${name.toLowerCase()}@${str(e.resolved)}`);
      if (!d) continue;
      for (const n of Object.keys(objectOr(e.dependencies))) {
        const k = byName.get(n.toLowerCase());
        if (k && !d.dependsOn?.includes(k)) d.dependsOn?.push(k);
      }
    }
  }
  return { path, format: 'packages.lock.json', ecosystem: 'NuGet', packages: [...byKey.values()], roots: [...new Set(roots)] };
}
