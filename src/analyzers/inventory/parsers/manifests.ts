import { LockfileError, type Constraint, type Dependency, type ParsedLockfile } from '../types.js';
import { exactPin, parsePep508, pep503 } from './python.js';
import { stripJsonc } from './bun.js';
import { LineIndex, objectOr, parseJson, parseTomlDoc, str } from './text.js';

/**
 * Manifests read when no lockfile sits beside them (`pyproject.toml`, `setup.py`, `setup.cfg`, `Cargo.toml`): an
 * exact pin is a package (the version that must be installed), anything else a constraint (unresolved).
 */

export interface Declared {
  name: string;
  /** The name the project installs it under when that is an alias (`npm:real@1`). */
  alias?: string;
  spec: string;
  line?: number;
  dev?: boolean;
  optional?: boolean;
}

export function manifest(path: string, format: string, ecosystem: string, declared: Declared[], pin: (spec: string) => string | undefined, keyOf: (name: string) => string): ParsedLockfile {
  const packages: Dependency[] = [];
  const constraints: Constraint[] = [];
  const seen = new Set<string>();
  for (const d of declared) {
    const version = pin(d.spec);
    const flags = { ...(d.line ? { line: d.line } : {}), ...(d.dev ? { dev: true } : {}), ...(d.optional ? { optional: true } : {}) };
    if (!version) {
      constraints.push({ ecosystem, name: d.name, spec: d.spec || '*', ...flags });
      continue;
    }
    const key = `${keyOf(d.name)}@${version}`;
    if (seen.has(key)) continue;
    seen.add(key);
    packages.push({ key, ecosystem, name: d.name, version, direct: true, ...(d.alias ? { alias: d.alias } : {}), ...flags });
  }
  return { path, format, ecosystem, packages, roots: packages.map((p) => p.key), ...(constraints.length ? { constraints } : {}) };
}

/** The 1-based line of the first match of `re` at or after the line `from` (1-based), else undefined. */
export function lineOf(rows: string[], re: RegExp, from = 1): number | undefined {
  for (let i = Math.max(0, from - 1); i < rows.length; i++) if (re.test(rows[i] as string)) return i + 1;
  return undefined;
}

export function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The line of a TOML table header (`[a.b]`, `[a."b"]`), by its dotted key. */
export function headerLine(rows: string[], keys: string[]): number | undefined {
  const parts = keys.map((k) => `(?:${escapeRe(k)}|"${escapeRe(k)}"|'${escapeRe(k)}')`).join('\\s*\\.\\s*');
  return lineOf(rows, new RegExp(`^\\s*\\[\\s*${parts}\\s*\\]`));
}

/** PEP 508 strings of a TOML array, each with its line (searched from the table's header). */
function pep508List(list: unknown, rows: string[], from: number | undefined, flags: { dev?: boolean; optional?: boolean }, where: string): Declared[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw new LockfileError(`${where} is not an array`, from);
  const out: Declared[] = [];
  let cursor = from ?? 1;
  for (const item of list) {
    if (typeof item !== 'string') continue; // PEP 735 `{ include-group = "..." }`
    const req = parsePep508(item);
    const line = lineOf(rows, new RegExp(`["']${escapeRe(item)}`), cursor) ?? lineOf(rows, new RegExp(`["']\\s*${escapeRe(req?.name ?? item)}`), cursor);
    if (line) cursor = line;
    if (!req) throw new LockfileError(`cannot read requirement ${JSON.stringify(item.slice(0, 60))} in ${where}`, line ?? from);
    out.push({ name: req.name, spec: req.url !== undefined ? req.spec : req.spec.replace(/\s+/g, ''), ...(line ? { line } : {}), ...flags });
  }
  return out;
}

/** Poetry's version syntax: a bare version (`1.2.3`) or `==1.2.3` is exact; `^`, `~`, `*`, ranges are not. */
function poetryPin(spec: string): string | undefined {
  const s = spec.trim();
  if (/^\d[\w.+!-]*$/.test(s) && !s.includes('*')) return s;
  return exactPin(s);
}

