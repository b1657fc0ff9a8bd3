import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where the advisory database lives when no `--db` is given: `$PIPEGUARD_DB`, else
 * `$XDG_CACHE_HOME/pipeguard/advisories.db`, else `~/.cache/pipeguard/advisories.db`.
 */
export function defaultDbPath(env: Record<string, string | undefined>): string {
  if (env.PIPEGUARD_DB) return env.PIPEGUARD_DB;
  const cache = env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache');
  return join(cache, 'pipeguard', 'advisories.db');
}
