import type { Redis } from '@upstash/redis';
import type { RedisCommands } from '../store/commands.ts';
import { hashTag } from '../store/hash-tag.ts';
import type { WindowLimiter } from './types.ts';

/**
 * @upstash/ratelimit's sliding window on the shared store (Upstash REST or Redis), shared by every instance. Its own timeout
 * lets requests through (`reason: "timeout"`) and its network errors throw: both are turned into
 * a throw here, so the caller applies the configured failure policy to either.
 */
export function upstashSlidingWindow(commands: RedisCommands, prefix: string, limit: number, windowSeconds: number, timeoutMs: number): WindowLimiter {
  // Ratelimit only calls evalsha/eval for single-region windows and resets (tests hold it to that). Its ES module
  // build, by path (the package names only its CommonJS one): bundlers then leave out the algorithms and the
  // multi-region limiter it never uses, 1.5 KB gzip of the middleware.
  const redis = commands as unknown as Redis;
  const limiter = import('@upstash/ratelimit/dist/index.mjs').then(
    ({ Ratelimit }) => new Ratelimit({ redis, prefix, limiter: Ratelimit.slidingWindow(limit, `${windowSeconds} s`), timeout: timeoutMs, analytics: false }),
  );
  // The library keys a window as `<prefix>:<key>:<window>` and its script reads the current and the previous window
  // together: a hash tag on the key keeps both in one slot on a Redis Cluster.
  return {
    async limit(key) {
      const result = await (await limiter).limit(hashTag(key));
      if (result.reason === 'timeout') throw new Error('rate limiter timed out');
      return { success: result.success, resetAt: result.reset };
    },
    async refund(key) {
      // A negative rate is the library's refund: counted back without a limit check.
      const result = await (await limiter).limit(hashTag(key), { rate: -1 });
      if (result.reason === 'timeout') throw new Error('rate limiter timed out');
    },
  };
}
