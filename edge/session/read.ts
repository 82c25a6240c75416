import type { CookieConfig } from '../config/types.ts';
import { joinChunks } from './chunks.ts';
import type { RevocationList } from './revocation.ts';
import { SESSION_UNKNOWN, type SessionStorage } from './storage/types.ts';
import type { Session } from './types.ts';

/** Reads the (possibly chunked) session cookie through any cookie getter: NextRequest, `cookies()`, a test map. */
export function readSessionValue(get: (name: string) => string | undefined, cookie: CookieConfig): string | undefined {
  return joinChunks(get, cookie);
}

export interface Presented {
  /** The session cookie's value, when the request carries one. */
  value?: string;
  session: Session | null | typeof SESSION_UNKNOWN;
}

/** The session a request presents, opened where sessions live. */
export async function readSession(get: (name: string) => string | undefined, cookie: CookieConfig, sessions: Pick<SessionStorage, 'open'>): Promise<Presented> {
  const value = readSessionValue(get, cookie);
  return { value, session: value ? await sessions.open(value) : null };
}

/**
 * Whether ending this session elsewhere can only show in the revocation list. Server mode ends a session by deleting
 * its record (any scope, any instance), so there only a provider's back-channel logout needs the list: a password
 * session's request then costs one store round trip, not two.
 */
export const revocationListed = (session: Session, mode: SessionStorage['mode']) => mode === 'cookie' || session.provider !== undefined;

/**
 * The same, and ended (null) when it was revoked elsewhere: what every reader outside the middleware must see, since
 * the middleware's matcher may not cover it. The middleware checks revocation itself, to log why a session ended.
 */
export async function readLiveSession(
  get: (name: string) => string | undefined,
  rt: { config: { cookie: CookieConfig }; sessions: Pick<SessionStorage, 'open' | 'mode'>; revocations: Pick<RevocationList, 'isRevoked'> },
): Promise<Presented> {
  const presented = await readSession(get, rt.config.cookie, rt.sessions);
  if (!presented.session || presented.session === SESSION_UNKNOWN || !revocationListed(presented.session, rt.sessions.mode)) return presented;
  return (await rt.revocations.isRevoked(presented.session)) ? { value: presented.value, session: null } : presented;
}
