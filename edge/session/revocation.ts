import { DEFAULTS } from '../config/defaults.ts';
import { digestKey } from '../crypto/digest-key.ts';
import { logWarn } from '../log.ts';
import { DURABLE, type KvStore } from '../store/types.ts';
import { markerLifetimes, type SessionLifetimes } from './marker-lifetimes.ts';
import type { ProviderSession, Session } from './types.ts';

/** An OpenID provider's back-channel logout: one provider session (`sid`), or every session of a user (`sub`). */
export interface ProviderLogout {
  sid?: string;
  sub?: string;
  /** Epoch ms: sessions signed in until then end. */
  at: number;
}

export interface RevocationList {
  /** Ends this session on every instance (its cookie and every copy of it), until the session would have expired. */
  revoke(session: Session): Promise<void>;
  /** Ends every session of a provider session or user signed in before `at`, on every instance. */
  endProviderSessions(logout: ProviderLogout): Promise<void>;
  /**
   * Ends every cookie-mode session of one of our users signed in until now, but `exceptSid`, on every instance, for
   * `ttlMs` (logout with scope `others` or `global`). Needs the store: false without one.
   */
  endUserSessions(session: Session): Promise<boolean>;
  isRevoked(session: Session): Promise<boolean>;
}

/**
 * Revoked session ids, shared by every instance through the store. Each instance remembers a "not revoked" answer
 * for `DEFAULTS.revocationCheckMs`, so a copied cookie dies everywhere within that window after logout, at the cost
 * of one store read per session per window per instance (three for sessions from an OpenID provider, read together).
 * A revocation made here applies here at once. A store that cannot answer is not a reason to log everyone out: the
 * session is treated as not revoked, with a warning. Without a store there is nothing to share: logout ends the
 * browser's cookie and revokes upstream only, and a back-channel logout reaches the instance that received it.
 * Provider ids are stored as digests: the store never holds who signed in.
 */
export function revocationList(
  store: KvStore | undefined,
  now: () => number = Date.now,
  lifetimes: SessionLifetimes = { defaultRefreshTtlMs: DEFAULTS.defaultRefreshTtlSeconds * 1000 },
  maxRemembered = 10_000,
): RevocationList {
  const ttl = markerLifetimes(lifetimes, now);
  const revoked = new Map<string, number>(); // sid -> until
  const clearUntil = new Map<string, number>(); // sid -> "not revoked" known until
  const providerLogouts = new Map<string, number>(); // provider key -> logout time
  const userKey = async (userId: string) => `bff:user-logout:${await digestKey(userId)}`;
  const key = (sid: string) => `bff:revoked:${sid}`;
  const remember = (map: Map<string, number>, id: string, value: number) => {
    if (map.size >= maxRemembered) map.delete(map.keys().next().value!);
    map.set(id, value);
  };

  async function providerKeys(provider: ProviderSession | { sid?: string; sub?: string }): Promise<{ sid?: string; sub?: string }> {
    return {
      sid: provider.sid ? `bff:op-logout:sid:${await digestKey(provider.sid)}` : undefined,
      sub: provider.sub ? `bff:op-logout:sub:${await digestKey(provider.sub)}` : undefined,
    };
  }

  /** A provider logout applies to sessions of that provider session whenever they began, and to a user's begun before it. */
  function endedBy(session: Session, kind: 'sid' | 'sub', logoutAt: number | undefined): boolean {
    if (logoutAt === undefined) return false;
    return kind === 'sid' || session.signedInAt === undefined || session.signedInAt <= logoutAt;
  }

  /** `"<time> <sid spared>"`: sessions signed in until then end, but the one that asked. */
  function endedByUser(session: Session, marker: string | null): boolean {
    if (marker === null) return false;
    const [at, spared] = marker.split(' ');
    return session.sid !== spared && (session.signedInAt === undefined || session.signedInAt <= Number(at));
  }

  return {
    async revoke(session) {
      if (!session.sid) return;
      const lifetime = ttl.session(session);
      remember(revoked, session.sid, now() + lifetime);
      clearUntil.delete(session.sid);
      if (!store) return;
      try {
        await store.set(key(session.sid), '1', lifetime, DURABLE);
      } catch {
        logWarn('session_revocation_unshared');
      }
    },
    async endProviderSessions(logout) {
      const keys = await providerKeys(logout);
      for (const k of [keys.sid, keys.sub]) if (k) remember(providerLogouts, k, logout.at);
      clearUntil.clear();
      if (!store) return;
      try {
        await Promise.all([keys.sid, keys.sub].filter((k): k is string => !!k).map((k) => store.set(k, String(logout.at), ttl.provider(), DURABLE)));
      } catch {
        logWarn('session_revocation_unshared');
      }
    },
    async endUserSessions(session) {
      if (!store) return false;
      clearUntil.clear();
      await store.set(await userKey(session.user.id), `${now()} ${session.sid ?? ''}`, ttl.user(session), DURABLE);
      return true;
    },
    async isRevoked(session) {
      const sid = session.sid;
      const t = now();
      if (sid && (revoked.get(sid) ?? 0) > t) return true;
      // Provider ids are hashed only when there is something to compare them with: no cost on the common path.
      const provider = session.provider;
      if (provider && providerLogouts.size > 0) {
        const keys = await providerKeys(provider);
        if (endedBy(session, 'sid', keys.sid ? providerLogouts.get(keys.sid) : undefined)) return true;
        if (endedBy(session, 'sub', keys.sub ? providerLogouts.get(keys.sub) : undefined)) return true;
      }
      if (!sid || !store || (clearUntil.get(sid) ?? 0) > t) return false;
      try {
        const keys = provider ? await providerKeys(provider) : {};
        const names = [key(sid), await userKey(session.user.id), ...[keys.sid, keys.sub].filter((k): k is string => !!k)];
        const [own, byUser, ...byProvider] = await store.getMany(names);
        const at = (value: string | null | undefined) => (value == null ? undefined : Number(value));
        const [bySid, bySub] = keys.sid ? byProvider : [undefined, byProvider[0]];
        if (own !== null || endedByUser(session, byUser) || endedBy(session, 'sid', at(bySid)) || endedBy(session, 'sub', at(bySub))) {
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
