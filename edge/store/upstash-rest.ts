import type { UpstashStoreConfig } from '../config/types.ts';
import { StoreError } from '../errors.ts';
import type { RedisCommands } from './commands.ts';

/**
 * The few Redis commands this project needs, spoken over Upstash's REST protocol (POST a JSON
 * command array, `{ result }` or `{ error }` back, bulk strings base64-encoded). Hand-written
 * instead of @upstash/redis to keep that SDK (about 18 KB gzip) out of the edge middleware bundle;
 * tests run it and @upstash/ratelimit against real redis-server through the REST fixture.
 */
export function upstashRest(config: UpstashStoreConfig): RedisCommands {
  async function command(args: (string | number)[]): Promise<unknown> {
    let body: { result?: unknown; error?: string };
    let status: number;
    try {
      const res = await fetch(config.url, {
        method: 'POST',
        headers: { authorization: `Bearer ${config.token}`, 'content-type': 'application/json', 'upstash-encoding': 'base64' },
        body: JSON.stringify(args),
        cache: 'no-store',
        signal: AbortSignal.timeout(config.timeoutMs),
      });
      status = res.ok ? 200 : res.status;
      body = (await res.json().catch(() => ({}))) as typeof body;
    } catch (error) {
      throw StoreError.from(error);
    }
    // The server's error reply (Redis's own words, e.g. "ERR …", "WRONGTYPE …") or an HTTP failure of the REST front.
    if (body.error !== undefined) throw new StoreError(body.error, 'reply');
    if (status !== 200) throw new StoreError(`HTTP ${status}`, 'connection');
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
