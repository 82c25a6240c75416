import { BffError } from '../../errors.ts';
import { logWarn } from '../../log.ts';
import type { AdapterFactory, BackendCall, BackendReply, TokenGrant } from '../types.ts';
import { isObject, isSuccess, messageOf, stringField, userFrom } from './read-json.ts';
import type { AuthConfig } from '../../config/types.ts';

/**
 * An RFC 6749 token endpoint: the password grant for login, the refresh_token grant for refresh
 * (form-encoded, §4.3 and §6), errors as `{ error, error_description }` (§5.2), and RFC 7009
 * revocation on logout when AUTH_LOGOUT_PATH names the revocation endpoint.
 */
export const oauth2: AdapterFactory = (auth) => ({
  name: 'oauth2',

  login: ({ email, password }) =>
    tokenCall(auth, auth.paths.login, { grant_type: 'password', username: email, password, ...(auth.scope ? { scope: auth.scope } : {}) }),

  parseLogin(reply) {
    if (isSuccess(reply)) {
      const grant = grantFrom(reply.json);
      if (grant) return { ok: true, grant };
      return { ok: false, error: new BffError('backend_error', 'The token endpoint answered without an access token.') };
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

  refresh: (refreshToken) => tokenCall(auth, auth.paths.refresh, { grant_type: 'refresh_token', refresh_token: refreshToken }),

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

  // Revoking the refresh token ends its whole grant (RFC 7009 §2.1); without one, the access token is revoked.
  logout: ({ accessToken, refreshToken }) =>
    auth.paths.logout
      ? tokenCall(auth, auth.paths.logout, refreshToken ? { token: refreshToken, token_type_hint: 'refresh_token' } : { token: accessToken, token_type_hint: 'access_token' })
      : null,
});

/** A form-encoded POST with client authentication as RFC 6749 §2.3.1 allows. */
export function tokenCall(auth: AuthConfig, path: string, params: Record<string, string>): BackendCall {
  const body = new URLSearchParams(params);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (auth.clientId && auth.clientSecret && auth.clientAuth === 'basic') {
    // §2.3.1: each part is form-urlencoded before Basic encoding.
    const user = encodeURIComponent(auth.clientId);
    const pass = encodeURIComponent(auth.clientSecret);
    headers.authorization = `Basic ${btoa(`${user}:${pass}`)}`;
  } else if (auth.clientId) {
    body.set('client_id', auth.clientId);
    if (auth.clientSecret) body.set('client_secret', auth.clientSecret);
  }
  return { path, method: 'POST', headers, body: body.toString() };
}

function grantFrom(json: unknown): TokenGrant | undefined {
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
