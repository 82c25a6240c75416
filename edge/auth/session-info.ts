import type { NextRequest } from 'next/server';
import { NextResponse } from '../http/next-response.ts';
import { BffError } from '../errors.ts';
import { markPersonal } from '../http/cache-control.ts';
import { errorResponse } from '../http/error-response.ts';
import type { BffRuntime } from '../runtime.ts';
import { setResponseCookies } from '../http/session-cookies.ts';
import { planSessionCookies } from '../session/cookie-writes.ts';
import { readLiveSession } from '../session/read.ts';
import { SESSION_UNKNOWN } from '../session/storage/types.ts';

/**
 * GET /api/auth/session: `{ user, expiresAt }` or `{ user: null }`. Never a token. Checks revocation itself: the
 * middleware's matcher may not cover the route, and an ended session must not read as signed in anywhere.
 */
export async function sessionInfo(req: NextRequest, rt: BffRuntime): Promise<Response> {
  const { value, session } = await readLiveSession((name) => req.cookies.get(name)?.value, rt);
  if (session === SESSION_UNKNOWN) return errorResponse(new BffError('session_unavailable', 'Your session cannot be checked right now.', { retryAfter: 5 }));
  const res = session
    ? NextResponse.json({ user: session.user, expiresAt: new Date(session.refreshExpiresAt).toISOString() })
    : NextResponse.json({ user: null });
  // A cookie that does not open is cleared here too; the answer is per-user either way.
  const stale = value !== undefined && !session;
  setResponseCookies(res, stale ? planSessionCookies(rt.config.cookie, null, 0, req.cookies.getAll().map((c) => c.name)) : []);
  return res;
}

/** GET /api/auth/sessions: the signed-in user's sessions, `{ sessions: [{ id, current, createdAt, lastSeenAt, userAgent }] }`. */
export async function sessionList(req: NextRequest, rt: BffRuntime): Promise<Response> {
  const cannotList = () => errorResponse(new BffError('session_unavailable', 'Your sessions cannot be listed right now.', { retryAfter: 5 }));
  const { value, session } = await readLiveSession((name) => req.cookies.get(name)?.value, rt);
  if (session === SESSION_UNKNOWN) return cannotList();
  if (!session || !value) return errorResponse(new BffError('unauthenticated', 'Sign in to see your sessions.'));
  try {
    const res = NextResponse.json({ sessions: await rt.sessions.list(value, session, { userAgent: req.headers.get('user-agent') ?? undefined }) });
    markPersonal(res.headers);
    return res;
  } catch {
    return cannotList();
  }
}
