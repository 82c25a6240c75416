import { NextResponse, type NextRequest } from 'next/server';
import { callBackend } from '../backend/call';
import { sessionFromGrant } from '../backend/grant-to-session';
import { userForGrant } from '../backend/user-summary';
import { BffError } from '../errors';
import { safeNextPath } from '../guard/safe-next';
import { errorResponse } from '../http/error-response';
import { logWarn } from '../log';
import type { Policy } from '../policy/types';
import { clientIp } from '../ratelimit/client-ip';
import { csrfError } from '../request/csrf';
import type { BffRuntime } from '../runtime';
import { setResponseCookies } from '../session/apply';
import { sealSession } from '../session/codec';
import { planSessionCookies } from '../session/cookie-writes';
import type { Session } from '../session/types';
import { loginErrorLocation, seeOther } from './form-redirect';
import { readLoginForm, type LoginForm } from './login-form';

/**
 * POST /api/auth/login: JSON → `{ user }`; a form post → 303 to the validated `next`.
 * Rate-limited per IP and per identifier before the backend is called. Failures keep the
 * backend's status, message and field errors.
 */
export async function login(req: NextRequest, rt: BffRuntime, policy: Policy): Promise<Response> {
  const { config } = rt;
  const csrf = csrfError(req, config);
  if (csrf) return errorResponse(csrf);
  if (policy.maintenance.enabled) return errorResponse(new BffError('maintenance', policy.maintenance.message, { retryAfter: 60 }));

  const form = await readLoginForm(req, config.loginBodyLimitBytes);
  if (form instanceof BffError) return errorResponse(form);

  const fail = (error: BffError) =>
    form.isForm ? seeOther(req, config, loginErrorLocation(config.loginPath, error, form.next)) : errorResponse(error);

  const limited = await rt.loginLimiter.check(clientIp(req.headers, config.clientIp), form.email, policy);
  if (limited) return fail(limited);

  const session = await signIn(form, rt);
  if (session instanceof BffError) return fail(session);

  await rt.loginLimiter.forgive(form.email, policy);
  const writes = planSessionCookies(
    config.cookie,
    await sealSession(session, rt.keyring),
    session.refreshExpiresAt,
    req.cookies.getAll().map((c) => c.name),
  );
  const res = form.isForm ? new NextResponse(null, seeOther(req, config, safeNextPath(form.next))) : NextResponse.json({ user: session.user });
  setResponseCookies(res, writes);
  return res;
}

/** Asks the backend for tokens and turns them into a session, or into the error to show. */
async function signIn(form: LoginForm, rt: BffRuntime): Promise<Session | BffError> {
  const { config } = rt;
  try {
    const reply = await callBackend(config.backendUrl, rt.adapter.login(form), config.backendTimeoutMs, rt.fetch);
    const result = rt.adapter.parseLogin(reply);
    if (!result.ok) return result.error;
    const user = await userForGrant(result.grant, config, rt.fetch);
    const session = sessionFromGrant({ ...result.grant, user }, config, rt.now());
    if (!session) return new BffError('backend_error', 'The backend answered the login without a user or refresh token.');
    if (rt.verifier && !(await rt.verifier.verify(session.accessToken))) {
      logWarn('login_token_unverified');
      return new BffError('backend_error', "The backend's access token failed verification.");
    }
    return session;
  } catch (error) {
    return error instanceof BffError ? error : new BffError('backend_error', 'The login could not be completed.');
  }
}
