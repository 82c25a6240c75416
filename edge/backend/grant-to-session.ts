import type { Session } from '../session/types.ts';
import { jwtExpiryMs } from './expiry.ts';
import type { TokenGrant } from './types.ts';

export interface Lifetimes {
  defaultAccessTtlMs: number;
  defaultRefreshTtlMs: number;
  /** SESSION_MAX_AGE_SECONDS: no session outlives its sign-in by more, whatever its refresh token says. */
  session?: { maxAgeMs?: number };
}

/**
 * Turns a backend's grant into a session, filling what it left out. Expiry, in order: an absolute
 * time, `expires_in`, the JWT `exp` claim, the configured default. On refresh, the refresh token
 * and user are carried over from the previous session when the backend does not send new ones.
 * Without any refresh token the session lasts as long as its access token.
 */
export function sessionFromGrant(grant: TokenGrant, lifetimes: Lifetimes, now: number, previous?: Session): Session | null {
  const refreshToken = grant.refreshToken ?? previous?.refreshToken;
  const user = grant.user ?? previous?.user;
  if (!user) return null;
  const sid = previous?.sid ?? crypto.randomUUID();
  // Who signed in and when stay as they were at sign-in; a newer ID token replaces the logout hint.
  const origin = {
    signedInAt: previous?.signedInAt ?? now,
    authenticatedAt: previous?.authenticatedAt ?? grant.authenticatedAt,
    idToken: grant.idToken ?? previous?.idToken,
    provider: previous?.provider ?? grant.provider,
    // A refresh happens on a use: the idle window restarts from it (else short tokens make the idle timeout absolute).
    lastSeenAt: previous ? now : undefined,
    renewedAt: now,
    // The APIs' own tokens stay good until their own expiry.
    apis: previous?.apis,
  };
  const inMs = (seconds?: number) => (seconds === undefined ? undefined : now + seconds * 1000);
  const accessExpiresAt =
    grant.accessExpiresAt ?? inMs(grant.accessExpiresIn) ?? jwtExpiryMs(grant.accessToken) ?? now + lifetimes.defaultAccessTtlMs;
  // The session ends with the access token (handle.ts logs it out then); the cookie stays readable a while longer
  // so that a returning visitor is told the session ended rather than silently treated as a stranger.
  const maxAge = lifetimes.session?.maxAgeMs;
  const capped = (at: number) => (maxAge === undefined ? at : Math.min(at, origin.signedInAt + maxAge));
  if (!refreshToken) {
    return { accessToken: grant.accessToken, accessIssuedAt: now, accessExpiresAt, refreshExpiresAt: capped(now + lifetimes.defaultRefreshTtlMs), user, sid, ...origin };
  }
  const refreshExpiresAt = capped(
    grant.refreshExpiresAt ??
      inMs(grant.refreshExpiresIn) ??
      (grant.refreshToken ? jwtExpiryMs(grant.refreshToken) : previous?.refreshExpiresAt) ??
      now + lifetimes.defaultRefreshTtlMs,
  );
  return { sid, accessToken: grant.accessToken, refreshToken, accessIssuedAt: now, accessExpiresAt, refreshExpiresAt, user, ...origin };
}

/**
 * `session` with the token a refresh grant minted for the API `name`: the refresh token (and its expiry) follows the
 * grant as for any refresh; the session's own access token, user and ID token stay (an ID token of this grant is not
 * checked, so it is not kept).
 */
export function withApiToken(session: Session, name: string, grant: TokenGrant, lifetimes: Lifetimes, now: number): Session | null {
  const minted = sessionFromGrant(grant, lifetimes, now, session);
  if (!minted) return null;
  const token = { accessToken: minted.accessToken, issuedAt: now, expiresAt: minted.accessExpiresAt };
  const { accessToken, accessIssuedAt, accessExpiresAt, user, idToken } = session;
  return { ...minted, accessToken, accessIssuedAt, accessExpiresAt, user, idToken, apis: { ...session.apis, [name]: token } };
}
