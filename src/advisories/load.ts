import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { parse as parseYaml } from 'yaml';
import { InputError, errorMessage } from '../core/errors.js';
import { nestedDeeperThan, parseJsonWithLine } from '../core/json.js';
import { namedPathKind, readNamedFile } from '../core/named-file.js';
import { ArchiveError } from '../targets/tar.js';
import { zipData, zipEntries } from '../targets/zip.js';
import { asOsvRecord, type OsvRecord } from './osv.js';

const RECORD_FILE = /\.(json|ya?ml)$/i;

/** Deepest nesting of a record (real ones nest under ten levels). */
const MAX_DEPTH = 64;

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
  if (nestedDeeperThan(value, MAX_DEPTH)) throw new InputError(`nested more than ${MAX_DEPTH} levels deep: not an OSV record`, name);
  try {
    return asOsvRecord(value);
  } catch (e) {
    throw new InputError(errorMessage(e), name);
  }
}

/** Bounds on expanding an advisory export: the same bounded inflater as archives in scans (targets/zip.ts). */
export interface ZipLimits {
  /** Most members read. */
  maxMembers: number;
  /** Most bytes one member may expand to. */
  maxMemberBytes: number;
  /** Most bytes all members together may expand to. */
  maxExpandedBytes: number;
}

/** Defaults well above osv.dev's largest export (npm: about 200,000 records, a few hundred MB expanded). */
export const DEFAULT_ZIP_LIMITS: ZipLimits = { maxMembers: 2_000_000, maxMemberBytes: 16 * 1024 * 1024, maxExpandedBytes: 4 * 1024 * 1024 * 1024 };

/**
 * Every OSV record in a zip archive (members ending in .json/.yaml/.yml), each member inflated with a hard cap
 * and checked against its CRC-32: a zip bomb or a corrupt (or wrongly resumed) archive is an InputError naming
 * the archive, never a crash.
 */
export function recordsFromZip(bytes: Uint8Array, zipName: string, limits: ZipLimits = DEFAULT_ZIP_LIMITS): OsvRecord[] {
  const dec = new TextDecoder('utf-8', { fatal: false });
  const out: OsvRecord[] = [];
  let expanded = 0;
  try {
    const entries = zipEntries(bytes, limits.maxMembers + 1).filter((e) => !e.isDir && RECORD_FILE.test(e.name));
    if (entries.length > limits.maxMembers) throw new ArchiveError(`more than ${limits.maxMembers} members`);
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.encrypted) throw new ArchiveError(`member ${e.name} is encrypted`);
      const cap = Math.min(limits.maxMemberBytes, limits.maxExpandedBytes - expanded);
      const d = zipData(bytes, e, cap);
      if (!d.ok) throw new ArchiveError(cap < limits.maxMemberBytes ? `expands past the ${limits.maxExpandedBytes}-byte limit` : `member ${e.name} expands past the ${limits.maxMemberBytes}-byte limit`);
      expanded += d.bytes.length;
      if (crc32(d.bytes) !== e.crc) throw new ArchiveError(`member ${e.name} is corrupt (CRC mismatch)`);
      out.push(parseOsvFile(`${zipName}!${e.name}`, dec.decode(d.bytes)));
    }
  } catch (e) {
    if (e instanceof ArchiveError) throw new InputError(`not a valid zip archive: ${e.message}`, zipName);
    throw e;
  }
  return out;
}

/** Every OSV record under a directory (recursively) or in a zip file or in one JSON/YAML file. */
export function loadRecords(path: string, shown = path): OsvRecord[] {
  // A FIFO, a device or a symlink named here is refused (one line naming it), never read.
  if (namedPathKind(path, shown) === 'file') {
    if (/\.zip$/i.test(path)) return recordsFromZip(readNamedFile(path, shown), shown);
    return [parseOsvFile(shown, readNamedFile(path, shown, MAX_RECORD_BYTES, 'OSV file').toString('utf8'))];
  }
  const out: OsvRecord[] = [];
  const walk = (dir: string): void => {
    for (const ent of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, ent.name);
      if (ent.isDirectory()) walk(p);
      else if (ent.isFile() && RECORD_FILE.test(ent.name)) out.push(parseOsvFile(p, readNamedFile(p, p, MAX_RECORD_BYTES, 'OSV file').toString('utf8')));
      else if (ent.isFile() && /\.zip$/i.test(ent.name)) out.push(...recordsFromZip(readNamedFile(p, p), p));
    }
  };
  walk(path);
  return out;
}

/** Most bytes of one OSV JSON or YAML file (the largest real records are under 1 MB). */
const MAX_RECORD_BYTES = 16 * 1024 * 1024;
