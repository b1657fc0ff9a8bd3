import { resolve } from 'node:path';
import { AdvisoryDb, writeDatabase } from '../../advisories/db.js';
import { loadRecords } from '../../advisories/load.js';
import { defaultDbPath } from '../../advisories/paths.js';
import { DEFAULT_ECOSYSTEMS, DEFAULT_OSV_BASE_URL, updateDatabase } from '../../advisories/update.js';
import { UsageError } from '../../core/errors.js';
import { int, list, parse } from '../args.js';
import type { CliIO, Command } from '../io.js';

function dbPathOf(value: string | undefined, io: CliIO): string {
  return value ? resolve(io.cwd, value) : defaultDbPath(io.env);
}

function mb(n: number): string {
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

function age(from: string, now: Date): string {
  const days = (now.getTime() - Date.parse(from)) / 86_400_000;
  if (days < 1 / 24) return 'just now';
  if (days < 1) return `${Math.round(days * 24)} h ago`;
  return `${Math.floor(days)} days ago`;
}

/** `pipeguard db update|import|status`: the local OSV advisory database. */
export const dbCommand: Command = {
  name: 'db',
  summary: 'manage the offline advisory database (update from OSV, import local OSV files, status)',
  help: `Usage: pipeguard db update [--url BASE] [--ecosystem NAME]... [--db PATH]
       pipeguard db import <dir|file.zip|file.json> [--db PATH]
       pipeguard db status [--json] [--db PATH]

The dependency scanner matches lockfiles against a local SQLite database of OSV advisories.

  update      download <BASE>/<ecosystem>/all.zip for each ecosystem (osv.dev exports by default),
              check every record, and replace the database in one step; an interrupted download
              resumes on the next run and never leaves a broken database
  import      load OSV records (JSON or YAML files, folders, zip archives) into the database
  status      record counts per ecosystem and when each source was refreshed

      --db PATH          database file (default: $PIPEGUARD_DB, else $XDG_CACHE_HOME/pipeguard/advisories.db,
                         else ~/.cache/pipeguard/advisories.db)
      --url BASE         export base URL (default ${DEFAULT_OSV_BASE_URL}; env PIPEGUARD_OSV_URL)
      --ecosystem NAME   ecosystem to fetch, repeatable or comma-separated
                         (default ${DEFAULT_ECOSYSTEMS.join(', ')})
      --json             status as JSON
Limits of update (each failure exits 2 and leaves the database as it was):
      --timeout SECONDS  most to wait for an answer or for the next data of a download (default 30)
      --budget SECONDS   most the whole update may take (default 1800)
      --max-download-size BYTES
                         most bytes one ecosystem's export may have (default 2147483648)
      --max-shrink PCT   refuse an export with fewer records than the database by more than PCT% (default 50);
                         an export with no records is always refused
      --allow-shrink     accept any drop in record count
`,
  async run(argv, io) {
    const { values, positionals } = parse(
      argv,
      {
        db: { type: 'string' },
        url: { type: 'string' },
        ecosystem: { type: 'string', multiple: true },
        json: { type: 'boolean' },
        timeout: { type: 'string' },
        budget: { type: 'string' },
        'max-download-size': { type: 'string' },
        'max-shrink': { type: 'string' },
        'allow-shrink': { type: 'boolean' },
      },
      2,
    );
    const [sub, arg] = positionals;
    const dbPath = dbPathOf(values.db, io);
    if (sub === 'update') {
      if (arg) throw new UsageError(`unexpected argument ${arg}`);
      const ecosystems = list(values.ecosystem);
      const baseUrl = values.url ?? io.env.PIPEGUARD_OSV_URL ?? DEFAULT_OSV_BASE_URL;
      const tty = io.stderr.isTTY === true;
      const timeout = int('timeout', values.timeout);
      const budget = int('budget', values.budget);
      const maxDownload = int('max-download-size', values['max-download-size']);
      const shrink = values['max-shrink'];
      if (shrink !== undefined && (!/^\d+(\.\d+)?%?$/.test(shrink) || Number(shrink.replace('%', '')) > 100)) {
        throw new UsageError(`--max-shrink takes a percentage from 0 to 100, not ${JSON.stringify(shrink)}`);
      }
      const results = await updateDatabase({
        ...(timeout ? { timeoutMs: timeout * 1000 } : {}),
        ...(budget ? { budgetMs: budget * 1000 } : {}),
        ...(maxDownload ? { maxDownloadBytes: maxDownload } : {}),
        ...(shrink !== undefined ? { maxShrink: Number(shrink.replace('%', '')) / 100 } : {}),
        allowShrink: values['allow-shrink'] === true,
        dbPath,
        baseUrl,
        ecosystems: ecosystems.length ? ecosystems : DEFAULT_ECOSYSTEMS,
        now: io.now(),
        progress: (eco, bytes, total, done) => {
          if (done) io.stderr.write(`${tty ? '\r' : ''}${eco}: downloaded ${mb(bytes)}${tty ? '\x1b[K' : ''}\n`);
          else if (tty) io.stderr.write(`\r${eco}: ${mb(bytes)}${total ? ` of ${mb(total)}` : ''}\x1b[K`);
        },
      });
      for (const r of results) io.stdout.write(`${r.ecosystem}: ${r.records} records${r.resumed ? ' (resumed download)' : ''}\n`);
      io.stdout.write(`database updated: ${dbPath}\n`);
      return 0;
    }
    if (sub === 'import') {
      if (!arg) throw new UsageError('db import needs a folder, zip or OSV file');
      const src = resolve(io.cwd, arg);
      const records = loadRecords(src, arg);
      writeDatabase(dbPath, [{ name: `import:${src}`, origin: src, records }], io.now());
      io.stdout.write(`imported ${records.length} records from ${arg} into ${dbPath}\n`);
      return 0;
    }
    if (sub === 'status') {
      if (arg) throw new UsageError(`unexpected argument ${arg}`);
      const db = AdvisoryDb.open(dbPath);
      try {
        const s = db.status();
        if (values.json) {
          io.stdout.write(JSON.stringify(s, null, 2) + '\n');
          return 0;
        }
        const now = io.now();
        io.stdout.write(`database: ${s.path}\n`);
        io.stdout.write(`records: ${s.records} (${s.withdrawn} withdrawn), packages: ${s.packages}\n`);
        for (const e of s.byEcosystem) io.stdout.write(`  ${e.ecosystem.padEnd(16)} ${String(e.records).padStart(7)} records\n`);
        io.stdout.write('sources:\n');
        for (const src of s.sources) {
          io.stdout.write(`  ${src.name}  ${src.records} records, refreshed ${src.refreshedAt} (${age(src.refreshedAt, now)}) from ${src.origin}\n`);
        }
      } finally {
        db.close();
      }
      return 0;
    }
    throw new UsageError(sub ? `unknown db command ${sub} (use update, import, status)` : 'db needs a command: update, import or status');
  },
};
