import { createHash } from 'node:crypto';
import { Logger, OnApplicationShutdown } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { Redis } from 'ioredis';
import { ApiError } from '../common/api-error';

/**
 * One request counted in a window, atomically (a script runs alone on the server), with the semantics of
 * SlidingWindowStorage: hits are the members of a sorted set scored by their expiry time; past `limit` the credential
 * is refused while `limit` hits are live (blockDuration 0) or blocked for blockDuration, then starts afresh. The time
 * is the server's own (TIME) unless the caller passes one, so that replicas on machines whose clocks differ a little
 * still count one window. Both keys live until the last hit expires, the block ends and the window resets: an idle
 * credential leaves nothing behind.
 *
 * KEYS[1] hits (sorted set), KEYS[2] window (hash: e = reset time, b = blocked until, n = hits made)
 * ARGV now ('' = the server's time), ttl, limit, blockDuration (ms)
 * Returns totalHits, timeToExpire (s), isBlocked (0/1), timeToBlockExpire (s)
 */
const HIT_SCRIPT = `
local hits, window = KEYS[1], KEYS[2]
local now = tonumber(ARGV[1])
if now == nil then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local ttl, limit, block = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
-- Times go to the server as exact decimals (a caller's clock may give fractions of a millisecond).
local function num(x) return string.format('%.17g', x) end
local function field(name, default)
  local v = redis.call('HGET', window, name)
  if v then return tonumber(v) end
  return default
end
local function hit()
  local n = redis.call('HINCRBY', window, 'n', 1)
  redis.call('ZADD', hits, num(now + ttl), num(now) .. ':' .. n)
end
redis.call('ZREMRANGEBYSCORE', hits, '-inf', num(now))
local expiresAt = field('e', nil)
if expiresAt == nil or expiresAt <= now then expiresAt = now + ttl end
local timeToExpire = math.ceil((expiresAt - now) / 1000)
local blockedUntil = field('b', 0)
local total, blocked, timeToBlockExpire
if block <= 0 then
  local live = redis.call('ZCARD', hits)
  blocked = live >= limit
  if blocked then
    total = live + 1
    if live > 0 then
      local first = redis.call('ZRANGE', hits, 0, 0, 'WITHSCORES')
      timeToBlockExpire = math.ceil((tonumber(first[2]) - now) / 1000)
    else
      timeToBlockExpire = timeToExpire
    end
  else
    hit()
    total = live + 1
    timeToBlockExpire = 0
  end
else
  if blockedUntil ~= 0 and blockedUntil <= now then
    blockedUntil = 0
    redis.call('DEL', hits)
  end
  if blockedUntil == 0 then hit() end
  total = redis.call('ZCARD', hits)
  if total > limit and blockedUntil == 0 then blockedUntil = now + block end
  blocked = blockedUntil ~= 0
  if blocked then timeToBlockExpire = math.ceil((blockedUntil - now) / 1000) else timeToBlockExpire = 0 end
end
redis.call('HSET', window, 'e', num(expiresAt), 'b', num(blockedUntil))
local keep = math.max(expiresAt, blockedUntil) - now
local last = redis.call('ZRANGE', hits, -1, -1, 'WITHSCORES')
if last[2] then keep = math.max(keep, tonumber(last[2]) - now) end
keep = string.format('%d', math.max(1, math.ceil(keep)))
redis.call('PEXPIRE', window, keep)
redis.call('PEXPIRE', hits, keep)
local blockedFlag = 0
if blocked then blockedFlag = 1 end
return { total, timeToExpire, blockedFlag, timeToBlockExpire }
`;
type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

const HIT_SHA = createHash('sha1').update(HIT_SCRIPT).digest('hex');

export interface RedisWindowOptions {
  /** The clock to count with; default the Redis server's (one clock for every replica). */
  now?: () => number;
  /** Prefix of every key; default `robo:rl:`. */
  keyPrefix?: string;
}

/**
 * The rate limiter's hit counts in Redis (REDIS_URL), so that every api replica counts against one budget per
 * credential. Redis unreachable: the request is answered 503 RATE_LIMIT_UNAVAILABLE (with Retry-After) rather than
 * let through uncounted or failed with a 500; it recovers by itself when the server is back.
 */
export class RedisWindowStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly logger = new Logger('RateLimit');
  private readonly client: Redis;
  private readonly now: (() => number) | undefined;
  private readonly prefix: string;
  private failing = false;

  constructor(url: string, options: RedisWindowOptions = {}) {
    this.now = options.now;
    this.prefix = options.keyPrefix ?? 'robo:rl:';
    // A request waits for at most one reconnection attempt and two seconds, never for the whole outage.
    this.client = new Redis(url, { maxRetriesPerRequest: 1, commandTimeout: 2000, enableAutoPipelining: true, connectionName: 'robo-rate-limit' });
    this.client.on('error', (error: Error) => {
      if (!this.failing) this.logger.warn({ err: error.message }, 'rate-limit store (Redis) unreachable; requests answer 503 until it is back');
      this.failing = true;
    });
    this.client.on('ready', () => {
      if (this.failing) this.logger.log('rate-limit store (Redis) reachable again');
      this.failing = false;
    });
  }

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    const id = `${this.prefix}{${throttlerName}\u0000${key}}`;
    const args = [`${id}:hits`, `${id}:window`, this.now ? String(this.now()) : '', String(ttl), String(limit), String(blockDuration)];
    let reply: unknown;
    try {
      reply = await this.client.evalsha(HIT_SHA, 2, ...args).catch((error: Error) => {
        if (!/NOSCRIPT/.test(error.message)) throw error;
        return this.client.eval(HIT_SCRIPT, 2, ...args);
      });
    } catch {
      this.failing = true;
      throw new ApiError(503, 'RATE_LIMIT_UNAVAILABLE', 'the rate limiter cannot be reached; retry later');
    }
    const [totalHits, timeToExpire, isBlocked, timeToBlockExpire] = reply as [number, number, number, number];
    return { totalHits, timeToExpire, isBlocked: isBlocked === 1, timeToBlockExpire };
  }

  /** Fails while Redis cannot be reached (readiness). */
  async ping(): Promise<void> {
    await this.client.ping();
  }

  /** Keys held under this storage's prefix, for tests. */
  async keys(): Promise<string[]> {
    return this.client.keys(`${this.prefix}*`);
  }

  /** Remaining lifetime of a key in ms (-2: no such key), for tests. */
  async pttl(key: string): Promise<number> {
    return this.client.pttl(key);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  async close(): Promise<void> {
    if (this.client.status === 'end') return;
    // quit() waits for the connection; without one (Redis down) the client is dropped at once.
    if (this.client.status === 'ready') await this.client.quit().catch(() => this.client.disconnect());
    else this.client.disconnect();
  }
}
