import { unzipSync } from 'fflate';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { InputError, errorMessage } from '../core/errors.js';
import { parseJsonWithLine } from '../core/json.js';
import { asOsvRecord, type OsvRecord } from './osv.js';

const RECORD_FILE = /\.(json|ya?ml)$/i;

/** Parses one OSV file (JSON or YAML); InputError naming the file (and line for JSON/YAML syntax errors). */
export function parseOsvFile(name: string, text: string): OsvRecord {
  let value: unknown;
  if (/\.ya?ml$/i.test(name)) {
    try {
      value = parseYaml(text, { schema: 'core' });
    } catch (e) {
      const line = (e as { linePos?: { line: number }[] }).linePos?.[0]?.line;
      throw new InputError(`invalid YAML: ${errorMessage(e).split('\n')[0]}`, name, line);
    }
  } else {
    try {
      value = parseJsonWithLine(text);
    } catch (e) {
      throw new InputError(errorMessage(e).split('\n')[0] as string, name, (e as { line?: number }).line);
    }
  }
  try {
    return asOsvRecord(value);
  } catch (e) {
    throw new InputError(errorMessage(e), name);
  }
}

/** Every OSV record in a zip archive (members ending in .json/.yaml/.yml). */
export function recordsFromZip(bytes: Uint8Array, zipName: string): OsvRecord[] {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, { filter: (f) => RECORD_FILE.test(f.name) });
  } catch (e) {
    throw new InputError(`not a valid zip archive: ${errorMessage(e)}`, zipName);
  }
  const dec = new TextDecoder('utf-8', { fatal: false });
  return Object.keys(files)
    .sort()
    .map((n) => parseOsvFile(`${zipName}!${n}`, dec.decode(files[n])));
}

/** Every OSV record under a directory (recursively) or in a zip file or in one JSON/YAML file. */
export function loadRecords(path: string): OsvRecord[] {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new InputError('no such file or directory', path);
  }
  if (st.isFile()) {
    if (/\.zip$/i.test(path)) return recordsFromZip(readFileSync(path), path);
    return [parseOsvFile(path, readFileSync(path, 'utf8'))];
  }
  const out: OsvRecord[] = [];
  const walk = (dir: string): void => {
    for (const ent of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, ent.name);
      if (ent.isDirectory()) walk(p);
      else if (ent.isFile() && RECORD_FILE.test(ent.name)) out.push(parseOsvFile(p, readFileSync(p, 'utf8')));
      else if (ent.isFile() && /\.zip$/i.test(ent.name)) out.push(...recordsFromZip(readFileSync(p), p));
    }
  };
  walk(path);
  return out;
}
