import { parse as parseYaml } from 'yaml';
import { LockfileError, type Dependency, type ParsedLockfile } from '../types.js';
import { LineIndex, objectOr, str } from './text.js';

/** `name@range` → [name, range], scoped names kept whole. */
function splitSpec(spec: string): [string, string] {
  const at = spec.indexOf('@', spec.startsWith('@') ? 1 : 0);
  return at < 0 ? [spec, ''] : [spec.slice(0, at), spec.slice(at + 1)];
}

function unquote(s: string): string {
  const t = s.trim();
  return t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1) : t;
}

/** Parses `yarn.lock`: classic (v1, its own format) or berry (v2+, YAML with `__metadata`). */
export function parseYarnLock(text: string, path: string, manifestDeps?: { prod: string[]; dev: string[] }): ParsedLockfile {
  if (/^__metadata:/m.test(text)) return parseBerry(text, path, manifestDeps);
  return parseClassic(text, path, manifestDeps);
}

function parseClassic(text: string, path: string, manifestDeps?: { prod: string[]; dev: string[] }): ParsedLockfile {
  const rows = text.split('\n');
  const bySpec = new Map<string, Dependency>();
  const pending: { dep: Dependency; deps: [string, string][] }[] = [];
  let cur: { dep: Dependency; deps: [string, string][]; specs: string[] } | undefined;
  let inDeps = false;
  const finish = (): void => {
    if (!cur) return;
    if (!cur.dep.version) throw new LockfileError(`entry "${cur.specs.join(', ')}" has no version`, cur.dep.line);
    for (const s of cur.specs) bySpec.set(s, cur.dep);
    pending.push(cur);
    cur = undefined;
  };
  for (let i = 0; i < rows.length; i++) {
    const row = (rows[i] as string).replace(/\r$/, '');
    if (row.trim() === '' || row.trimStart().startsWith('#')) continue;
    const indent = row.length - row.trimStart().length;
    if (indent === 0) {
      finish();
      if (!row.endsWith(':')) throw new LockfileError(`expected "<package>@<range>:" but found ${JSON.stringify(row.slice(0, 60))}`, i + 1);
      const specs = row
        .slice(0, -1)
        .split(/,\s*/)
        .map(unquote);
      const [name, range] = splitSpec(specs[0] as string);
      // an alias (`x@npm:real@^1`): the real package, installed under the alias
      const real = range.startsWith('npm:') ? splitSpec(range.slice(4))[0] : '';
      cur = {
        dep: { key: specs[0] as string, ecosystem: 'npm', name: real && real !== name ? real : name, ...(real && real !== name ? { alias: name } : {}), version: '', line: i + 1 },
        deps: [],
        specs,
      };
      inDeps = false;
      continue;
    }
    if (!cur) throw new LockfileError('indented line outside an entry', i + 1);
    const body = row.trim();
    if (indent === 2) {
      inDeps = body === 'dependencies:' || body === 'optionalDependencies:';
      const m = /^("?[\w-]+"?)\s+(.*)$/.exec(body);
      if (m && !inDeps) {
        const k = unquote(m[1] as string);
        const v = unquote(m[2] as string);
        if (k === 'version') cur.dep.version = v;
        else if (k === 'resolved') cur.dep.resolved = v;
        else if (k === 'integrity') cur.dep.hashes = [v];
      } else if (!m && !body.endsWith(':')) {
        throw new LockfileError(`cannot read ${JSON.stringify(body.slice(0, 60))}`, i + 1);
      }
    } else if (indent >= 4 && inDeps) {
      const m = /^("[^"]+"|\S+)\s+(.+)$/.exec(body);
      if (!m) throw new LockfileError(`cannot read dependency ${JSON.stringify(body.slice(0, 60))}`, i + 1);
      cur.deps.push([unquote(m[1] as string), unquote(m[2] as string)]);
    }
  }
  finish();
  for (const p of pending) {
    p.dep.dependsOn = p.deps
      .map(([n, r]) => bySpec.get(`${n}@${r}`)?.key)
      .filter((k): k is string => k !== undefined);
  }
  const packages = [...new Set(bySpec.values())];
  const devRoots = manifestDeps ? manifestRoots(packages, bySpec, { prod: [], dev: manifestDeps.dev }) : undefined;
  return { path, format: 'yarn@1', ecosystem: 'npm', packages, roots: manifestRoots(packages, bySpec, manifestDeps), ...(devRoots ? { devRoots } : {}) };
}

