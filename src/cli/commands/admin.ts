import { InputError, UsageError } from '../../core/errors.js';
import { parseScopes, ROLES } from '../../server/auth/scopes.js';
import { createToken, listTokens, revokeToken } from '../../server/auth/tokens.js';
import { upsertUser } from '../../server/auth/users.js';
import { DEFAULT_DB, openDb } from '../../server/db/open.js';
import type { Db } from '../../server/db/types.js';
import { InvalidError, NotFoundError } from '../../server/store/errors.js';
import { ensureProject } from '../../server/store/projects.js';
import { parse } from '../args.js';
import type { CliIO, Command } from '../io.js';

async function readPassword(io: CliIO): Promise<string> {
  const env = io.env['PIPEGUARD_PASSWORD'];
  if (env) return env;
  if (io.stdin.isTTY) throw new UsageError('give the password on standard input (echo … | pipeguard admin user add …) or in PIPEGUARD_PASSWORD');
  let text = '';
  for await (const c of io.stdin) {
    text += c.toString();
    if (text.length > 4096) break;
  }
  const first = text.split(/\r?\n/)[0] ?? '';
  if (!first) throw new UsageError('no password on standard input');
  return first;
}

/** `pipeguard admin`: users, API tokens and projects of a server's database, from the server's machine. */
export const adminCommand: Command = {
  name: 'admin',
  summary: "manage the findings server's users, API tokens and projects",
  help: `Usage: pipeguard admin <what> [options]

  user add NAME --role ROLE        create a user, or set a new password and role (roles: ${Object.keys(ROLES).join(', ')});
                                   the password is read from standard input (first line) or PIPEGUARD_PASSWORD
  token create NAME --scopes LIST [--project P]
                                   create an API token and print it (once) on standard output; scopes: upload, read,
                                   triage, admin; with --project it is bound to that project (created if missing)
  token list                       every token (never the token itself: its first characters)
  token revoke ID                  revoke a token
  project add NAME                 create a project

      --db SPEC     the server's database (default ${DEFAULT_DB}, or PIPEGUARD_DB)

Examples:
  echo 'a long passphrase here' | pipeguard admin user add alice --role admin
  pipeguard admin token create ci --scopes upload --project web-app
`,
  async run(argv, io) {
    const { values, positionals } = parse(argv, { db: { type: 'string' }, role: { type: 'string' }, scopes: { type: 'string' }, project: { type: 'string' } }, 3);
    const [what, verb, arg] = positionals;
    const now = io.now().getTime();
    const spec = values.db ?? io.env['PIPEGUARD_DB'] ?? DEFAULT_DB;
    const key = `${what ?? ''} ${verb ?? ''}`;
    const known = ['user add', 'token create', 'token list', 'token revoke', 'project add'];
    if (!known.includes(key)) throw new UsageError(`admin takes: ${known.join(', ')} (see 'pipeguard admin --help')`);
    if (key !== 'token list' && !arg) throw new UsageError(`admin ${key} needs a ${key === 'token revoke' ? 'token id' : 'name'}`);
    const password = key === 'user add' ? await readPassword(io) : '';
    if (key === 'user add' && !values.role) throw new UsageError(`give --role (${Object.keys(ROLES).join(', ')})`);
    let scopes;
    if (key === 'token create') {
      try {
        scopes = parseScopes(values.scopes ?? '');
      } catch (e) {
        throw new UsageError(`--scopes: ${(e as Error).message}`);
      }
    }
    const db: Db = await openDb(spec, io.cwd);
    try {
      switch (key) {
        case 'user add':
          await upsertUser(db, { name: arg!, role: values.role!, password, actor: 'cli', now });
          io.stderr.write(`pipeguard: user ${arg} saved (${values.role})\n`);
          break;
        case 'token create': {
          const pid = values.project ? await ensureProject(db, values.project, true, now) : null;
          const { id, token } = await createToken(db, { name: arg!, projectId: pid, scopes: scopes!, actor: 'cli', now });
          io.stderr.write(`pipeguard: token ${id} (${arg}) created with ${scopes!.join(', ')}${values.project ? ` for ${values.project}` : ' for every project'}; it is shown once:\n`);
          io.stdout.write(`${token}\n`);
          break;
        }
        case 'token list':
          for (const t of await listTokens(db)) {
            io.stdout.write(`${t.id}\t${t.name}\t${t.project ?? '*'}\t${t.scopes.join(',')}\t${t.prefix}…\t${t.revokedAt ? 'revoked' : 'active'}\n`);
          }
          break;
        case 'token revoke':
          if (!/^\d+$/.test(arg!)) throw new UsageError('token revoke takes the token id (see token list)');
          await revokeToken(db, Number(arg), 'cli', now);
          io.stderr.write(`pipeguard: token ${arg} revoked\n`);
          break;
        case 'project add':
          await ensureProject(db, arg!, true, now);
          io.stderr.write(`pipeguard: project ${arg} ready\n`);
          break;
      }
    } catch (e) {
      if (e instanceof InvalidError || e instanceof NotFoundError) throw new InputError(e.message);
      throw e;
    } finally {
      await db.close();
    }
    return 0;
  },
};
