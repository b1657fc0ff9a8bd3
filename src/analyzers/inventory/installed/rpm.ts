/**
 * RPM's package database as current Fedora, RHEL 9, Rocky/Alma 9 and UBI images keep it: `rpmdb.sqlite`, a SQLite
 * file whose `Packages` table holds one header blob per package. A header blob (rpm's v4 header without its
 * magic) is a count of index entries, the size of the data store, 16-byte entries (tag, type, offset, count) and
 * the store; the tags read here are strings and 32-bit integers. The older BerkeleyDB (`Packages`) and NDB
 * (`Packages.db`) formats are not read (the inventory says so).
 */
import { createRequire } from 'node:module';
import type { OsPackage } from './types.js';

/** True for an rpm database file (any of the three formats: the caller tells them apart). */
export function isRpmPath(path: string): boolean {
  return /^(var\/lib\/rpm|usr\/lib\/sysimage\/rpm)\/(rpmdb\.sqlite|Packages|Packages\.db)$/.test(path);
}

const TAG = { name: 1000, version: 1001, release: 1002, epoch: 1003, license: 1014, arch: 1022, sourceRpm: 1044 } as const;
const STRING = 6;
const INT32 = 4;
const STRING_ARRAY = 8;
const I18N = 9;

/** The tags of one header blob that name the package; throws on a blob that is not a header. */
export function parseRpmHeader(blob: Uint8Array): OsPackage | undefined {
  const v = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  if (blob.length < 8) throw new Error('header blob too short');
  const il = v.getUint32(0);
  const dl = v.getUint32(4);
  const dataStart = 8 + il * 16;
  if (il > 100_000 || dl > blob.length || dataStart + dl > blob.length) throw new Error('header blob sizes run past its end');
  const str = (off: number): string => {
    let end = dataStart + off;
    while (end < dataStart + dl && blob[end] !== 0) end++;
    return Buffer.from(blob.buffer, blob.byteOffset + dataStart + off, end - dataStart - off).toString('utf8');
  };
  const got = new Map<number, string | number>();
  for (let i = 0; i < il; i++) {
    const e = 8 + i * 16;
    const tag = v.getInt32(e);
    const type = v.getUint32(e + 4);
    const off = v.getInt32(e + 8);
    if (off < 0 || off >= dl) continue;
    if (tag === TAG.epoch && type === INT32 && off + 4 <= dl) got.set(tag, v.getInt32(dataStart + off));
    else if ((type === STRING || type === I18N || type === STRING_ARRAY) && Object.values(TAG).includes(tag as never)) got.set(tag, str(off));
  }
  const name = got.get(TAG.name);
  const version = got.get(TAG.version);
  if (typeof name !== 'string' || typeof version !== 'string') return undefined;
  const release = got.get(TAG.release);
  const epoch = got.get(TAG.epoch);
  const arch = got.get(TAG.arch);
  const src = got.get(TAG.sourceRpm);
  const license = got.get(TAG.license);
  const vr = typeof release === 'string' && release ? `${version}-${release}` : version;
  return {
    name,
    version: typeof epoch === 'number' && epoch > 0 ? `${epoch}:${vr}` : vr,
    ...(typeof epoch === 'number' ? { epoch } : {}),
    ...(typeof arch === 'string' && arch ? { arch } : {}),
    ...(typeof src === 'string' && src ? { sourceName: sourceRpmName(src) } : {}),
    ...(typeof license === 'string' && license ? { license } : {}),
  };
}

/** `openssl-3.0.7-25.el9.src.rpm` → `openssl` (the name before the last two dash-separated parts). */
export function sourceRpmName(srpm: string): string {
  const base = srpm.replace(/\.(no)?src\.rpm$/, '');
  const parts = base.split('-');
  return parts.length > 2 ? parts.slice(0, -2).join('-') : base;
}

/**
 * Reads the packages of an `rpmdb.sqlite` held in memory. The copy is opened as an in-memory database (a
 * write-ahead-log file is marked as a rollback-journal one first: what a checkpointed database is). Throws with a
 * plain message when the bytes are not such a database.
 */
export function parseRpmSqlite(bytes: Uint8Array): OsPackage[] {
  const buf = Buffer.from(bytes);
  if (buf.length < 100 || buf.subarray(0, 16).toString('latin1') !== 'SQLite format 3\u0000') throw new Error('not a SQLite database');
  if (buf[18] === 2 || buf[19] === 2) {
    buf[18] = 1;
    buf[19] = 1;
  }
  // Loaded on first use: everything that imports the inventory (every scan, the secrets command too) would
  // otherwise load the native SQLite addon just to be able to read an RPM database.
  const Database = createRequire(import.meta.url)('better-sqlite3') as typeof import('better-sqlite3');
  const db = new Database(buf, { readonly: true });
  try {
    const rows = db.prepare('SELECT blob FROM Packages').all() as { blob: Uint8Array }[];
    const out: OsPackage[] = [];
    for (const r of rows) {
      const p = parseRpmHeader(r.blob);
      if (p && p.name !== 'gpg-pubkey') out.push(p);
    }
    return out;
  } finally {
    db.close();
  }
}
