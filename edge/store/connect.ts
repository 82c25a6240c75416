import type { StoreConfig } from '../config/types.ts';
import { ConfigError } from '../errors.ts';
import { withBreaker } from './breaker.ts';
import type { RedisCommands } from './commands.ts';
import { withTelemetry } from './traced.ts';
import { upstashRest } from './upstash-rest.ts';

/**
 * The configured store's transport, traced (store/traced.ts) behind a circuit breaker (store/breaker.ts). Upstash REST runs everywhere; a Redis client needs Node's sockets, so it is
 * imported only where Next says the runtime is Node: Next replaces `process.env.NEXT_RUNTIME` at build time, and the
 * edge bundle drops the import with the dead branch.
 */
export async function connectStore(config: StoreConfig): Promise<RedisCommands> {
  if (config.kind === 'upstash') return withBreaker(withTelemetry(upstashRest(config), 'upstash'));
  if (process.env.NEXT_RUNTIME !== 'edge' && typeof (globalThis as { EdgeRuntime?: unknown }).EdgeRuntime !== 'string') {
    const { redisCommands } = await import('./redis.ts');
    return withBreaker(withTelemetry(redisCommands(config), 'redis'));
  }
  // Refused by the configuration already (config/store.ts); kept for code that builds a config by hand.
  throw new ConfigError(['REDIS_URL needs the Node runtime (proxy.ts): on the edge, use Upstash.']);
}
