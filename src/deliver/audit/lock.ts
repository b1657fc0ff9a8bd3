import { lock } from 'proper-lockfile';

/** How long a lock may go without its holder refreshing it before another process may take it over. */
const STALE_MS = 10_000;

/** The error code proper-lockfile gives when the lock is held by another. */
export const LOCKED = 'ELOCKED';

/**
 * Runs `fn` holding an exclusive lock on `path` shared by every process on this machine (a `PATH.lock` folder,
 * created atomically and refreshed while held; a crashed holder's lock is taken over after 10 s). Waits up to
 * about 30 s for another holder, then throws; with `wait: false` throws at once (error code `ELOCKED`).
 */
export async function withFileLock<T>(path: string, fn: () => Promise<T> | T, o: { wait?: boolean } = {}): Promise<T> {
  let compromised: Error | undefined;
  const release = await lock(path, {
    realpath: false,
    stale: STALE_MS,
    retries: o.wait === false ? 0 : { retries: 200, factor: 1.3, minTimeout: 2, maxTimeout: 150, randomize: true },
    onCompromised: (e) => {
      compromised = e;
    },
  });
  try {
    const out = await fn();
    if (compromised) throw new Error(`the lock on ${path} was lost while held: ${compromised.message}`);
    return out;
  } finally {
    await release().catch(() => undefined);
  }
}
