import { errors as joseErrors } from 'jose';
import type { NextRequest } from 'next/server';
import { NextResponse } from '../http/next-response.ts';
import { loginErrorLocation, seeOther } from '../auth/form-redirect.ts';
import { startSession } from '../auth/new-session.ts';
import { sessionFromGrant } from '../backend/grant-to-session.ts';
import { mappedUser } from '../backend/user-source.ts';
import { BffError } from '../errors.ts';
import { setResponseCookies } from '../http/session-cookies.ts';
import { failureKind, logWarn } from '../log.ts';
import type { BffRuntime } from '../runtime.ts';
import { noteOnActiveSpan, traced } from '../telemetry/tracing.ts';
import { planSessionCookies } from '../session/cookie-writes.ts';
import type { Session, User } from '../session/types.ts';
import { isDpopBound, unboundTokenError } from '../dpop/bound-token.ts';
import { oauth, oauthClient, withDpopNonce } from './client.ts';
import type { OidcContext } from './context.ts';
import { verifyIdToken } from './id-token.ts';
import { callbackUri } from './redirect-uris.ts';
import { openTransaction, transactionCookie } from './transaction.ts';
import { oidcUser } from './user-claims.ts';

/**
 * GET <auth>/callback: the provider's answer. The transaction cookie named after its `state` must be there and hold
 * that `state` (it is then spent, whatever happens); the code is exchanged with PKCE; the ID token is checked (issuer, audience, nonce,
 * signature, at_hash); the session is the same encrypted cookie as every preset's. Every failure, the provider's own
 * (`access_denied`, `login_required`) included, lands on the login page with a message, never a 500.
 */
export function finishSignIn(req: NextRequest, rt: BffRuntime, oidc: OidcContext): Promise<Response> {
  return traced('bff.sign_in', { 'bff.auth.preset': 'oidc' }, () => callback(req, rt, oidc));
}

async function callback(req: NextRequest, rt: BffRuntime, oidc: OidcContext): Promise<Response> {
  const { config } = rt;
  const cookie = transactionCookie(config.cookie, req.nextUrl.searchParams.get('state') ?? '');
  const tx = await openTransaction(req.cookies.get(cookie.name)?.value, rt.keyring, rt.now());
  const done = (res: Response) => {
    const out = res instanceof NextResponse ? res : new NextResponse(res.body, res);
    out.cookies.set(cookie.name, '', { ...cookie.options, maxAge: 0 });
    return out;
  };
  const fail = (code: string) => {
    // The provider's OAuth error code (`access_denied`…) or ours: a word, never its description.
    noteOnActiveSpan({ 'bff.sign_in.outcome': /^[a-z_]{1,40}$/.test(code) ? code : 'error' });
    return done(seeOther(req, config, loginErrorLocation(config.routes.loginPage, { code }, tx?.next)));
  };
  if (!tx) return fail('state_mismatch');

  let session: Session;
  try {
    const { as, client, clientAuth, http } = await oauthClient(oidc, config.backendTimeoutMs);
    let params: URLSearchParams;
    try {
      params = oauth.validateAuthResponse(as, client, new URLSearchParams(req.nextUrl.search), tx.state);
    } catch (error) {
      if (error instanceof oauth.AuthorizationResponseError) return fail(error.error);
      return fail('state_mismatch');
    }
    const tokens = await withDpopNonce(async () =>
      oauth.processAuthorizationCodeResponse(as, client, await oauth.authorizationCodeGrantRequest(as, client, clientAuth, params, callbackUri(req, config), tx.verifier, http()), {
        expectedNonce: tx.nonce,
        requireIdToken: true,
        // Step-up: the provider must have authenticated the user within max_age (auth_time present and recent).
        ...(tx.maxAge === undefined ? {} : { maxAge: tx.maxAge }),
      }),
    );
    if (oidc.dpop && !isDpopBound(tokens)) {
      unboundTokenError();
      return fail('backend_error');
    }
    const claims = await verifyIdToken(tokens.id_token!, tokens.access_token, oidc, as.issuer);
    const sub = String(claims.sub);
    const profile = oidc.auth.oidc.userinfo && as.userinfo_endpoint
      ? await withDpopNonce(async () => oauth.processUserInfoResponse(as, client, sub, await oauth.userInfoRequest(as, client, tokens.access_token, http())))
      : undefined;
    const user = await userOf(claims, profile, rt);
    if (!user) return fail('backend_error');
    const grant = {
      accessToken: tokens.access_token,
      refreshToken: tokens.refresh_token,
      accessExpiresIn: tokens.expires_in,
      idToken: tokens.id_token,
      provider: { sub, sid: typeof claims.sid === 'string' ? claims.sid : undefined },
      authenticatedAt: typeof claims.auth_time === 'number' ? claims.auth_time * 1000 : undefined,
      user,
    };
    session = sessionFromGrant(grant, config, rt.now())!;
  } catch (error) {
    if (error instanceof oauth.ResponseBodyError) {
      // invalid_grant here is a spent or foreign code (a replayed callback): the provider's answer, not an outage.
      logWarn('oidc_code_exchange_refused', { error: error.error, status: error.status });
      return fail(error.error);
    }
    if (error instanceof oauth.OperationProcessingError || error instanceof joseErrors.JOSEError) {
      // A nonce, issuer, audience, signature or at_hash that does not check out: never a session, whatever else held.
      logWarn('oidc_sign_in_failed', { reason: 'id_token_invalid', check: (error as { code?: string }).code });
      return fail('invalid_id_token');
    }
    logWarn('oidc_sign_in_failed', { reason: failureKind(error) });
    return fail('backend_unavailable');
  }

  const sealed = await startSession(session, rt, req);
  if (sealed instanceof BffError) return fail(sealed.code);
  noteOnActiveSpan({ 'bff.sign_in.outcome': 'succeeded' });
  const res = done(seeOther(req, config, tx.next));
  setResponseCookies(res, planSessionCookies(config.cookie, sealed, session.refreshExpiresAt, req.cookies.getAll().map((c) => c.name)));
  return res;
}

/** The user from the ID token's claims and userinfo, through the app's mapper when it has one. */
async function userOf(claims: Record<string, unknown>, profile: unknown, rt: BffRuntime): Promise<User | undefined> {
  const user = oidcUser(claims, profile, rt.config.auth.oidc!.requireVerifiedEmail);
  return rt.mapUser ? mappedUser(rt.mapUser, { login: claims, user, profile, claims }) : user;
}

