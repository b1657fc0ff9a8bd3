/**
 * What can go wrong talking to a forge's API, as data the posture checks can act on: an endpoint the token may not
 * read is a note on the checks that need it (never a failed run); an unreachable API or an exhausted rate limit ends
 * the run with one line.
 */

/** An API answered with an error status the caller did not expect. */
export class ApiError extends Error {
  constructor(
    /** HTTP status. */
    readonly status: number,
    /** The API path asked for (no host, no token). */
    readonly path: string,
    message: string,
    /** The permission or scope the API says the endpoint needs, when it says so. */
    readonly needs?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** `--offline` was given and the cache holds no answer for this request. */
export class OfflineMiss extends Error {
  constructor(readonly path: string) {
    super(`not in the cache (run once without --offline to fill it): ${path}`);
    this.name = 'OfflineMiss';
  }
}

/**
 * The API cannot be used for this run: unreachable, a timeout, a rate limit that resets later than the caller is
 * willing to wait, a bad token. The command turns it into one line on stderr and exit 2.
 */
export class ForgeUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ForgeUnavailable';
  }
}

/**
 * Why a fact could not be read, in words for a report note: the permission a token needs, an offline cache miss,
 * a feature the plan lacks. Anything else is rethrown.
 */
export function unavailableReason(e: unknown): string {
  if (e instanceof OfflineMiss) return 'not in the offline cache';
  if (e instanceof ApiError) {
    if (e.needs) return `the token lacks ${e.needs}`;
    if (e.status === 401) return 'the token was refused (401)';
    if (e.status === 403) return `forbidden for this token (403: ${e.message})`;
    if (e.status === 404) return 'not visible to this token (404: the endpoint needs admin or maintainer access, or the feature is off)';
    return `the API answered ${e.status}: ${e.message}`;
  }
  throw e;
}
