import type { NextRequest } from 'next/server';
import { NextResponse } from '../http/next-response.ts';
import { loginErrorLocation, seeOther } from '../auth/form-redirect.ts';
import { ownUserToken } from '../apis/policies.ts';
import { BffError } from '../errors.ts';
import { safeNextPath } from '../guard/safe-next.ts';
import { markPersonal } from '../http/cache-control.ts';
import { failureKind, logWarn } from '../log.ts';
import { droppedCookieError } from '../request/secure-transport.ts';
import type { BffRuntime } from '../runtime.ts';
import { oauth, oauthClient, withDpopNonce } from './client.ts';
import type { OidcContext } from './context.ts';
import { callbackUri } from './redirect-uris.ts';
import { sealTransaction, surplusTransactionCookies, transactionCookie } from './transaction.ts';

/**
 * GET <auth>/login: sends the browser to the provider's authorization endpoint (code flow, PKCE S256, `state` and
 * `nonce`), with the transaction sealed in a short-lived cookie of its own that only this browser holds.
 */
export async function startSignIn(req: NextRequest, rt: BffRuntime, oidc: OidcContext): Promise<Response> {
  const { config } = rt;
  const next = safeNextPath(req.nextUrl.searchParams.get('next'));
  const fail = (error: BffError) => seeOther(req, config, loginErrorLocation(config.routes.loginPage, error, next));
  const dropped = droppedCookieError(req, config);
  if (dropped) return fail(dropped);
  let provider: Awaited<ReturnType<typeof oauthClient>>;
  try {
    provider = await oauthClient(oidc, config.backendTimeoutMs);
  } catch {
    return fail(providerUnavailable());
  }
  const { as } = provider;
  const maxAge = stepUpMaxAge(req.nextUrl.searchParams.get('max_age'));
  const tx = { state: oauth.generateRandomState(), nonce: oauth.generateRandomNonce(), verifier: oauth.generateRandomCodeVerifier(), next, maxAge };
  const params = new URLSearchParams({
    client_id: oidc.auth.clientId,
    redirect_uri: callbackUri(req, config),
    response_type: 'code',
    scope: oidc.auth.scope ?? 'openid',
    state: tx.state,
    nonce: tx.nonce,
    code_challenge: await oauth.calculatePKCECodeChallenge(tx.verifier),
    code_challenge_method: 'S256',
    ...(oidc.auth.oidc.audience ? { audience: oidc.auth.oidc.audience } : {}),
    ...(maxAge === undefined ? {} : { max_age: String(maxAge) }),
  });
  // Every resource the sign-in's refresh token will be asked tokens for (RFC 8707 §2): the grant must cover them.
  for (const resource of new Set([oidc.auth.oidc.audience, ...config.apis.filter(ownUserToken).map((api) => api.resource)])) {
    if (resource) params.append('resource', resource);
  }
  const pushed = await pushedParams(provider, params, oidc);
  if (pushed instanceof BffError) return fail(pushed);
  const url = new URL(as.authorization_endpoint!);
  for (const [name, value] of pushed ?? params) url.searchParams.append(name, value);
  const res = NextResponse.redirect(url, 303);
  const cookie = transactionCookie(config.cookie, tx.state);
  for (const name of surplusTransactionCookies(config.cookie, req.cookies.getAll().map((c) => c.name))) {
    res.cookies.set(name, '', { ...cookie.options, maxAge: 0 });
  }
  res.cookies.set(cookie.name, await sealTransaction(tx, rt.keyring, rt.now()), cookie.options);
  markPersonal(res.headers);
  return res;
}

/**
 * RFC 9126: the request goes to the provider over the back channel, authenticated as the client, and the browser
 * carries only `client_id` and the `request_uri` it got (so nothing in the URL can be tampered with or leak). Pushed
 * when the provider publishes the endpoint, unless OIDC_PAR=0; with OIDC_PAR=1 a provider without it is an error.
 * `undefined`: not pushed, the parameters go in the URL.
 */
async function pushedParams(provider: Awaited<ReturnType<typeof oauthClient>>, params: URLSearchParams, oidc: OidcContext) {
  const { as, client, clientAuth, http } = provider;
  const mode = oidc.auth.oidc.par;
  if (mode === 'off' || (mode === 'auto' && !as.pushed_authorization_request_endpoint)) return undefined;
  if (!as.pushed_authorization_request_endpoint) {
    logWarn('oidc_par_failed', { reason: 'no_endpoint' });
    return new BffError('backend_error', 'The identity provider publishes no pushed authorization request endpoint (OIDC_PAR=1).');
  }
  try {
    const { request_uri } = await withDpopNonce(async () =>
      oauth.processPushedAuthorizationResponse(as, client, await oauth.pushedAuthorizationRequest(as, client, clientAuth, params, http())),
    );
    return new URLSearchParams({ client_id: params.get('client_id')!, request_uri });
  } catch (error) {
    if (error instanceof oauth.ResponseBodyError) {
      logWarn('oidc_par_failed', { error: error.error, status: error.status });
      return new BffError('backend_error', 'The identity provider refused the sign-in request.');
    }
    logWarn('oidc_par_failed', { reason: failureKind(error) });
    return providerUnavailable();
  }
}

const providerUnavailable = () =>
  new BffError('backend_unavailable', 'The identity provider cannot be reached right now. Please try again shortly.', { retryAfter: 5 });

/** `?max_age=` from a step-up redirect (server helpers' `requireUser({ maxAgeSeconds })`): whole seconds, or ignored. */
function stepUpMaxAge(raw: string | null): number | undefined {
  if (raw === null || !/^\d{1,9}$/.test(raw)) return undefined;
  return Number(raw);
}
