import { NextResponse, type NextRequest } from 'next/server';
import { callBackend } from '../backend/call.ts';
import { errorResponse } from '../http/error-response.ts';
import { NO_STORE } from '../http/cache-control.ts';
import { endSessionUrl } from '../oidc/end-session.ts';
import { seeOther } from './form-redirect.ts';
import { runHook } from '../hooks.ts';
import { failureKind, logWarn } from '../log.ts';
import { csrfError } from '../request/csrf.ts';
import type { BffRuntime } from '../runtime.ts';
import { setResponseCookies } from '../http/session-cookies.ts';
import { planSessionCookies } from '../session/cookie-writes.ts';
import { readSession } from '../session/read.ts';

/**
 * POST <auth>/logout: revoke upstream (best effort, bounded), then clear the session whatever happened; with an
 * OpenID provider, continue to its end-session endpoint (a form: 303 there; JSON: `{ ok, redirectTo }`).
 */
export async function logout(req: NextRequest, rt: BffRuntime): Promise<Response> {
  const { config } = rt;
  const csrf = csrfError(req, config);
  if (csrf) return errorResponse(csrf);

  const session = await readSession((name) => req.cookies.get(name)?.value, config.cookie, rt.sessions);
  // Every copy of this cookie, on every instance, ends too (within DEFAULTS.revocationCheckMs elsewhere).
  if (session) {
    await rt.revocations.revoke(session);
    await runHook(rt.hooks, 'onLogout', { user: session.user, sessionId: session.sid, reason: 'logout' });
  }
  try {
    const call = session && (await rt.adapter.logout(session));
    if (call) {
      const reply = await callBackend(config.backendUrl, call, config.logoutTimeoutMs, rt.fetch);
      if (reply.status >= 400) logWarn('logout_revocation_refused', { status: reply.status });
    }
  } catch (error) {
    logWarn('logout_revocation_failed', { reason: failureKind(error) });
  }

  // With an OpenID provider, the browser goes on to end its session there too (RP-Initiated Logout).
  const provider = rt.oidc && session ? await endSessionUrl(req, rt, rt.oidc, session) : undefined;
  const isForm = (req.headers.get('content-type') ?? '').includes('form');
  const res = isForm
    ? new NextResponse(null, provider ? { status: 303, headers: { location: provider, 'cache-control': NO_STORE } } : seeOther(req, config, '/'))
    : NextResponse.json(provider ? { ok: true, redirectTo: provider } : { ok: true });
  setResponseCookies(res, planSessionCookies(config.cookie, null, 0, req.cookies.getAll().map((c) => c.name)));
  return res;
}
