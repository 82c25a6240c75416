import { jwtVerify, type JWTPayload } from 'jose';
import type { NextRequest } from 'next/server';
import { digestKey } from '../crypto/digest-key.ts';
import { BffError } from '../errors.ts';
import { NO_STORE } from '../http/cache-control.ts';
import { logWarn } from '../log.ts';
import { record } from '../telemetry/metrics.ts';
import { readLimitedBody } from '../request/read-body.ts';
import type { BffRuntime } from '../runtime.ts';
import type { OidcContext } from './context.ts';

const EVENT = 'http://schemas.openid.net/event/backchannel-logout';
/** A logout token older than this is refused (its `jti` is remembered as long, so a replay is refused too). */
const MAX_AGE_SECONDS = 600;
/** jti values seen by this instance, when there is no store to share them. */
const seen = new Map<string, number>();

/**
 * POST <auth>/backchannel-logout (OpenID Connect Back-Channel Logout 1.0): the provider says a session ended. The
 * logout token must be signed by the provider, for this client, recent, single-use, carry the back-channel event,
 * name a `sid` or a `sub`, and have no `nonce` (so an ID token can never pass for one). Every session of that provider
 * session (or, with only a `sub`, of that user, begun before now) ends on every instance through the store; without a
 * store, on this instance only. No CSRF check: the caller is the provider, and the token is the proof.
 */
export async function backchannelLogout(req: NextRequest, rt: BffRuntime, oidc: OidcContext): Promise<Response> {
  const refuse = (description: string) =>
    Response.json({ error: 'invalid_request', error_description: description }, { status: 400, headers: { 'cache-control': NO_STORE } });
  if (!(req.headers.get('content-type') ?? '').startsWith('application/x-www-form-urlencoded')) return refuse('Expected a form-encoded logout_token.');
  const body = await readLimitedBody(req, rt.config.loginBodyLimitBytes);
  if (body instanceof BffError) return refuse('The request body is too large.');
  const token = new URLSearchParams(new TextDecoder().decode(body)).get('logout_token');
  if (!token) return refuse('logout_token is missing.');

  let claims: JWTPayload;
  try {
    const { issuer } = await oidc.discovery.metadata();
    ({ payload: claims } = await jwtVerify(token, await oidc.keys(), {
      issuer,
      audience: oidc.auth.clientId,
      requiredClaims: ['iat', 'jti'],
      maxTokenAge: MAX_AGE_SECONDS,
      currentDate: new Date(rt.now()),
    }));
  } catch {
    logWarn('oidc_logout_token_refused', { reason: 'verification' });
    return refuse('The logout token is not valid.');
  }
  const events = claims.events;
  const sid = typeof claims.sid === 'string' ? claims.sid : undefined;
  const sub = typeof claims.sub === 'string' ? claims.sub : undefined;
  if (!events || typeof events !== 'object' || typeof (events as Record<string, unknown>)[EVENT] !== 'object') return refuse('The logout token has no back-channel logout event.');
  if (claims.nonce !== undefined) return refuse('A logout token must not carry a nonce.');
  if (!sid && !sub) return refuse('The logout token names no sid or sub.');
  if (!(await firstUse(`${claims.iss} ${claims.jti}`, rt))) {
    logWarn('oidc_logout_token_refused', { reason: 'replay' });
    return refuse('This logout token was already used.');
  }
  await rt.revocations.endProviderSessions(sid ? { sid, at: rt.now() } : { sub, at: rt.now() });
  record.sessionEnded('backchannel_logout');
  return new Response(null, { status: 200, headers: { 'cache-control': NO_STORE } });
}

async function firstUse(jti: string, rt: BffRuntime): Promise<boolean> {
  const key = `bff:op-logout-jti:${await digestKey(jti)}`;
  if (rt.store) {
    try {
      return await rt.store.setIfAbsent(key, '1', MAX_AGE_SECONDS * 1000);
    } catch {
      // Fall through to this instance's memory: a store outage must not keep a user signed in.
    }
  }
  const t = rt.now();
  for (const [k, until] of seen) if (until <= t) seen.delete(k);
  if (seen.has(key)) return false;
  seen.set(key, t + MAX_AGE_SECONDS * 1000);
  return true;
}
