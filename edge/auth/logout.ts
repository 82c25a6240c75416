import { NextResponse, type NextRequest } from 'next/server';
import { callBackend } from '../backend/call.ts';
import { errorResponse } from '../http/error-response.ts';
import { seeOther } from './form-redirect.ts';
import { runHook } from '../hooks.ts';
import { failureKind, logWarn } from '../log.ts';
import { csrfError } from '../request/csrf.ts';
import type { BffRuntime } from '../runtime.ts';
import { setResponseCookies } from '../http/session-cookies.ts';
import { planSessionCookies } from '../session/cookie-writes.ts';
import { readSession } from '../session/read.ts';

/** POST /api/auth/logout: revoke upstream (best effort, bounded), then clear the session whatever happened. */
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
  const call = session && rt.adapter.logout(session);
  if (call) {
    try {
      const reply = await callBackend(config.backendUrl, call, config.logoutTimeoutMs, rt.fetch);
      if (reply.status >= 400) logWarn('logout_revocation_refused', { status: reply.status });
    } catch (error) {
      logWarn('logout_revocation_failed', { reason: failureKind(error) });
    }
  }

  const isForm = (req.headers.get('content-type') ?? '').includes('form');
  const res = isForm ? new NextResponse(null, seeOther(req, config, '/')) : NextResponse.json({ ok: true });
  setResponseCookies(res, planSessionCookies(config.cookie, null, 0, req.cookies.getAll().map((c) => c.name)));
  return res;
}
