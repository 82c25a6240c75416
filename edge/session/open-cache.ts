import type { Session } from './types';

export interface SessionOpener {
  open(value: string): Promise<Session | null>;
}

/**
 * Remembers the sessions this instance has already decrypted, keyed by the whole cookie value.
 * AES-GCM authenticates the ciphertext, so an identical value is the identical session: a browser
 * sending the same cookie again costs a map lookup instead of a decrypt. Only valid sessions are
 * kept (garbage cannot fill the cache), each until its own expiry, at most `max` of them.
 */
export function cachedSessionOpener(
  decrypt: (value: string) => Promise<Session | null>,
  max = 2_000,
  now: () => number = Date.now,
): SessionOpener {
  const cache = new Map<string, Session>();
  return {
    async open(value) {
      const hit = cache.get(value);
      if (hit) {
        if (hit.refreshExpiresAt > now()) return hit;
        cache.delete(value);
      }
      const session = await decrypt(value);
      if (session) {
        if (cache.size >= max) cache.delete(cache.keys().next().value!);
        cache.set(value, session);
      }
      return session;
    },
  };
}
