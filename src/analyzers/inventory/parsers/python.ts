import { parse as parseToml } from 'smol-toml';
import { LockfileError, type Constraint, type Dependency, type ParsedLockfile, type ReadSibling } from '../types.js';
import { joinPath, LineIndex, objectOr, parseJson, parseTomlDoc, str, tomlPackages } from './text.js';

/** PEP 503 name. */
export function pep503(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** A PEP 508 requirement split into name, extras-free version specifier (markers dropped) and direct URL. */
export interface Pep508 {
  name: string;
  spec: string;
  url?: string;
}

/** Splits `name[extra] (>=1,<2) ; marker` or `name @ url`; undefined when the text does not start with a name. */
export function parsePep508(text: string): Pep508 | undefined {
  const m = /^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(\[[^\]]*\])?\s*(.*)$/s.exec(text);
  if (!m) return undefined;
  const rest = (m[3] as string).trim();
  if (rest.startsWith('@')) return { name: m[1] as string, spec: rest, url: rest.slice(1).split(';')[0]?.trim() ?? '' };
  const spec = (rest.split(';')[0] ?? '').trim().replace(/^\((.*)\)$/, '$1').trim();
  return { name: m[1] as string, spec };
}

/**
 * The one exact version a PEP 440 specifier pins (`==1.2.3`, `===1.2.3`), or undefined for ranges, wildcards
 * (`==1.2.*`), several clauses and `${VAR}` references (which never become versions).
 */
export function exactPin(spec: string): string | undefined {
  const pin = /^===?\s*([^\s,;]+)$/.exec(spec.trim());
  const v = pin?.[1];
  if (!v || v.includes('*') || v.includes('$')) return undefined;
  return v;
}

/** One requirement line of a requirements file or an include, with its line in the file that names it. */
interface ReqLine {
  name: string;
  spec: string;
  line: number;
  hashes: string[];
}

