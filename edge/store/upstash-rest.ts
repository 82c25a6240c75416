import type { StoreConfig } from '../config/types.ts';
import { StoreError } from '../errors.ts';
import type { KvStore } from './types.ts';

/**
 * The few Redis commands this project needs, spoken over Upstash's REST protocol (POST a JSON
 * command array, `{ result }` or `{ error }` back, bulk strings base64-encoded). Hand-written
 * instead of @upstash/redis to keep that SDK (about 18 KB gzip) out of the edge middleware bundle;
 * tests run it and @upstash/ratelimit against real redis-server through the REST fixture.
 */
export interface UpstashRest {
  command(args: (string | number)[]): Promise<unknown>;
  /** The two calls @upstash/ratelimit makes for single-region limits and resets. */
  evalsha(sha: string, keys: string[], args: unknown[]): Promise<unknown>;
  eval(script: string, keys: string[], args: unknown[]): Promise<unknown>;
}

export function upstashRest(config: StoreConfig): UpstashRest {
  async function command(args: (string | number)[]): Promise<unknown> {
    const res = await fetch(config.url, {
      method: 'POST',
      headers: { authorization: `Bearer ${config.token}`, 'content-type': 'application/json', 'upstash-encoding': 'base64' },
      body: JSON.stringify(args),
      cache: 'no-store',
      signal: AbortSignal.timeout(config.timeoutMs),
    });
    const body = (await res.json().catch(() => ({}))) as { result?: unknown; error?: string };
    if (!res.ok || body.error !== undefined) throw new StoreError(body.error ?? `HTTP ${res.status}`);
    return decode(body.result);
  }
  const script = (name: string, first: string, keys: string[], args: unknown[]) =>
    command([name, first, keys.length, ...keys, ...args.map(String)]);
  return {
    command,
    evalsha: (sha, keys, args) => script('EVALSHA', sha, keys, args),
    eval: (source, keys, args) => script('EVAL', source, keys, args),
  };
}

const DELETE_IF_VALUE = 'if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end return 0';

export function upstashStore(config: StoreConfig): KvStore {
  const redis = upstashRest(config);
  return {
    async get(key) {
      const value = await redis.command(['GET', key]);
      return typeof value === 'string' ? value : null;
    },
    async set(key, value, ttlMs) {
      await redis.command(['SET', key, value, 'PX', ttlMs]);
    },
    async setIfAbsent(key, value, ttlMs) {
      return (await redis.command(['SET', key, value, 'NX', 'PX', ttlMs])) === 'OK';
    },
    async deleteIfValue(key, value) {
      await redis.eval(DELETE_IF_VALUE, [key], [value]);
    },
  };
}

/** Upstash's base64 reply encoding: every string is base64 except a literal "OK". */
function decode(value: unknown): unknown {
  if (typeof value === 'string') return value === 'OK' ? value : fromBase64(value);
  if (Array.isArray(value)) return value.map(decode);
  return value;
}

function fromBase64(b64: string): string {
  try {
    return new TextDecoder().decode(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));
  } catch {
    return b64;
  }
}
