import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { InputError, errorMessage } from '../core/errors.js';
import { baseEcosystem, normalizeName, type OsvRecord } from './osv.js';

/** Bumped when the table layout changes; an older file is refused with a clear message. */
export const SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS vuln (id TEXT PRIMARY KEY, source TEXT NOT NULL, modified TEXT, withdrawn INTEGER NOT NULL, json TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS affected (ecosystem TEXT NOT NULL, name TEXT NOT NULL, vuln_id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS affected_pkg ON affected (ecosystem, name);
CREATE INDEX IF NOT EXISTS affected_vuln ON affected (vuln_id);
CREATE TABLE IF NOT EXISTS alias (alias TEXT NOT NULL, vuln_id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS alias_alias ON alias (alias);
CREATE INDEX IF NOT EXISTS alias_vuln ON alias (vuln_id);
CREATE TABLE IF NOT EXISTS source (name TEXT PRIMARY KEY, refreshed_at TEXT NOT NULL, origin TEXT NOT NULL, records INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
`;

/** Counts and age of one source (an ecosystem export or an import). */
export interface SourceStatus {
  name: string;
  refreshedAt: string;
  origin: string;
  records: number;
}

/** What `db status` prints. */
export interface DbStatus {
  path: string;
  schemaVersion: number;
  records: number;
  withdrawn: number;
  packages: number;
  byEcosystem: { ecosystem: string; records: number }[];
  sources: SourceStatus[];
}

/** A read-only view of the advisory database, keyed by ecosystem + normalised package name. */
export class AdvisoryDb {
  private readonly db: Database.Database;
  private readonly idsStmt: Database.Statement<[string, string], { id: string }>;
  private readonly jsonStmt: Database.Statement<[string], { json: string }>;
  /** Parsed records by id: a package's records are read and parsed once per open database. */
  private readonly cache = new Map<string, OsvRecord>();

  private constructor(db: Database.Database, readonly path: string) {
    this.db = db;
    this.idsStmt = db.prepare(
      'SELECT DISTINCT v.id AS id FROM affected a JOIN vuln v ON v.id = a.vuln_id WHERE a.ecosystem = ? AND a.name = ? AND v.withdrawn = 0 ORDER BY v.id',
    );
    this.jsonStmt = db.prepare('SELECT json FROM vuln WHERE id = ?');
  }

  /** Opens an existing database read-only; InputError when it is missing or not a pipeguard database. */
  static open(path: string): AdvisoryDb {
    if (!existsSync(path)) throw new InputError('no advisory database: run `pipeguard db update` or `pipeguard db import`', path);
    let db: Database.Database;
    try {
      db = new Database(path, { readonly: true, fileMustExist: true });
      const row = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string } | undefined;
      if (!row) throw new Error('no schema version');
      if (Number(row.value) !== SCHEMA_VERSION) {
        db.close();
        throw new InputError(`advisory database has schema ${row.value}, this pipeguard reads ${SCHEMA_VERSION}: run \`pipeguard db update\``, path);
      }
    } catch (e) {
      if (e instanceof InputError) throw e;
      throw new InputError(`not a pipeguard advisory database (${errorMessage(e)})`, path);
    }
    return new AdvisoryDb(db, path);
  }

  /** Live (not withdrawn) records that name this package in this ecosystem. */
  lookup(ecosystem: string, name: string): OsvRecord[] {
    const eco = baseEcosystem(ecosystem);
    const out: OsvRecord[] = [];
    // ids first: a record shared by many packages (Go stdlib, Django) is read from disk and parsed once
    for (const { id } of this.idsStmt.all(eco, normalizeName(eco, name))) {
      let rec = this.cache.get(id);
      if (!rec) {
        const row = this.jsonStmt.get(id);
        if (!row) continue;
        rec = JSON.parse(row.json) as OsvRecord;
        this.cache.set(id, rec);
      }
      out.push(rec);
    }
    return out;
  }

  /** A record by id or alias (live or withdrawn), for `db show` and tests. */
  get(idOrAlias: string): OsvRecord[] {
    const rows = this.db
      .prepare('SELECT json FROM vuln WHERE id = ? UNION SELECT v.json FROM alias a JOIN vuln v ON v.id = a.vuln_id WHERE a.alias = ?')
      .all(idOrAlias, idOrAlias) as { json: string }[];
    return rows.map((r) => JSON.parse(r.json) as OsvRecord);
  }

  /** Number of records (live and withdrawn); counted on the id index, not the record bodies. */
  recordCount(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM vuln').get() as { n: number }).n;
  }

  /** Per-source refresh times and record counts: one small table, no scan of the records (scans ask this). */
  sources(): SourceStatus[] {
    return (
      this.db.prepare('SELECT name, refreshed_at, origin, records FROM source ORDER BY name').all() as {
        name: string;
        refreshed_at: string;
        origin: string;
        records: number;
      }[]
    ).map((r) => ({ name: r.name, refreshedAt: r.refreshed_at, origin: r.origin, records: r.records }));
  }

  /** Counts, per-ecosystem records and per-source refresh times (scans every table: `db status` only). */
  status(): DbStatus {
    const one = (sql: string): number => (this.db.prepare(sql).get() as { n: number }).n;
    return {
      path: this.path,
      schemaVersion: SCHEMA_VERSION,
      records: one('SELECT count(*) AS n FROM vuln'),
      withdrawn: one('SELECT count(*) AS n FROM vuln WHERE withdrawn = 1'),
      packages: one('SELECT count(*) AS n FROM (SELECT DISTINCT ecosystem, name FROM affected)'),
      byEcosystem: this.db
        .prepare('SELECT ecosystem, count(DISTINCT vuln_id) AS records FROM affected GROUP BY ecosystem ORDER BY ecosystem')
        .all() as { ecosystem: string; records: number }[],
      sources: this.sources(),
    };
  }

  /** The oldest refresh time over all sources (ISO), or undefined for an empty database. */
  oldestRefresh(): string | undefined {
    const r = this.db.prepare('SELECT min(refreshed_at) AS t FROM source').get() as { t: string | null };
    return r.t ?? undefined;
  }

  /** Closes the file. */
  close(): void {
    this.db.close();
  }
}

