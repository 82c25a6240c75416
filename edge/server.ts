/**
 * `next-edge-bff/server`: the signed-in user and backend calls for Server Components, Server Actions and route
 * handlers. Server-only (it reads `next/headers`); nothing here ever hands a token to the caller.
 */
import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { connection } from 'next/server';
import { sessionEnded } from './auth/session-ended.ts';
import { runtimeOf, type Bff } from './bff.ts';
import { SessionUnavailableError } from './errors.ts';
import { loginLocation } from './guard/redirect.ts';
import { safeNextPath } from './guard/safe-next.ts';
import { backendFetch, type BackendFetchOptions } from './server/backend-fetch.ts';
import { requestSession } from './server/request-session.ts';
import { authenticatedAt, recentlyAuthenticated, stepUpLocation } from './server/step-up.ts';
import type { SessionSummary, User } from './session/types.ts';

export interface RequireUserOptions {
  /**
   * Step-up: the user must have proved who they are within this many seconds, else they sign in again first (the
   * login page with `reason=reauthenticate`; with an OpenID provider, its sign-in with `max_age`) and come back.
   */
  maxAgeSeconds?: number;
}

/** The signed-in session as pages may see it: the user and when they signed in, never a token. */
export interface CurrentSession {
  user: User;
  /** When this sign-in began. */
  signedInAt: Date;
  /**
   * When the user last proved who they are: an OpenID provider's `auth_time`, or `signedInAt` for a password sign-in;
   * null when the provider did not say (a silent SSO sign-in may have asked for no credentials at all).
   */
  authenticatedAt: Date | null;
}

/** Whether this request is signed in, signed out, or cannot be told right now (server mode, the store down). */
export type SessionState = { state: 'signed_in'; user: User } | { state: 'signed_out' } | { state: 'unavailable'; retryAfter: number };

export interface ServerHelpers {
  /** The signed-in user of this request (after the middleware's refresh), or null (signed out, or unknown: see sessionState). */
  currentUser(): Promise<User | null>;
  /** Signed in, signed out, or unavailable (the store cannot say): never a guess. */
  sessionState(): Promise<SessionState>;
  /** The user and when they signed in, or null. */
  currentSession(): Promise<CurrentSession | null>;
  /**
   * The signed-in user, or a redirect to the login page that comes back to `returnTo` (a same-site path, default `/`);
   * with `maxAgeSeconds`, also when the sign-in is older than that (step-up). When the store cannot say whether the
   * session exists, it throws SessionUnavailableError (for the app's `error.tsx`), never a redirect.
   */
  requireUser(returnTo?: string, options?: RequireUserOptions): Promise<User>;
  /**
   * `fetch` to `BACKEND_URL + path` as the signed-in user, any method; `{ api: 'files' }` calls another of the BACKENDS
   * with its token policy. See edge/server/backend-fetch.ts.
   */
  backendFetch(path: string, init?: RequestInit, options?: BackendFetchOptions): Promise<Response>;
  /** The signed-in user's sessions (server mode: every device; cookie mode: this one), or [] when signed out. */
  listSessions(): Promise<SessionSummary[]>;
  /** Ends one of the signed-in user's sessions by its `id` from `listSessions()`; false when it is not theirs. */
  endSession(id: string): Promise<boolean>;
}

export function serverHelpers(bff: Bff): ServerHelpers {
  // The request first: cookies() and connection() make the render dynamic before any configuration is needed (a
  // build has none), and before any clock or random value is read, which Cache Components refuses while prerendering.
  const runtime = async () => {
    await cookies();
    await connection();
    return runtimeOf(bff);
  };
  return {
    async currentUser() {
      return (await requestSession(await runtime())).session?.user ?? null;
    },
    async currentSession() {
      const rt = await runtime();
      const { session } = await requestSession(rt);
      if (!session) return null;
      const signedInAt = new Date(session.signedInAt ?? session.accessIssuedAt ?? rt.now());
      const at = authenticatedAt(session);
      return { user: session.user, signedInAt, authenticatedAt: at === undefined ? null : new Date(at) };
    },
    async sessionState() {
      const rt = await runtime();
      const { session, error } = await requestSession(rt);
      if (error) return { state: 'unavailable', retryAfter: error.retryAfter ?? 5 };
      return session ? { state: 'signed_in', user: session.user } : { state: 'signed_out' };
    },
    async requireUser(returnTo = '/', options = {}) {
      const rt = await runtime();
      const { session, error } = await requestSession(rt);
      if (error) throw new SessionUnavailableError();
      const next = safeNextPath(returnTo);
      if (!session) redirect(loginLocation(rt.config.routes.loginPage, next));
      const { maxAgeSeconds } = options;
      if (maxAgeSeconds !== undefined && !recentlyAuthenticated(session, maxAgeSeconds, rt.now())) redirect(stepUpLocation(rt.config, next, maxAgeSeconds));
      return session.user;
    },
    async backendFetch(path, init, options) {
      return backendFetch(await runtime(), path, init, options);
    },
    async listSessions() {
      const rt = await runtime();
      const { value, session } = await requestSession(rt);
      return session && value ? rt.sessions.list(value, session, { userAgent: (await headers()).get('user-agent') ?? undefined }) : [];
    },
    async endSession(id) {
      const rt = await runtime();
      const { value, session } = await requestSession(rt);
      if (!session || !value || typeof id !== 'string') return false;
      const result = await rt.sessions.endById(value, session, id);
      if (result?.ended) await sessionEnded(result.ended, rt, 'ended_by_user');
      return result !== undefined;
    },
  };
}

export type { SessionSummary, User } from './session/types.ts';
export { SessionUnavailableError } from './errors.ts';
