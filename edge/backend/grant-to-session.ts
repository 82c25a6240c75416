import type { Session } from '../session/types';
import { jwtExpiryMs } from './expiry';
import type { TokenGrant } from './types';

export interface Lifetimes {
  defaultAccessTtlMs: number;
  defaultRefreshTtlMs: number;
}

/**
 * Turns a backend's grant into a session, filling what it left out. Expiry, in order: an absolute
 * time, `expires_in`, the JWT `exp` claim, the configured default. On refresh, the refresh token
 * and user are carried over from the previous session when the backend does not send new ones.
 */
export function sessionFromGrant(grant: TokenGrant, lifetimes: Lifetimes, now: number, previous?: Session): Session | null {
  const refreshToken = grant.refreshToken ?? previous?.refreshToken;
  const user = grant.user ?? previous?.user;
  if (!refreshToken || !user) return null;
  const inMs = (seconds?: number) => (seconds === undefined ? undefined : now + seconds * 1000);
  const accessExpiresAt =
    grant.accessExpiresAt ?? inMs(grant.accessExpiresIn) ?? jwtExpiryMs(grant.accessToken) ?? now + lifetimes.defaultAccessTtlMs;
  const refreshExpiresAt =
    grant.refreshExpiresAt ??
    inMs(grant.refreshExpiresIn) ??
    (grant.refreshToken ? jwtExpiryMs(grant.refreshToken) : previous?.refreshExpiresAt) ??
    now + lifetimes.defaultRefreshTtlMs;
  return { accessToken: grant.accessToken, refreshToken, accessExpiresAt, refreshExpiresAt, user };
}
