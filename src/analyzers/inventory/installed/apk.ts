/**
 * Alpine's package database, `lib/apk/db/installed`: one record per package, lines `X:value`, records separated
 * by a blank line. `P` name, `V` version, `A` architecture, `o` origin (the source package advisories name),
 * `L` licence.
 */
import type { OsPackage } from './types.js';

/** True for the apk database. */
export function isApkPath(path: string): boolean {
  return path === 'lib/apk/db/installed';
}

/** Parses the apk installed database. */
export function parseApkInstalled(text: string): OsPackage[] {
  const out: OsPackage[] = [];
  let rec: Record<string, string> = {};
  let start = 0;
  const flush = () => {
    if (rec.P && rec.V) {
      out.push({
        name: rec.P,
        version: rec.V,
        ...(rec.A ? { arch: rec.A } : {}),
        ...(rec.o ? { sourceName: rec.o } : {}),
        ...(rec.L ? { license: rec.L } : {}),
        line: start,
      });
    }
    rec = {};
  };
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    if (line === '') {
      flush();
      continue;
    }
    if (line.length < 2 || line[1] !== ':') continue;
    const k = line[0]!;
    if (Object.keys(rec).length === 0) start = i + 1;
    // Only the first value of a key per record (files and their checksums repeat other keys).
    if (!(k in rec)) rec[k] = line.slice(2);
  }
  flush();
  return out;
}
