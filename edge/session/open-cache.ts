import { isCanonicalSessionValue } from './canonical.ts';
import type { Session } from './types.ts';

export interface SessionOpener {
  open(value: string): Promise<Session | null>;
}

export interface SessionCacheLimits {
  entries: number;
  /** Approximate memory of the cached cookie values and sessions. */
  bytes: number;
}

/**
 * Remembers the sessions this instance has already decrypted, keyed by the whole cookie value.
 * AES-GCM authenticates the ciphertext, and only the canonical encoding is accepted (session/canonical.ts), so an
 * identical value is the identical session and one session has one key: a browser sending the same cookie again
 * costs a map lookup instead of a decrypt. Only valid sessions are kept (garbage cannot fill the cache), each until
 * its own expiry, bounded in entries and in bytes, oldest first out.
 */
export function cachedSessionOpener(
  decrypt: (value: string) => Promise<Session | null>,
  limits: SessionCacheLimits = { entries: 2_000, bytes: 8 * 1024 * 1024 },
  now: () => number = Date.now,
): SessionOpener {
  const cache = new Map<string, { session: Session; bytes: number }>();
  let bytes = 0;
  const drop = (key: string) => {
    bytes -= cache.get(key)?.bytes ?? 0;
    cache.delete(key);
  };
  return {
    async open(value) {
      const hit = cache.get(value);
      if (hit) {
        if (hit.session.refreshExpiresAt > now()) return hit.session;
        drop(value);
      }
      if (!isCanonicalSessionValue(value)) return null;
      const session = await decrypt(value);
      if (session) {
        // UTF-16 strings: the value, and the tokens that dominate the session.
        const size = 2 * (value.length + session.accessToken.length + (session.refreshToken?.length ?? 0)) + 256;
        while (cache.size && (cache.size >= limits.entries || bytes + size > limits.bytes)) drop(cache.keys().next().value!);
        cache.set(value, { session, bytes: size });
        bytes += size;
      }
      return session;
    },
  };
}
