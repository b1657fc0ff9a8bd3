import { LockfileError, type Constraint, type Dependency, type ParsedLockfile } from '../types.js';
import { pep503 } from './python.js';
import { LineIndex, objectOr, parseJson, parseTomlDoc, str } from './text.js';
import { descend, parseXml } from './xml.js';

/** `name@version` of an npm key in deno.lock, peer suffixes (`_peer@1.0.0`) dropped. */
function splitNpm(key: string): [string, string] | undefined {
  const at = key.indexOf('@', key.startsWith('@') ? 1 : 0);
  if (at <= 0) return undefined;
  return [key.slice(0, at), (key.slice(at + 1).split('_')[0] as string)];
}

/** Deno `deno.lock` v3 (`packages.npm`, `packages.jsr`), v4 and v5 (`npm`, `jsr` at the top): npm packages, and JSR ones in their own ecosystem. */
export function parseDenoLock(text: string, path: string): ParsedLockfile {
  const doc = objectOr(parseJson(text));
  const lines = new LineIndex(text);
  const version = String(doc.version ?? '');
  if (!/^[2-9]$/.test(version)) throw new LockfileError(`unsupported deno.lock version ${JSON.stringify(doc.version ?? null)}`, 1);
  const base = version === '3' ? objectOr(doc.packages) : doc;
  const out: Dependency[] = [];
  const specs = objectOr(version === '3' ? objectOr(doc.packages).specifiers : doc.specifiers);
  // specifiers are what the code imports: `npm:chalk@5` → `5.3.0` (v4+) or `npm:chalk@5.3.0` (v3)
  const direct = new Set<string>();
  for (const [spec, resolved] of Object.entries(specs)) {
    const r = String(resolved).replace(/^(npm|jsr):/, '');
    const name = splitNpm(spec.replace(/^(npm|jsr):/, ''))?.[0] ?? spec.replace(/^(npm|jsr):/, '');
    direct.add(r.includes('@', r.startsWith('@') ? 1 : 0) ? r : `${name}@${r}`);
  }
  for (const [eco, section] of [['npm', 'npm'], ['JSR', 'jsr']] as const) {
    for (const [key, raw] of Object.entries(objectOr(base[section]))) {
      const nv = splitNpm(key);
      if (!nv) throw new LockfileError(`cannot read package key ${JSON.stringify(key)}`, lines.find(`"${key}"`));
      const integrity = str(objectOr(raw).integrity);
      out.push({
        key: `${eco}:${nv[0]}@${nv[1]}`,
        ecosystem: eco,
        name: nv[0],
        version: nv[1],
        line: lines.find(`"${key}": {`) ?? lines.find(`"${key}"`),
        direct: direct.has(key),
        ...(integrity ? { hashes: [eco === 'npm' ? integrity : `sha256:${integrity}`] } : {}),
      });
    }
  }
  return { path, format: `deno.lock@${version}`, ecosystem: 'npm', packages: out };
}

/** PEP 751 `pylock.toml` (and `pylock.<name>.toml`): `[[packages]]` with name and version; VCS, directory and archive packages without a version are skipped. */
export function parsePylock(text: string, path: string): ParsedLockfile {
  const doc = parseTomlDoc(text);
  if (doc['lock-version'] === undefined) throw new LockfileError('no lock-version (not a PEP 751 lock file)', 1);
  const lines = new LineIndex(text);
  const out: Dependency[] = [];
  let from = 0;
  for (const raw of (doc.packages as unknown[]) ?? []) {
    const p = objectOr(raw);
    const at = text.indexOf('[[packages]]', from);
    const line = at >= 0 ? lines.lineAt(at) : undefined;
    if (at >= 0) from = at + 1;
    const name = str(p.name);
    if (!name) throw new LockfileError('[[packages]] without name', line);
    const version = str(p.version);
    if (!version) continue;
    const sdist = objectOr(p.sdist);
    const wheel = objectOr((p.wheels as unknown[] | undefined)?.[0]);
    const sha = str(objectOr(sdist.hashes).sha256) ?? str(objectOr(wheel.hashes).sha256);
    const url = str(sdist.url) ?? str(wheel.url);
    out.push({ key: `${pep503(name)}@${version}`, ecosystem: 'PyPI', name, version, line, ...(sha ? { hashes: [`sha256:${sha}`] } : {}), ...(url ? { resolved: url } : {}) });
  }
  return { path, format: 'pylock.toml', ecosystem: 'PyPI', packages: out };
}

