import type { NextRequest } from 'next/server';
import { BffError, sessionUnavailable } from './errors.ts';
import { loginLocation, redirectTo } from './guard/redirect.ts';
import { safeNextPath } from './guard/safe-next.ts';
import { withoutTrailingSlash } from './guard/trailing-slash.ts';
import { errorPage, isNavigation } from './http/error-page.ts';
import { errorResponse } from './http/error-response.ts';
import { continueRequest, hasInternalHeaders, withCookies } from './http/respond.ts';
import { logDecision } from './log.ts';
import { forwardOptions, forwardToBackend } from './proxy/forward.ts';
import { forwardableBody } from './proxy/request-body.ts';
import { backendTarget } from './proxy/target.ts';
import { upstreamHeaders } from './proxy/upstream-headers.ts';
import { renewIfDue } from './refresh/renew.ts';
import { authEndpointFor, authEndpointPath, authEndpoints } from './auth/endpoints.ts';
import { apiAt, classify, type RouteKind } from './request/classify.ts';
import { credentialFor, unauthenticated } from './apis/credential.ts';
import { mayUseUser, needsUser, ownUserToken } from './apis/policies.ts';
import { publicOrigin } from './request/public-origin.ts';
import { requestId } from './request/request-id.ts';
import { establishedClientIp } from './ratelimit/client-ip.ts';
import { REAUTHENTICATE } from './server/step-up.ts';
import { isPrefetch } from './request/prefetch.ts';
import { csrfError } from './request/csrf.ts';
import type { Policy } from './policy/types.ts';
import type { BffRuntime } from './runtime.ts';
import { planSessionCookies, type CookieWrite } from './session/cookie-writes.ts';
import { readSessionValue, revocationListed } from './session/read.ts';
import { SESSION_UNKNOWN } from './session/storage/types.ts';
import type { Session, User } from './session/types.ts';
import { attributes, traced } from './telemetry/tracing.ts';
import { urlTemplate } from './telemetry/url-template.ts';

/**
 * What the middleware decided. `respond`: a response to send as is (a redirect to login, a 401, a proxied answer).
 * `continue`: the request goes on to the app, carrying these cookie changes (http/respond.ts applies them).
 */
export type Decision =
  | { kind: 'respond'; response: Response; user: User | null }
  | { kind: 'continue'; writes: CookieWrite[]; strip: boolean; user: User | null };

/** What BFF_DEBUG logs and the request's span records: decisions and outcomes, never a token, cookie value or identifier. */
type Trace = Record<string, string | number | boolean | undefined>;

/** The runtime's `waitUntil` (NextFetchEvent's), when it has one: work that may outlive the response. */
export type WaitUntil = (work: Promise<unknown>) => void;

/** The middleware as a single response: `decide`, then continue with its cookie changes. */
export async function handle(req: NextRequest, rt: BffRuntime, waitUntil?: WaitUntil): Promise<Response> {
  const decision = await decide(req, rt, waitUntil);
  return decision.kind === 'respond' ? decision.response : continueRequest(req, decision.writes, decision.strip);
}

/**
 * The middleware, as one composition: policy → classify → session → (refresh) → route decision.
 * Runtime-agnostic: Web APIs and next/server only, so it runs on the edge runtime, in Node and from proxy.ts.
 */
export function decide(req: NextRequest, rt: BffRuntime, waitUntil?: WaitUntil): Promise<Decision> {
  // One span per request (`bff.middleware`): the refresh, store calls and proxied call under it are its children.
  return traced('bff.middleware', { 'http.request.method': req.method }, async (span) => {
    const recording = span.isRecording();
    if (!rt.config.debug && !recording) return decideTraced(req, rt, waitUntil);
    const trace: Trace = {};
    const decision = await decideTraced(req, rt, waitUntil, trace);
    const status = decision.kind === 'respond' ? decision.response.status : undefined;
    if (recording) {
      span.setAttributes(
        attributes({ 'bff.route': trace.route, 'bff.session': trace.session, 'bff.refresh.outcome': trace.refresh, 'bff.decision': decision.kind, 'http.response.status_code': status }),
      );
    }
    if (rt.config.debug) logDecision({ rid: requestId(req.headers), method: req.method, ...trace, decision: decision.kind, status });
    return decision;
  });
}

