import { cookies } from 'next/headers';
import { after } from 'next/server';
import { BffError, sessionUnavailable } from '../errors.ts';
import { accessExpired } from '../refresh/due.ts';
import { renewIfDue, type RenewOptions } from '../refresh/renew.ts';
import type { BffRuntime } from '../runtime.ts';
import { planSessionCookies, type CookieWrite } from '../session/cookie-writes.ts';
import { readLiveSession } from '../session/read.ts';
import { SESSION_UNKNOWN } from '../session/storage/types.ts';
import type { Session } from '../session/types.ts';

type Jar = Awaited<ReturnType<typeof cookies>>;

export interface RequestSession {
  value?: string;
  session: Session | null;
  /** The store could not say (server mode, store down): not signed out. */
  error?: BffError;
  jar: Jar;
}

/** Reads again after a store failure this many times, this far apart: a blip of the store is no outage for a page. */
const UNKNOWN_RETRIES = 2;
const UNKNOWN_RETRY_MS = 150;

/**
 * The session of the request being rendered, as the middleware left it (already refreshed when it was due). When the
 * store cannot say, `error` is set and `session` is null: not signed out (see SessionUnavailableError).
 */
export async function requestSession(rt: BffRuntime): Promise<RequestSession> {
  const jar = await cookies();
  for (let attempt = 0; ; attempt++) {
    const { value, session } = await readLiveSession((name) => jar.get(name)?.value, rt);
    if (session !== SESSION_UNKNOWN) return { value, session, jar };
    if (attempt >= UNKNOWN_RETRIES) return { value, session: null, error: sessionUnavailable(), jar };
    await new Promise((resolve) => setTimeout(resolve, UNKNOWN_RETRY_MS));
  }
}

/** `error` beside a session: a renewal was unavailable, and a token it did not renew must not be sent once dead. */
export type UsableSession = { session: Session; value: string; error?: BffError } | { session: null; error?: BffError };

/**
 * A session whose access token may be sent, with the middleware's own rules (refresh/renew.ts). Needed only where the
 * middleware did not run or the render outlived the skew. A refresh is made only where its result is kept: in server
 * mode (the store holds the session), with a shared store (the successor register: the browser's next request lands
 * on it), or where cookies can be written (route handlers, Server Actions). A Server Component without either uses
 * the access token while it lives, and otherwise answers as the middleware does on an outage (503, Retry-After): the
 * middleware refreshes on the browser's next request.
 */
export async function usableSession(rt: BffRuntime, apis?: RenewOptions['apis']): Promise<UsableSession> {
  const { value, session, error, jar } = await requestSession(rt);
  if (!session || !value) return { session: null, error };
  const mayRefresh = () => rt.sessions.mode === 'server' || rt.store !== undefined || canWrite(jar, planSessionCookies(rt.config.cookie, value, session.refreshExpiresAt, []));
  const skew = (await rt.policy.current()).refreshSkewSeconds * 1000;
  const renewal = await renewIfDue(value, session, rt, skew, { mayRefresh, waitUntil: keepAlive, apis });
  const present = () => jar.getAll().map((c) => c.name);
  if (renewal.ended) {
    if (renewal.ended === 'refresh_rejected') {
      await rt.sessions.refused(value, session);
      canWrite(jar, planSessionCookies(rt.config.cookie, null, 0, present()));
    }
    return { session: null };
  }
  const current = renewal.session;
  if (renewal.cookie) canWrite(jar, planSessionCookies(rt.config.cookie, renewal.cookie, current.refreshExpiresAt, present()));
  if (accessExpired(current, rt.now())) return { session: null, error: renewal.error ?? unavailableRefresh() };
  return { session: current, value, error: renewal.error };
}

/**
 * A refresh call that outlives this request's deadline runs on, and its outcome is kept (refresh/refresher.ts). Next's
 * `after()` holds the function open until it settles where the platform would otherwise freeze it after the response.
 */
function keepAlive(work: Promise<unknown>): void {
  after(work.catch(() => undefined));
}

const unavailableRefresh = () => new BffError('refresh_unavailable', 'The session could not be renewed right now.', { retryAfter: 5 });

/**
 * Writes cookies where the render allows it: true in route handlers and Server Actions, false in a Server Component
 * (cookies are read-only while rendering). Re-writing the current value with its own attributes is how the server
 * helpers ask before spending a refresh token.
 */
function canWrite(jar: Jar, writes: readonly CookieWrite[]): boolean {
  try {
    for (const w of writes) jar.set(w.name, w.value, w.options);
    return true;
  } catch {
    return false;
  }
}
