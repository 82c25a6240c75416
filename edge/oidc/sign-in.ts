import { NextResponse, type NextRequest } from 'next/server';
import { loginErrorLocation, seeOther } from '../auth/form-redirect.ts';
import { BffError } from '../errors.ts';
import { safeNextPath } from '../guard/safe-next.ts';
import { markPersonal } from '../http/cache-control.ts';
import { droppedCookieError } from '../request/secure-transport.ts';
import type { BffRuntime } from '../runtime.ts';
import { oauth, oauthClient } from './client.ts';
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
  const dropped = droppedCookieError(req, config);
  if (dropped) return seeOther(req, config, loginErrorLocation(config.routes.loginPage, dropped, next));
  let as: oauth.AuthorizationServer;
  try {
    ({ as } = await oauthClient(oidc, config.backendTimeoutMs));
  } catch {
    const error = new BffError('backend_unavailable', 'The identity provider cannot be reached right now. Please try again shortly.', { retryAfter: 5 });
    return seeOther(req, config, loginErrorLocation(config.routes.loginPage, error, next));
  }
  const maxAge = stepUpMaxAge(req.nextUrl.searchParams.get('max_age'));
  const tx = { state: oauth.generateRandomState(), nonce: oauth.generateRandomNonce(), verifier: oauth.generateRandomCodeVerifier(), next, maxAge };
  const url = new URL(as.authorization_endpoint!);
  const params = {
    client_id: oidc.auth.clientId,
    redirect_uri: callbackUri(req, config),
    response_type: 'code',
    scope: oidc.auth.scope ?? 'openid',
    state: tx.state,
    nonce: tx.nonce,
    code_challenge: await oauth.calculatePKCECodeChallenge(tx.verifier),
    code_challenge_method: 'S256',
    ...(oidc.auth.oidc.audience ? { resource: oidc.auth.oidc.audience, audience: oidc.auth.oidc.audience } : {}),
    ...(maxAge === undefined ? {} : { max_age: String(maxAge) }),
  };
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  const res = NextResponse.redirect(url, 303);
  const cookie = transactionCookie(config.cookie, tx.state);
  for (const name of surplusTransactionCookies(config.cookie, req.cookies.getAll().map((c) => c.name))) {
    res.cookies.set(name, '', { ...cookie.options, maxAge: 0 });
  }
  res.cookies.set(cookie.name, await sealTransaction(tx, rt.keyring, rt.now()), cookie.options);
  markPersonal(res.headers);
  return res;
}

/** `?max_age=` from a step-up redirect (server helpers' `requireUser({ maxAgeSeconds })`): whole seconds, or ignored. */
function stepUpMaxAge(raw: string | null): number | undefined {
  if (raw === null || !/^\d{1,9}$/.test(raw)) return undefined;
  return Number(raw);
}
