import { BffError } from '../../errors.ts';
import { epochMsFrom } from '../expiry.ts';
import type { AdapterFactory, BackendReply, TokenGrant } from '../types.ts';
import { jsonPost } from './json-call.ts';
import { loginErrorFor } from './login-error.ts';
import { fieldErrors, isObject, isSuccess, messageOf, userFrom } from './read-json.ts';

/**
 * The contract of the article this project grew from (and of the bundled example backend):
 * `POST /auth/login` → `{ data: { token, token_expires_at, refresh_token, refresh_token_expires_at, user } }`,
 * 422 with field errors under `data`; refresh and logout take `{ refresh_token }`.
 */
export const envelope: AdapterFactory = ({ paths, usernameField }) => ({
  name: 'envelope',

  login: ({ email, password }) => jsonPost(paths.login, { [usernameField]: email, password }),

  parseLogin(reply) {
    if (isSuccess(reply)) {
      const grant = grantFrom(reply.json);
      if (grant) return { ok: true, grant };
      return { ok: false, error: new BffError('backend_error', 'The backend answered the login without usable tokens.') };
    }
    return { ok: false, error: loginError(reply) };
  },

  refresh: (refreshToken) => jsonPost(paths.refresh, { refresh_token: refreshToken }),

  parseRefresh(reply) {
    if (isSuccess(reply)) {
      const grant = grantFrom(reply.json);
      return grant ? { ok: true, grant } : { ok: false, kind: 'transient', reason: 'malformed_refresh_response' };
    }
    // Only the API's own JSON answer is definitive: an HTML 401/403 comes from a WAF, CDN or proxy in front of it.
    if ((reply.status === 400 || reply.status === 401 || reply.status === 403) && isObject(reply.json)) {
      return { ok: false, kind: 'rejected', reason: `status_${reply.status}` };
    }
    return { ok: false, kind: 'transient', reason: `status_${reply.status}` };
  },

  logout: ({ accessToken, refreshToken }) =>
    paths.logout ? jsonPost(paths.logout, { refresh_token: refreshToken }, { authorization: `Bearer ${accessToken}` }) : null,
});

function grantFrom(json: unknown): TokenGrant | undefined {
  const data = isObject(json) && isObject(json.data) ? json.data : undefined;
  if (!data || typeof data.token !== 'string' || !data.token) return undefined;
  return {
    accessToken: data.token,
    refreshToken: typeof data.refresh_token === 'string' && data.refresh_token ? data.refresh_token : undefined,
    accessExpiresAt: epochMsFrom(data.token_expires_at),
    refreshExpiresAt: epochMsFrom(data.refresh_token_expires_at),
    user: userFrom(data.user),
  };
}

function loginError(reply: BackendReply): BffError {
  const message = messageOf(reply.json);
  const fields = fieldErrors(isObject(reply.json) ? (reply.json.data ?? reply.json.errors) : undefined);
  return loginErrorFor(reply.status, message, fields);
}
