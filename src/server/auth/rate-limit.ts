/**
 * Login rate limits: failed sign-ins are counted per user name and per client address over a sliding window;
 * past the limit, sign-in is refused (HTTP 429 with Retry-After) until the window moves on, whether or not
 * the password is right. Held in memory by one server instance, bounded in size.
 */

/** Limits of a {@link LoginLimiter}. */
export interface LimitOptions {
  windowMs: number;
  perUser: number;
  perAddress: number;
  /** Most keys tracked; the oldest are forgotten first. */
  maxKeys: number;
}

/** Default limits: 5 failures per user and 20 per address in 15 minutes. */
export const DEFAULT_LIMITS: LimitOptions = { windowMs: 15 * 60_000, perUser: 5, perAddress: 20, maxKeys: 10_000 };

/** Counts failed sign-ins. */
export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();
  constructor(private readonly o: LimitOptions = DEFAULT_LIMITS) {}

  /** Milliseconds to wait before `user` may try again from `address`, or 0. */
  retryAfter(user: string, address: string, now: number): number {
    const wait = (key: string, limit: number): number => {
      const times = this.recent(key, now);
      return times.length >= limit ? times[times.length - limit]! + this.o.windowMs - now : 0;
    };
    return Math.max(wait(`u:${user.toLowerCase()}`, this.o.perUser), wait(`a:${address}`, this.o.perAddress));
  }

  /** Records a failure. */
  fail(user: string, address: string, now: number): void {
    for (const key of [`u:${user.toLowerCase()}`, `a:${address}`]) {
      const times = this.recent(key, now);
      times.push(now);
      this.failures.delete(key);
      this.failures.set(key, times.slice(-100));
    }
    while (this.failures.size > this.o.maxKeys) this.failures.delete(this.failures.keys().next().value!);
  }

  /** Forgets a user's failures after a successful sign-in. */
  succeed(user: string): void {
    this.failures.delete(`u:${user.toLowerCase()}`);
  }

  private recent(key: string, now: number): number[] {
    return (this.failures.get(key) ?? []).filter((t) => t > now - this.o.windowMs);
  }
}
