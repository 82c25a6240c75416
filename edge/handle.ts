import type { NextRequest } from 'next/server';
import { BffError } from './errors';
import { loginLocation, redirectTo } from './guard/redirect';
import { safeNextPath } from './guard/safe-next';
import { withoutTrailingSlash } from './guard/trailing-slash';
import { errorResponse } from './http/error-response';
import { continueRequest, hasInternalHeaders, withCookies } from './http/respond';
import { forwardToBackend } from './proxy/forward';
import { forwardableBody } from './proxy/request-body';
import { backendTarget } from './proxy/target';
import { upstreamHeaders } from './proxy/upstream-headers';
import { accessExpired, refreshDue } from './refresh/due';
import { login } from './auth/login';
import { BACKEND_PREFIX, classify, LOGIN_ROUTE, LOGOUT_ROUTE, type RouteKind } from './request/classify';
import { publicOrigin } from './request/public-origin';
import { clientIp } from './ratelimit/client-ip';
import { isPrefetch } from './request/prefetch';
import { csrfError } from './request/csrf';
import type { Policy } from './policy/types';
import type { BffRuntime } from './runtime';
import { planSessionCookies, type CookieWrite } from './session/cookie-writes';
import { readSessionValue } from './session/read';
import type { Session } from './session/types';

/** Where refreshing first would be waste: logging out revokes the session anyway. */
const NO_REFRESH = new Set([LOGOUT_ROUTE]);

/**
 * The middleware, as one composition: policy → classify → session → (refresh) → route decision → response.
 * Runtime-agnostic: Web APIs and next/server only, so it runs on the edge runtime, in Node and from proxy.ts.
 */
export async function handle(req: NextRequest, rt: BffRuntime): Promise<Response> {
  const { config } = rt;
  const policy = await rt.policy.current();
  // Login is served here, so its rate limit and its refund on success see the same counters.
  if (req.nextUrl.pathname === LOGIN_ROUTE && req.method === 'POST') return login(req, rt, policy);
  const route = classify(req.nextUrl.pathname, { protectedPaths: policy.protectedPaths, loginPath: config.loginPath });
  const slashless = route === 'backend' ? undefined : withoutTrailingSlash(req.nextUrl.pathname);
  if (slashless) return redirectTo(slashless + req.nextUrl.search, config.appUrl ?? req.nextUrl, 308);
  const strip = hasInternalHeaders(req.headers);
  const value = readSessionValue((name) => req.cookies.get(name)?.value, config.cookie);
  // No cookie: no crypto, no allocation beyond the decision itself.
  if (!value) return anonymous(req, rt, route, [], strip);

  const present = () => req.cookies.getAll().map((c) => c.name);
  const loggedOut = (reason?: string) => anonymous(req, rt, route, planSessionCookies(config.cookie, null, 0, present()), strip, reason);
  let session = await rt.sessions.open(value);
  if (!session) return loggedOut();
  // Logged out elsewhere (another browser, another instance): every copy of the cookie ends.
  if (await rt.revocations.isRevoked(session)) return loggedOut('session_expired');

  let writes: CookieWrite[] = [];
  let refreshError: BffError | undefined;
  const skewMs = policy.refreshSkewSeconds * 1000;
  // A token that fails upstream verification counts as expired; one that cannot be checked right now is used as is.
  const verdict = rt.verifier ? await rt.verifier.verify(session.accessToken) : 'valid';
  const due = verdict === 'invalid' || refreshDue(session, rt.now(), skewMs);
  if (due && !session.refreshToken) {
    // Access-token-only backends: the session ends with its token, with nothing to refresh.
    if (verdict === 'invalid' || accessExpired(session, rt.now())) return loggedOut('session_expired');
  } else if (due && !isPrefetch(req.headers) && !NO_REFRESH.has(req.nextUrl.pathname)) {
    const outcome = await rt.refresher.refresh(session, skewMs);
    if (outcome.kind === 'rejected') {
      // The backend ended this sign-in: so do copies of the cookie elsewhere.
      await rt.revocations.revoke(session);
      return loggedOut('session_expired');
    }
    // A newer session reached before an outage is stored even so.
    const latest = outcome.kind === 'refreshed' ? outcome : outcome.latest;
    if (latest) {
      session = latest.session;
      writes = planSessionCookies(config.cookie, latest.sealed, session.refreshExpiresAt, present());
    }
    if (outcome.kind === 'unavailable') refreshError = outcome.error;
  }

  switch (route) {
    case 'login':
      if (isPrefetch(req.headers)) return continueRequest(req, writes, strip);
      return withCookies(redirectTo(safeNextPath(req.nextUrl.searchParams.get('next')), config.appUrl ?? req.nextUrl), writes);
    case 'backend':
      return proxy(req, rt, policy, session, writes, refreshError);
    default:
      return continueRequest(req, writes, strip);
  }
}

function anonymous(req: NextRequest, rt: BffRuntime, route: RouteKind, writes: CookieWrite[], strip: boolean, reason?: string): Response {
  if (route === 'backend') {
    return withCookies(errorResponse(new BffError('unauthenticated', 'Sign in to use this API.')), writes);
  }
  if (route === 'protected') {
    // A prefetch must not redirect (nor render a protected page): the real navigation will.
    if (isPrefetch(req.headers)) return withCookies(new Response(null, { status: 204, headers: { 'cache-control': 'private, no-store' } }), writes);
    const next = req.nextUrl.pathname + req.nextUrl.search;
    return withCookies(redirectTo(loginLocation(rt.config.loginPath, next, reason), rt.config.appUrl ?? req.nextUrl), writes);
  }
  return continueRequest(req, writes, strip);
}

async function proxy(req: NextRequest, rt: BffRuntime, policy: Policy, session: Session, writes: CookieWrite[], refreshError?: BffError): Promise<Response> {
  const { config } = rt;
  if (policy.maintenance.enabled) return withCookies(errorResponse(new BffError('maintenance', policy.maintenance.message, { retryAfter: 60 })), writes);
  const csrf = csrfError(req, config, policy.allowedOrigins);
  if (csrf) return withCookies(errorResponse(csrf), writes);
  const target = backendTarget(config.backendUrl, req.nextUrl.pathname, req.nextUrl.search);
  if (target instanceof BffError) return withCookies(errorResponse(target), writes);
  // Never send a token known to be dead: 503 with Retry-After until a refresh succeeds.
  if (refreshError && accessExpired(session, rt.now())) return withCookies(errorResponse(refreshError), writes);
  const body = await forwardableBody(req, config.proxy.bodyLimitBytes);
  if (body instanceof BffError) return withCookies(errorResponse(body), writes);

  const headers = upstreamHeaders(req.headers, session.accessToken, {
    clientIp: clientIp(req.headers, config.clientIp),
    ...publicOrigin(req, config),
  });
  const forwarded = await forwardToBackend(req.method, target, headers, body, {
    timeoutMs: config.backendTimeoutMs,
    fetch: rt.fetch,
    sessionCookie: config.cookie.name,
    backendBase: config.backendUrl,
    publicPrefix: new URL(BACKEND_PREFIX, config.appUrl ?? req.nextUrl),
  });
  return withCookies(forwarded, writes);
}
