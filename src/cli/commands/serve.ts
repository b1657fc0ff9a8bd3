import { DEFAULT_DB, describeDb, openDb } from '../../server/db/open.js';
import { DEFAULT_MAX_UPLOAD, startServer } from '../../server/http/server.js';
import { userCount } from '../../server/auth/users.js';
import { UsageError } from '../../core/errors.js';
import { int, parse } from '../args.js';
import type { Command } from '../io.js';
import { untilStopped } from '../stop.js';

/** `pipeguard serve`: the findings server (HTTP API and web UI) until SIGINT/SIGTERM. */
export const serveCommand: Command = {
  name: 'serve',
  summary: 'run the findings server: upload API, dashboard, triage, SLAs (SQLite or PostgreSQL)',
  help: `Usage: pipeguard serve [options]

Serves the HTTP API (/api/v1) and the web dashboard from one process until stopped (Ctrl-C, SIGTERM).
The database is migrated at start.

      --port N            port to listen on (default 8080; 0 picks a free one)
      --host ADDR         address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)
      --db SPEC           sqlite:PATH (default ${DEFAULT_DB}) or postgres://USER@HOST:PORT/DB[?schema=NAME]
                          (or PIPEGUARD_DB; put a password there rather than on the command line)
      --max-upload-mb N   largest report accepted, after decompression (default ${DEFAULT_MAX_UPLOAD / 1024 / 1024})
      --secure-cookies    mark session cookies Secure (the server is behind HTTPS)

Users and tokens: 'pipeguard admin --help'. Exit 0 after a clean stop, 2 when the database or port is unusable.
`,
  async run(argv, io) {
    const { values } = parse(argv, { port: { type: 'string' }, host: { type: 'string' }, db: { type: 'string' }, 'max-upload-mb': { type: 'string' }, 'secure-cookies': { type: 'boolean' } }, 0);
    const port = values.port === undefined ? 8080 : values.port === '0' ? 0 : int('port', values.port)!;
    if (port > 65535) throw new UsageError('--port takes 0 to 65535');
    const maxMb = int('max-upload-mb', values['max-upload-mb']);
    const spec = values.db ?? io.env['PIPEGUARD_DB'] ?? DEFAULT_DB;
    const db = await openDb(spec, io.cwd);
    const log = (line: string): void => void io.stderr.write(`pipeguard: ${line}\n`);
    let server;
    try {
      server = await startServer({
        db,
        port,
        host: values.host ?? '127.0.0.1',
        ...(maxMb ? { maxUploadBytes: maxMb * 1024 * 1024 } : {}),
        secureCookies: values['secure-cookies'] === true,
        log,
      });
    } catch (e) {
      await db.close();
      throw new UsageError(`cannot listen on ${values.host ?? '127.0.0.1'}:${port}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    log(`serving ${server.url} (database ${describeDb(spec)})`);
    if ((await userCount(db)) === 0) log("no users yet: create an admin with 'pipeguard admin user add NAME --role admin' (same --db)");
    const stop = untilStopped(io);
    await stop.stopped;
    stop.release();
    log('stopping');
    await server.close();
    await db.close();
    return 0;
  },
};
