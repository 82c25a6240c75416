import { BffError } from '../../errors.ts';
import { logWarn } from '../../log.ts';
import type { AdapterFactory, BackendCall, BackendReply, TokenGrant, TokenTarget } from '../types.ts';
import { isObject, isSuccess, messageOf, stringField, userFrom } from './read-json.ts';
import type { AuthenticatedEndpoint, ClientAuthentication } from '../../client-auth/authenticate.ts';
import { isDpopBound, unboundTokenError } from '../../dpop/bound-token.ts';
import type { DpopSigner } from '../../dpop/signer.ts';
import { backendCallUrl } from '../call.ts';

/**
 * An RFC 6749 token endpoint: the password grant for login, the refresh_token grant for refresh
 * (form-encoded, §4.3 and §6), errors as `{ error, error_description }` (§5.2), and RFC 7009
 * revocation on logout when AUTH_LOGOUT_PATH names the revocation endpoint.
 */
export const oauth2: AdapterFactory = (auth, { backendUrl, client, dpop }) => {
  // The assertion audience of private_key_jwt when nothing better is known: RFC 7523 §3 names the token endpoint.
  const endpoint = { tokenEndpoint: backendCallUrl(backendUrl, { path: auth.paths.refresh }).href };
  const call = (path: string, params: Record<string, string>) => tokenCall(client, endpoint, path, params, dpop);
  return {
  name: 'oauth2',

  login: ({ email, password }) => call(auth.paths.login, { grant_type: 'password', username: email, password, ...(auth.scope ? { scope: auth.scope } : {}) }),

  parseLogin(reply) {
    if (isSuccess(reply)) {
      const grant = grantFrom(reply.json);
      if (!grant) return { ok: false, error: new BffError('backend_error', 'The token endpoint answered without an access token.') };
      if (dpop && !isDpopBound(reply.json)) return { ok: false, error: unboundTokenError() };
      return { ok: true, grant };
    }
    const code = errorCode(reply);
    if (code === 'invalid_grant') {
      return { ok: false, error: new BffError('invalid_credentials', messageOf(reply.json) ?? 'Invalid email or password.', { status: 401 }) };
    }
    if (code === 'invalid_request') {
      return { ok: false, error: new BffError('bad_request', messageOf(reply.json) ?? 'The login request was refused.') };
    }
    if (code) logWarn('oauth2_login_refused', { error: code, status: reply.status });
    return { ok: false, error: new BffError('backend_error', 'The sign-in service refused this application. Check its client settings.') };
  },

  refresh: (refreshToken, target) => call(auth.paths.refresh, { grant_type: 'refresh_token', refresh_token: refreshToken, ...targetParams(target) }),

  parseRefresh(reply) {
    if (isSuccess(reply)) {
      const grant = grantFrom(reply.json);
      return grant ? { ok: true, grant } : { ok: false, kind: 'transient', reason: 'malformed_refresh_response' };
    }
    // Only invalid_grant says the refresh token itself is dead (RFC 6749 §5.2); invalid_client
    // and friends are configuration problems that must not log everybody out.
    const code = errorCode(reply);
    if (code === 'invalid_grant') return { ok: false, kind: 'rejected', reason: code };
    return { ok: false, kind: 'transient', reason: code ?? `status_${reply.status}` };
  },

  logout: ({ accessToken, refreshToken }) => (auth.paths.logout ? call(auth.paths.logout, revocationParams(accessToken, refreshToken)) : null),
  };
};

/** A token for one API: RFC 8707's `resource`, also as Auth0's `audience`, and the scope. */
export function targetParams(target: TokenTarget = {}): Record<string, string> {
  const params: Record<string, string> = {};
  if (target.resource) params.resource = params.audience = target.resource;
  if (target.scope) params.scope = target.scope;
  return params;
}

/** RFC 7009: revoking the refresh token ends its whole grant (§2.1); without one, the access token is revoked. */
export function revocationParams(accessToken: string, refreshToken: string | undefined): Record<string, string> {
  return refreshToken ? { token: refreshToken, token_type_hint: 'refresh_token' } : { token: accessToken, token_type_hint: 'access_token' };
}

/** A form-encoded POST to a token, revocation or similar endpoint, the client authenticated as configured. */
export async function tokenCall(
  client: ClientAuthentication,
  endpoint: AuthenticatedEndpoint,
  path: string,
  params: Record<string, string>,
  dpop?: DpopSigner,
): Promise<BackendCall> {
  const body = new URLSearchParams(params);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  const authorization = await client.apply(endpoint, body);
  if (authorization) headers.authorization = authorization;
  return { path, method: 'POST', headers, body: body.toString(), ...(dpop ? { dpop: { signer: dpop } } : {}) };
}

export function grantFrom(json: unknown): TokenGrant | undefined {
  if (!isObject(json)) return undefined;
  const accessToken = stringField(json.access_token);
  if (!accessToken) return undefined;
  const seconds = (v: unknown) => (typeof v === 'number' && v > 0 ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined);
  return {
    accessToken,
    refreshToken: stringField(json.refresh_token),
    accessExpiresIn: seconds(json.expires_in),
    refreshExpiresIn: seconds(json.refresh_expires_in),
    user: userFrom(json.user),
    idToken: stringField(json.id_token),
  };
}

function errorCode(reply: BackendReply): string | undefined {
  return isObject(reply.json) ? stringField(reply.json.error) : undefined;
}
