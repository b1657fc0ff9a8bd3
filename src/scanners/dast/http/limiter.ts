/**
 * Pacing: at most `concurrency` requests in flight and `rate` request starts a second (a token bucket), plus a
 * pause every request waits out after a 429 with Retry-After. Timers only; no busy loop.
 */

/** Concurrency and rate of requests to one target. */
export class Limiter {
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];
  private tokens: number;
  private last = performance.now();
  private pausedUntil = 0;

  constructor(
    private readonly concurrency: number,
    private readonly rate: number,
  ) {
    this.tokens = Math.min(rate, concurrency);
  }

  /** Runs `fn` when a slot and a token are free. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    await this.slot();
    try {
      await this.token();
      return await fn();
    } finally {
      this.inFlight--;
      this.waiting.shift()?.();
    }
  }

  /** Every request waits until `ms` from now (a 429's Retry-After). */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, performance.now() + ms);
  }

  private slot(): Promise<void> {
    if (this.inFlight < this.concurrency) {
      this.inFlight++;
      return Promise.resolve();
    }
    return new Promise((resolve) =>
      this.waiting.push(() => {
        this.inFlight++;
        resolve();
      }),
    );
  }

  private async token(): Promise<void> {
    for (let i = 0; i < 10_000; i++) {
      const now = performance.now();
      if (now < this.pausedUntil) {
        await sleep(this.pausedUntil - now);
        continue;
      }
      this.tokens = Math.min(this.rate, this.tokens + ((now - this.last) / 1000) * this.rate);
      this.last = now;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await sleep(((1 - this.tokens) / this.rate) * 1000);
    }
  }
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.max(0, ms)));
}