/** The requirement lines of one requirements file, following `-r` includes; `-c` files come back apart. */
async function requirementLines(
  text: string,
  path: string,
  read: ReadSibling,
  seen: Set<string>,
  notes: { line?: number; message: string }[],
  constraintsFrom: ReqLine[],
): Promise<ReqLine[]> {
  seen.add(path);
  const out: ReqLine[] = [];
  const rows = text.split('\n');
  const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/') + 1) : '';
  for (let i = 0; i < rows.length; i++) {
    const start = i;
    let row = (rows[i] as string).replace(/\r$/, '');
    while (row.endsWith('\\') && i + 1 < rows.length) row = row.slice(0, -1) + ' ' + (rows[++i] as string).replace(/\r$/, '');
    row = row.replace(/(^|\s)#.*$/, '').trim();
    if (!row) continue;
    const inc = /^(-r|--requirement|-c|--constraint)(?:=|\s+|(?=[^-\s]))(\S+)/.exec(row);
    if (inc) {
      const target = joinPath(dir, inc[2] as string);
      if (seen.has(target)) continue;
      const body = await read(target);
      if (body === undefined) {
        notes.push({ line: start + 1, message: `included file ${inc[2]} not found; its requirements are not read` });
        continue;
      }
      const constraint = inc[1] === '-c' || inc[1] === '--constraint';
      const sub = await requirementLines(body, target, read, seen, notes, constraintsFrom);
      // reported at the `-r`/`-c` line of this file; the included file is also scanned on its own when it is a requirements file
      (constraint ? constraintsFrom : out).push(...sub.map((r) => ({ ...r, line: start + 1 })));
      continue;
    }
    // every other pip option line (--index-url, --extra-index-url, -f, --only-binary, --config-settings, -e ...) is
    // skipped on its own; requirements after it still count
    if (row.startsWith('-') || /^(https?|git\+|hg\+|svn\+|bzr\+|file:)/.test(row) || row.startsWith('.') || row.startsWith('/')) continue;
    const hashes = [...row.matchAll(/--hash[=\s](\S+)/g)].map((h) => h[1] as string);
    // per-requirement options (--hash, --config-settings, --global-option ...) end the requirement
    const req = parsePep508(row.replace(/\s--?[A-Za-z][\w-]*(?:[=\s]\S+)?/g, ''));
    if (!req) throw new LockfileError(`cannot read requirement ${JSON.stringify(row.slice(0, 60))}`, start + 1);
    out.push({ name: req.name, spec: req.url !== undefined ? req.spec : req.spec.replace(/\s+/g, ''), line: start + 1, hashes });
  }
  return out;
}

/**
 * Parses pip `requirements*.txt`: exact pins (`==`, `===`) are packages, with extras, markers, hashes and line
 * continuations; unpinned, range and `${VAR}` requirements are constraints. `-r` includes are read relative to
 * the file; a `-c` constraints file pins only what is required (pip installs nothing from it alone). Every other
 * option line is skipped without dropping what follows; a missing include is a file note.
 */
export async function parseRequirements(text: string, path: string, read: ReadSibling): Promise<ParsedLockfile> {
  const notes: { line?: number; message: string }[] = [];
  const fromC: ReqLine[] = [];
  const lines = await requirementLines(text, path, read, new Set(), notes, fromC);
  const pinned = new Map<string, ReqLine>();
  for (const c of fromC) if (exactPin(c.spec)) pinned.set(pep503(c.name), c);
  const out: Dependency[] = [];
  const constraints: Constraint[] = [];
  const seen = new Set<string>();
  for (const r of lines) {
    const c = pinned.get(pep503(r.name));
    const version = exactPin(r.spec) ?? (c ? exactPin(c.spec) : undefined);
    if (!version) {
      constraints.push({ ecosystem: 'PyPI', name: r.name, spec: r.spec || '*', line: r.line });
      continue;
    }
    const key = `${pep503(r.name)}@${version}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const hashes = r.hashes.length ? r.hashes : (c?.hashes ?? []);
    out.push({ key, ecosystem: 'PyPI', name: r.name, version, direct: true, line: r.line, ...(hashes.length ? { hashes } : {}) });
  }
  return {
    path,
    format: 'requirements',
    ecosystem: 'PyPI',
    packages: out,
    roots: out.map((d) => d.key),
    ...(constraints.length ? { constraints } : {}),
    ...(notes.length ? { notes } : {}),
  };
}

/** Names a dependency string such as `requests (>=2.0)`, `idna>=2.5; python_version<"3"` declares. */
function reqName(s: string): string {
  return pep503((/^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(s)?.[1] ?? s).trim());
}

/** Parses `poetry.lock` (`[[package]]`, dev via `category` in older files). */
export function parsePoetryLock(text: string, path: string, pyproject?: string): ParsedLockfile {
  const doc = parseTomlDoc(text);
  const out: Dependency[] = [];
  for (const { p, name, version = '', line } of tomlPackages(text, doc)) {
    const files = (p.files as unknown[] | undefined) ?? [];
    out.push({
      key: pep503(name),
      ecosystem: 'PyPI',
      name,
      version,
      line,
      dev: p.category === 'dev',
      optional: p.optional === true,
      dependsOn: Object.keys(objectOr(p.dependencies)).map(pep503),
      hashes: files.map((f) => str(objectOr(f).hash)).filter((h): h is string => !!h).slice(0, 1),
    });
  }
  const r = pyprojectRoots(pyproject, out);
  return { path, format: 'poetry.lock', ecosystem: 'PyPI', packages: out, ...(r ? { roots: r.all, devRoots: r.dev } : {}) };
}

function pyprojectRoots(pyproject: string | undefined, pkgs: Dependency[]): { all: string[]; dev: string[] } | undefined {
  if (!pyproject) return undefined;
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(pyproject) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const poetry = objectOr(objectOr(doc.tool).poetry);
  const names = new Set<string>();
  for (const k of Object.keys(objectOr(poetry.dependencies))) names.add(pep503(k));
  const devNames = new Set<string>(Object.keys(objectOr(poetry['dev-dependencies'])).map(pep503));
  for (const g of Object.values(objectOr(poetry.group))) for (const k of Object.keys(objectOr(objectOr(g).dependencies))) devNames.add(pep503(k));
  for (const d of (objectOr(doc.project).dependencies as unknown[] | undefined) ?? []) if (typeof d === 'string') names.add(reqName(d));
  const keys = new Set(pkgs.map((p) => p.key));
  return { all: [...names, ...devNames].filter((n) => keys.has(n)), dev: [...devNames].filter((n) => keys.has(n) && !names.has(n)) };
}

/** Parses `Pipfile.lock` (`default` and `develop` sections). */
export function parsePipfileLock(text: string, path: string): ParsedLockfile {
  const doc = objectOr(parseJson(text));
  const lines = new LineIndex(text);
  const out: Dependency[] = [];
  for (const section of ['default', 'develop']) {
    const sectionStart = text.indexOf(`"${section}"`);
    for (const [name, raw] of Object.entries(objectOr(doc[section]))) {
      const e = objectOr(raw);
      const v = str(e.version);
      if (!v) continue; // VCS or path requirement
      const pin = /^===?(.+)$/.exec(v);
      if (!pin) throw new LockfileError(`"${name}" has version ${JSON.stringify(v)}, expected ==X`, lines.find(`"${name}"`, Math.max(0, sectionStart)));
      const hashes = ((e.hashes as unknown[]) ?? []).filter((h): h is string => typeof h === 'string');
      out.push({
        key: `${section}:${pep503(name)}`,
        ecosystem: 'PyPI',
        name,
        version: pin[1] as string,
        dev: section === 'develop',
        line: lines.find(`"${name}": {`, Math.max(0, sectionStart)),
        ...(hashes.length ? { hashes: hashes.slice(0, 1) } : {}),
      });
    }
  }
  return { path, format: 'Pipfile.lock', ecosystem: 'PyPI', packages: out };
}

/** Parses `uv.lock`: the project's own package (editable/virtual source) gives the roots. */
export function parseUvLock(text: string, path: string): ParsedLockfile {
  const doc = parseTomlDoc(text);
  const out: Dependency[] = [];
  const roots: string[] = [];
  const devRoots = new Set<string>();
  for (const { p, name, line } of tomlPackages(text, doc, { versionOptional: true })) {
    const src = objectOr(p.source);
    const deps = ((p.dependencies as unknown[]) ?? []).map((d) => pep503(str(objectOr(d).name) ?? ''));
    const optional = Object.values(objectOr(p['optional-dependencies'])).flatMap((l) => (l as unknown[]).map((d) => pep503(str(objectOr(d).name) ?? '')));
    const dev = Object.values(objectOr(p['dev-dependencies'])).flatMap((l) => (l as unknown[]).map((d) => pep503(str(objectOr(d).name) ?? '')));
    if (src.editable !== undefined || src.virtual !== undefined) {
      roots.push(...deps, ...optional, ...dev);
      for (const d of dev) devRoots.add(d);
      continue;
    }
    const version = str(p.version);
    if (!version) throw new LockfileError(`package "${name}" has no version`, line);
    const sdist = str(objectOr(p.sdist).hash);
    const url = str(objectOr(p.sdist).url) ?? str(objectOr((p.wheels as unknown[] | undefined)?.[0]).url);
    out.push({
      key: pep503(name),
      ecosystem: 'PyPI',
      name,
      version,
      line,
      dependsOn: [...deps, ...optional],
      ...(sdist ? { hashes: [sdist] } : {}),
      ...(url ? { resolved: url } : {}),
    });
  }
  return { path, format: 'uv.lock', ecosystem: 'PyPI', packages: out, roots: roots.length ? roots : undefined, devRoots: [...devRoots] };
}

/** Parses `pdm.lock` (`[[package]]` with `groups` and PEP 508 `dependencies`). */
export function parsePdmLock(text: string, path: string): ParsedLockfile {
  const doc = parseTomlDoc(text);
  const out: Dependency[] = [];
  for (const { p, name, version = '', line } of tomlPackages(text, doc)) {
    const groups = ((p.groups as unknown[]) ?? []).filter((g): g is string => typeof g === 'string');
    out.push({
      key: pep503(name),
      ecosystem: 'PyPI',
      name,
      version,
      line,
      dev: groups.length > 0 && !groups.includes('default'),
      dependsOn: ((p.dependencies as unknown[]) ?? []).filter((d): d is string => typeof d === 'string').map(reqName),
    });
  }
  return { path, format: 'pdm.lock', ecosystem: 'PyPI', packages: out };
}
