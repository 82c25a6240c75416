import { DEFAULTS } from '../config/defaults.ts';
import type { Session } from '../session/types.ts';

/**
 * How long before expiry this token is refreshed: the configured skew, but never more than a fraction of the
 * token's own lifetime, so a 10-second token is not refreshed on every request under a 30-second skew.
 */
export function effectiveSkewMs(session: Session, maxSkewMs: number): number {
  if (session.accessIssuedAt === undefined) return maxSkewMs;
  const lifetime = Math.max(0, session.accessExpiresAt - session.accessIssuedAt);
  return Math.min(maxSkewMs, lifetime * DEFAULTS.refreshSkewLifetimeFraction);
}

/** True when the access token is expired or inside its effective skew. */
export function refreshDue(session: Session, now: number, maxSkewMs: number): boolean {
  return session.accessExpiresAt - effectiveSkewMs(session, maxSkewMs) <= now;
}

/** An API's own token (RFC 8707, BACKENDS) is missing, or expired, or inside its effective skew. */
export function apiTokenDue(session: Session, api: string, now: number, maxSkewMs: number): boolean {
  const token = session.apis?.[api];
  return !token || token.expiresAt - Math.min(maxSkewMs, (token.expiresAt - token.issuedAt) * DEFAULTS.refreshSkewLifetimeFraction) <= now;
}

/** The session must be renewed before use: its own access token is due, or the token of an API this request calls. */
export function renewalDue(session: Session, now: number, maxSkewMs: number, apis: readonly { name: string }[] = []): boolean {
  return refreshDue(session, now, maxSkewMs) || apis.some((api) => apiTokenDue(session, api.name, now, maxSkewMs));
}

/** True when the access token can no longer be used at all. */
export function accessExpired(session: Session, now: number): boolean {
  return session.accessExpiresAt <= now;
}
