import type { Redis } from '@upstash/redis';
import type { StoreConfig } from '../config/types';
import type { KvStore } from './types';

const DELETE_IF_VALUE = 'if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end return 0';

let client: Promise<Redis> | undefined;

/**
 * The Upstash Redis client, created on first use. The SDK is imported lazily so deployments
 * without Upstash never load it, and every call is bounded by `timeoutMs` with no retries:
 * a slow store must degrade quickly, not hold requests.
 */
export function upstashRedis(config: StoreConfig): Promise<Redis> {
  client ??= import('@upstash/redis').then(
    ({ Redis }) =>
      new Redis({
        url: config.url,
        token: config.token,
        retry: false,
        automaticDeserialization: false,
        enableTelemetry: false,
        signal: () => AbortSignal.timeout(config.timeoutMs),
      }),
  );
  return client;
}

export function upstashStore(config: StoreConfig): KvStore {
  const redis = () => upstashRedis(config);
  return {
    async get(key) {
      return (await redis()).get<string>(key);
    },
    async set(key, value, ttlMs) {
      await (await redis()).set(key, value, { px: ttlMs });
    },
    async setIfAbsent(key, value, ttlMs) {
      return (await (await redis()).set(key, value, { nx: true, px: ttlMs })) === 'OK';
    },
    async deleteIfValue(key, value) {
      await (await redis()).eval(DELETE_IF_VALUE, [key], [value]);
    },
  };
}
