import { LockfileError, type ParsedLockfile, type ReadSibling } from '../types.js';
import { escapeRe, headerLine, lineOf, manifest, type Declared } from './manifests.js';
import { exactPin, pep503 } from './python.js';
import { LineIndex, objectOr, parseJson, parseTomlDoc, parseYamlDoc, str } from './text.js';

/**
 * Manifests whose lockfile is usually beside them, read when it is not (`package.json`, `Pipfile`, `Gemfile`,
 * `pubspec.yaml`, `paket.dependencies`): as for the other manifests, one exact version is a package (what must be
 * installed), anything else a constraint (unresolved, never matched); local (path, workspace) entries are the
 * project's own and skipped.
 */

// ---------------------------------------------------------------------------------------------------------------
// package.json

/** npm's exact version forms: `1.2.3`, `=1.2.3`, `v1.2.3` (with a prerelease or build); `1.2` or `^1.2.3` are ranges. */
function npmPin(spec: string): string | undefined {
  return /^(?:=\s*)?v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)$/.exec(spec.trim())?.[1];
}

/** The names of the target's own packages (every other `package.json`), so a workspace sibling pinned by version is not taken for a registry package. */
const LOCAL_NAMES = new WeakMap<ReadSibling, Promise<Set<string>>>();

function localNames(read: ReadSibling): Promise<Set<string>> {
  let p = LOCAL_NAMES.get(read);
  if (!p) {
    p = (async () => {
      const names = new Set<string>();
      for (const q of read.paths?.() ?? []) {
        if (!/(^|\/)package\.json$/.test(q)) continue;
        try {
          const name = str(objectOr(JSON.parse((await read(q)) ?? '{}')).name);
          if (name) names.add(name);
        } catch {
          // a broken package.json is reported when it is read itself
        }
      }
      return names;
    })();
    LOCAL_NAMES.set(read, p);
  }
  return p;
}

/**
 * `package.json` without a lockfile (here or in a folder above): `dependencies`, `devDependencies` (dev),
 * `optionalDependencies` (optional). An exact version is a package, a range, tag, git or tarball URL a constraint;
 * `npm:real@1.2.3` aliases are the real package with the alias kept; `file:`, `link:`, `workspace:` entries and the
 * target's own packages are skipped. `peerDependencies` are the consumer's to install, not this project's.
 */
export async function parsePackageJson(text: string, path: string, read: ReadSibling): Promise<ParsedLockfile> {
  const doc = parseJson(text);
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new LockfileError('package.json is not a JSON object', 1);
  const pj = doc as Record<string, unknown>;
  const lines = new LineIndex(text);
  const own = await localNames(read);
  const declared: Declared[] = [];
  for (const [field, flags] of [['dependencies', {}], ['devDependencies', { dev: true }], ['optionalDependencies', { optional: true }]] as const) {
    const section = pj[field];
    if (section === undefined) continue;
    const opened = text.search(new RegExp(`"${field}"\\s*:\\s*[{\\[]`));
    const at = opened >= 0 ? opened : text.indexOf(`"${field}"`);
    const sectionLine = at >= 0 ? lines.lineAt(at) : undefined;
    if (typeof section !== 'object' || section === null || Array.isArray(section)) throw new LockfileError(`${field} is not an object`, sectionLine);
    for (const [name, raw] of Object.entries(section as Record<string, unknown>)) {
      const line = lines.find(JSON.stringify(name), at >= 0 ? at : 0);
      if (typeof raw !== 'string') throw new LockfileError(`${field} ${JSON.stringify(name)}: the version is not a string`, line);
      const spec = raw.trim();
      if (/^(file|link|workspace|portal|patch|exec):/.test(spec)) continue; // the project's own code
      const alias = /^npm:((?:@[^/@]+\/)?[^/@]+)(?:@(.*))?$/.exec(spec);
      const real = alias ? (alias[1] as string) : name;
      if (!alias && own.has(name)) continue; // a package of this repository (a workspace sibling), not a registry one
      declared.push({ name: real, spec: alias ? (alias[2] ?? '*') : spec || '*', ...(alias ? { alias: name } : {}), ...(line ? { line } : {}), ...flags });
    }
  }
  return manifest(path, 'package.json', 'npm', declared, npmPin, (n) => n);
}