/** Poetry dependency tables: `name = "^1.2"` or `name = { version = "...", optional = true }`; `python` is not a package. */
function poetryTable(table: unknown, rows: string[], header: string[], flags: { dev?: boolean }): Declared[] {
  const from = headerLine(rows, header);
  const out: Declared[] = [];
  for (const [name, raw] of Object.entries(objectOr(table))) {
    if (name.toLowerCase() === 'python') continue;
    const line = lineOf(rows, new RegExp(`^\\s*["']?${escapeRe(name)}["']?\\s*=`), from ?? 1);
    // several constraints for one package (a list of tables by Python version): none is one exact version
    const entries = Array.isArray(raw) ? raw : [raw];
    const specs = entries.map((e) => (typeof e === 'string' ? e : (str(objectOr(e).version) ?? (objectOr(e).git ? `git ${String(objectOr(e).git)}` : objectOr(e).path ? `path ${String(objectOr(e).path)}` : '*'))));
    if (entries.some((e) => objectOr(e).path !== undefined || objectOr(e).develop !== undefined)) continue; // a local package, not a registry one
    const optional = entries.some((e) => objectOr(e).optional === true);
    out.push({ name, spec: specs.length === 1 ? (specs[0] as string) : specs.join(' | '), ...(line ? { line } : {}), ...flags, ...(optional ? { optional: true } : {}) });
  }
  return out;
}

/**
 * `pyproject.toml`: PEP 621 `[project] dependencies` and `optional-dependencies` (optional), PEP 735
 * `[dependency-groups]` (dev), Poetry `[tool.poetry.dependencies]`, `dev-dependencies` and `group.*.dependencies`
 * (dev). `==` pins (Poetry: also a bare version) are packages; ranges and unpinned names are constraints.
 */
export function parsePyproject(text: string, path: string): ParsedLockfile {
  const doc = parseTomlDoc(text);
  const rows = text.split('\n');
  const declared: Declared[] = [];
  const project = objectOr(doc.project);
  declared.push(...pep508List(project.dependencies, rows, headerLine(rows, ['project']), {}, '[project] dependencies'));
  for (const [extra, list] of Object.entries(objectOr(project['optional-dependencies']))) {
    declared.push(...pep508List(list, rows, headerLine(rows, ['project', 'optional-dependencies']), { optional: true }, `optional-dependencies ${extra}`));
  }
  for (const [group, list] of Object.entries(objectOr(doc['dependency-groups']))) {
    declared.push(...pep508List(list, rows, headerLine(rows, ['dependency-groups']), { dev: true }, `dependency group ${group}`));
  }
  const poetry = objectOr(objectOr(doc.tool).poetry);
  declared.push(...poetryTable(poetry.dependencies, rows, ['tool', 'poetry', 'dependencies'], {}));
  declared.push(...poetryTable(poetry['dev-dependencies'], rows, ['tool', 'poetry', 'dev-dependencies'], { dev: true }));
  for (const [group, g] of Object.entries(objectOr(poetry.group))) {
    declared.push(...poetryTable(objectOr(g).dependencies, rows, ['tool', 'poetry', 'group', group, 'dependencies'], { dev: true }));
  }
  return manifest(path, 'pyproject.toml', 'PyPI', declared, (s) => (s.startsWith('@') ? undefined : poetryPin(s)), pep503);
}

