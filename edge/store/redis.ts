/**
 * Redis or Valkey over TCP, for the Node runtime (`proxy.ts`, route handlers, Server Components): `REDIS_URL`.
 * Node only: store/connect.ts loads it only where `process.env.NEXT_RUNTIME` is not `edge`, so the edge bundle never
 * carries it. ioredis, not the `redis` package: a per-command timeout of its own (`commandTimeout`), fail-fast while
 * disconnected (`enableOfflineQueue: false`) with reconnects in the background, `rediss://` TLS from the URL, and raw
 * commands through `call()`, which is all the shared command layer (store/commands.ts) needs.
 */
import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import type { RedisStoreConfig } from '../config/types.ts';
import { StoreError } from '../errors.ts';
import { logWarn } from '../log.ts';
import type { RedisCommands } from './commands.ts';

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');

/**
 * @upstash/ratelimit's scripts start with `#!lua flags=allow-key-locking`, a flag only Upstash knows: stock Redis and
 * Valkey refuse it. The flag is dropped here, and the client's SHA of the original script mapped to the stripped one.
 */
function forStockRedis(script: string, shas: Map<string, string>): string {
  const stripped = script.replace(/^#!lua[^\n]*\n/, '');
  if (stripped !== script) shas.set(sha1(script), sha1(stripped));
  return stripped;
}

export function redisCommands(config: RedisStoreConfig): RedisCommands {
  const client = new Redis(config.url, {
    commandTimeout: config.timeoutMs,
    connectTimeout: Math.max(config.timeoutMs, 2_000),
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    lazyConnect: false,
  });
  let warned = false;
  client.on('error', () => {
    // Logged once per outage; every caller already degrades on the failed command itself.
    if (!warned) logWarn('store_connection_failed', { store: 'redis' });
    warned = true;
  });
  client.on('ready', () => {
    warned = false;
  });
  const shas = new Map<string, string>();
  const ready = new Promise<void>((resolve) => {
    if (client.status === 'ready') resolve();
    client.once('ready', () => resolve());
    setTimeout(resolve, config.timeoutMs).unref?.();
  });
  async function command(args: (string | number)[]): Promise<unknown> {
    // The first commands of a cold start wait for the connection (bounded), instead of failing at once.
    if (client.status !== 'ready') await ready;
    try {
      const [name, ...rest] = args.map(String);
      return await client.call(name, ...rest);
    } catch (error) {
      throw new StoreError(error instanceof Error ? error.message : 'redis command failed');
    }
  }
  return {
    command,
    evalsha: (sha, keys, args) => command(['EVALSHA', shas.get(sha) ?? sha, keys.length, ...keys, ...args.map(String)]),
    eval: (script, keys, args) => command(['EVAL', forStockRedis(script, shas), keys.length, ...keys, ...args.map(String)]),
  };
}
