import { logWarn } from '../log.ts';
import { DURABLE, type KvStore } from '../store/types.ts';
import { openSession } from './codec.ts';
import type { SessionKeyring } from './keys.ts';
import type { Refreshed, Session } from './types.ts';

/**
 * The newest session of each sign-in (by `sid`), kept for as long as any older cookie of it could still be presented:
 * until the newest one's own expiry, which is never earlier than theirs. A request carrying a pre-rotation cookie (an
 * old tab, a restored browser, a render that refreshed but could not write the cookie) then lands on the newest
 * session instead of redeeming a spent refresh token, however late it comes. One key per sign-in, overwritten at each
 * rotation: the store holds one sealed session per user, not one per rotation.
 *
 * In the store when there is one (shared by every instance and by the server helpers' bundle), in a bounded
 * per-instance memory otherwise.
 */
export interface SuccessorRegister {
  /** The newest known session of `session`'s sign-in, when it is newer than `session`. */
  newer(session: Session): Promise<Refreshed | undefined>;
  /** Records `next` as its sign-in's newest session. */
  remember(next: Refreshed): Promise<void>;
}

const key = (sid: string) => `bff:newest:${sid}`;

/** Redeemed later (for its own access token or an API's), or, before `renewedAt`, a later access token. */
export function isNewer(a: Session, b: Session): boolean {
  const at = (s: Session) => s.renewedAt ?? s.accessIssuedAt ?? s.accessExpiresAt;
  return at(a) > at(b);
}

export function successorRegister(store: KvStore | undefined, keyring: SessionKeyring, now: () => number = Date.now, maxEntries = 10_000): SuccessorRegister {
  const memory = new Map<string, Refreshed>();
  return {
    async newer(session) {
      if (!session.sid) return undefined;
      let found: Refreshed | undefined;
      if (store) {
        try {
          const sealed = await store.get(key(session.sid));
          const opened = sealed ? await openSession(sealed, keyring) : null;
          if (opened && sealed) found = { kind: 'refreshed', session: opened, sealed };
        } catch {
          logWarn('session_successor_unchecked');
        }
      } else {
        found = memory.get(session.sid);
        if (found && found.session.refreshExpiresAt <= now()) {
          memory.delete(session.sid);
          found = undefined;
        }
      }
      return found && found.session.sid === session.sid && isNewer(found.session, session) ? found : undefined;
    },
    async remember(next) {
      const sid = next.session.sid;
      if (!sid) return;
      const ttl = next.session.refreshExpiresAt - now();
      if (ttl <= 0) return;
      if (!store) {
        memory.delete(sid);
        if (memory.size >= maxEntries) memory.delete(memory.keys().next().value!);
        memory.set(sid, next);
        return;
      }
      try {
        await store.set(key(sid), next.sealed, ttl, DURABLE);
      } catch {
        logWarn('session_successor_unshared');
      }
    },
  };
}