/** A Python string literal's value (', ", and their triple forms; simple escapes). */
function pyString(body: string): string {
  return body.replace(/\\(["'\\])/g, '$1');
}

/**
 * `setup.py`: only a literal `install_requires=[...]` (and `extras_require={...: [...]}`) list of string literals is
 * read; the file is never executed. A list built by code (a variable, a call, a comprehension) is a file note.
 */
export function parseSetupPy(text: string, path: string): ParsedLockfile {
  const lines = new LineIndex(text);
  const declared: Declared[] = [];
  const notes: { line?: number; message: string }[] = [];
  // blank out comments so a `# install_requires=[...]` is not read (strings may contain '#': skip them whole)
  const code = text.replace(/("""[\s\S]*?"""|'''[\s\S]*?'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')|#[^\n]*/g, (m, s: string | undefined) => (s ? m : ' '.repeat(m.length)));
  for (const key of ['install_requires', 'extras_require', 'tests_require'] as const) {
    const re = new RegExp(`\\b${key}\\s*=\\s*`, 'g');
    for (let m = re.exec(code); m; m = re.exec(code)) {
      const at = m.index + m[0].length;
      const line = lines.lineAt(m.index);
      const open = code[at];
      const want = key === 'extras_require' ? '{' : '[';
      if (open !== want && open !== (key === 'extras_require' ? '{' : '(')) {
        notes.push({ line, message: `${key} is not a literal ${want === '[' ? 'list' : 'dict'} (built by code); its requirements are not read` });
        continue;
      }
      const end = matchingClose(code, at);
      if (end < 0) throw new LockfileError(`${key} ${want === '[' ? 'list' : 'dict'} is not closed`, line);
      const body = code.slice(at + 1, end);
      if (key !== 'extras_require' && /[^\s,]/.test(body.replace(/("""[\s\S]*?"""|'''[\s\S]*?'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')/g, ''))) {
        notes.push({ line, message: `${key} holds more than string literals (built by code); its requirements are not read` });
        continue;
      }
      const strings = /("""([\s\S]*?)"""|'''([\s\S]*?)'''|"((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)')/g;
      let depth = 0;
      let last = 0;
      for (let s = strings.exec(body); s; s = strings.exec(body)) {
        // in extras_require, keys (`"test":`) are not requirements: only strings inside a list are
        if (key === 'extras_require') {
          for (const ch of body.slice(last, s.index)) depth += ch === '[' || ch === '(' ? 1 : ch === ']' || ch === ')' ? -1 : 0;
          last = s.index + s[0].length;
          if (depth <= 0) continue;
        }
        const value = pyString(s[2] ?? s[3] ?? s[4] ?? s[5] ?? '');
        const sLine = lines.lineAt(at + 1 + s.index);
        for (const item of value.split('\n')) {
          if (!item.trim() || item.trim().startsWith('#')) continue;
          const req = parsePep508(item);
          if (!req) throw new LockfileError(`cannot read requirement ${JSON.stringify(item.trim().slice(0, 60))}`, sLine);
          declared.push({ name: req.name, spec: req.url !== undefined ? req.spec : req.spec.replace(/\s+/g, ''), line: sLine, ...(key === 'extras_require' ? { optional: true } : {}), ...(key === 'tests_require' ? { dev: true } : {}) });
        }
      }
    }
  }
  const out = manifest(path, 'setup.py', 'PyPI', declared, exactPin, pep503);
  return notes.length ? { ...out, notes } : out;
}

