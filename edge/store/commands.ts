import type { KvStore, WriteOptions } from './types.ts';

/**
 * Raw Redis commands, as both transports speak them: Upstash REST (store/upstash-rest.ts) and a Redis client over TCP
 * (store/redis.ts). The KvStore below and @upstash/ratelimit (ratelimit/upstash.ts) are built on it, so both stores
 * behave the same by construction.
 */
export interface RedisCommands {
  command(args: (string | number)[]): Promise<unknown>;
  /** The two calls @upstash/ratelimit makes for single-region limits and resets. */
  evalsha(sha: string, keys: string[], args: unknown[]): Promise<unknown>;
  eval(script: string, keys: string[], args: unknown[]): Promise<unknown>;
  /** A write that returns once a replica has it (KvStore's `durable`, store/replica-wait.ts); plain without it. */
  durable?(args: (string | number)[]): Promise<unknown>;
  /** True for a short while after a failover or reconnection (DEFAULTS.storeSettleMs): data may be missing then. */
  settling?(): boolean;
}

const DELETE_IF_VALUE = 'if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end return 0';
/** SADD, then extend the set's life to at least ARGV[2] ms: one round trip. */
const ADD_MEMBER =
  'redis.call("SADD", KEYS[1], ARGV[1]) if redis.call("PTTL", KEYS[1]) < tonumber(ARGV[2]) then redis.call("PEXPIRE", KEYS[1], ARGV[2]) end return 1';

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

export function kvStore(redis: RedisCommands): KvStore {
  const write = (args: (string | number)[], options?: WriteOptions) => (options?.durable && redis.durable ? redis.durable(args) : redis.command(args));
  return {
    async get(key) {
      const value = await redis.command(['GET', key]);
      return typeof value === 'string' ? value : null;
    },
    async getMany(keys) {
      if (keys.length === 0) return [];
      const values = await redis.command(['MGET', ...keys]);
      return keys.map((_, i) => (Array.isArray(values) && typeof values[i] === 'string' ? values[i] : null));
    },
    async set(key, value, ttlMs, options) {
      await write(['SET', key, value, 'PX', Math.max(1, Math.ceil(ttlMs))], options);
    },
    async setIfAbsent(key, value, ttlMs, options) {
      return (await write(['SET', key, value, 'NX', 'PX', Math.max(1, Math.ceil(ttlMs))], options)) === 'OK';
    },
    async deleteIfValue(key, value) {
      await redis.eval(DELETE_IF_VALUE, [key], [value]);
    },
    async delete(key, options) {
      await write(['DEL', key], options);
    },
    async addMember(key, member, ttlMs) {
      await redis.eval(ADD_MEMBER, [key], [member, Math.max(1, Math.ceil(ttlMs))]);
    },
    async removeMember(key, member) {
      await redis.command(['SREM', key, member]);
    },
    async members(key) {
      return strings(await redis.command(['SMEMBERS', key]));
    },
    settling: () => redis.settling?.() ?? false,
  };
}
