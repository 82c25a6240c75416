import type { NextRequest } from 'next/server';
import { NextResponse } from '../http/next-response.ts';
import { callBackend } from '../backend/call.ts';
import { sessionFromGrant } from '../backend/grant-to-session.ts';
import type { BackendAdapter } from '../backend/types.ts';
import { userForGrant } from '../backend/user-source.ts';
import { BffError } from '../errors.ts';
import { safeNextPath } from '../guard/safe-next.ts';
import { errorResponse } from '../http/error-response.ts';
import { logWarn } from '../log.ts';
import { noteOnActiveSpan, traced } from '../telemetry/tracing.ts';
import { redactedUrl } from '../config/parse-values.ts';
import type { Policy } from '../policy/types.ts';
import { clientIp } from '../ratelimit/client-ip.ts';
import { deviceCookie, deviceIdentifierKey, openDevice, sealDevice } from '../ratelimit/device-cookie.ts';
import { loginLimiterOf } from '../ratelimit/login-limiter.ts';
import { csrfError } from '../request/csrf.ts';
import { droppedCookieError } from '../request/secure-transport.ts';
import type { BffRuntime } from '../runtime.ts';
import { setResponseCookies } from '../http/session-cookies.ts';
import { planSessionCookies } from '../session/cookie-writes.ts';
import type { Session } from '../session/types.ts';
import { loginErrorLocation, seeOther } from './form-redirect.ts';
import { readLoginForm, type LoginForm } from './login-form.ts';
import { REFUSED_CREDENTIALS } from './refused-credentials.ts';
import { startSession } from './new-session.ts';


/**
 * POST /api/auth/login: JSON → `{ user }`; a form post → 303 to the validated `next`.
 * Rate-limited per network and per identifier (or per known device) before the backend is called
 * (ratelimit/login-limiter.ts); a success marks the browser as a known device for that identifier. Failures keep the
 * backend's status, message and field errors.
 */
export function login(req: NextRequest, rt: BffRuntime, policy: Policy): Promise<Response> {
  // The span says how the sign-in ended (`bff.sign_in.outcome`: `succeeded` or the error's code) and the limiter's
  // verdict (ratelimit/login-limiter.ts); never who signed in.
  return traced('bff.sign_in', { 'bff.auth.preset': rt.config.auth.preset }, () => passwordSignIn(req, rt, policy));
}

async function passwordSignIn(req: NextRequest, rt: BffRuntime, policy: Policy): Promise<Response> {
  const { config } = rt;
  // Every refusal is told to the span as it is answered.
  const noted = (error: BffError) => {
    noteOnActiveSpan({ 'bff.sign_in.outcome': error.code });
    return error;
  };
  const refuse = (error: BffError) => errorResponse(noted(error));
  const csrf = csrfError(req, config);
  if (csrf) return refuse(csrf);
  if (policy.maintenance.enabled) return refuse(new BffError('maintenance', policy.maintenance.message, { retryAfter: 60 }));

  const form = await readLoginForm(req, config.loginBodyLimitBytes);
  if (form instanceof BffError) return refuse(form);
  const { login: loginCall, parseLogin } = rt.adapter;
  // A custom adapter may have no password login at all.
  if (!loginCall || !parseLogin) return refuse(new BffError('bad_request', 'This app has no password sign-in.'));

  const fail = (error: BffError) =>
    form.isForm ? seeOther(req, config, loginErrorLocation(config.routes.loginPage, noted(error), form.next)) : refuse(error);

  const dropped = droppedCookieError(req, config);
  if (dropped) return fail(dropped);

  const ip = clientIp(req.headers, config.clientIp);
  const known = deviceCookie(config.cookie);
  const device = await openDevice(req.cookies.get(known.name)?.value, rt.keyring, rt.now());
  const attempt = await loginLimiterOf(rt).reserve(ip, form.email, device, policy);
  if (attempt instanceof BffError) return fail(attempt);

  const session = await signIn(form, rt, loginCall.bind(rt.adapter), parseLogin.bind(rt.adapter));
  if (session instanceof BffError) {
    await attempt.settle(REFUSED_CREDENTIALS.has(session.code) ? 'refused' : 'other');
    return fail(session);
  }
  await attempt.settle('succeeded');

  const sealed = await startSession(session, rt, req);
  if (sealed instanceof BffError) return fail(sealed);
  noteOnActiveSpan({ 'bff.sign_in.outcome': 'succeeded' });
  const writes = planSessionCookies(config.cookie, sealed, session.refreshExpiresAt, req.cookies.getAll().map((c) => c.name));
  const res = form.isForm ? new NextResponse(null, seeOther(req, config, safeNextPath(form.next))) : NextResponse.json({ user: session.user });
  setResponseCookies(res, writes);
  // This browser now knows the identifier: its own failures, not strangers', count against it from here on.
  res.cookies.set(known.name, await sealDevice(device, await deviceIdentifierKey(form.email), rt.keyring, rt.now()), known.options);
  return res;
}

/** Asks the backend for tokens and turns them into a session, or into the error to show. */
async function signIn(
  form: LoginForm,
  rt: BffRuntime,
  loginCall: NonNullable<BackendAdapter['login']>,
  parseLogin: NonNullable<BackendAdapter['parseLogin']>,
): Promise<Session | BffError> {
  const { config } = rt;
  try {
    const reply = await callBackend(config.backendUrl, await loginCall(form), config.backendTimeoutMs, rt.fetch);
    const result = parseLogin(reply);
    if (!result.ok) return result.error;
    const user = await userForGrant(result.grant, reply.json, { config, fetch: rt.fetch, mapUser: rt.mapUser, dpop: rt.dpop });
    const session = sessionFromGrant({ ...result.grant, user }, config, rt.now());
    if (!session) return new BffError('backend_error', 'The backend answered the login without a user.');
    const verdict = rt.verifier ? await rt.verifier.verify(session.accessToken) : 'valid';
    if (verdict === 'invalid') {
      logWarn('login_token_invalid');
      return new BffError('backend_error', "The backend's access token failed verification.");
    }
    // No session starts on claims nobody could check; an existing one is never ended for it (refresh/refresher.ts).
    if (verdict === 'unavailable') {
      logWarn('login_token_unverifiable');
      return new BffError('backend_unavailable', 'Signing in is unavailable right now. Please try again shortly.', { retryAfter: 5 });
    }
    return session;
  } catch (error) {
    const failed = error instanceof BffError ? error : new BffError('backend_error', 'The login could not be completed.');
    // The operator's first question when nobody can sign in: which backend, and why (never a credential).
    if (failed.code === 'backend_unreachable' || failed.code === 'backend_timeout') logWarn('login_backend_failed', { reason: failed.code, backend: redactedUrl(config.backendUrl.toString()) });
    return failed;
  }
}