/** Go `vendor/modules.txt`: `# module version [=> replacement version]` lines (replacements by a local path are skipped). */
export function parseGoVendorModules(text: string, path: string): ParsedLockfile {
  const out: Dependency[] = [];
  text.split('\n').forEach((raw, i) => {
    const row = raw.replace(/\r$/, '');
    if (!row.startsWith('# ')) return;
    const m = /^# ([\w.~+-]+(?:\/[\w.~+-]+)*)(?: (v\S+))?(?: => (\S+)(?: (v\S+))?)?$/.exec(row);
    if (!m) throw new LockfileError(`cannot read ${JSON.stringify(row.slice(0, 60))}`, i + 1);
    const [name, version] = m[3] ? [m[3], m[4]] : [m[1], m[2]];
    if (!name || !version) return; // a local replacement or a workspace module
    out.push({ key: `${name}@${version}`, ecosystem: 'Go', name, version, line: i + 1 });
  });
  return { path, format: 'vendor/modules.txt', ecosystem: 'Go', packages: out };
}

/**
 * Gradle version catalog `libs.versions.toml`: `[libraries]` as `"g:a:v"` strings or tables with `module`/`group`+`name`
 * and `version` (a string, `version.ref` into `[versions]`, or a rich `{ strictly | require | prefer }`).
 */
export function parseVersionCatalog(text: string, path: string): ParsedLockfile {
  const doc = parseTomlDoc(text);
  const lines = new LineIndex(text);
  const versions = objectOr(doc.versions);
  const rich = (v: unknown): string | undefined => (typeof v === 'string' ? v : str(objectOr(v).strictly) ?? str(objectOr(v).require) ?? str(objectOr(v).prefer));
  const out: Dependency[] = [];
  const constraints: Constraint[] = [];
  for (const [alias, raw] of Object.entries(objectOr(doc.libraries))) {
    const line = lines.find(`\n${alias} `) ?? lines.find(alias);
    let name: string | undefined;
    let version: string | undefined;
    if (typeof raw === 'string') {
      const parts = raw.split(':');
      name = parts.length >= 2 ? `${parts[0]}:${parts[1]}` : undefined;
      version = parts[2];
    } else {
      const e = objectOr(raw);
      name = str(e.module) ?? (str(e.group) && str(e.name) ? `${str(e.group)}:${str(e.name)}` : undefined);
      const v = e.version;
      const ref = str(objectOr(v).ref);
      version = ref ? rich(versions[ref]) : rich(v);
    }
    if (!name) throw new LockfileError(`library "${alias}" has no module or group and name`, line === undefined ? undefined : line + 1);
    if (!version || /[[\](),+]/.test(version)) {
      // a range or no version (set by a platform/BOM at build time): a constraint, not a package
      constraints.push({ ecosystem: 'Maven', name, spec: version ?? '*', ...(line === undefined ? {} : { line: line + 1 }) });
      continue;
    }
    out.push({ key: `${name}@${version}`, ecosystem: 'Maven', name, version, line: line === undefined ? undefined : line + 1, direct: true });
  }
  return { path, format: 'libs.versions.toml', ecosystem: 'Maven', packages: out, roots: out.map((d) => d.key), ...(constraints.length ? { constraints } : {}) };
}

/** Gradle dependency verification `gradle/verification-metadata.xml`: every `<component group name version>`. */
export function parseGradleVerification(text: string, path: string): ParsedLockfile {
  const root = parseXml(text);
  if (root.name !== 'verification-metadata') throw new LockfileError(`root element is <${root.name}>, expected <verification-metadata>`, root.line);
  const out = new Map<string, Dependency>();
  for (const c of descend(root, 'components/component')) {
    const { group, name, version } = c.attrs;
    if (!group || !name || !version) throw new LockfileError('<component> without group, name or version', c.line);
    const sha = descend(c, 'artifact/sha256')[0]?.attrs.value;
    const key = `${group}:${name}@${version}`;
    if (!out.has(key)) out.set(key, { key, ecosystem: 'Maven', name: `${group}:${name}`, version, line: c.line, ...(sha ? { hashes: [`sha256:${sha}`] } : {}) });
  }
  return { path, format: 'verification-metadata.xml', ecosystem: 'Maven', packages: [...out.values()] };
}