/** A batch of records from one source, for {@link writeDatabase}. */
export interface SourceBatch {
  /** `npm`, `PyPI`... for an ecosystem export; `import:<name>` for local files. */
  name: string;
  origin: string;
  records: OsvRecord[];
}

/**
 * Writes `batches` into the database at `path` atomically: the current file (if any) is copied to a
 * temporary file next to it, each batch replaces every record of the same source, and the temporary
 * file is renamed over the old one only once everything is committed. An interruption leaves the old
 * database as it was.
 */
export function writeDatabase(path: string, batches: SourceBatch[], now: Date): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${randomBytes(6).toString('hex')}`;
  try {
    if (existsSync(path)) {
      // refuse to build on a file that is not ours
      AdvisoryDb.open(path).close();
      copyFileSync(path, tmp);
    }
    const db = new Database(tmp);
    try {
      db.pragma('journal_mode = DELETE');
      db.exec(SCHEMA);
      const delAffected = db.prepare('DELETE FROM affected WHERE vuln_id IN (SELECT id FROM vuln WHERE source = ?)');
      const delAlias = db.prepare('DELETE FROM alias WHERE vuln_id IN (SELECT id FROM vuln WHERE source = ?)');
      const delVuln = db.prepare('DELETE FROM vuln WHERE source = ?');
      const delAffectedId = db.prepare('DELETE FROM affected WHERE vuln_id = ?');
      const delAliasId = db.prepare('DELETE FROM alias WHERE vuln_id = ?');
      const insVuln = db.prepare('INSERT OR REPLACE INTO vuln (id, source, modified, withdrawn, json) VALUES (?, ?, ?, ?, ?)');
      const insAffected = db.prepare('INSERT INTO affected (ecosystem, name, vuln_id) VALUES (?, ?, ?)');
      const insAlias = db.prepare('INSERT INTO alias (alias, vuln_id) VALUES (?, ?)');
      const insSource = db.prepare('INSERT OR REPLACE INTO source (name, refreshed_at, origin, records) VALUES (?, ?, ?, ?)');
      const run = db.transaction(() => {
        for (const b of batches) {
          delAffected.run(b.name);
          delAlias.run(b.name);
          delVuln.run(b.name);
          for (const r of b.records) {
            delAffectedId.run(r.id);
            delAliasId.run(r.id);
            insVuln.run(r.id, b.name, r.modified ?? null, r.withdrawn ? 1 : 0, JSON.stringify(r));
            const seen = new Set<string>();
            for (const a of r.affected ?? []) {
              if (!a?.package || typeof a.package.name !== 'string' || typeof a.package.ecosystem !== 'string') continue;
              const eco = baseEcosystem(a.package.ecosystem);
              const key = `${eco}\0${normalizeName(eco, a.package.name)}`;
              if (seen.has(key)) continue;
              seen.add(key);
              insAffected.run(eco, normalizeName(eco, a.package.name), r.id);
            }
            for (const al of new Set(r.aliases ?? [])) if (typeof al === 'string') insAlias.run(al, r.id);
          }
          insSource.run(b.name, now.toISOString(), b.origin, b.records.length);
        }
        db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)").run(String(SCHEMA_VERSION));
        db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('updated_at', ?)").run(now.toISOString());
      });
      run();
      const ok = db.pragma('integrity_check', { simple: true });
      if (ok !== 'ok') throw new Error(`integrity check failed: ${String(ok)}`);
    } finally {
      db.close();
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