// ---------------------------------------------------------------------------------------------------------------
// Pipfile

/**
 * Pipenv `Pipfile` without its `Pipfile.lock`: `[packages]`, `[dev-packages]` (dev) and other categories (pipenv
 * 2023+). `"==1.2.3"` (or `{ version = "==1.2.3" }`) is a package; `"*"`, ranges, `git`/`file` sources constraints;
 * `path` (editable or not) entries are the project's own.
 */
export function parsePipfile(text: string, path: string): ParsedLockfile {
  const doc = parseTomlDoc(text);
  const rows = text.split('\n');
  const declared: Declared[] = [];
  for (const [category, table] of Object.entries(doc)) {
    if (['source', 'requires', 'scripts', 'pipenv'].includes(category)) continue;
    if (typeof table !== 'object' || table === null || Array.isArray(table)) continue;
    const from = headerLine(rows, [category]);
    const flags = category === 'packages' ? {} : { dev: true };
    for (const [name, raw] of Object.entries(table as Record<string, unknown>)) {
      const line = lineOf(rows, new RegExp(`^\\s*["']?${escapeRe(name)}["']?\\s*=`), from ?? 1);
      const e = objectOr(raw);
      if (typeof raw !== 'string' && (typeof raw !== 'object' || raw === null || Array.isArray(raw))) throw new LockfileError(`[${category}] ${name}: expected a version string or a table`, line ?? from);
      if (e.path !== undefined) continue;
      const spec = typeof raw === 'string' ? raw : (str(e.version) ?? (e.git ? `git ${String(e.git)}${e.ref ? `@${String(e.ref)}` : ''}` : e.file ? `file ${String(e.file)}` : '*'));
      declared.push({ name, spec: spec.trim() || '*', ...(line ? { line } : {}), ...flags });
    }
  }
  return manifest(path, 'Pipfile', 'PyPI', declared, (s) => (s === '*' ? undefined : exactPin(s)), pep503);
}

// ---------------------------------------------------------------------------------------------------------------
// Gemfile

/** Top-level comma-separated arguments of a Ruby call, strings kept whole; undefined when a string is not closed. */
function rubyArgs(s: string): string[] | undefined {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < s.length && s[j] !== c) j += s[j] === '\\' ? 2 : 1;
      if (j >= s.length) return undefined;
      cur += s.slice(i, j + 1);
      i = j;
    } else if ('([{'.includes(c)) {
      depth++;
      cur += c;
    } else if (')]}'.includes(c)) {
      depth--;
      cur += c;
    } else if (c === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/** A Ruby line without its trailing comment (a `#` outside string literals). */
function rubyCode(line: string): string {
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < line.length && line[j] !== c) j += line[j] === '\\' ? 2 : 1;
      i = j;
    } else if (c === '#') return line.slice(0, i);
  }
  return line;
}

