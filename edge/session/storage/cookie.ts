import type { BffConfig } from '../../config/types.ts';
import { BffError } from '../../errors.ts';
import { logWarn } from '../../log.ts';
import { fitsInCookies, sessionCookieBytes } from '../chunks.ts';
import { sealSession } from '../codec.ts';
import type { SessionKeyring } from '../keys.ts';
import type { SessionOpener } from '../open-cache.ts';
import type { SuccessorRegister } from '../successors.ts';
import type { RevocationList } from '../revocation.ts';
import { idleExpired, touchDue } from './idle.ts';
import type { SessionStorage } from './types.ts';

interface CookieStorageDeps {
  config: Pick<BffConfig, 'cookie' | 'session' | 'defaultRefreshTtlMs'>;
  keyring: SessionKeyring;
  opener: SessionOpener;
  successors: SuccessorRegister;
  revocations: RevocationList;
  now: () => number;
}

/**
 * Sessions in the cookie, sealed (JWE) under SESSION_SECRET. Every renewal writes a new cookie; the successor
 * register keeps the newest one for requests that still carry an older cookie. Ending a session revokes its id
 * (shared through the store when there is one).
 */
export function cookieStorage({ config, keyring, opener, successors, revocations, now }: CookieStorageDeps): SessionStorage {
  const { idleMs } = config.session;
  const fits = (sealed: string) => fitsInCookies(sealed, config.cookie);
  return {
    mode: 'cookie',
    async open(value) {
      const session = await opener.open(value);
      if (!session || session.refreshExpiresAt <= now()) return null;
      return idleMs !== undefined && idleExpired(session, idleMs, now()) ? null : session;
    },
    newer: (session) => successors.newer(session),
    renewed: (_value, next) => successors.remember(next),
    cookieFor: (_value, _previous, next) => next.sealed,
    async touch(_value, session) {
      if (idleMs === undefined || !touchDue(session, idleMs, now())) return undefined;
      return sealSession({ ...session, lastSeenAt: now() }, keyring);
    },
    async create(session) {
      const sealed = await sealSession(idleMs === undefined ? session : { ...session, lastSeenAt: now() }, keyring);
      if (fits(sealed)) return sealed;
      const bytes = sessionCookieBytes(sealed, config.cookie);
      logWarn('session_too_large', { bytes, limit: config.cookie.maxBytes });
      return new BffError(
        'session_too_large',
        `The sign-in is too large for session cookies (${bytes} of at most ${config.cookie.maxBytes} bytes). Set SESSION_MODE=server to keep sessions in the store.`,
      );
    },
    // Not revoked by id: a newer cookie of this sign-in this instance never saw may still be good.
    refused: async () => undefined,
    end: (_value, session) => revocations.revoke(session),
    async list(_value, session, asking) {
      const at = new Date(session.signedInAt ?? now()).toISOString();
      const userAgent = asking?.userAgent?.slice(0, 256);
      return session.sid ? [{ id: session.sid, current: true, createdAt: at, lastSeenAt: new Date(now()).toISOString(), userAgent }] : [];
    },
    endOthers: async (_value, session) => ((await revocations.endUserSessions(session)) ? [] : false),
    async endById(_value, session, id) {
      if (id !== session.sid) return undefined;
      await revocations.revoke(session);
      return { ended: session };
    },
    fits,
  };
}

