import { DEFAULTS } from '../config/defaults.ts';
import type { Session } from './types.ts';

/** What bounds a session's life: the absolute lifetime when set (SESSION_MAX_AGE_SECONDS), else refresh lifetimes. */
export interface SessionLifetimes {
  maxAgeMs?: number;
  defaultRefreshTtlMs: number;
}

/**
 * How long revocation markers live: at least as long as anything they end could. A copy of a sign-in refreshed
 * elsewhere expires later than the cookie presented, but is refreshed at most `revocationCheckMs` after the marker is
 * written (instances trust "not revoked" that long), and then for the refresh token's lifetime, measured on the
 * session itself. With an absolute lifetime, no session outlives its sign-in plus that, whatever it refreshes.
 */
export function markerLifetimes(lifetimes: SessionLifetimes, now: () => number) {
  const margin = DEFAULTS.revocationCheckMs;
  const refreshLifetime = (s: Session) => Math.max(0, s.refreshExpiresAt - (s.accessIssuedAt ?? now()));
  const bounded = (until: number, signedInAt: number | undefined) =>
    lifetimes.maxAgeMs !== undefined ? Math.min(until, (signedInAt ?? now()) + lifetimes.maxAgeMs + margin) : until;
  const ttl = (until: number) => Math.max(1_000, until - now());

  return {
    /** One sign-in (logout, a refused refresh in server mode): every copy of it. */
    session: (s: Session) => ttl(bounded(Math.max(s.refreshExpiresAt, now() + margin + refreshLifetime(s)), s.signedInAt)),
    /** Every other sign-in of a user, begun before now: their refresh lifetimes are this one's or the default. */
    user: (s: Session) => ttl(bounded(now() + margin + Math.max(refreshLifetime(s), lifetimes.defaultRefreshTtlMs), now())),
    /**
     * A provider's back-channel logout, with no session at hand: the absolute lifetime, or a bound longer than the
     * refresh tokens providers commonly issue (offline access included); SECURITY.md says what is past it.
     */
    provider: () => (lifetimes.maxAgeMs ?? DEFAULTS.providerLogoutMarkerMs) + margin,
  };
}