function manifestRoots(
  packages: Dependency[],
  bySpec: Map<string, Dependency>,
  manifest?: { prod: string[]; dev: string[] },
): string[] | undefined {
  if (!manifest) return undefined;
  const roots: string[] = [];
  const byName = new Map<string, Dependency[]>();
  for (const p of packages) byName.set(p.name, [...(byName.get(p.name) ?? []), p]);
  for (const spec of [...manifest.prod, ...manifest.dev]) {
    const hit = bySpec.get(spec) ?? (byName.get(splitSpec(spec)[0]) ?? [])[0];
    if (hit) roots.push(hit.key);
  }
  return roots;
}

function parseBerry(text: string, path: string, manifestDeps?: { prod: string[]; dev: string[] }): ParsedLockfile {
  let doc: Record<string, unknown>;
  try {
    doc = objectOr(parseYaml(text, { schema: 'core', uniqueKeys: false }));
  } catch (e) {
    const line = (e as { linePos?: { line: number }[] }).linePos?.[0]?.line;
    throw new LockfileError(`invalid YAML: ${(e as Error).message.split('\n')[0]}`, line);
  }
  const lines = new LineIndex(text);
  const bySpec = new Map<string, Dependency>();
  const entries: [Dependency, Record<string, unknown>][] = [];
  const roots: string[] = [];
  const workspaces: Record<string, unknown>[] = [];
  for (const [keyList, raw] of Object.entries(doc)) {
    if (keyList === '__metadata') continue;
    const entry = objectOr(raw);
    const resolution = str(entry.resolution) ?? '';
    const specs = keyList.split(/,\s*/);
    if (/@workspace:/.test(resolution) || entry.linkType === 'soft') {
      workspaces.push(entry);
      continue;
    }
    const [name] = splitSpec(resolution || (specs[0] as string));
    const [asked] = splitSpec(specs[0] as string);
    const version = str(entry.version) ?? (typeof entry.version === 'number' ? String(entry.version) : undefined);
    if (!version) throw new LockfileError(`entry "${keyList}" has no version`, lines.find(`${keyList}:`) ?? lines.find(keyList));
    const checksum = str(entry.checksum);
    const dep: Dependency = {
      key: resolution || keyList,
      ecosystem: 'npm',
      name,
      version,
      ...(asked !== name && /@npm:/.test(specs[0] as string) ? { alias: asked } : {}),
      line: lines.find(`"${keyList}":`) ?? lines.find(`${keyList}:`),
      ...(checksum ? { hashes: [checksum] } : {}),
      ...(resolution ? { resolved: resolution } : {}),
    };
    for (const s of specs) bySpec.set(s, dep);
    entries.push([dep, entry]);
  }
  const lookup = (n: string, r: string): string | undefined =>
    (bySpec.get(`${n}@${r}`) ?? bySpec.get(`${n}@npm:${r}`))?.key;
  for (const [dep, entry] of entries) {
    dep.dependsOn = Object.entries({ ...objectOr(entry.dependencies), ...objectOr(entry.optionalDependencies) })
      .map(([n, r]) => lookup(n, String(r)))
      .filter((k): k is string => k !== undefined);
  }
  for (const ws of workspaces) {
    for (const [n, r] of Object.entries({ ...objectOr(ws.dependencies), ...objectOr(ws.devDependencies) })) {
      const k = lookup(n, String(r));
      if (k) roots.push(k);
    }
  }
  const packages = [...new Map(entries.map(([d]) => [d.key, d])).values()];
  const devNames = new Set((manifestDeps?.dev ?? []).map((d) => splitSpec(d)[0]));
  const prodNames = new Set((manifestDeps?.prod ?? []).map((d) => splitSpec(d)[0]));
  const devRoots = roots.filter((k) => {
    const d = packages.find((p) => p.key === k);
    return d !== undefined && devNames.has(d.name) && !prodNames.has(d.name);
  });
  return { path, format: 'yarn@berry', ecosystem: 'npm', packages, roots: workspaces.length ? roots : undefined, devRoots };
}
