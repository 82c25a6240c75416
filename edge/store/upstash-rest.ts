import type { UpstashStoreConfig } from '../config/types.ts';
import { StoreError } from '../errors.ts';
import type { RedisCommands } from './commands.ts';
import { replicaWait } from './replica-wait.ts';

/**
 * The few Redis commands this project needs, spoken over Upstash's REST protocol (POST a JSON
 * command array, `{ result }` or `{ error }` back, bulk strings base64-encoded). Hand-written
 * instead of @upstash/redis to keep that SDK (about 18 KB gzip) out of the edge middleware bundle;
 * tests run it and @upstash/ratelimit against real redis-server through the REST fixture.
 */
export function upstashRest(config: UpstashStoreConfig): RedisCommands {
  const replica = replicaWait();

  async function post(path: string, payload: unknown): Promise<unknown> {
    let body: unknown;
    let status: number;
    try {
      const res = await fetch(config.url + path, {
        method: 'POST',
        headers: { authorization: `Bearer ${config.token}`, 'content-type': 'application/json', 'upstash-encoding': 'base64' },
        body: JSON.stringify(payload),
        cache: 'no-store',
        signal: AbortSignal.timeout(config.timeoutMs),
      });
      status = res.ok ? 200 : res.status;
      body = await res.json().catch(() => ({}));
    } catch (error) {
      throw StoreError.from(error);
    }
    const replyError = (body as { error?: string }).error;
    // The server's error reply (Redis's own words, e.g. "ERR …", "WRONGTYPE …") or an HTTP failure of the REST front.
    if (replyError !== undefined) throw new StoreError(replyError, 'reply');
    if (status !== 200) throw new StoreError(`HTTP ${status}`, 'connection');
    return body;
  }

  /** One reply of `{ result }` or `{ error }`. */
  function result(reply: unknown): unknown {
    const { result: value, error } = (reply ?? {}) as { result?: unknown; error?: string };
    if (error !== undefined) throw new StoreError(error, 'reply');
    return decode(value);
  }

  const command = async (args: (string | number)[]) => result(await post('', args));

  /** The write and Upstash's WAIT in one pipeline: one round trip. */
  async function durable(args: (string | number)[]): Promise<unknown> {
    if (!replica.due()) return command(args);
    const replies = await post('/pipeline', [args, replica.command]);
    const [written, waited] = Array.isArray(replies) ? replies : [];
    const value = result(written);
    replica.answered(result(waited));
    return value;
  }
  const script = (name: string, first: string, keys: string[], args: unknown[]) =>
    command([name, first, keys.length, ...keys, ...args.map(String)]);
  return {
    command,
    durable,
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
