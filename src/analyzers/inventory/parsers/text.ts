import { parse as parseToml } from 'smol-toml';
import { parse as parseYaml } from 'yaml';
import { parseJsonWithLine } from '../../../core/json.js';
import { LineIndex as CoreLineIndex } from '../../../core/lines.js';
import { LockfileError } from '../types.js';

/** Core's line index plus a search for where substrings are, for lockfile entries looked up in file order. */
export class LineIndex extends CoreLineIndex {
  declare readonly text: string;
  /** 1-based line of a character offset. */
  lineAt(offset: number): number {
    return this.at(offset).line;
  }
  private cursor = 0;
  /**
   * 1-based line of the first occurrence of `needle` at or after `from`; without `from`, the search
   * starts where the previous hit was (lockfile entries are usually looked up in file order) and wraps
   * around, so looking up every entry of a large file stays linear.
   */
  find(needle: string, from?: number): number | undefined {
    if (from !== undefined) {
      const i = this.text.indexOf(needle, from);
      return i < 0 ? undefined : this.lineAt(i);
    }
    let i = this.text.indexOf(needle, this.cursor);
    if (i < 0 && this.cursor > 0) {
      i = this.text.indexOf(needle);
      if (i >= this.cursor) i = -1;
    }
    if (i < 0) return undefined;
    this.cursor = i;
    return this.lineAt(i);
  }
}

/** JSON.parse with a LockfileError naming the line of a syntax error. */
export function parseJson(text: string): unknown {
  try {
    return parseJsonWithLine(text);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new LockfileError(msg.split('\n')[0] as string, (e as { line?: number }).line);
  }
}

/** Narrows to a plain object, or throws a LockfileError. */
export function asObject(v: unknown, what: string, line?: number): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new LockfileError(`${what} is not an object`, line);
  return v as Record<string, unknown>;
}

/** A property that is a plain object, or an empty one. */
export function objectOr(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** A string or undefined. */
export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** smol-toml's parse with a LockfileError naming the line of a syntax error. */
export function parseTomlDoc(text: string): Record<string, unknown> {
  try {
    return parseToml(text) as Record<string, unknown>;
  } catch (e) {
    throw new LockfileError(`invalid TOML: ${(e as Error).message.split('\n')[0]}`, (e as { line?: number }).line);
  }
}

/** One `[[package]]` table of a TOML lockfile, with the line of its header. */
export interface TomlPackage {
  p: Record<string, unknown>;
  name: string;
  version: string | undefined;
  line: number | undefined;
}

/**
 * The `[[package]]` tables of a TOML lockfile (Cargo, poetry, uv, pdm) in file order, each with the line of its
 * header; a table without a name (or, unless `versionOptional`, a version) is a LockfileError at that line.
 */
export function tomlPackages(text: string, doc: Record<string, unknown>, opts: { versionOptional?: boolean } = {}): TomlPackage[] {
  const lines = new LineIndex(text);
  const out: TomlPackage[] = [];
  let from = 0;
  for (const raw of (doc.package as unknown[]) ?? []) {
    const p = objectOr(raw);
    const name = str(p.name);
    const version = str(p.version);
    const line = lines.find('[[package]]', from);
    if (line !== undefined) from = text.indexOf('[[package]]', from) + 1;
    if (!name) throw new LockfileError(opts.versionOptional ? '[[package]] without name' : '[[package]] without name or version', line);
    if (!version && !opts.versionOptional) throw new LockfileError('[[package]] without name or version', line);
    out.push({ p, name, version, line });
  }
  return out;
}

/** Joins a relative path onto a directory, resolving `.` and `..` (never above the target root). */
export function joinPath(dir: string, rel: string): string {
  const parts = dir.split('/').filter((s) => s !== '');
  for (const seg of rel.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  return parts.join('/');
}

/** YAML (core schema) with a LockfileError naming the line of a syntax error. */
export function parseYamlDoc(text: string): Record<string, unknown> {
  try {
    return objectOr(parseYaml(text, { schema: 'core' }));
  } catch (e) {
    const line = (e as { linePos?: { line: number }[] }).linePos?.[0]?.line;
    throw new LockfileError(`invalid YAML: ${(e as Error).message.split('\n')[0]}`, line);
  }
}

/** A folder's path joined with a file name (`a/b` + `x` → `a/b/x`; the root is ``). */
export function inDir(dir: string, name: string): string {
  return dir ? `${dir}/${name}` : name;
}

/** The folder of a path relative to the target root (`` for a file at the root). */
export function dirOf(p: string): string {
  return p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '';
}