/** Index of the bracket closing the one at `open` (strings skipped), or -1. */
function matchingClose(code: string, open: number): number {
  let depth = 0;
  const re = /("""[\s\S]*?"""|'''[\s\S]*?'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')|([[({])|([\])}])/g;
  re.lastIndex = open;
  for (let m = re.exec(code); m; m = re.exec(code)) {
    if (m[2]) depth++;
    else if (m[3] && --depth === 0) return m.index;
  }
  return -1;
}

/**
 * `setup.cfg`: `[options] install_requires`, `tests_require` (dev) and `[options.extras_require]` (optional), one
 * requirement per continuation line (or `;`-free comma lists), as setuptools reads them.
 */
export function parseSetupCfg(text: string, path: string): ParsedLockfile {
  const rows = text.split('\n');
  const declared: Declared[] = [];
  let section = '';
  let key = '';
  for (let i = 0; i < rows.length; i++) {
    const row = (rows[i] as string).replace(/\r$/, '');
    if (!row.trim() || /^\s*[#;]/.test(row)) continue;
    const header = /^\[([^\]]+)\]\s*$/.exec(row);
    if (header) {
      section = (header[1] as string).trim();
      key = '';
      continue;
    }
    if (/^\[/.test(row)) throw new LockfileError(`cannot read section header ${JSON.stringify(row.trim().slice(0, 60))}`, i + 1);
    let value: string;
    if (/^\s/.test(row)) {
      value = row.trim(); // a continuation of the current key
    } else {
      const kv = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(row);
      if (!kv) throw new LockfileError(`cannot read ${JSON.stringify(row.trim().slice(0, 60))}: expected key = value`, i + 1);
      key = (kv[1] as string).trim();
      value = (kv[2] as string).trim();
    }
    const flags =
      section === 'options' && key === 'install_requires'
        ? {}
        : section === 'options' && key === 'tests_require'
          ? { dev: true }
          : section === 'options.extras_require'
            ? { optional: true }
            : undefined;
    if (!flags || !value) continue;
    if (value.startsWith('file:') || value.startsWith('attr:')) continue; // read from another file by setuptools
    const items = value.includes(';') ? [value] : value.split(',');
    for (const item of items) {
      const t = item.replace(/\s#.*$/, '').trim();
      if (!t) continue;
      const req = parsePep508(t);
      if (!req) throw new LockfileError(`cannot read requirement ${JSON.stringify(t.slice(0, 60))}`, i + 1);
      declared.push({ name: req.name, spec: req.url !== undefined ? req.spec : req.spec.replace(/\s+/g, ''), line: i + 1, ...flags });
    }
  }
  return manifest(path, 'setup.cfg', 'PyPI', declared, exactPin, pep503);
}

/** Cargo's version requirement syntax: only `=x.y.z` is one exact version (a bare `1.2.3` means `^1.2.3`). */
function cargoPin(spec: string): string | undefined {
  const m = /^=\s*(\d+\.\d+\.\d+(?:[-+][\w.+-]*)?)$/.exec(spec.trim());
  return m?.[1];
}

/**
 * `Cargo.toml` of a crate without a `Cargo.lock`: `[dependencies]`, `[dev-dependencies]` (dev),
 * `[build-dependencies]`, the same under `[target.'cfg(..)'.*]`, and `[workspace.dependencies]`. `package = "..."`
 * renames are reported by the registry name; path crates are the project's own; git ones are constraints.
 */
export function parseCargoToml(text: string, path: string): ParsedLockfile {
  const doc = parseTomlDoc(text);
  const rows = text.split('\n');
  const declared: Declared[] = [];
  const table = (t: unknown, header: string[], flags: { dev?: boolean }): void => {
    const from = headerLine(rows, header);
    for (const [alias, raw] of Object.entries(objectOr(t))) {
      const e = objectOr(raw);
      if (e.path !== undefined || e.workspace === true) continue; // a local crate, or a version set in [workspace.dependencies]
      const name = str(e.package) ?? alias;
      const version = typeof raw === 'string' ? raw : str(e.version);
      const spec = version ?? (e.git ? `git ${String(e.git)}` : '*');
      const line = lineOf(rows, new RegExp(`^\\s*["']?${escapeRe(alias)}["']?\\s*(=|\\.)`), from ?? 1);
      declared.push({ name, spec, ...(line ? { line } : {}), ...flags, ...(e.optional === true ? { optional: true } : {}) });
    }
  };
  const sections = (base: Record<string, unknown>, prefix: string[]): void => {
    table(base.dependencies, [...prefix, 'dependencies'], {});
    table(base['dev-dependencies'], [...prefix, 'dev-dependencies'], { dev: true });
    table(base['dev_dependencies'], [...prefix, 'dev_dependencies'], { dev: true });
    table(base['build-dependencies'], [...prefix, 'build-dependencies'], {});
  };
  sections(doc, []);
  for (const [cfg, t] of Object.entries(objectOr(doc.target))) sections(objectOr(t), ['target', cfg]);
  table(objectOr(doc.workspace).dependencies, ['workspace', 'dependencies'], {});
  return manifest(path, 'Cargo.toml', 'crates.io', declared, cargoPin, (n) => n);
}

/** Hex requirement syntax (Gleam): a bare version or `== x.y.z` is exact; `~>`, `>=`, `and`/`or` are not. */
function hexPin(spec: string): string | undefined {
  const m = /^(?:==\s*)?(\d+\.\d+\.\d+(?:-[\w.]+)?)$/.exec(spec.trim());
  return m?.[1];
}

/** Gleam `gleam.toml` without its `manifest.toml`: `[dependencies]`, `[dev-dependencies]` (dev); path and git entries skipped. */
export function parseGleamToml(text: string, path: string): ParsedLockfile {
  const doc = parseTomlDoc(text);
  const rows = text.split('\n');
  const declared: Declared[] = [];
  for (const [section, flags] of [['dependencies', {}], ['dev-dependencies', { dev: true }]] as const) {
    const from = headerLine(rows, [section]);
    for (const [name, raw] of Object.entries(objectOr(doc[section]))) {
      if (typeof raw !== 'string') continue; // { path = ".." } or { git = ... }: not a Hex package
      const line = lineOf(rows, new RegExp(`^\\s*["']?${escapeRe(name)}["']?\\s*=`), from ?? 1);
      declared.push({ name, spec: raw, ...(line ? { line } : {}), ...flags });
    }
  }
  return manifest(path, 'gleam.toml', 'Hex', declared, hexPin, (n) => n);
}

/**
 * Julia `Project.toml` without a `Manifest.toml`: every `[deps]` entry, its `[compat]` bound as the constraint
 * (`=1.2.3` is the one exact form; a bare `1.2` means `^1.2`). Standard libraries cannot be told apart without the
 * manifest: they are constraints like the rest, never matched.
 */
export function parseJuliaProject(text: string, path: string): ParsedLockfile {
  const doc = parseTomlDoc(text);
  const rows = text.split('\n');
  const compat = objectOr(doc.compat);
  const from = headerLine(rows, ['deps']);
  const declared: Declared[] = [];
  for (const name of Object.keys(objectOr(doc.deps))) {
    const line = lineOf(rows, new RegExp(`^\\s*["']?${escapeRe(name)}["']?\\s*=`), from ?? 1);
    declared.push({ name, spec: str(compat[name]) ?? '*', ...(line ? { line } : {}) });
  }
  const pin = (s: string): string | undefined => /^=\s*(\d+\.\d+\.\d+)$/.exec(s.trim())?.[1];
  return manifest(path, 'Project.toml', 'Julia', declared, pin, (n) => n);
}

/**
 * Deno `deno.json`/`deno.jsonc` without a `deno.lock`: the `imports` map's `npm:` and `jsr:` specifiers; an exact
 * version is a package, a range or none a constraint. URL and relative imports are not packages.
 */
export function parseDenoJson(text: string, path: string): ParsedLockfile {
  const doc = objectOr(parseJson(stripJsonc(text)));
  const lines = new LineIndex(text);
  const declared: { eco: 'npm' | 'JSR'; d: Declared }[] = [];
  for (const [alias, raw] of Object.entries(objectOr(doc.imports))) {
    if (typeof raw !== 'string') continue;
    const m = /^(npm|jsr):\/?((?:@[^/@]+\/)?[^/@]+)(?:@([^/]+))?/.exec(raw);
    if (!m) continue;
    const line = lines.find(JSON.stringify(alias));
    declared.push({ eco: m[1] === 'npm' ? 'npm' : 'JSR', d: { name: m[2] as string, spec: m[3] ?? '*', ...(line ? { line } : {}) } });
  }
  const pin = (s: string): string | undefined => (/^\d+\.\d+\.\d+(?:-[\w.]+)?$/.test(s) ? s : undefined);
  const npm = manifest(path, 'deno.json', 'npm', declared.filter((x) => x.eco === 'npm').map((x) => x.d), pin, (n) => n);
  const jsr = manifest(path, 'deno.json', 'JSR', declared.filter((x) => x.eco === 'JSR').map((x) => x.d), pin, (n) => `jsr:${n}`);
  const constraints = [...(npm.constraints ?? []), ...(jsr.constraints ?? [])];
  return { ...npm, packages: [...npm.packages, ...jsr.packages], roots: [...(npm.roots ?? []), ...(jsr.roots ?? [])], ...(constraints.length ? { constraints } : {}) };
}
