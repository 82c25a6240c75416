import { DEFAULTS } from '../config/defaults.ts';
import { logWarn } from '../log.ts';
import type { KvStore } from '../store/types.ts';
import type { Session } from './types.ts';

export interface RevocationList {
  /** Ends this session on every instance (its cookie and every copy of it), until the session would have expired. */
  revoke(session: Session): Promise<void>;
  isRevoked(session: Session): Promise<boolean>;
}

/**
 * Revoked session ids, shared by every instance through the store. Each instance remembers a "not revoked" answer
 * for `DEFAULTS.revocationCheckMs`, so a copied cookie dies everywhere within that window after logout, at the cost
 * of one store read per session per window per instance. A revocation made here applies here at once.
 * A store that cannot answer is not a reason to log everyone out: the session is treated as not revoked, with a
 * warning. Without a store there is nothing to share: logout ends the browser's cookie and revokes upstream only.
 */
export function revocationList(store: KvStore | undefined, now: () => number = Date.now, maxRemembered = 10_000): RevocationList {
  const revoked = new Map<string, number>(); // sid -> until
  const clearUntil = new Map<string, number>(); // sid -> "not revoked" known until
  const key = (sid: string) => `bff:revoked:${sid}`;
  const remember = (map: Map<string, number>, sid: string, until: number) => {
    if (map.size >= maxRemembered) map.delete(map.keys().next().value!);
    map.set(sid, until);
  };

  return {
    async revoke(session) {
      if (!session.sid) return;
      const ttl = Math.max(1_000, session.refreshExpiresAt - now());
      remember(revoked, session.sid, now() + ttl);
      clearUntil.delete(session.sid);
      if (!store) return;
      try {
        await store.set(key(session.sid), '1', ttl);
      } catch {
        logWarn('session_revocation_unshared');
      }
    },
    async isRevoked(session) {
      const sid = session.sid;
      if (!sid) return false;
      const t = now();
      if ((revoked.get(sid) ?? 0) > t) return true;
      if (!store || (clearUntil.get(sid) ?? 0) > t) return false;
      try {
        if ((await store.get(key(sid))) !== null) {
          remember(revoked, sid, session.refreshExpiresAt);
          return true;
        }
      } catch {
        logWarn('session_revocation_unchecked');
      }
      remember(clearUntil, sid, t + DEFAULTS.revocationCheckMs);
      return false;
    },
  };
}
