import { BffError } from '../../errors';
import type { UserSummary } from '../../session/types';
import { epochMsFrom } from '../expiry';
import type { BackendAdapter, BackendReply, LoginResult, RefreshReply, TokenGrant } from '../types';
import { fieldErrors, isObject, messageOf, userFrom } from './read-json';

/**
 * The contract of the article this project grew from (and of the bundled example backend):
 * `POST /auth/login` → `{ data: { token, token_expires_at, refresh_token, refresh_token_expires_at, user } }`,
 * 422 with field errors under `data`.
 */
export const envelope: BackendAdapter = {
  name: 'envelope',

  login: ({ email, password }) => ({
    path: '/auth/login',
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  }),

  parseLogin(reply: BackendReply): LoginResult {
    if (reply.status >= 200 && reply.status < 300) {
      const grant = grantFrom(reply.json);
      if (grant) return { ok: true, grant };
      return { ok: false, error: new BffError('backend_error', 'The backend answered the login without usable tokens.') };
    }
    return { ok: false, error: loginError(reply) };
  },

  refresh: (refreshToken) => ({
    path: '/auth/refresh',
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ refresh_token: refreshToken }),
  }),

  parseRefresh(reply: BackendReply): RefreshReply {
    if (reply.status >= 200 && reply.status < 300) {
      const grant = grantFrom(reply.json);
      return grant ? { ok: true, grant } : { ok: false, kind: 'transient', reason: 'malformed_refresh_response' };
    }
    if (reply.status === 400 || reply.status === 401 || reply.status === 403) {
      return { ok: false, kind: 'rejected', reason: `status_${reply.status}` };
    }
    return { ok: false, kind: 'transient', reason: `status_${reply.status}` };
  },

  logout: ({ accessToken, refreshToken }) => ({
    path: '/auth/logout',
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
    body: JSON.stringify({ refresh_token: refreshToken }),
  }),
};

function grantFrom(json: unknown): TokenGrant | undefined {
  const data = isObject(json) && isObject(json.data) ? json.data : undefined;
  if (!data || typeof data.token !== 'string' || !data.token) return undefined;
  const user: UserSummary | undefined = userFrom(data.user);
  return {
    accessToken: data.token,
    refreshToken: typeof data.refresh_token === 'string' && data.refresh_token ? data.refresh_token : undefined,
    accessExpiresAt: epochMsFrom(data.token_expires_at),
    refreshExpiresAt: epochMsFrom(data.refresh_token_expires_at),
    user,
  };
}

function loginError(reply: BackendReply): BffError {
  const message = messageOf(reply.json);
  const fields = fieldErrors(isObject(reply.json) ? (reply.json.data ?? reply.json.errors) : undefined);
  if (reply.status === 422) {
    return new BffError('validation_failed', message ?? 'Please check the form.', { status: 422, fields });
  }
  if (reply.status === 401 || reply.status === 403) {
    return new BffError('invalid_credentials', message ?? 'Invalid email or password.', { status: reply.status, fields });
  }
  if (reply.status >= 500) {
    return new BffError('backend_error', 'The backend failed to process the login. Try again shortly.');
  }
  return new BffError('backend_rejected', message ?? 'The backend refused the login.', { status: reply.status, fields });
}