async function decideTraced(req: NextRequest, rt: BffRuntime, waitUntil?: WaitUntil, trace?: Trace): Promise<Decision> {
  const { config } = rt;
  const { routes } = config;
  const policy = await rt.policy.current();
  // A password sign-in goes on untouched to the auth route handler, which applies the login limits and answers with the
  // new session: the session it replaces is neither refreshed nor rewritten here.
  if (req.method === 'POST' && authEndpoints(config).login === 'POST' && req.nextUrl.pathname === authEndpointPath(routes, 'login')) {
    if (trace) trace.route = 'login_endpoint';
    return { kind: 'continue', writes: [], strip: hasInternalHeaders(req.headers), user: null };
  }
  const route = classify(req.nextUrl.pathname, routes, policy.protectedPaths, config.apis);
  if (trace) trace.route = route;
  const endpoint = route === 'auth' ? authEndpointFor(req, config) : undefined;
  if (endpoint instanceof Response) return respond(endpoint, null);
  const slashless = route === 'backend' ? undefined : withoutTrailingSlash(req.nextUrl.pathname);
  if (slashless) return respond(redirectTo(slashless + req.nextUrl.search, config.appUrl ?? req.nextUrl, 308), null);
  const strip = hasInternalHeaders(req.headers);
  const value = readSessionValue((name) => req.cookies.get(name)?.value, config.cookie);
  // No cookie: no crypto, no allocation beyond the decision itself.
  if (!value) return anonymous(req, rt, policy, route, [], strip);

  const present = () => req.cookies.getAll().map((c) => c.name);
  const loggedOut = (state: string, reason?: string) => {
    if (trace) trace.session = state;
    return anonymous(req, rt, policy, route, planSessionCookies(config.cookie, null, 0, present()), strip, reason);
  };
  const opened = await rt.sessions.open(value);
  if (opened === SESSION_UNKNOWN) return unknown(req, rt, policy, route, strip, trace);
  if (!opened) return loggedOut('invalid');
  // Logged out elsewhere (another browser, another instance): every copy of the cookie ends.
  if (revocationListed(opened, rt.sessions.mode) && (await rt.revocations.isRevoked(opened))) return loggedOut('revoked', 'session_expired');
  if (trace) trace.session = 'valid';

  // No refresh for a prefetch, nor before a logout (which ends the session anyway).
  const mayRefresh = () => !isPrefetch(req.headers) && req.nextUrl.pathname !== authEndpointPath(routes, 'logout');
  // An API with a token of its own (a resource or scope) has it renewed with the session.
  const api = route === 'backend' ? apiAt(req.nextUrl.pathname, config.apis) : undefined;
  const apis = api && ownUserToken(api) ? [api] : undefined;
  const renewal = await renewIfDue(value, opened, rt, policy.refreshSkewSeconds * 1000, { mayRefresh, waitUntil, apis });
  if (trace && renewal.outcome) trace.refresh = renewal.outcome;
  if (renewal.ended) {
    if (renewal.ended === 'refresh_rejected') await rt.sessions.refused(value, opened);
    return loggedOut(renewal.ended, 'session_expired');
  }
  const session = renewal.session;
  const refreshError = renewal.error;
  const cookie = renewal.cookie ?? (await rt.sessions.touch(value, session));
  const writes = cookie ? planSessionCookies(config.cookie, cookie, session.refreshExpiresAt, present()) : [];

  const user = session.user;
  switch (route) {
    case 'login':
      // A step-up asks a signed-in user to sign in again: the page must render, not bounce back to `next`.
      if (isPrefetch(req.headers) || req.nextUrl.searchParams.get('reason') === REAUTHENTICATE) return { kind: 'continue', writes, strip, user };
      return respond(withCookies(redirectTo(safeNextPath(req.nextUrl.searchParams.get('next')), config.appUrl ?? req.nextUrl), writes), user);
    case 'backend':
      return respond(await proxy(req, rt, policy, session, writes, refreshError, trace), user);
    default:
      return { kind: 'continue', writes, strip, user };
  }
}

