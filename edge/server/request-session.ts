import { cookies } from 'next/headers';
import type { BffError } from '../errors.ts';
import { accessExpired } from '../refresh/due.ts';
import { renewIfDue } from '../refresh/renew.ts';
import type { BffRuntime } from '../runtime.ts';
import { planSessionCookies, type CookieWrite } from '../session/cookie-writes.ts';
import { readSession } from '../session/read.ts';
import type { Session } from '../session/types.ts';

type Jar = Awaited<ReturnType<typeof cookies>>;

/** The session of the request being rendered, as the middleware left it (already refreshed when it was due). */
export async function requestSession(rt: BffRuntime): Promise<{ session: Session | null; jar: Jar }> {
  const jar = await cookies();
  const session = await readSession((name) => jar.get(name)?.value, rt.config.cookie, rt.sessions);
  if (!session || (await rt.revocations.isRevoked(session))) return { session: null, jar };
  return { session, jar };
}

export type UsableSession = { session: Session } | { session: null; error?: BffError };

/**
 * A session whose access token may be sent, with the middleware's own refresh rules (refresh/renew.ts). Needed only where the
 * middleware did not run or the render outlived the skew. A Server Component cannot write cookies: the refreshed
 * session then reaches the browser from the grace window on its next request (refresh/refresher.ts).
 */
export async function usableSession(rt: BffRuntime): Promise<UsableSession> {
  const { session, jar } = await requestSession(rt);
  if (!session) return { session: null };
  const renewal = await renewIfDue(session, rt, (await rt.policy.current()).refreshSkewSeconds * 1000, () => true);
  const present = () => jar.getAll().map((c) => c.name);
  if (renewal.ended) {
    if (renewal.ended === 'refresh_rejected') write(jar, planSessionCookies(rt.config.cookie, null, 0, present()));
    return { session: null };
  }
  const current = renewal.session;
  if (renewal.sealed) write(jar, planSessionCookies(rt.config.cookie, renewal.sealed, current.refreshExpiresAt, present()));
  if (renewal.error && accessExpired(current, rt.now())) return { session: null, error: renewal.error };
  return { session: current };
}

function write(jar: Jar, writes: readonly CookieWrite[]): void {
  try {
    for (const w of writes) jar.set(w.name, w.value, w.options);
  } catch {
    // A Server Component: cookies are read-only while rendering (see above).
  }
}
