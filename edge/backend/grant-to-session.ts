import type { Session } from '../session/types';
import { jwtExpiryMs } from './expiry';
import type { TokenGrant } from './types';

export interface Lifetimes {
  defaultAccessTtlMs: number;
  defaultRefreshTtlMs: number;
}

/**
 * Turns a backend's grant into a session, filling what it left out: expiry from the
 * JWT `exp` claim or the configured default; on refresh, the refresh token and user
 * carried over from the previous session.
 */
export function sessionFromGrant(grant: TokenGrant, lifetimes: Lifetimes, now: number, previous?: Session): Session | null {
  const refreshToken = grant.refreshToken ?? previous?.refreshToken;
  const user = grant.user ?? previous?.user;
  if (!refreshToken || !user) return null;
  const accessExpiresAt = grant.accessExpiresAt ?? jwtExpiryMs(grant.accessToken) ?? now + lifetimes.defaultAccessTtlMs;
  const refreshExpiresAt =
    grant.refreshExpiresAt ??
    (grant.refreshToken ? jwtExpiryMs(grant.refreshToken) : previous?.refreshExpiresAt) ??
    now + lifetimes.defaultRefreshTtlMs;
  return { accessToken: grant.accessToken, refreshToken, accessExpiresAt, refreshExpiresAt, user };
}