/** The value of a Ruby string literal (`'x'`, `"x"`, `%q(x)`), else undefined. */
function rubyString(s: string): string | undefined {
  const m = /^(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"|%[qQ]?[({[<](.*)[)}\]>])$/.exec(s.trim());
  return m ? (m[1] ?? m[2] ?? m[3] ?? '').replace(/\\(.)/g, '$1') : undefined;
}

/** Symbols and strings of a Ruby value (`:test`, `[:development, :test]`, `%i[a b]`, `"x"`). */
function rubySymbols(s: string): string[] {
  const words = /^%[iw][[({](.*)[\])}]$/.exec(s.trim());
  if (words) return (words[1] as string).split(/\s+/).filter(Boolean);
  return [...s.matchAll(/:(\w+)|["'](\w+)["']/g)].map((m) => (m[1] ?? m[2]) as string);
}

/** A `key: value` or `:key => value` argument. */
function rubyOption(arg: string): [string, string] | undefined {
  const m = /^(?::(\w+)\s*=>|(\w+):(?!:))\s*(.*)$/s.exec(arg);
  return m ? [(m[1] ?? m[2]) as string, m[3] as string] : undefined;
}

const DEV_GROUPS = new Set(['development', 'test']);

/**
 * Bundler `Gemfile` (or `gems.rb`) without its lockfile, read as text (never evaluated): each `gem "name", reqs...`
 * with its `group`/`groups` and the enclosing `group ... do` blocks (only development and test groups are dev). A
 * single exact requirement (`"1.2.3"`, `"= 1.2.3"`) is a package; `~>`, ranges and several requirements are
 * constraints, as are `git`/`github` gems; `path` gems (and `path ... do` blocks) are the project's own.
 */
export function parseGemfile(text: string, path: string): ParsedLockfile {
  const rows = text.split('\n');
  const declared: Declared[] = [];
  const notes: { line?: number; message: string }[] = [];
  /** Open blocks: the groups they add, and whether their gems come from a path or git. */
  const stack: { groups: string[]; source?: 'path' | 'git' }[] = [];
  for (let i = 0; i < rows.length; i++) {
    let row = rubyCode((rows[i] as string).replace(/\r$/, ''));
    const start = i;
    if (/^\s*$/.test(row)) continue;
    if (/^=begin\b/.test(row)) {
      while (i < rows.length - 1 && !/^=end\b/.test(rows[i] as string)) i++;
      continue;
    }
    // a statement continued on the next lines (after a trailing comma or an open parenthesis)
    while (/(,|\(|\\)\s*$/.test(row) && i + 1 < rows.length) row = `${row.replace(/\\\s*$/, '')} ${rubyCode(rows[++i] as string).trim()}`;
    const t = row.trim();
    const block = /\bdo(\s*\|[^|]*\|)?$/.test(t);
    const gem = /^gem\s*\(?\s*(.*?)\)?\s*$/s.exec(t.replace(/\s+if\s+.*$|\s+unless\s+.*$/, ''));
    if (gem && /^gem(?:[\s(]|$)/.test(t)) {
      const args = rubyArgs(gem[1] as string);
      if (!args?.length) throw new LockfileError(`cannot read gem declaration ${JSON.stringify(t.slice(0, 60))}`, start + 1);
      const name = rubyString(args[0] as string);
      if (name === undefined) {
        notes.push({ line: start + 1, message: `gem name ${JSON.stringify((args[0] as string).slice(0, 40))} is not a literal; not read` });
        continue;
      }
      const reqs: string[] = [];
      const groups = stack.flatMap((b) => b.groups);
      let source = [...stack].reverse().find((b) => b.source)?.source;
      for (const a of args.slice(1)) {
        const opt = rubyOption(a);
        if (!opt) {
          reqs.push(rubyString(a) ?? a);
          continue;
        }
        const [k, v] = opt;
        if (k === 'group' || k === 'groups') groups.push(...rubySymbols(v));
        else if (k === 'path') source = 'path';
        else if (['git', 'github', 'gitlab', 'bitbucket', 'gist'].includes(k)) source = 'git';
      }
      if (source === 'path') continue;
      const flags = { line: start + 1, ...(groups.length && groups.every((g) => DEV_GROUPS.has(g)) ? { dev: true } : {}) };
      const spec = source === 'git' ? `git ${reqs.join(', ')}`.trim() : reqs.join(', ') || '>= 0';
      declared.push({ name, spec, ...flags });
      continue;
    }
    if (block) {
      const head = /^(\w+)\s*\(?\s*(.*?)\)?\s*do\b/.exec(t);
      const kw = head?.[1];
      stack.push(kw === 'group' ? { groups: rubySymbols(head?.[2] ?? '') } : kw === 'path' ? { groups: [], source: 'path' } : kw === 'git' || kw === 'github' ? { groups: [], source: 'git' } : { groups: [] });
      continue;
    }
    // other blocks closed by `end` (also as a value: `v = case ENV["RAILS"]`); their gems count like any other
    if (/^(?:[\w.]+\s*\|\|?=\s*|[\w.]+\s*=\s*)?(if|unless|case|while|until|begin|def|class|module)\b/.test(t) && !/\bend\s*$/.test(t)) {
      stack.push({ groups: [] });
      continue;
    }
    if (/^end\b/.test(t)) stack.pop(); // one the reading did not see open is ignored: Ruby, not this reader, decides
  }
  const out = manifest(path, 'Gemfile', 'RubyGems', declared, (s) => /^(?:=\s*)?(\d+(?:\.[0-9A-Za-z]+)*)$/.exec(s.trim())?.[1], (n) => n);
  return notes.length ? { ...out, notes } : out;
}

// ---------------------------------------------------------------------------------------------------------------
// pubspec.yaml

/**
 * Dart/Flutter `pubspec.yaml` without its `pubspec.lock`: `dependencies`, `dev_dependencies` (dev), with
 * `dependency_overrides` replacing what they name. A bare exact version is a package; `^`, ranges, `any` and git
 * sources constraints; `sdk` (flutter) and `path` entries skipped.
 */
export function parsePubspecYaml(text: string, path: string): ParsedLockfile {
  const doc = parseYamlDoc(text);
  const rows = text.split('\n');
  const byName = new Map<string, Declared>();
  for (const [section, flags] of [['dependencies', {}], ['dev_dependencies', { dev: true }], ['dependency_overrides', {}]] as const) {
    const table = doc[section];
    if (table === undefined || table === null) continue;
    const from = lineOf(rows, new RegExp(`^${section}\\s*:`));
    if (typeof table !== 'object' || Array.isArray(table)) throw new LockfileError(`${section} is not a map`, from);
    for (const [name, raw] of Object.entries(table as Record<string, unknown>)) {
      const line = lineOf(rows, new RegExp(`^\\s+["']?${escapeRe(name)}["']?\\s*:`), from ?? 1);
      const e = objectOr(raw);
      if (e.sdk !== undefined || e.path !== undefined) {
        byName.delete(name);
        continue;
      }
      const version = raw === null ? 'any' : typeof raw === 'object' ? (e.version === undefined ? undefined : String(e.version)) : String(raw);
      const gitUrl = typeof e.git === 'string' ? e.git : str(objectOr(e.git).url);
      const spec = version ?? (e.git !== undefined ? `git ${gitUrl ?? ''}`.trim() : 'any');
      const before = byName.get(name);
      byName.set(name, { name, spec, ...(line ? { line } : {}), ...(section === 'dependency_overrides' ? (before?.dev ? { dev: true } : {}) : flags) });
    }
  }
  return manifest(path, 'pubspec.yaml', 'Pub', [...byName.values()], (s) => /^(\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]*)?)$/.exec(s.trim())?.[1], (n) => n);
}

// ---------------------------------------------------------------------------------------------------------------
// paket.dependencies

/**
 * Paket `paket.dependencies` without its `paket.lock`: `nuget Name [constraint] [options]` in every group. In Paket a
 * bare version, `= 1.2.3` and `== 1.2.3` are exact (a package); `>=`, `~>`, ranges and no version are constraints.
 * `github`, `gist`, `http`, `git` and `clitool`-free sources are not NuGet packages.
 */
export function parsePaketDependencies(text: string, path: string): ParsedLockfile {
  const rows = text.split('\n');
  const declared: Declared[] = [];
  for (let i = 0; i < rows.length; i++) {
    const row = (rows[i] as string).replace(/\r$/, '').replace(/\s(\/\/|#).*$/, '').trim();
    if (!row || row.startsWith('//') || row.startsWith('#')) continue;
    const m = /^(nuget|clitool)\s+(.*)$/.exec(row);
    if (!m) continue;
    const words = (m[2] as string).split(/\s+/);
    const name = words[0] as string;
    if (!/^[A-Za-z0-9_][\w.-]*$/.test(name)) throw new LockfileError(`cannot read NuGet package name ${JSON.stringify(name.slice(0, 60))}`, i + 1);
    // the constraint runs up to the first `option:` (framework:, restriction:, storage:, ...)
    const rest: string[] = [];
    for (const w of words.slice(1)) {
      if (/^[a-z_]+:/i.test(w)) break;
      rest.push(w);
    }
    declared.push({ name, spec: rest.join(' ') || '*', line: i + 1 });
  }
  const pin = (s: string): string | undefined => /^(?:==?\s*)?(\d+(?:\.\d+){1,3}(?:-[0-9A-Za-z.-]+)?)$/.exec(s.trim())?.[1];
  return manifest(path, 'paket.dependencies', 'NuGet', declared, pin, (n) => n.toLowerCase());
}
