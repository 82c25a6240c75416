import { cookies } from 'next/headers';
import type { BffError } from '../errors.ts';
import { accessExpired, refreshDue } from '../refresh/due.ts';
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
 * A session whose access token may be sent, with the same refresh rules as the middleware. Needed only where the
 * middleware did not run or the render outlived the skew. A Server Component cannot write cookies: the refreshed
 * session then reaches the browser from the grace window on its next request (refresh/refresher.ts).
 */
export async function usableSession(rt: BffRuntime): Promise<UsableSession> {
  const { session, jar } = await requestSession(rt);
  if (!session) return { session: null };
  const skewMs = (await rt.policy.current()).refreshSkewSeconds * 1000;
  const verdict = rt.verifier ? await rt.verifier.verify(session.accessToken) : 'valid';
  if (verdict !== 'invalid' && !refreshDue(session, rt.now(), skewMs)) return { session };
  if (!session.refreshToken) return verdict === 'invalid' || accessExpired(session, rt.now()) ? { session: null } : { session };
  const outcome = await rt.refresher.refresh(session, skewMs);
  const present = jar.getAll().map((c) => c.name);
  if (outcome.kind === 'rejected') {
    await rt.revocations.revoke(session);
    write(jar, planSessionCookies(rt.config.cookie, null, 0, present));
    return { session: null };
  }
  const latest = outcome.kind === 'refreshed' ? outcome : outcome.latest;
  if (latest) write(jar, planSessionCookies(rt.config.cookie, latest.sealed, latest.session.refreshExpiresAt, present));
  const current = latest?.session ?? session;
  if (outcome.kind === 'unavailable' && accessExpired(current, rt.now())) return { session: null, error: outcome.error };
  return { session: current };
}

function write(jar: Jar, writes: readonly CookieWrite[]): void {
  try {
    for (const w of writes) jar.set(w.name, w.value, w.options);
  } catch {
    // A Server Component: cookies are read-only while rendering (see above).
  }
}
