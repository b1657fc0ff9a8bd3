/**
 * A per-host concurrency limit shared by every worker: a Redis sorted set per host of leases (job id scored by
 * when the lease ends, by Redis's own clock). A job takes a lease before it clones and renews it while it runs;
 * a worker killed mid-job stops renewing, so its lease lapses and the slot frees itself.
 */
import type { Redis } from 'ioredis';

const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZSCORE', KEYS[1], ARGV[2]) or redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[2])
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]) * 2)
  return 1
end
return 0`;

const RENEW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
return redis.call('ZADD', KEYS[1], 'XX', 'CH', now + tonumber(ARGV[2]), ARGV[1])`;

/** Leases of at most `limit` jobs at once per host. */
export class HostLimit {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly limit: number,
    private readonly leaseMs: number,
  ) {}

  private key(host: string): string {
    return `${this.prefix}:fleet:host:${host}`;
  }

  /** Takes a slot for `holder` on `host`; false when the host is at its limit. */
  async acquire(host: string, holder: string): Promise<boolean> {
    return (await this.redis.eval(ACQUIRE, 1, this.key(host), this.limit, holder, this.leaseMs)) === 1;
  }

  /** Extends the lease. */
  async renew(host: string, holder: string): Promise<void> {
    await this.redis.eval(RENEW, 1, this.key(host), holder, this.leaseMs);
  }

  /** Gives the slot back. */
  async release(host: string, holder: string): Promise<void> {
    await this.redis.zrem(this.key(host), holder);
  }
}
