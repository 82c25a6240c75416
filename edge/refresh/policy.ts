import type { Session } from '../session/types';

/** True when the access token is expired or expires within the skew. */
export function needsRefresh(session: Session, now: number, skewMs: number): boolean {
  return session.accessExpiresAt - skewMs <= now;
}

/** True when the access token can no longer be used at all. */
export function accessExpired(session: Session, now: number): boolean {
  return session.accessExpiresAt <= now;
}
