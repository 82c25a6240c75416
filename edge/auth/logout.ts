import type { NextRequest } from 'next/server';
import { NextResponse } from '../http/next-response.ts';
import { BffError } from '../errors.ts';
import { errorResponse } from '../http/error-response.ts';
import { endSessionUrl } from '../oidc/end-session.ts';
import { seeOther } from './form-redirect.ts';
import { logWarn } from '../log.ts';
import { csrfError } from '../request/csrf.ts';
import type { BffRuntime } from '../runtime.ts';
import { setResponseCookies } from '../http/session-cookies.ts';
import { planSessionCookies } from '../session/cookie-writes.ts';
import { readSession } from '../session/read.ts';
import { SESSION_UNKNOWN } from '../session/storage/types.ts';
import type { Session } from '../session/types.ts';
import { readLogoutScope } from './logout-scope.ts';
import { sessionEnded } from './session-ended.ts';

/**
 * POST <auth>/logout, `scope` (JSON or form field): `local` (default) ends this session, `others` the user's other
 * sessions (this one stays), `global` all of them. Ending this session revokes upstream (best effort, bounded), then
 * clears the cookie whatever happened; with an OpenID provider, it continues to its end-session endpoint (a form: 303
 * there; JSON: `{ ok, redirectTo }`).
 */
export async function logout(req: NextRequest, rt: BffRuntime): Promise<Response> {
  const { config } = rt;
  const csrf = csrfError(req, config);
  if (csrf) return errorResponse(csrf);
  const asked = await readLogoutScope(req, config.loginBodyLimitBytes);
  if (asked instanceof BffError) return errorResponse(asked);
  const { scope, isForm } = asked;

  const { value, session: opened } = await readSession((name) => req.cookies.get(name)?.value, config.cookie, rt.sessions);
  if (opened === SESSION_UNKNOWN && scope !== 'local') return errorResponse(unavailable());
  const session = opened === SESSION_UNKNOWN ? null : opened;
  if (session && value && scope !== 'local') {
    // `global` is the others, then this one as a local logout below (revoked once, upstream too).
    const ended = await rt.sessions.endOthers(value, session).catch(() => undefined);
    if (ended === undefined) return errorResponse(unavailable());
    if (!ended) {
      return errorResponse(new BffError('bad_request', 'Ending other sessions needs a shared store: set UPSTASH_REDIS_REST_URL and _TOKEN, or REDIS_URL.'));
    }
    for (const other of ended) await sessionEnded(other, rt, 'ended_by_user');
    if (scope === 'others') return isForm ? new NextResponse(null, seeOther(req, config, '/')) : NextResponse.json({ ok: true, scope });
  }
  if (session && value) await endHere(value, session, rt);

  // With an OpenID provider, the browser goes on to end its session there too (RP-Initiated Logout).
  const provider = rt.oidc && session ? await endSessionUrl(req, rt, rt.oidc, session, isForm) : undefined;
  const res = isForm
    ? new NextResponse(null, provider ? { status: 303, headers: { location: provider } } : seeOther(req, config, '/'))
    : NextResponse.json(provider ? { ok: true, scope, redirectTo: provider } : { ok: true, scope });
  setResponseCookies(res, planSessionCookies(config.cookie, null, 0, req.cookies.getAll().map((c) => c.name)));
  return res;
}

const unavailable = () => new BffError('session_unavailable', 'Sessions cannot be changed right now. Please try again shortly.', { retryAfter: 5 });

/** Ends this session where it lives (every copy, every instance), then tells the hook and revokes it upstream. */
async function endHere(value: string, session: Session, rt: BffRuntime): Promise<void> {
  await rt.sessions.end(value, session).catch(() => logWarn('session_store_unavailable'));
  await sessionEnded(session, rt, 'logout');
}