/**
 * The store could not say whether this session exists (server mode, store down): neither a login redirect nor a
 * cleared cookie, which would end a session that may be fine. APIs that may take the user's token and protected pages
 * answer 503; the others go on.
 */
async function unknown(req: NextRequest, rt: BffRuntime, policy: Policy, route: RouteKind, strip: boolean, trace?: Trace): Promise<Decision> {
  if (trace) trace.session = 'unknown';
  if (route === 'backend' && !mayUseUser(apiAt(req.nextUrl.pathname, rt.config.apis)!)) return respond(await proxy(req, rt, policy, null, [], undefined, trace), null);
  if (route === 'backend' || route === 'protected') {
    const error = sessionUnavailable();
    return respond(route === 'protected' && isNavigation(req.headers) ? errorPage(error) : errorResponse(error), null);
  }
  return { kind: 'continue', writes: [], strip, user: null };
}

function respond(response: Response, user: User | null): Decision {
  return { kind: 'respond', response, user };
}

async function anonymous(req: NextRequest, rt: BffRuntime, policy: Policy, route: RouteKind, writes: CookieWrite[], strip: boolean, reason?: string): Promise<Decision> {
  if (route === 'backend') return respond(await proxy(req, rt, policy, null, writes), null);
  if (route === 'protected') {
    // A prefetch must not redirect (nor render a protected page): the real navigation will.
    if (isPrefetch(req.headers)) return respond(withCookies(new Response(null, { status: 204, headers: { 'cache-control': 'private, no-store' } }), writes), null);
    const next = req.nextUrl.pathname + req.nextUrl.search;
    // With an OpenID provider, straight to its sign-in (through our login endpoint, which starts the transaction).
    const page = rt.config.auth.oidc ? authEndpointPath(rt.config.routes, 'login') : rt.config.routes.loginPage;
    return respond(withCookies(redirectTo(loginLocation(page, next, reason), rt.config.appUrl ?? req.nextUrl), writes), null);
  }
  return { kind: 'continue', writes, strip, user: null };
}

/** A call to one of the APIs, with the token its policy says (apis/credential.ts); `session` null when signed out. */
async function proxy(req: NextRequest, rt: BffRuntime, policy: Policy, session: Session | null, writes: CookieWrite[], refreshError?: BffError, trace?: Trace): Promise<Response> {
  const { config } = rt;
  const { pathname } = req.nextUrl;
  const api = apiAt(pathname, config.apis)!;
  if (!session && needsUser(api)) return withCookies(errorResponse(unauthenticated()), writes);
  if (policy.maintenance.enabled) return withCookies(errorResponse(new BffError('maintenance', policy.maintenance.message, { retryAfter: 60 })), writes);
  const csrf = csrfError(req, config, policy.allowedOrigins);
  if (csrf) return withCookies(errorResponse(csrf), writes);
  const target = backendTarget(api.url, pathname.slice(api.prefix.length), req.nextUrl.search);
  if (target instanceof BffError) return withCookies(errorResponse(target), writes);
  if (trace) trace.target = urlTemplate(target.pathname);
  // Never a token known to be dead: 503 with Retry-After until a refresh succeeds.
  const credential = await credentialFor(api, session, rt, refreshError);
  if (credential instanceof BffError) return withCookies(errorResponse(credential), writes);
  const body = await forwardableBody(req, api.bodyLimitBytes);
  if (body instanceof BffError) return withCookies(errorResponse(body), writes);

  const headers = upstreamHeaders(req.headers, {
    clientIp: establishedClientIp(req.headers, config.clientIp),
    ...publicOrigin(req, config),
  });
  const forwarded = await forwardToBackend(req.method, target, headers, body, credential, forwardOptions(api, config, rt.forward, req.nextUrl));
  return withCookies(forwarded, writes);
}
