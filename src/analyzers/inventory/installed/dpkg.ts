/**
 * Debian's package database: `var/lib/dpkg/status` (RFC 822 stanzas, one per package) and, in distroless images,
 * one file per package under `var/lib/dpkg/status.d/`. Only installed packages count: a stanza whose `Status` is
 * not `... installed` (removed, config-files, half-installed) is left out; `status.d` files carry no Status.
 */
import type { OsPackage } from './types.js';

/** True for dpkg database files. */
export function isDpkgPath(path: string): boolean {
  return path === 'var/lib/dpkg/status' || (path.startsWith('var/lib/dpkg/status.d/') && !path.endsWith('.md5sums') && path.indexOf('/', 22) === -1);
}

/** Parses a dpkg status file (or one `status.d` file) into its installed packages. */
export function parseDpkgStatus(text: string): OsPackage[] {
  const out: OsPackage[] = [];
  let fields = new Map<string, string>();
  let start = 0;
  let key: string | undefined;
  const flush = () => {
    const name = fields.get('package');
    const version = fields.get('version');
    const status = fields.get('status');
    if (name && version && (status === undefined || status.trim().split(/\s+/)[2] === 'installed')) {
      const src = /^(\S+)(?:\s+\(([^)]+)\))?/.exec(fields.get('source') ?? '');
      const arch = fields.get('architecture');
      out.push({
        name,
        version,
        ...(arch ? { arch } : {}),
        ...(src ? { sourceName: src[1]! } : {}),
        ...(src?.[2] ? { sourceVersion: src[2].trim() } : {}),
        line: start,
      });
    }
    fields = new Map();
    key = undefined;
  };
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    if (line.trim() === '') {
      if (fields.size) flush();
      continue;
    }
    if (line[0] === ' ' || line[0] === '\t') {
      // continuation of the previous field (descriptions, conffiles): not needed
      void key;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    if (fields.size === 0) start = i + 1;
    key = line.slice(0, colon).toLowerCase();
    fields.set(key, line.slice(colon + 1).trim());
  }
  if (fields.size) flush();
  return out;
}
