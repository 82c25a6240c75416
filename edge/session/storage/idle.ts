import { DEFAULTS } from '../../config/defaults.ts';
import type { Session } from '../types.ts';

/** Last use, or the sign-in for sessions that never recorded one. */
const lastUse = (session: Session) => session.lastSeenAt ?? session.signedInAt;

/** True when the session went unused longer than the idle timeout. */
export function idleExpired(session: Session, idleMs: number, now: number): boolean {
  const last = lastUse(session);
  return last !== undefined && now - last > idleMs;
}

/** Whether to record a use now: at most once a minute, and often enough that the idle timeout never undercounts by more than a quarter. */
export function touchDue(session: Session, idleMs: number, now: number): boolean {
  const last = lastUse(session);
  return last === undefined || now - last >= Math.min(DEFAULTS.sessionTouchMs, idleMs / 4);
}
